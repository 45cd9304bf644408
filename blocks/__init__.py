"""The block library. Page bodies use PAGE_BLOCKS; domain apps add their own blocks to it."""

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
    "PAGE_BLOCKS",
    "page_blocks",
]


def page_blocks():
    """(name, block) pairs for a page's body StreamField, in the order the block picker lists them."""
    from coupons.blocks import CouponClaimBlock
    from members.blocks import LevelBenefitsBlock, MemberCardBlock

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
        ("member_card", MemberCardBlock()),
        ("level_benefits", LevelBenefitsBlock()),
        ("coupon_claim", CouponClaimBlock()),
    ]


PAGE_BLOCKS = page_blocks()
