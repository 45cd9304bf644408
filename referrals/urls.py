"""Referral URLs on tenant hosts (included at the root by config/urls_tenants.py)."""

app_name = "referrals"

urlpatterns: list = []
