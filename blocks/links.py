"""Links and buttons: to a page of the portal or to any URL, never both."""

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLPage, GraphQLString
from wagtail import blocks

from blocks.base import fail


class LinkValue(blocks.StructValue):
    @property
    def href(self) -> str:
        return link_href(self)

    @property
    def text(self) -> str:
        page = self.get("page")
        return self.get("link_text") or (page.title if page else "")


def link_href(values) -> str:
    page = values.get("page")
    return (page.url or "") if page else (values.get("url") or "")


@register_streamfield_block
class LinkBlock(blocks.StructBlock):
    # Not "label": that name is taken by Block itself (and breaks the GraphQL types).
    link_text = blocks.CharBlock(
        max_length=60, required=False, label=_("Text"), help_text=_("Defaults to the page's title.")
    )
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, label=_("or URL"))

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
