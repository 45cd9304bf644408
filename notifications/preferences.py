"""A customer's choices of what they are told, and where (My account → Messages → Settings).

For every kind of customer message a domain registers (core.registry.NotificationKind), one switch
per channel of that kind the customer could receive it on (the channel has an address for them).
The inbox of a transactional message is always on: it is how the customer learns about their own
points, orders and coupons; `services.wants` ignores a switch there, and `set_preferences` never
writes one. Marketing messages can be switched off on every channel, and go only to customers who
agreed to news and offers (their profile).
"""

import logging
from dataclasses import dataclass

from django.db import transaction

from core import registry
from notifications.channels import CHANNELS
from notifications.models import CHANNELS as CHANNEL_LABELS
from notifications.models import Preference
from notifications.recipients import profile_of

logger = logging.getLogger(__name__)

CHANNEL_NAMES = dict(CHANNEL_LABELS)


@dataclass(frozen=True)
class Switch:
    """One checkbox: `kind` on `channel`, on or off; `always` when it cannot be switched off."""

    kind: str
    channel: str
    label: str
    on: bool
    always: bool

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.channel}"


@dataclass(frozen=True)
class KindChoices:
    kind: registry.NotificationKind
    switches: list[Switch]


def customer_kinds() -> list[registry.NotificationKind]:
    """The kinds customers are told about: transactional first, then marketing, each by label."""
    kinds = [kind for kind in registry.notification_kinds().values() if kind.audience == "customer"]
    return sorted(kinds, key=lambda kind: (kind.marketing, str(kind.label)))


def always_sent(kind: registry.NotificationKind, channel: str) -> bool:
    return not kind.marketing and channel == "inbox"


def choices_for(user, profile=None) -> list[KindChoices]:
    """Every customer kind with a switch per channel this customer could receive it on (kinds with
    none are left out), each as they set it, else on (the default)."""
    profile = profile if profile is not None else profile_of(user)
    saved = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    reachable = {
        name: bool(channel.address(user, profile)) for name, channel in CHANNELS.items()
    }  # once per channel, not per kind (some channels read the brand's settings)
    found = []
    for kind in customer_kinds():
        switches = [
            Switch(
                kind=kind.key,
                channel=channel,
                label=str(CHANNEL_NAMES.get(channel, channel)),
                on=True if always_sent(kind, channel) else saved.get((kind.key, channel), True),
                always=always_sent(kind, channel),
            )
            for channel in kind.channels
            if reachable.get(channel)
        ]
        if switches:
            found.append(KindChoices(kind, switches))
    return found


@transaction.atomic
def set_preferences(user, choices: dict[tuple[str, str], bool], *, acting_user) -> int:
    """Save `user`'s switches: `{(kind, channel): on}`. Only customer kinds and their own channels
    are written; the inbox of a transactional kind is never switched off, whatever was sent.
    Returns how many switches were saved."""
    kinds = registry.notification_kinds()
    rows = []
    for (kind_key, channel), on in sorted(choices.items()):
        kind = kinds.get(kind_key)
        if kind is None or kind.audience != "customer" or channel not in kind.channels:
            continue
        if always_sent(kind, channel):
            continue
        rows.append(Preference(user=user, kind=kind_key, channel=channel, enabled=bool(on)))
    Preference.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["user", "kind", "channel"],
        update_fields=["enabled"],
    )
    logger.info("Message choices of user %s saved by %s (%s switches)", user.pk, acting_user, len(rows))
    return len(rows)
