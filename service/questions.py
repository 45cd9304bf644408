"""Questions from the help centre's question form become requests: one queue for every channel.
An outbox subscriber of knowledge's `question.asked` (knowledge then leaves telling staff to the
ticket's own alert)."""

from django.contrib.auth import get_user_model
from django.utils.text import Truncator

from notifications.services import notify_staff
from service import services
from service.models import RequestType, ServiceEntrySettings


def question_type() -> RequestType | None:
    """The form "Ask a question" opens, else the brand's first active question type."""
    chosen = ServiceEntrySettings.load().question_type
    if chosen is not None and chosen.is_active:
        return chosen
    return (
        RequestType.objects.filter(kind=RequestType.Kind.QUESTION, is_active=True)
        .order_by("sort_order", "pk")
        .first()
    )


def ticket_from_question(event) -> None:
    data = event.data
    request_type = question_type()
    if request_type is None:  # the brand has no question form: staff hear of it as before
        _tell_staff(data)
        return
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first() if data["user"] else None
    message = data["message"]
    try:
        services.submit_request(
            request_type,
            subject=Truncator(" ".join(message.split())).chars(80),
            message=message,
            user=user,
            name=data["name"],
            email=data["email"],
            idempotency_key=f"question:{data['question']}",
        )
    except services.TicketError:  # e.g. the account is gone and there is no e-mail: staff still hear of it
        _tell_staff(data)


def _tell_staff(data) -> None:
    notify_staff(
        "knowledge.question",
        {
            "name": data["name"] or data["email"],
            "email": data["email"],
            "message": data["message"],
            "question_id": data["question"],
        },
        idempotency_key=f"knowledge-question:{data['question']}",
        permission="knowledge.view_question",
    )
