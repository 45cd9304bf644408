"""A customer on a phone starts typing a question, is offered the article that answers it, reads it,
and then searches the whole portal from the header."""

import re

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.django_db  # see test_admin_builds_page.py: makes the test database exist


@pytest.fixture(scope="module")
def help_centre(live_tenant, django_db_blocker):
    """A help centre with an article, and the question form on the contact page (committed, so the
    server thread sees them; they go with the tenant's schema)."""
    from django_tenants.utils import schema_context

    from builder.models import HomePage, StandardPage
    from knowledge.tests.factories import add_article, add_category, add_help_centre, publish

    with django_db_blocker.unblock(), schema_context(live_tenant.provisioned.tenant.schema_name):
        home = HomePage.objects.get(slug="home")
        points = add_category(add_help_centre(home), "Points", slug="points")
        add_article(
            points, "How points work", "Every yuan earns one point; 100 points take ¥1 off.", slug="rules"
        )
        contact = StandardPage.objects.child_of(home).get(slug="contact")
        contact.body.append(("question_form", {"heading": "Ask us", "intro": ""}))
        publish(contact)
    return live_tenant


def test_a_customer_is_offered_the_answer_while_typing_and_searches_the_portal(
    browser, help_centre, artifacts_dir, django_db_blocker
):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(help_centre.url + "/contact/")
        question = page.get_by_label("Your question")
        question.press_sequentially("how do points work", delay=30)
        suggestion = page.locator(".suggestions a", has_text="How points work")
        expect(suggestion).to_be_visible()
        page.screenshot(path=str(artifacts_dir / "question-form-suggestion.png"), full_page=True)
        suggestion.click()
        page.wait_for_url(re.compile(r".*/support/points/rules/$"))
        expect(page.locator("h1")).to_have_text("How points work")

        page.locator(".header-search").click()
        page.wait_for_url(re.compile(r".*/search/$"))
        page.get_by_role("searchbox").fill("yuan")
        page.get_by_role("searchbox").press("Enter")
        expect(page.locator(".search-result h3")).to_have_text(["How points work"])
        expect(page.locator(".search-result mark").first).to_have_text("yuan")
        page.screenshot(path=str(artifacts_dir / "search-results.png"), full_page=True)
    finally:
        context.close()

    from django_tenants.utils import schema_context

    from knowledge.models import FormVisit, SearchLog

    with django_db_blocker.unblock(), schema_context(help_centre.provisioned.tenant.schema_name):
        visit = FormVisit.objects.get()
        assert (visit.suggested, visit.article_opened_at is not None, visit.message_sent_at) == (
            True,
            True,
            None,
        )
        assert list(SearchLog.objects.values_list("query", "results")) == [("yuan", 1)]
