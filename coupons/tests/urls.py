"""The tenant URLs with the coupon URLs included, as config/urls_tenants.py will include them."""

from django.urls import include, path

from config.urls_tenants import urlpatterns as tenant_urlpatterns

urlpatterns = [path("account/coupons/", include("coupons.urls")), *tenant_urlpatterns]
