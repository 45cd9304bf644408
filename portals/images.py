"""Starter images: the pictures a new portal starts with, so its heroes, cards and galleries look finished.

The files in portals/starter_images/<template key>/ are flat illustrations in the template's theme
colours, drawn by tools/make_starter_images.py (no third-party artwork; run it to redraw them).
They hold no words: one picture serves every language. `STARTER_IMAGES` says which files a
template has, their size and what they show; `add_starter_images` copies them into the tenant.
"""

from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db.models import prefetch_related_objects
from wagtail.images import get_image_model

if TYPE_CHECKING:
    from wagtail.images.models import AbstractImage as Image

STARTER_IMAGES_DIR = Path(__file__).resolve().parent / "starter_images"

HERO_SIZE = (1600, 640)
CARD_SIZE = (800, 600)


@dataclass(frozen=True)
class StarterImage:
    """One picture of a starter portal: `file` under STARTER_IMAGES_DIR, its size in pixels, and the
    part that must survive any crop (left, top, right, bottom), which becomes Wagtail's focal point."""

    file: str
    size: tuple[int, int]
    focus: tuple[int, int, int, int]
    title: dict[str, str]
    description: dict[str, str]

    @property
    def path(self) -> Path:
        return STARTER_IMAGES_DIR / self.file

    def words(self, language: str) -> tuple[str, str]:
        """(title, description) in `language` (English when it has none)."""
        return self.title.get(language, self.title["en"]), self.description.get(
            language, self.description["en"]
        )


def _image(file, size, focus, title, description):
    return StarterImage(file, size, focus, title, description)


# Keys: "hero" for a hero block, "card_<n>" for a card grid, "gallery_<n>" for a gallery block.
STARTER_IMAGES: dict[str, dict[str, StarterImage]] = {
    "member-mall": {
        "hero": _image(
            "member-mall/shop-counter.webp",
            HERO_SIZE,
            (520, 60, 1300, 600),
            {"en": "Shop counter", "zh-hans": "店铺柜台"},
            {
                "en": "Shopping bags, a wrapped gift, a price tag and a plant on a shop counter, with shelves behind.",
                "zh-hans": "柜台上的购物袋、礼物、价签和绿植，身后是货架。",
            },
        ),
        "card_1": _image(
            "member-mall/points-and-rewards.webp",
            CARD_SIZE,
            (180, 110, 620, 520),
            {"en": "Points and rewards", "zh-hans": "积分与奖励"},
            {
                "en": "A shopping bag with a star above it, and stacks of coins for member points.",
                "zh-hans": "一个上方有星标的购物袋，旁边是代表积分的金币。",
            },
        ),
        "card_2": _image(
            "member-mall/gift-and-coupon.webp",
            CARD_SIZE,
            (150, 110, 650, 520),
            {"en": "Gift and coupon", "zh-hans": "礼物与优惠券"},
            {
                "en": "A wrapped gift with a ribbon next to a coupon.",
                "zh-hans": "一份系着丝带的礼物和一张优惠券。",
            },
        ),
        "card_3": _image(
            "member-mall/member-card.webp",
            CARD_SIZE,
            (140, 120, 660, 500),
            {"en": "Member card", "zh-hans": "会员卡"},
            {
                "en": "A member card with a star, and coins for member points.",
                "zh-hans": "一张带星标的会员卡和代表积分的金币。",
            },
        ),
        "gallery_1": _image(
            "member-mall/shop-front.webp",
            CARD_SIZE,
            (110, 90, 690, 560),
            {"en": "Shop front", "zh-hans": "门店外观"},
            {
                "en": "A shop front with a striped awning, a big window and plants by the door.",
                "zh-hans": "一家小店的门面：条纹遮阳篷、大橱窗，门边摆着绿植。",
            },
        ),
        "gallery_2": _image(
            "member-mall/shopping-bags.webp",
            CARD_SIZE,
            (150, 100, 650, 540),
            {"en": "Shopping bags", "zh-hans": "购物袋"},
            {
                "en": "Two paper shopping bags with tissue paper, and a price tag.",
                "zh-hans": "两个装着包装纸的纸质购物袋和一张价签。",
            },
        ),
    },
    "service-desk": {
        "hero": _image(
            "service-desk/help-desk.webp",
            HERO_SIZE,
            (500, 40, 1320, 600),
            {"en": "Help desk", "zh-hans": "服务台"},
            {
                "en": "A desk with a screen showing speech bubbles, a headset, a calendar, a mug and a plant.",
                "zh-hans": "一张办公桌：显示对话气泡的屏幕、耳麦、日历、杯子和绿植。",
            },
        ),
        "card_1": _image(
            "service-desk/headset-and-help.webp",
            CARD_SIZE,
            (150, 90, 650, 530),
            {"en": "Headset and speech bubbles", "zh-hans": "耳麦与对话气泡"},
            {
                "en": "A headset with speech bubbles: customer service is ready to help.",
                "zh-hans": "耳麦与对话气泡：客服随时为您服务。",
            },
        ),
        "card_2": _image(
            "service-desk/calendar.webp",
            CARD_SIZE,
            (150, 90, 650, 530),
            {"en": "Calendar", "zh-hans": "日历"},
            {
                "en": "A calendar with one day ticked, and a clock.",
                "zh-hans": "一本标记了日期的日历和一个时钟。",
            },
        ),
        "card_3": _image(
            "service-desk/checklist.webp",
            CARD_SIZE,
            (170, 70, 630, 550),
            {"en": "Checklist", "zh-hans": "清单"},
            {
                "en": "A checklist on a clipboard with ticked boxes, and a pencil.",
                "zh-hans": "夹板上已勾选的清单和一支铅笔。",
            },
        ),
        "gallery_1": _image(
            "service-desk/front-desk.webp",
            CARD_SIZE,
            (90, 80, 710, 560),
            {"en": "Front desk", "zh-hans": "前台"},
            {
                "en": "A friendly front desk with a screen, a bell, a lamp and a plant.",
                "zh-hans": "亲切的前台：屏幕、服务铃、台灯和绿植。",
            },
        ),
        "gallery_2": _image(
            "service-desk/map-and-pin.webp",
            CARD_SIZE,
            (150, 80, 650, 540),
            {"en": "Map and location pin", "zh-hans": "地图与定位"},
            {
                "en": "A folded map with a location pin.",
                "zh-hans": "一张折叠地图和一个定位标记。",
            },
        ),
    },
}


