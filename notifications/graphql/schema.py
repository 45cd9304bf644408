"""`viewer { notifications(unreadOnly, first, after) { items { ... } endCursor hasNextPage } unreadCount }`."""

import base64

import graphene

from notifications import selectors

MAX_FIRST = 50


class NotificationType(graphene.ObjectType):
    id = graphene.ID(required=True)
    kind = graphene.String(required=True)
    title = graphene.String(required=True)
    body = graphene.String(required=True)
    url = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    read = graphene.Boolean(required=True)

    def resolve_read(notification, info):
        return notification.read_at is not None


class NotificationPage(graphene.ObjectType):
    items = graphene.List(graphene.NonNull(NotificationType), required=True)
    end_cursor = graphene.String(description="Pass as `after` for the next page")
    has_next_page = graphene.Boolean(required=True)


def cursor_for(notification_id: int) -> str:
    return base64.urlsafe_b64encode(f"notification:{notification_id}".encode()).decode()


def id_from_cursor(cursor: str) -> int | None:
    try:
        kind, _, number = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        return int(number) if kind == "notification" else None
    except (ValueError, UnicodeDecodeError):
        return None


def resolve_notifications(user, info, unread_only=False, first=20, after=None):
    first = max(1, min(first or 20, MAX_FIRST))
    messages = selectors.inbox(user).order_by("-pk")
    if unread_only:
        messages = messages.filter(read_at__isnull=True)
    if after:
        last_id = id_from_cursor(after)
        messages = messages.filter(pk__lt=last_id) if last_id is not None else messages.none()
    page = list(messages[: first + 1])
    items = page[:first]
    return NotificationPage(
        items=items, end_cursor=cursor_for(items[-1].pk) if items else None, has_next_page=len(page) > first
    )


def resolve_unread_count(user, info):
    return selectors.unread_count(user)


VIEWER_FIELDS = {
    "notifications": (
        graphene.Field(
            NotificationPage,
            required=True,
            unread_only=graphene.Boolean(default_value=False),
            first=graphene.Int(default_value=20),
            after=graphene.String(),
        ),
        resolve_notifications,
    ),
    "unread_count": (graphene.Int(required=True), resolve_unread_count),
}
