"""What a product's or an event's description is made of: text, pictures and videos."""

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLImage, GraphQLString
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from blocks.media import VideoBlock

TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link"]


@register_streamfield_block
class DescriptionImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=200)

    graphql_fields = [GraphQLImage("image"), GraphQLString("caption")]

    class Meta:
        icon = "image"
        template = "blocks/description_image.html"
        label = _("Picture")


def description_blocks() -> list[tuple]:
    """A fresh list for each StreamField that uses it."""
    return [
        ("text", blocks.RichTextBlock(features=TEXT_FEATURES, label=_("Text"))),
        ("image", DescriptionImageBlock()),
        ("video", VideoBlock()),
    ]
