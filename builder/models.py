"""Portal page types a brand admin builds from blocks."""

from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page


class HomePage(Page):
    """The portal's front page."""

    intro = models.CharField(max_length=240, blank=True)
    body = StreamField(
        [
            ("heading", blocks.CharBlock(max_length=120)),
            ("text", blocks.RichTextBlock()),
        ],
        blank=True,
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    template = "builder/home_page.html"
    max_count = 1


class StandardPage(Page):
    """An ordinary content page: about us, terms, a help topic."""

    body = StreamField(
        [
            ("heading", blocks.CharBlock(max_length=120)),
            ("text", blocks.RichTextBlock()),
        ],
        blank=True,
    )

    content_panels = [*Page.content_panels, FieldPanel("body")]
    template = "builder/standard_page.html"
