"""The referral programme in the Wagtail admin (filled in below)."""
