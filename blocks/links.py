"""Links and buttons: to a page of the portal or to any URL, never both."""

import copy
import re
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import connection
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLPage, GraphQLString
from wagtail import blocks

from blocks.base import fail


class LinkValue(blocks.StructValue):
    @property
    def href(self) -> str:
        if "_href" not in self.__dict__:
            self.__dict__["_href"] = link_href(self)
        return self.__dict__["_href"]

    @property
    def text(self) -> str:
        page = self.get("page")
        return self.get("link_text") or (page.title if page else "")


# Pages linked from the page being served, fetched in one query before its blocks are read
# (see prefetch_linked_pages); keyed by schema so a value can never serve another tenant.
_linked_pages: ContextVar[tuple[str, dict, object] | None] = ContextVar("linked_pages", default=None)


def _linked_page_ids(raw):
    if isinstance(raw, dict):
        if "link_text" in raw and isinstance(raw.get("page"), int):
            yield raw["page"]
        for value in raw.values():
            yield from _linked_page_ids(value)
    elif isinstance(raw, list):
        for value in raw:
            yield from _linked_page_ids(value)


def prefetch_linked_pages(raw_stream, request) -> None:
    """Fetch every page the links in `raw_stream` point to, in one query, for this request."""
    from wagtail.models import Page

    ids = set(_linked_page_ids(list(raw_stream)))
    _linked_pages.set((connection.schema_name, Page.objects.in_bulk(ids) if ids else {}, request))


def forget_linked_pages() -> None:
    _linked_pages.set(None)


class LinkedPageChooserBlock(blocks.PageChooserBlock):
    """A page chooser that takes its pages from prefetch_linked_pages when it can: without it,
    every kind of block holding links costs a query of its own."""

    def bulk_to_python(self, values):
        prefetched = _linked_pages.get()
        if prefetched is None or prefetched[0] != connection.schema_name:
            return super().bulk_to_python(values)
        pages = prefetched[1]
        if not all(value is None or value in pages for value in values):
            return super().bulk_to_python(values)
        result, seen = [], set()
        for value in values:
            page = pages.get(value) if value is not None else None
            result.append(copy.copy(page) if page is not None and value in seen else page)
            seen.add(value)
        return result


# A URL's scheme as browsers read it (RFC 3986: a letter, then letters, digits, "+", "-" or ".").
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop tabs and line breaks from a URL and read "\\" as "/": "/\t/evil.example" and
# "/\\evil.example" both lead to another site (WHATWG URL standard, "basic URL parser").
UNSAFE_IN_LINK = re.compile(r"[\x00-\x20\x7f\\]")

LINK_SCHEME_REFUSED = _(
    "“%(scheme)s:” links are not allowed. A link may start with https://, http://, “/” (a page of "
    "this portal), mailto: or tel:."
)
LINK_OTHER_SITE = _(
    "A link starting with “//” leads to another site: start a path on this portal with a single “/”, "
    "or write another site's address in full with https://."
)
LINK_NO_SCHEME = _(
    "Start a path on this portal with “/” (for example /account/), or write a web address in full."
)
LINK_UNSAFE_CHARACTERS = _("A link may not contain spaces, tabs, line breaks or backslashes.")


def validate_link_url(value: str) -> None:
    """A link goes to a web address, a path on the portal itself (`/account/`: views that are not
    pages, and they keep working when the portal's domain changes), an e-mail or a phone number.
    `//host/...` (another site that looks like a path) and every other scheme (javascript:, data:,
    ftp:...) are refused, each with a message that says what to write instead."""
    if not value:
        return
    scheme = URL_SCHEME.match(value)
    scheme = scheme.group(1).lower() if scheme else ""
    if UNSAFE_IN_LINK.search(value) and scheme not in ("mailto", "tel"):
        raise ValidationError(LINK_UNSAFE_CHARACTERS, code="unsafe_characters")
    if scheme in ("mailto", "tel"):
        if any(ord(character) < 32 or ord(character) == 127 for character in value):
            raise ValidationError(LINK_UNSAFE_CHARACTERS, code="unsafe_characters")
        return
    if scheme in ("http", "https"):
        URLValidator(schemes=["http", "https"])(value)
        return
    if scheme:
        raise ValidationError(LINK_SCHEME_REFUSED, code="scheme", params={"scheme": scheme})
    if value.startswith("//"):
        raise ValidationError(LINK_OTHER_SITE, code="other_site")
    if not value.startswith("/"):
        raise ValidationError(LINK_NO_SCHEME, code="no_scheme")


def link_href(values) -> str:
    page = values.get("page")
    if not page:
        return values.get("url") or ""
    # With the request, Wagtail reuses the site's root paths for every link on the page.
    prefetched = _linked_pages.get()
    request = prefetched[2] if prefetched and prefetched[0] == connection.schema_name else None
    return page.get_url(request) or ""


@register_streamfield_block
class LinkBlock(blocks.StructBlock):
    # Not "label": that name is taken by Block itself (and breaks the GraphQL types).
    link_text = blocks.CharBlock(
        max_length=60, required=False, label=_("Text"), help_text=_("Defaults to the page's title.")
    )
    page = LinkedPageChooserBlock(required=False)
    url = blocks.CharBlock(
        required=False,
        max_length=500,
        validators=[validate_link_url],
        label=_("or URL"),
        help_text=_("A web address (https://...), a path on this portal (/account/), mailto: or tel:."),
    )

    graphql_fields = [
        GraphQLString("link_text"),
        GraphQLPage("page"),
        GraphQLString("url"),
        GraphQLString("href", source="graphql_href", required=True),
    ]

    def graphql_href(self, info, values, **kwargs):
        return link_href(values)

    class Meta:
        icon = "link"
        value_class = LinkValue
        label = _("Link")

    def clean(self, value):
        value = super().clean(value)
        empty = not (value.get("page") or value.get("url") or value.get("link_text"))
        if empty and getattr(self.meta, "required", True) is False:
            return value  # an optional link left blank
        if bool(value.get("page")) == bool(value.get("url")):
            fail({"url": _("Choose a page or enter a URL (one of the two).")})
        if value.get("url") and not value.get("link_text"):
            fail({"link_text": _("A link to a URL needs a text.")})
        return value


@register_streamfield_block
class ButtonBlock(LinkBlock):
    style = blocks.ChoiceBlock(
        choices=[("primary", _("Primary")), ("secondary", _("Secondary"))], default="primary"
    )

    graphql_fields = [*LinkBlock.graphql_fields, GraphQLString("style")]

    class Meta:
        icon = "link"
        value_class = LinkValue
        label = _("Button")
