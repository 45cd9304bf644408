"""Pagers for the referral dashboard: several lists on one page, each with its own page number."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, param: str, number, anchor: str = "") -> str:
    """`?customers=2#referred-customers`: this list's page changes, the other lists keep theirs."""
    params = context["request"].GET.copy()
    params[param] = number
    return f"?{params.urlencode()}{'#' + anchor if anchor else ''}"