def add_starter_images(template_key: str, *, language: str = "en") -> dict[str, Image]:
    """Copy a starter template's pictures into the current tenant: one Wagtail image each, keyed
    as in STARTER_IMAGES ("hero", "card_1", ...), titled and described in `language`, in the root
    collection.

    Runs in the tenant's schema during provisioning, so it only copies files and inserts rows: the
    size, byte count and hash are known here, so nothing re-reads the file, and no rendition is made
    (pages make theirs when first shown). The default storage puts each file under the tenant's own
    folder with a random part (tenants.storage).

    The rows go in with one INSERT, then into the search index in one statement and into the
    reference index: what saving each image would do through its post_save handlers (Wagtail's
    search and reference-index tasks), which cost about four times as much run once per image.

    The files are not removed if the surrounding transaction rolls back (Django has no rollback
    hook); they are unreachable, having no row, and a few kilobytes each.
    """
    # Imported here: tools/make_starter_images.py reads STARTER_IMAGES without setting Django up.
    from wagtail.models import Collection, ReferenceIndex
    from wagtail.search.backends import get_search_backends

    Image = get_image_model()
    storage = Image._meta.get_field("file").storage
    collection = Collection.get_first_root_node()
    starters = STARTER_IMAGES[template_key]
    namer = Image(collection=collection)  # its get_upload_to gives Wagtail's folder and a safe name
    images = []
    for starter in starters.values():
        data = starter.path.read_bytes()
        title, description = starter.words(language)
        name = namer.get_upload_to(posixpath.basename(starter.file))
        left, top, right, bottom = starter.focus
        width, height = starter.size
        # Width and height given with the file, so Django's ImageField does not open it to measure.
        images.append(
            Image(
                collection=collection,
                title=title,
                description=description,
                file=storage.save(name, ContentFile(data)),
                width=width,
                height=height,
                file_size=len(data),
                file_hash=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
                focal_point_x=(left + right) // 2,
                focal_point_y=(top + bottom) // 2,
                focal_point_width=right - left,
                focal_point_height=bottom - top,
            )
        )
    Image.objects.bulk_create(images)
    # New images have no tags; one query says so for all six, instead of five per image while
    # the search index reads them.
    prefetch_related_objects(images, "tags")
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Image, images)
    for image in images:
        ReferenceIndex.create_or_update_for_object(image)
    return dict(zip(starters, images, strict=True))
