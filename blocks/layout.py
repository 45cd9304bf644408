"""Blocks that hold other blocks."""

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLStreamfield
from wagtail import blocks

from blocks.base import BaseBlock
from blocks.content import (
    ButtonsBlock,
    CardGridBlock,
    ContactChannelsBlock,
    HeadingBlock,
    RichTextSectionBlock,
)
from blocks.media import ImageWithTextBlock, VideoBlock


class ColumnContentBlock(blocks.StreamBlock):
    """What one column may hold: the content blocks, not more columns."""

    heading = HeadingBlock()
    rich_text = RichTextSectionBlock()
    buttons = ButtonsBlock()
    image_with_text = ImageWithTextBlock()
    card_grid = CardGridBlock()
    contact_channels = ContactChannelsBlock()
    video = VideoBlock()


@register_streamfield_block
class ColumnsBlock(BaseBlock):
    """Two to four columns side by side on wide screens, stacked on phones."""

    # A new Columns block starts with two empty columns: with ListBlock's own default (one item)
    # the editor would show "The minimum number of items is 2" before anyone typed anything.
    columns = blocks.ListBlock(ColumnContentBlock(), min_num=2, max_num=4, default=[[], []])

    graphql_fields = [GraphQLStreamfield("columns"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "placeholder"
        template = "blocks/columns.html"
        label = _("Columns")
        description = _("Blocks side by side")
        preview_value = {
            "columns": [
                [
                    {"type": "heading", "value": {"text": "Stores", "level": "h3"}},
                    {"type": "rich_text", "value": {"text": "<p>32 stores in Shanghai.</p>"}},
                ],
                [
                    {"type": "heading", "value": {"text": "Delivery", "level": "h3"}},
                    {"type": "rich_text", "value": {"text": "<p>Free over ¥99.</p>"}},
                ],
            ]
        }
