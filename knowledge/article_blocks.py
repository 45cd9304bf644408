"""What an article's body is made of: text, section headings (they make the table of contents),
numbered steps, pictures, videos, callouts and related links."""

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLImage, GraphQLRichText, GraphQLStreamfield, GraphQLString
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from blocks.links import LinkBlock
from blocks.media import VideoBlock

TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link", "code"]


class SectionHeadingBlock(blocks.CharBlock):
    """A section heading: an <h2> the table of contents links to."""

    class Meta:
        icon = "title"
        template = "knowledge/article_blocks/heading.html"
        label = _("Section heading")


@register_streamfield_block
class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=TEXT_FEATURES, required=False)
    image = ImageChooserBlock(required=False)

    graphql_fields = [GraphQLString("title"), GraphQLRichText("text"), GraphQLImage("image")]


@register_streamfield_block
class ArticleImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=200)

    graphql_fields = [GraphQLImage("image"), GraphQLString("caption")]

    class Meta:
        icon = "image"
        template = "knowledge/article_blocks/image.html"
        label = _("Picture")


@register_streamfield_block
class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("info", _("Note")), ("tip", _("Tip")), ("warning", _("Warning"))], default="info"
    )
    text = blocks.RichTextBlock(features=TEXT_FEATURES)

    graphql_fields = [GraphQLString("tone"), GraphQLRichText("text")]

    class Meta:
        icon = "warning"
        template = "knowledge/article_blocks/callout.html"
        label = _("Callout")


@register_streamfield_block
class RelatedLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120)
    links = blocks.ListBlock(LinkBlock(), min_num=1, max_num=10)

    graphql_fields = [GraphQLString("heading"), GraphQLStreamfield("links")]

    class Meta:
        icon = "link"
        template = "knowledge/article_blocks/related_links.html"
        label = _("Related links")


ARTICLE_BLOCKS = [
    ("text", blocks.RichTextBlock(features=TEXT_FEATURES, label=_("Text"), icon="pilcrow")),
    ("heading", SectionHeadingBlock(max_length=120)),
    (
        "steps",
        blocks.ListBlock(
            StepBlock(),
            min_num=1,
            max_num=30,
            label=_("Steps"),
            icon="list-ol",
            template="knowledge/article_blocks/steps.html",
        ),
    ),
    ("image", ArticleImageBlock()),
    ("video", VideoBlock()),
    ("callout", CalloutBlock()),
    ("related_links", RelatedLinksBlock()),
]
