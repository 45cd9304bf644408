"""Referral URLs on tenant hosts (included at the root by config/urls_tenants.py)."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("r/<str:code>/", views.link, name="link"),
    path("account/referral/", views.dashboard, name="dashboard"),
    path("account/referral/join/", views.become_promoter, name="become_promoter"),
    path("account/referral/withdraw/", views.withdraw, name="withdraw"),
    path("account/referral/code/", views.enter_code, name="enter_code"),
    path("account/referral/poster/", views.poster, name="poster"),
]
