"""What customers and staff are told about requests and appointments (registered in
service/wagtail_hooks.py). Customers without an account get the customer messages by e-mail
(service.guest_mail), with the request's follow link."""

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _

from core.language import tenant_time_zone
from core.registry import NotificationKind
from service.models import Appointment, Team, Ticket

WORK_TICKET = "service.work_ticket"
TICKET_SAMPLE = {
    "number": "#1042",
    "subject": "The zip on my jacket broke",
    "type": "Repair",
    "message": "Could you send a photo of the zip?",
    "target": "response",
    "reason": "Second complaint this month",
    "ticket": 1042,
}
APPOINTMENT_SAMPLE = {
    "service": "Bike fitting",
    "starts": "2030-05-01 14:00",
    "location": "Jing'an store",
    "provider": "Li Wei",
    "code": "K7QM2X9PRT",
    "reason": "",
}


def ticket_context(ticket: Ticket, event) -> dict:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "type": ticket.request_type.name,
        "message": event.data.get("message", ""),
        "target": event.data.get("target", ""),
        "reason": event.data.get("reason", ""),
        "ticket": ticket.pk,
    }


def _ticket(event) -> Ticket | None:
    return (
        Ticket.objects.select_related("user", "request_type", "assignee")
        .filter(pk=event.data["ticket"])
        .first()
    )


def _customer(event) -> list:
    ticket = _ticket(event)
    if ticket is None or ticket.user is None or not ticket.user.is_active:
        return []
    return [(ticket.user, ticket_context(ticket, event))]


def _workers(ticket: Ticket, *, assignee_first: bool) -> list:
    """Who at the brand hears about a ticket: its assignee (when `assignee_first` and there is one),
    else its team's staff, else everyone who may work requests."""
    if assignee_first and ticket.assignee_id and ticket.assignee.is_active:
        return [ticket.assignee]
    if ticket.team_id:
        team = list(Team.objects.get(pk=ticket.team_id).members.filter(is_active=True).order_by("pk"))
        if team:
            return team
    return list(ModelBackend().with_perm(WORK_TICKET, is_active=True, include_superusers=True).order_by("pk"))


def _staff(assignee_first: bool):
    def recipients(event) -> list:
        ticket = _ticket(event)
        if ticket is None:
            return []
        context = ticket_context(ticket, event)
        return [(user, context) for user in _workers(ticket, assignee_first=assignee_first)]

    return recipients


def _escalation_staff(event) -> list:
    """The type's escalation team (escalate_ticket moved the ticket to it), else everyone who may
    work requests: not the team that had it, which is who it is escalated past."""
    ticket = _ticket(event)
    if ticket is None:
        return []
    context = ticket_context(ticket, event)
    if ticket.request_type.escalation_team_id:
        return [(user, context) for user in _workers(ticket, assignee_first=False)]
    staff = ModelBackend().with_perm(WORK_TICKET, is_active=True, include_superusers=True)
    return [(user, context) for user in staff.order_by("pk")]


def _assignee(event) -> list:
    ticket = _ticket(event)
    user = get_user_model().objects.filter(pk=event.data.get("assignee"), is_active=True).first()
    if ticket is None or user is None:
        return []
    return [(user, ticket_context(ticket, event))]


def appointment_context(appointment: Appointment, event) -> dict:
    zone = zoneinfo.ZoneInfo(appointment.provider.location.time_zone or tenant_time_zone())
    starts = dt.datetime.fromisoformat(event.data["starts_at"]).astimezone(zone)
    return {
        "service": event.data["service"],
        "starts": starts.strftime("%Y-%m-%d %H:%M"),
        "location": event.data["location"],
        "provider": event.data["provider"],
        "code": event.data["code"],
        "reason": event.data.get("reason", ""),
    }


def _booker(event) -> list:
    appointment = (
        Appointment.objects.select_related("user", "provider__location")
        .filter(pk=event.data["appointment"])
        .first()
    )
    if appointment is None or appointment.user is None or not appointment.user.is_active:
        return []
    return [(appointment.user, appointment_context(appointment, event))]


def _customer_kind(key, label, title, body, url="/account/requests/{{ ticket }}/") -> NotificationKind:
    return NotificationKind(
        key=key,
        label=label,
        event=key,
        recipients=_customer,
        url=url,
        sample=TICKET_SAMPLE,
        title=title,
        body=body,
    )


def _staff_kind(key, label, event, recipients, title, body) -> NotificationKind:
    return NotificationKind(
        key=key,
        label=label,
        event=event,
        recipients=recipients,
        audience="staff",
        channels=("inbox", "email"),
        url="/admin/service/tickets/{{ ticket }}/",
        sample=TICKET_SAMPLE,
        title=title,
        body=body,
    )


def _booking_kind(key, label, title, body, url="/account/appointments/{{ code }}/") -> NotificationKind:
    return NotificationKind(
        key=key,
        label=label,
        event=key,
        recipients=_booker,
        url=url,
        sample=APPOINTMENT_SAMPLE,
        title=title,
        body=body,
    )


