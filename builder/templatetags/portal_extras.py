"""What the domains add at the end of every portal page (core.registry's `portal_page_extras`):
a floating service button, say, without templates/base.html naming the domain."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from builder.fragments import cached
from core import registry

register = template.Library()


def render_page_extras(request) -> str:
    """Every registered extra's HTML, in order; the ones whose context is None are left out."""
    parts = []
    for extra in registry.page_extras():
        context = extra.context(request)
        if context is not None:
            parts.append(render_to_string(extra.template, context))
    return "".join(parts)


@register.simple_tag(takes_context=True)
def page_extras(context) -> str:
    """{% page_extras %}: built once per tenant, language and cache generation (the same for every
    visitor, like the chrome), so a page view costs no query for it."""
    request = context.get("request")
    if request is None or getattr(request, "tenant", None) is None:
        return ""
    html = cached(request, f"page-extras:{get_language()}", lambda: render_page_extras(request))
    return mark_safe(html)  # noqa: S308 - rendered from the domains' templates
