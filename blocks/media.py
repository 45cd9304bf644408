"""Images and video."""

import re
from urllib.parse import parse_qs, urlparse

from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLImage, GraphQLRichText, GraphQLStreamfield, GraphQLString
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from blocks.base import BaseBlock, fail
from blocks.links import ButtonBlock


@register_streamfield_block
class ImageWithTextBlock(BaseBlock):
    """An image beside a heading and text; on phones the image goes on top."""

    image = ImageChooserBlock()
    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"], required=False)
    image_position = blocks.ChoiceBlock(choices=[("left", _("Left")), ("right", _("Right"))], default="left")
    button = ButtonBlock(required=False)

    graphql_fields = [
        GraphQLImage("image"),
        GraphQLString("heading"),
        GraphQLRichText("text"),
        GraphQLString("image_position"),
        GraphQLStreamfield("button", is_list=False),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "image"
        template = "blocks/image_with_text.html"
        label = _("Image with text")
        description = _("A picture beside a few paragraphs")
        preview_value = {
            "heading": "Freshly roasted every week",
            "text": "<p>Beans from three farms we visit.</p>",
        }


@register_streamfield_block
class GalleryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=140)

    graphql_fields = [GraphQLImage("image"), GraphQLString("caption")]


@register_streamfield_block
class GalleryBlock(BaseBlock):
    """Several images as a grid, or as a swipeable carousel on phones."""

    heading = blocks.CharBlock(required=False, max_length=120)
    images = blocks.ListBlock(GalleryImageBlock(), min_num=1, max_num=24)
    layout = blocks.ChoiceBlock(choices=[("grid", _("Grid")), ("carousel", _("Carousel"))], default="grid")

    graphql_fields = [
        GraphQLString("heading"),
        GraphQLStreamfield("images"),
        GraphQLString("layout"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "image"
        template = "blocks/gallery.html"
        label = _("Image gallery / carousel")
        description = _("A set of pictures")
        preview_value = {"heading": "店内一角 · Inside our stores", "images": [], "layout": "grid"}


VIDEO_PROVIDERS = {
    "youtube": "https://www.youtube-nocookie.com/embed/{id}",
    "vimeo": "https://player.vimeo.com/video/{id}",
    "bilibili": "https://player.bilibili.com/player.html?bvid={id}&autoplay=0",
    "tencent": "https://v.qq.com/txp/iframe/player.html?vid={id}",
}


def video_embed_url(url: str) -> str | None:
    """The player URL for a YouTube, Vimeo, Bilibili or Tencent Video page, or None.

    Built from the URL itself: no oEmbed request leaves the server while a page renders.
    """
    parsed = urlparse(url or "")
    host = (parsed.hostname or "").removeprefix("www.").removeprefix("m.")
    path = parsed.path
    if host == "youtube.com" and path == "/watch":
        video = parse_qs(parsed.query).get("v", [""])[0]
        provider = "youtube"
    elif host == "youtu.be" or (host == "youtube.com" and path.startswith(("/embed/", "/shorts/"))):
        video, provider = path.rstrip("/").rsplit("/", 1)[-1], "youtube"
    elif host == "vimeo.com":
        video, provider = path.strip("/").split("/")[0], "vimeo"
    elif host == "bilibili.com" and path.startswith("/video/"):
        video, provider = path.split("/")[2], "bilibili"
    elif host == "v.qq.com":
        video, provider = re.sub(r"\.html$", "", path.rstrip("/").rsplit("/", 1)[-1]), "tencent"
    else:
        return None
    if not re.fullmatch(r"[A-Za-z0-9_-]{4,32}", video or ""):
        return None
    return VIDEO_PROVIDERS[provider].format(id=video)


@register_streamfield_block
class VideoBlock(BaseBlock):
    """A video from YouTube, Vimeo, Bilibili or Tencent Video, loaded only when scrolled to."""

    url = blocks.URLBlock(label=_("Video page URL"), help_text=_("YouTube, Vimeo, Bilibili or Tencent Video"))
    title = blocks.CharBlock(max_length=120, help_text=_("Describes the video for screen readers."))
    caption = blocks.CharBlock(required=False, max_length=200)

    graphql_fields = [
        GraphQLString("url"),
        GraphQLString("title"),
        GraphQLString("caption"),
        GraphQLString("embed_url", source="graphql_embed_url"),
        *BaseBlock.graphql_fields,
    ]

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        label = _("Video embed")
        description = _("A video from a video site")
        preview_value = {
            "url": "https://www.bilibili.com/video/BV1xx411c7mD",
            "title": "How to use your member card",
        }

    def clean(self, value):
        value = super().clean(value)
        if video_embed_url(value.get("url")) is None:
            fail({"url": _("Use the address of a YouTube, Vimeo, Bilibili or Tencent Video page.")})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["embed_url"] = video_embed_url(value.get("url"))
        return context

    def graphql_embed_url(self, info, values, **kwargs):
        return video_embed_url(values.get("url"))
