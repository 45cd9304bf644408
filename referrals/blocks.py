"""Referral blocks for page bodies (filled in below)."""

PORTAL_BLOCKS: list = []
