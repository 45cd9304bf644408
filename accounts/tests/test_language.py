"""The visitor's language: a switcher in every page's header, remembered in a cookie; after log-in,
and after saving the profile, the language on the customer's profile."""

from django.test import Client

from accounts import services
from accounts.tests.factories import PASSWORD, customer
from accounts.tests.portal import log_in

SKIP_LINK = {"en": ">Skip to content</a>", "zh-hans": ">跳到正文</a>"}


def language_of(html: str) -> str:
    return next(code for code, marker in SKIP_LINK.items() if marker in html)


def test_the_header_offers_the_other_language_and_remembers_the_choice(make_tenant, client):
    make_tenant("lumen", default_language="zh-hans")
    home = client.get("/", HTTP_HOST="lumen.localhost").content.decode()
    assert language_of(home) == "zh-hans"
    # The switch leads to the same page in English (the home page's English version).
    assert '<a href="/language/en/?next=/en/" hreflang="en" lang="en">English</a>' in home
    assert 'lang="zh-hans">简体中文</a>' not in home  # the current language is not offered

    response = client.get("/language/en/", {"next": "/en/help/"}, HTTP_HOST="lumen.localhost")
    assert (response.status_code, response["Location"]) == (302, "/en/help/")
    assert response.cookies["django_language"].value == "en"
    help_page = client.get("/en/help/", HTTP_HOST="lumen.localhost").content.decode()
    assert language_of(help_page) == "en"
    assert (
        '<a href="/language/zh-hans/?next=/help/" hreflang="zh-hans" lang="zh-hans">简体中文</a>' in help_page
    )


def test_switching_never_leaves_the_portal_and_ignores_unknown_languages(make_tenant, client):
    make_tenant("lumen")
    for next_url in (
        "https://other-brand.example/",
        "//other-brand.example/x",
        "http://lumen.localhost.evil/",
    ):
        response = client.get("/language/en/", {"next": next_url}, HTTP_HOST="lumen.localhost")
        assert (response.status_code, response["Location"]) == (302, "/")
    response = client.get("/language/xx/", HTTP_HOST="lumen.localhost")
    assert (response.status_code, response["Location"], "django_language" in response.cookies) == (
        302,
        "/",
        False,
    )


def test_after_log_in_and_after_saving_the_profile_the_portal_speaks_the_customers_language(alpha, in_tenant):
    user = customer(alpha, "mei@example.com")
    with in_tenant(alpha):
        services.update_profile(
            user,
            display_name="",
            phone="",
            birthday=None,
            gender="",
            preferred_language="zh-hans",
            marketing_consent=False,
            acting_user=user,
        )
    browser = Client()
    assert language_of(browser.get("/", HTTP_HOST="alpha.localhost").content.decode()) == "en"  # the brand's
    response = log_in(browser, alpha, "mei@example.com", PASSWORD)
    assert response.cookies["django_language"].value == "zh-hans"
    # The front door now opens the brand's Chinese pages.
    front = browser.get("/", HTTP_HOST="alpha.localhost", follow=True)
    assert front.redirect_chain == [("/zh-hans/", 302)]
    assert language_of(front.content.decode()) == "zh-hans"
    assert (
        language_of(browser.get("/account/profile/", HTTP_HOST="alpha.localhost").content.decode())
        == "zh-hans"
    )

    saved = browser.post(
        "/account/profile/",
        {"display_name": "", "phone": "", "birthday": "", "gender": "", "preferred_language": "en"},
        HTTP_HOST="alpha.localhost",
    )
    assert saved.cookies["django_language"].value == "en"
    assert language_of(browser.get("/", HTTP_HOST="alpha.localhost").content.decode()) == "en"
