"""Every write of the help centre: the search log and result clicks, question-form visits, votes,
reads, questions."""

import datetime
import uuid

from django.core import signing
from django.db import connection, transaction
from django.utils import timezone

from core import registry
from core.outbox import record_event
from knowledge.models import (
    ArticlePage,
    ArticleView,
    FormVisit,
    HelpfulVote,
    Question,
    SearchLog,
    SearchSource,
)
from notifications.services import notify_staff

QUESTION_PERMISSION = "knowledge.view_question"


def _search_log_signer():
    # The schema is in the salt: a token made on one tenant's site means nothing on another's.
    return signing.Signer(salt=f"knowledge.search-log:{connection.schema_name}")


def log_search(results, *, language: str, source: str = SearchSource.SEARCH) -> str:
    """Record a search (knowledge.search.SearchResults); returns a token that result links carry
    to record the click."""
    log = SearchLog.objects.create(
        query=results.query.lower(), results=results.total, language=language, source=source
    )
    return _search_log_signer().sign(str(log.pk))


def record_click(token: str, url: str) -> bool:
    """The first result opened from a logged search (later ones do not change it)."""
    try:
        pk = int(_search_log_signer().unsign(token))
    except (signing.BadSignature, ValueError):
        return False
    return bool(
        SearchLog.objects.filter(pk=pk, clicked_at__isnull=True).update(
            clicked_url=url[:500], clicked_at=timezone.now()
        )
    )


def form_visit_suggested(key) -> None:
    """A question form's visit was shown suggested articles (once: later suggestions write nothing)."""
    visit, created = FormVisit.objects.get_or_create(key=key, defaults={"suggested": True})
    if not created and not visit.suggested:
        FormVisit.objects.filter(pk=visit.pk).update(suggested=True)


def form_visit_opened_article(key) -> None:
    FormVisit.objects.filter(key=key, article_opened_at__isnull=True).update(article_opened_at=timezone.now())


def user_visitor(user) -> str:
    """How a logged-in customer's "Was this helpful?" answers are kept (visitors without an account:
    "visitor:<random id in a cookie>")."""
    return f"user:{user.pk}"


def vote_helpful(article: ArticlePage, *, visitor: str, helpful: bool, comment: str = "") -> HelpfulVote:
    """One visitor's answer to "Was this helpful?": the first answer counts, answering again
    changes it (and keeps an earlier comment unless a new one is given)."""
    now = timezone.now()
    vote, created = HelpfulVote.objects.get_or_create(
        article=article,
        visitor=visitor,
        defaults={"helpful": helpful, "comment": comment, "created_at": now, "updated_at": now},
    )
    if not created:
        vote.helpful = helpful
        vote.comment = comment or vote.comment
        vote.updated_at = now
        vote.save(update_fields=["helpful", "comment", "updated_at"])
    return vote


def record_view(article_id: int) -> None:
    """One more read of the article today (one statement; concurrent reads all count)."""
    table = ArticleView._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, day, views) VALUES (%s, %s, 1) "
            "ON CONFLICT (article_id, day) DO UPDATE SET views = "
            f"{table}.views + 1",
            [article_id, timezone.localdate()],
        )


@transaction.atomic
def ask_question(
    *, message: str, user=None, name: str = "", email: str = "", page_url: str = "", visit=None
) -> Question:
    """A customer's question for the brand's staff. Recorded as `question.asked`: a domain that
    takes questions in (the service desk makes each a ticket) tells staff itself; without one,
    staff are told here, in their admin inbox."""
    if user is not None and user.is_authenticated:
        name = name or user.get_full_name() or ""
        email = email or user.email
    else:
        user = None
    question = Question.objects.create(user=user, name=name, email=email, message=message, page_url=page_url)
    if visit is not None:
        FormVisit.objects.update_or_create(key=visit, defaults={"message_sent_at": question.created_at})
    record_event(
        "question.asked",
        subject=question,
        data={
            "question": question.pk,
            "user": user.pk if user else None,
            "name": name,
            "email": email,
            "message": message,
            "page_url": page_url,
        },
        idempotency_key=f"question.asked:{question.pk}",
    )
    if registry.event_subscribers("question.asked"):
        return question
    notify_staff(
        "knowledge.question",
        {"name": name or email, "email": email, "message": message, "question_id": question.pk},
        idempotency_key=f"knowledge-question:{question.pk}",
        permission=QUESTION_PERMISSION,
    )
    return question


SEARCH_LOG_DAYS = 400  # a year of analytics, compared with the same month a year earlier


def forget_old_searches(*, today) -> dict:
    """Search log rows and question-form visits older than SEARCH_LOG_DAYS go (a daily job)."""
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time())) - datetime.timedelta(
        days=SEARCH_LOG_DAYS
    )
    searches, _ = SearchLog.objects.filter(searched_at__lt=since).delete()
    visits, _ = FormVisit.objects.filter(started_at__lt=since).delete()
    return {"searches": searches, "form_visits": visits}


def export_customer_help(user) -> dict:
    """A customer's questions and "Was this helpful?" answers, for their data download."""
    return {
        "questions": list(
            Question.objects.filter(user=user).values("created_at", "name", "email", "message", "page_url")
        ),
        "helpful_votes": list(
            HelpfulVote.objects.filter(visitor=user_visitor(user)).values(
                "article__title", "helpful", "comment", "created_at"
            )
        ),
    }


@transaction.atomic
def erase_customer_help(user) -> None:
    """Questions lose who asked them (the brand keeps the words it answered); votes are kept as
    anonymous answers, their comments removed."""
    Question.objects.filter(user=user).update(user=None, name="", email="")
    HelpfulVote.objects.filter(visitor=user_visitor(user)).update(
        visitor=f"erased:{uuid.uuid4()}", comment=""
    )
