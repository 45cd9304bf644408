"""What promoters and staff are told about referrals (registered in referrals/wagtail_hooks.py)."""

NOTIFICATION_KINDS: list = []
