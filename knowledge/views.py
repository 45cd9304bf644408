"""The search page and the help centre's small customer actions: suggestions while typing, result
clicks, "Was this helpful?", article reads and the question form."""

import uuid

from django import forms
from django.core.cache import cache
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.lockout import client_ip
from core import registry
from knowledge import search as portal_search
from knowledge import services
from knowledge.forms import QuestionForm
from knowledge.models import ArticlePage

RESULTS_PER_PAGE = 10
QUESTIONS_PER_HOUR = 5  # from one customer or address: more is someone filling the staff's inbox
SUGGESTIONS = 6
VISITOR_COOKIE = "portal_visitor"


def _locale_id():
    """The visitor's language's Wagtail locale (its pages are the ones searched)."""
    return portal_search.locale_id_for(get_language())


def _page_number(value) -> int:
    try:
        return min(max(int(value), 1), 100)
    except (TypeError, ValueError):
        return 1


@require_GET
def search_page(request):
    """/search/?q=...&type=articles&category=12&page=2: results grouped by type, or one type's
    results page by page. The first page of each new search is logged for the analytics."""
    query = portal_search.clean_query(request.GET.get("q"))
    types = registry.search_types()
    chosen = request.GET.get("type", "")
    chosen = chosen if chosen in types else ""
    page = _page_number(request.GET.get("page"))
    narrow = request.GET.get("category", "")[:20] if chosen else ""
    results = portal_search.search(
        query,
        user=request.user,
        locale_id=_locale_id(),
        types=[chosen] if chosen else None,
        narrow=narrow,
        first=RESULTS_PER_PAGE if chosen else portal_search.SUMMARY_HITS,
        after=(page - 1) * RESULTS_PER_PAGE if chosen else 0,
    )
    if query and page == 1 and not narrow:
        results.log_token = services.log_search(results, language=get_language())
    group = results.groups[0] if chosen and results.groups else None
    context = {
        "query": query,
        "results": results,
        "types": [(key, search_type.label) for key, search_type in types.items()],
        "chosen": chosen,
        "narrow": narrow,
        "page_number": page,
        "has_next": bool(group and group.total > page * RESULTS_PER_PAGE),
        "no_words": bool(request.GET.get("q", "").strip()) and not results.groups,
    }
    return render(request, "knowledge/search.html", context)


@require_GET
def suggest(request):
    """Titles matching what the customer is typing (articles first), as JSON. With `visit` (a
    question form's visit key) the visit is marked as shown suggestions."""
    query = portal_search.clean_query(request.GET.get("q"))
    types = request.GET.get("types")
    results = portal_search.search(
        query,
        user=request.user,
        locale_id=_locale_id(),
        types=types.split(",")[:10] if types else None,
        first=SUGGESTIONS,
    )
    suggestions = [
        {"title": result.title, "url": result.url, "type": group.label, "snippet": str(result.snippet)}
        for group in results.groups
        for result in group.results
    ][:SUGGESTIONS]
    visit = _visit_key(request.GET.get("visit"))
    if visit is not None and suggestions:
        services.form_visit_suggested(visit)
    response = JsonResponse({"query": results.query, "suggestions": suggestions})
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
def result_click(request):
    """A result opened from the search page or a question form's suggestions: recorded, then the
    visitor goes there. Only addresses on this site are followed."""
    target = request.GET.get("to", "")
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=False
    ):
        return HttpResponseBadRequest(_("That link does not lead to a page of this site."))
    if request.GET.get("log"):
        services.record_click(request.GET["log"], target)
    visit = _visit_key(request.GET.get("visit"))
    if visit is not None:
        services.form_visit_opened_article(visit)
    return HttpResponseRedirect(target)


def _visit_key(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _same_site(request) -> bool:
    """A POST from this site's own pages (the browser says so). The help centre's small forms sit on
    cached pages without a CSRF token; these headers refuse a post another site makes a visitor send."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin:
        return url_has_allowed_host_and_scheme(
            origin, allowed_hosts={request.get_host()}, require_https=False
        )
    return True


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda value: value == "yes"
    )
    comment = forms.CharField(required=False, max_length=1000)


@csrf_exempt
@require_POST
def vote(request, article_id: int):
    """ "Was this helpful?": one answer per visitor and article (a logged-in customer's account, or
    a random visitor id kept in a cookie)."""
    article = get_object_or_404(ArticlePage.objects.live(), pk=article_id)
    form = VoteForm(request.POST)
    if not _same_site(request) or not article.readable_by(request.user) or not form.is_valid():
        return JsonResponse({"error": str(_("Your answer could not be recorded."))}, status=400)
    visitor_id = request.COOKIES.get(VISITOR_COOKIE, "")
    if request.user.is_authenticated:
        visitor = services.user_visitor(request.user)
    else:
        visitor_id = visitor_id if _visit_key(visitor_id) else str(uuid.uuid4())
        visitor = f"visitor:{visitor_id}"
    services.vote_helpful(
        article, visitor=visitor, helpful=form.cleaned_data["helpful"], comment=form.cleaned_data["comment"]
    )
    if request.headers.get("Accept", "").startswith("application/json"):
        response = JsonResponse({"recorded": True})
    else:
        response = HttpResponseRedirect(f"{article.url}?thanks=1#helpful")
    if not request.user.is_authenticated:
        response.set_cookie(
            VISITOR_COOKIE,
            visitor_id,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@csrf_exempt
@require_POST
def article_read(request, article_id: int):
    """Counts a read (sent by the article page's script, so cached pages count too)."""
    if _same_site(request) and ArticlePage.objects.live().filter(pk=article_id).exists():
        services.record_view(article_id)
    return JsonResponse({}, status=202)


@require_POST
def ask(request):
    """The question form (knowledge.blocks.QuestionFormBlock) posts here; staff are told."""
    form = QuestionForm(request.POST, user=request.user)
    back = form.data.get("next", "")
    if not (
        back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = "/"
    if not form.is_valid():
        return render(request, "knowledge/question_form_page.html", {"form": form, "back": back}, status=400)
    sender = f"knowledge-questions:{request.user.pk if request.user.is_authenticated else client_ip(request)}"
    if cache.get(sender, 0) >= QUESTIONS_PER_HOUR:
        form.add_error(
            None, _("You have sent several questions in the last hour. Please wait a while, or call us.")
        )
        return render(request, "knowledge/question_form_page.html", {"form": form, "back": back}, status=429)
    services.ask_question(
        message=form.cleaned_data["message"],
        user=request.user,
        name=form.cleaned_data.get("name", ""),
        email=form.cleaned_data.get("email", ""),
        page_url=back,
        visit=form.cleaned_data["visit"],
    )
    # Per sender (account, else address) and tenant (cache keys carry the schema), for an hour.
    cache.add(sender, 0, timeout=3600)
    cache.incr(sender)
    return render(request, "knowledge/question_sent.html", {"back": back})
