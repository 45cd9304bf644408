"""Reads of a person's inbox."""

from django.core.paginator import Paginator

from notifications.models import Notification

PAGE_SIZE = 20


def inbox(user):
    return Notification.objects.filter(recipient=user, in_inbox=True).only(
        "pk", "kind", "title", "body", "url", "created_at", "read_at"
    )


def inbox_page(user, page_number):
    return Paginator(inbox(user), PAGE_SIZE).get_page(page_number)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, in_inbox=True, read_at__isnull=True).count()
