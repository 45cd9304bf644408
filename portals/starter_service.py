"""What a starter portal sets up in the service desk, so that its "Ask us", "My requests" and "Book a
visit" entrances lead somewhere that works on the first day: request types with their forms and
service level targets, and (service-desk) a location, a bookable consultation and the service entry.
Everything is written in the brand's language and is the brand's to edit (Service in the admin)."""

import datetime as dt

from service.models import (
    BookableService,
    Location,
    OpeningHours,
    Provider,
    RequestField,
    RequestType,
    ServiceEntrySettings,
    SlaTarget,
    Team,
)

SERVICE_URL = "/service/"  # the service entry page: channels and request forms
MY_REQUESTS = "/account/requests/"
BOOK = "/book/"
MY_APPOINTMENTS = "/account/appointments/"

SERVICE_WORDS = {
    "en": {
        "team": "Customer service",
        "question": "Ask a question",
        "question_intro": "We answer within a working day.",
        "complaint": "Make a complaint",
        "complaint_intro": "Tell us what went wrong: a manager reads every complaint.",
        "repair": "Request a repair",
        "repair_intro": "Describe the problem and when we can come.",
        "when": "When did it happen?",
        "order": "Your order",
        "photos": "Photos",
        "photos_help": "Up to 5 photos, 10 MB each.",
        "address": "Address",
        "preferred_date": "Preferred date",
        "consultation": "Consultation",
        "consultation_summary": "Half an hour with one of our advisers, in person.",
        "adviser": "Service adviser",
        "aspects": "Friendliness, Expertise, Punctuality",
    },
    "zh-hans": {
        "team": "客户服务",
        "question": "咨询问题",
        "question_intro": "我们会在一个工作日内答复。",
        "complaint": "投诉与建议",
        "complaint_intro": "告诉我们哪里做得不好，每一条投诉都有主管跟进。",
        "repair": "报修",
        "repair_intro": "描述问题，并告诉我们方便上门的时间。",
        "when": "发生时间",
        "order": "相关订单",
        "photos": "照片",
        "photos_help": "最多 5 张，每张不超过 10 MB。",
        "address": "地址",
        "preferred_date": "希望上门日期",
        "consultation": "到店咨询",
        "consultation_summary": "与我们的顾问面对面交流半小时。",
        "adviser": "服务顾问",
        "aspects": "服务态度, 专业程度, 准时",
    },
}

# Hours to first answer and to a solution, per priority.
SLA_HOURS = {"low": (24, 168), "normal": (8, 72), "high": (2, 24), "urgent": (1, 8)}


def _request_type(words, slug, kind, order, fields, *, team, escalation_team=None) -> RequestType:
    request_type = RequestType.objects.create(
        name=words[slug],
        slug=slug,
        kind=kind,
        intro=words[f"{slug}_intro"],
        sort_order=order,
        team=team,
        escalation_team=escalation_team,
    )
    for index, (label, field_kind, required, help_text) in enumerate(fields):
        RequestField.objects.create(
            request_type=request_type,
            sort_order=index,
            label=label,
            kind=field_kind,
            required=required,
            help_text=help_text,
        )
    for index, (priority, (first, resolution)) in enumerate(SLA_HOURS.items()):
        SlaTarget.objects.create(
            request_type=request_type,
            sort_order=index,
            priority=priority,
            first_response_hours=first,
            resolution_hours=resolution,
        )
    return request_type


def set_up_service_desk(brand, *, with_bookings: bool) -> None:
    """Request types (question, complaint, and a repair form for service businesses or a complaint
    about an order for shops), the service entry, and with `with_bookings` a location open on
    weekdays with a free 30-minute consultation."""
    words = brand.words(SERVICE_WORDS)
    team = Team.objects.create(name=words["team"])
    photos = (words["photos"], RequestField.Kind.FILE, False, words["photos_help"])
    question = _request_type(words, "question", RequestType.Kind.QUESTION, 0, [], team=team)
    complaint_fields = [(words["when"], RequestField.Kind.DATE, False, ""), photos]
    if not with_bookings:  # a shop's complaints are mostly about an order
        complaint_fields.insert(0, (words["order"], RequestField.Kind.ORDER, False, ""))
    _request_type(words, "complaint", RequestType.Kind.COMPLAINT, 1, complaint_fields, team=team)
    entry = ServiceEntrySettings.load()
    entry.phone = brand.contact_phone
    entry.email = brand.contact_email
    entry.question_type = question
    entry.floating_button = True
    if with_bookings:
        _request_type(
            words,
            "repair",
            RequestType.Kind.REPAIR,
            2,
            [
                (words["address"], RequestField.Kind.TEXT, True, ""),
                (words["preferred_date"], RequestField.Kind.DATE, False, ""),
                photos,
            ],
            team=team,
        )
        location = Location.objects.create(name=brand.name)
        for weekday in range(5):
            OpeningHours.objects.create(
                location=location, sort_order=weekday, weekday=weekday, opens=dt.time(9), closes=dt.time(18)
            )
        provider = Provider.objects.create(name=words["adviser"], location=location)
        consultation = BookableService.objects.create(
            name=words["consultation"],
            slug="consultation",
            summary=words["consultation_summary"],
            duration_minutes=30,
            slot_step_minutes=30,
            evaluation_aspects=words["aspects"],
        )
        consultation.providers.set([provider])
        consultation.save()
        entry.hours_location = location
    entry.save()
