"""The page body field: the block library plus every block the installed domains register."""

from wagtail.fields import StreamField

from blocks import library_blocks
from core.registry import app_blocks


def page_blocks() -> list[tuple]:
    """(name, block) pairs of a page body: the generic library first, then each domain's blocks
    in INSTALLED_APPS order."""
    return [*library_blocks(), *app_blocks()]


class PageBodyField(StreamField):
    """A StreamField whose block list comes from the registry when the field is built.

    Its migrations record no block list (deconstruct leaves it out), so a domain that adds or
    changes a block needs no builder migration: the column is JSON either way and Wagtail validates
    the blocks when a page is saved. The price: a data migration that reads page bodies sees
    today's blocks, not the blocks of its day."""

    def __init__(self, *args, **kwargs):
        kwargs.pop("block_lookup", None)
        super().__init__(page_blocks(), **kwargs)

    def deconstruct(self):
        name, path, _args, kwargs = super().deconstruct()
        kwargs.pop("block_lookup", None)
        return name, path, [], kwargs
