"""The generic block library; it knows no domain. builder composes page bodies from it and from
the blocks domain apps register (core.registry)."""

from blocks.base import AppearanceBlock, BaseBlock
from blocks.content import (
    AnnouncementBlock,
    ButtonsBlock,
    CardGridBlock,
    ContactChannelsBlock,
    FAQBlock,
    HeadingBlock,
    HeroBlock,
    QuickLinksBlock,
    RichTextSectionBlock,
    SpacerBlock,
)
from blocks.layout import ColumnsBlock
from blocks.media import GalleryBlock, ImageWithTextBlock, VideoBlock

__all__ = [
    "AppearanceBlock",
    "BaseBlock",
    "library_blocks",
]


def library_blocks():
    """(name, block) pairs of the generic library, in the order the block picker lists them.
    Domain apps add theirs after these through `core.registry.app_blocks()`."""
    return [
        ("hero", HeroBlock()),
        ("announcement", AnnouncementBlock()),
        ("heading", HeadingBlock()),
        ("rich_text", RichTextSectionBlock()),
        ("image_with_text", ImageWithTextBlock()),
        ("gallery", GalleryBlock()),
        ("buttons", ButtonsBlock()),
        ("columns", ColumnsBlock()),
        ("card_grid", CardGridBlock()),
        ("quick_links", QuickLinksBlock()),
        ("faq", FAQBlock()),
        ("video", VideoBlock()),
        ("contact_channels", ContactChannelsBlock()),
        ("spacer", SpacerBlock()),
    ]
