from django.utils.functional import SimpleLazyObject

from notifications import selectors


def inbox(request):
    """`inbox_unread` in portal templates for a logged-in visitor: the header's badge (one count
    query, only when a template reads it)."""
    user = getattr(request, "user", None)
    if getattr(request, "tenant", None) is None or user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: selectors.unread_count(user))}
