"""Customer pages of the shop (being written)."""

from django.http import Http404


def product_list(request, **kwargs):
    raise Http404


def cart(request, **kwargs):
    raise Http404


def add_to_cart(request, **kwargs):
    raise Http404


def checkout(request, **kwargs):
    raise Http404


def pay(request, **kwargs):
    raise Http404


def sandbox_pay(request, **kwargs):
    raise Http404


def sandbox_callback(request, **kwargs):
    raise Http404


def group_buy(request, **kwargs):
    raise Http404


def bargain(request, **kwargs):
    raise Http404


def product(request, **kwargs):
    raise Http404


def order_list(request, **kwargs):
    raise Http404


def order_detail(request, **kwargs):
    raise Http404