NOTIFICATION_KINDS = [
    _customer_kind(
        "ticket.created",
        _("Request received"),
        {"en": "We received your request {{ number }}", "zh-hans": "我们已收到您的请求 {{ number }}"},
        {
            "en": "“{{ subject }}”: we will answer you here as soon as we can.",
            "zh-hans": "“{{ subject }}”：我们会尽快在这里答复您。",
        },
    ),
    _customer_kind(
        "ticket.replied",
        _("Reply to a request"),
        {"en": "New reply to your request {{ number }}", "zh-hans": "您的请求 {{ number }} 有新回复"},
        {"en": "{{ message }}", "zh-hans": "{{ message }}"},
    ),
    _customer_kind(
        "ticket.resolved",
        _("Request resolved"),
        {"en": "Request {{ number }} is resolved", "zh-hans": "请求 {{ number }} 已解决"},
        {
            "en": "“{{ subject }}” is resolved. How did we do? Rate our help in one tap; reply if you still need us.",
            "zh-hans": "“{{ subject }}”已解决。我们做得怎么样？一键评价；如仍需帮助，直接回复即可。",
        },
    ),
    _staff_kind(
        "staff.ticket_new",
        _("New request (staff)"),
        "ticket.created",
        _staff(assignee_first=False),
        {"en": "New request {{ number }}: {{ type }}", "zh-hans": "新请求 {{ number }}：{{ type }}"},
        {"en": "{{ subject }}", "zh-hans": "{{ subject }}"},
    ),
    _staff_kind(
        "staff.ticket_customer_replied",
        _("Customer replied to a request (staff)"),
        "ticket.customer_replied",
        _staff(assignee_first=True),
        {"en": "The customer replied on {{ number }}", "zh-hans": "顾客回复了请求 {{ number }}"},
        {"en": "{{ message }}", "zh-hans": "{{ message }}"},
    ),
    _staff_kind(
        "staff.ticket_assigned",
        _("Request assigned to you (staff)"),
        "ticket.assigned",
        _assignee,
        {"en": "{{ number }} is yours", "zh-hans": "请求 {{ number }} 已分配给您"},
        {"en": "{{ type }}: {{ subject }}", "zh-hans": "{{ type }}：{{ subject }}"},
    ),
    _staff_kind(
        "staff.ticket_overdue",
        _("Request overdue (staff)"),
        "ticket.overdue",
        _staff(assignee_first=False),
        {"en": "Overdue: {{ number }}", "zh-hans": "已超时：{{ number }}"},
        {
            "en": "{% if target == 'response' %}Nobody has answered{% else %}Not resolved{% endif %} in time: “{{ subject }}”.",
            "zh-hans": "{% if target == 'response' %}未按时首次回复{% else %}未按时解决{% endif %}：“{{ subject }}”。",
        },
    ),
    _staff_kind(
        "staff.ticket_escalated",
        _("Request escalated (staff)"),
        "ticket.escalated",
        _escalation_staff,
        {"en": "Escalated: {{ number }}", "zh-hans": "已升级：{{ number }}"},
        {"en": "“{{ subject }}”: {{ reason }}", "zh-hans": "“{{ subject }}”：{{ reason }}"},
    ),
    _booking_kind(
        "appointment.booked",
        _("Booking confirmed"),
        {"en": "Booked: {{ service }} on {{ starts }}", "zh-hans": "预约成功：{{ starts }} {{ service }}"},
        {
            "en": "See you at {{ location }} with {{ provider }}. Booking code {{ code }}.",
            "zh-hans": "届时请到{{ location }}，服务人员：{{ provider }}。预约码 {{ code }}。",
        },
    ),
    _booking_kind(
        "appointment.rescheduled",
        _("Booking moved"),
        {
            "en": "New time: {{ service }} on {{ starts }}",
            "zh-hans": "预约时间已更改：{{ starts }} {{ service }}",
        },
        {
            "en": "Your booking {{ code }} is now on {{ starts }} at {{ location }} with {{ provider }}.",
            "zh-hans": "您的预约 {{ code }} 已改为 {{ starts }}，地点：{{ location }}，服务人员：{{ provider }}。",
        },
    ),
    _booking_kind(
        "appointment.cancelled",
        _("Booking cancelled"),
        {
            "en": "Cancelled: {{ service }} on {{ starts }}",
            "zh-hans": "预约已取消：{{ starts }} {{ service }}",
        },
        {
            "en": "Your booking {{ code }} is cancelled. {{ reason }}",
            "zh-hans": "您的预约 {{ code }} 已取消。{{ reason }}",
        },
    ),
    _booking_kind(
        "appointment.reminder",
        _("Booking reminder"),
        {"en": "Soon: {{ service }} on {{ starts }}", "zh-hans": "预约提醒：{{ starts }} {{ service }}"},
        {
            "en": "We expect you at {{ location }} on {{ starts }}. Booking code {{ code }}.",
            "zh-hans": "请于 {{ starts }} 到{{ location }}，预约码 {{ code }}。",
        },
    ),
    _booking_kind(
        "appointment.completed",
        _("Rate your visit"),
        {"en": "How was {{ service }}?", "zh-hans": "{{ service }}体验如何？"},
        {
            "en": "Thank you for coming. Tell us how it went: it takes a minute.",
            "zh-hans": "感谢光临。花一分钟告诉我们您的体验吧。",
        },
    ),
]
