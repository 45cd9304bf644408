"""Portal page types a brand admin builds from blocks (the navigation and footer setting is in
builder.navigation)."""

from django.db import models
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLBoolean, GraphQLImage, GraphQLStreamfield
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from builder.fields import PageBodyField
from builder.fragments import body_html
from builder.navigation import Navigation
from builder.selectors import portal_chrome


class BasePortalPage(Page):
    """A page whose body is a stream of library blocks, with SEO fields and a sharing image."""

    body = PageBodyField(blank=True, verbose_name=_("page body"))
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
    search_fields = [*Page.search_fields, index.SearchField("body")]
    graphql_fields = [GraphQLStreamfield("body"), GraphQLImage("share_image")]

    class Meta:
        abstract = True

    def meta_description(self) -> str:
        """The page's search description, else its first words (a hero's or heading's text, a
        paragraph), else its title: every page has one for search engines and link previews."""
        if self.search_description:
            return self.search_description
        for item in self.body.raw_data:
            value = item.get("value")
            if not isinstance(value, dict):
                continue
            for field in ("text", "subtitle", "heading"):
                text = value.get(field)
                if isinstance(text, str) and strip_tags(text).strip():
                    return Truncator(" ".join(strip_tags(text).split())).chars(160)
        return self.seo_title or self.title

    def get_template(self, request, *args, **kwargs):
        return portal_chrome(request).theme.template_names(super().get_template(request, *args, **kwargs))

    def get_context(self, request, *args, **kwargs):
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


__all__ = ["BasePortalPage", "HomePage", "LandingPage", "Navigation", "StandardPage"]
