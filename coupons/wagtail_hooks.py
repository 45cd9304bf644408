"""Coupons in the brand admin: templates and issued coupons, under one "Coupons" menu."""

from wagtail import hooks

from coupons.admin_views import CouponsGroup


@hooks.register("register_admin_viewset")
def register_coupon_viewsets():
    return CouponsGroup()
