"""GraphQL for referrals: `viewer { referral { ... } }` (filled in below)."""

VIEWER_FIELDS: dict = {}
