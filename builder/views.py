"""Serving portal pages in their language: /help/ in the tenant's default language, /en/help/ in
another of its languages (core.language explains the addresses)."""

from django.http import Http404, HttpResponseRedirect
from django.utils import translation
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from builder.fragments import cached
from builder.selectors import portal_locales, translated_home_url
from core.language import default_language, remembered_language


def serve_page(request, path):
    """A page under a language prefix (/en/help/): only in a language the tenant has."""
    if request.LANGUAGE_CODE not in portal_locales(request):
        raise Http404
    return _serve(request, path, request.LANGUAGE_CODE)


def serve_default_language_page(request, path):
    """A page without a prefix is in the tenant's default language, whatever the visitor chose.
    Only the front door follows the visitor's remembered choice: / sends them to their language's
    home page (/en/) when the tenant has it."""
    language = default_language(request)
    chosen = remembered_language(request)
    if not path and chosen and chosen != language and chosen in portal_locales(request):
        home = translated_home_url(request, chosen)
        if home:
            return HttpResponseRedirect(home)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return _serve(request, path, language)


def _home(request, site, language):
    """The site's home page in `language` (Wagtail's `.localized`: the default one when that
    language's is not live), as its specific page, from the fragment cache."""

    def find():
        home = site.root_page
        locale_id = portal_locales(request).get(language)
        if locale_id is not None and home.locale_id != locale_id:
            translated = Page.objects.filter(
                translation_key=home.translation_key, locale_id=locale_id, live=True
            )
            home = translated.first() or home
        return home.specific

    return cached(request, f"home:{site.pk}:{language}", find)


def _serve(request, path, language):
    """Wagtail's serve view, routed from the site's home page in `language`. Wagtail would find
    that home page through the active language's Locale row and then load it, two queries on every
    view; the tenant's locales and home pages are cached instead."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    home = _home(request, site, language)
    try:
        request._wagtail_route_for_request = home.route(
            request, [component for component in path.split("/") if component]
        )
    except Http404:
        request._wagtail_route_for_request = None
    return wagtail_views.serve(request, path)
