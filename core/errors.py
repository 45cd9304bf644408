"""The base of every refusal a service raises: the message is meant for the person who asked."""


class PortalError(Exception):
    """Bad input or a refused operation. Views show `str(error)`; nothing was changed."""
