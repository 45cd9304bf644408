from django.utils.functional import SimpleLazyObject

from builder.selectors import portal_chrome


def portal(request):
    """`portal` in templates on tenant hosts: theme, menu and footer, read only when used."""
    if getattr(request, "tenant", None) is None:
        return {}
    return {"portal": SimpleLazyObject(lambda: portal_chrome(request))}
