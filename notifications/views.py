"""The customer's inbox in My account: /account/notifications/."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.models import Notification


@login_required
def inbox(request):
    return render(
        request,
        "notifications/inbox.html",
        {
            "messages_page": selectors.inbox_page(request.user, request.GET.get("page")),
            "unread": selectors.unread_count(request.user),
        },
    )


@login_required
@require_POST
def open_message(request, notification_id: int):
    """Marks the message read and follows its link (on this portal only), else back to the inbox."""
    notification = Notification.objects.filter(pk=notification_id, recipient=request.user).first()
    if notification is None:
        raise Http404
    services.mark_read(request.user, notification.pk)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(request.user)
    return redirect("notifications:inbox")
