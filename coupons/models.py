"""Coupon templates and issued coupons (see services.py)."""
