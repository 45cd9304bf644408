"""The customer's inbox in My account: /account/notifications/, and their choices of what they are
told where: /account/notifications/settings/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.views import customer_login_required
from notifications import preferences, selectors, services
from notifications.models import Notification
from notifications.recipients import profile_of


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


@customer_login_required
def settings_page(request):
    """Which messages the customer gets, and where: a switch per kind and channel
    (notifications.preferences); a POST saves every switch shown."""
    profile = profile_of(request.user)
    kinds = preferences.choices_for(request.user, profile)
    if request.method == "POST":
        ticked = set(request.POST.getlist("on"))
        choices = {
            (switch.kind, switch.channel): switch.name in ticked
            for entry in kinds
            for switch in entry.switches
            if not switch.always
        }
        preferences.set_preferences(request.user, choices, acting_user=request.user)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/preferences.html",
        {
            "kinds": kinds,
            "consented": bool(profile and profile.marketing_consent),
        },
    )
