"""Member URLs, included under /account/coupons/ on tenant hosts (config/urls_tenants.py)."""

from django.urls import path

from coupons import views

app_name = "coupons"

urlpatterns = [
    path("claim/<int:template_id>/", views.claim, name="claim"),
]
