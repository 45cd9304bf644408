"""The site's menu and footer, one per language: brand admins edit them under Settings →
Navigation and footer, and translate them like pages (wagtail.contrib.simple_translation)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLStreamfield, GraphQLString
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import TranslatableMixin

from blocks.links import LinkBlock


@register_streamfield_block
class MenuItemBlock(LinkBlock):
    children = wagtail_blocks.ListBlock(LinkBlock(), default=[], max_num=8, label=_("Sub-menu links"))

    graphql_fields = [*LinkBlock.graphql_fields, GraphQLStreamfield("children")]

    class Meta:
        icon = "list-ul"
        label = _("Menu item")


@register_streamfield_block
class FooterColumnBlock(wagtail_blocks.StructBlock):
    heading = wagtail_blocks.CharBlock(max_length=60)
    links = wagtail_blocks.ListBlock(LinkBlock(), max_num=10)

    graphql_fields = [GraphQLString("heading"), GraphQLStreamfield("links")]

    class Meta:
        icon = "list-ul"
        label = _("Footer column")


class Navigation(TranslatableMixin, models.Model):
    """The menu at the top of every page and the footer at the bottom, in one language."""

    menu = StreamField(
        [("item", MenuItemBlock())],
        blank=True,
        help_text=_("Empty: the home page's children that have 'Show in menus' ticked."),
    )
    footer_columns = StreamField([("column", FooterColumnBlock())], blank=True)
    footer_text = models.CharField(max_length=200, blank=True, help_text=_("For example © 2026 Brand Ltd."))

    panels = [FieldPanel("menu"), FieldPanel("footer_columns"), FieldPanel("footer_text")]
    graphql_fields = [
        GraphQLStreamfield("menu"),
        GraphQLStreamfield("footer_columns"),
        GraphQLString("footer_text"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("navigation and footer")
        verbose_name_plural = _("navigation and footer")

    def __str__(self):
        return str(_("Navigation and footer (%(language)s)") % {"language": self.locale.get_display_name()})

    @classmethod
    def for_language(cls, language: str, fallback: str) -> "Navigation | None":
        """The menu and footer in `language`, else in `fallback` (the brand's default language),
        else in any language: a language nobody translated the menu into still gets one."""
        navigations = {item.locale.language_code: item for item in cls.objects.select_related("locale")}
        return (
            navigations.get(language) or navigations.get(fallback) or next(iter(navigations.values()), None)
        )
