"""Portal page types a brand admin builds from blocks, and the site's navigation and footer."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLBoolean, GraphQLImage, GraphQLStreamfield, GraphQLString
from wagtail import blocks as wagtail_blocks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page

from blocks import page_blocks
from blocks.links import LinkBlock


class BasePortalPage(Page):
    """A page whose body is a stream of library blocks, with SEO fields and a sharing image."""

    body = StreamField(page_blocks(), blank=True, verbose_name=_("page body"))
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared in chat apps and social media."),
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]
    promote_panels = [*Page.promote_panels, FieldPanel("share_image")]
    graphql_fields = [GraphQLStreamfield("body"), GraphQLImage("share_image")]

    class Meta:
        abstract = True

    def get_template(self, request, *args, **kwargs):
        from builder.selectors import portal_chrome

        return portal_chrome(request).theme.template_names(super().get_template(request, *args, **kwargs))

    def get_context(self, request, *args, **kwargs):
        from builder.fragments import body_html

        context = super().get_context(request, *args, **kwargs)
        context["body_html"] = body_html(self, request, context)
        return context

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # builder.page_cache stores it for anonymous visitors; previews never come through here.
        response.portal_page_cacheable = True
        return response


class HomePage(BasePortalPage):
    """The portal's front page."""

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 1
    template = "builder/home_page.html"

    class Meta:
        verbose_name = _("portal home page")


class StandardPage(BasePortalPage):
    """An ordinary content page: about us, membership rules, a help topic."""

    template = "builder/standard_page.html"

    class Meta:
        verbose_name = _("standard page")


class LandingPage(BasePortalPage):
    """A campaign page for ads and QR codes: no menu, so visitors follow its calls to action."""

    show_header_navigation = models.BooleanField(_("show the menu"), default=False)
    template = "builder/landing_page.html"
    content_panels = [*BasePortalPage.content_panels, FieldPanel("show_header_navigation")]
    graphql_fields = [*BasePortalPage.graphql_fields, GraphQLBoolean("show_header_navigation")]

    class Meta:
        verbose_name = _("landing page")


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
