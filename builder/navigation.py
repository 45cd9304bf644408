"""The site's menu and footer: a site setting brand admins edit under Settings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLStreamfield, GraphQLString
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

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


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """The menu at the top of every page and the footer at the bottom."""

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

    class Meta:
        verbose_name = _("navigation and footer")
