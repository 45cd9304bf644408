from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLString
from wagtail import blocks

from blocks.base import BaseBlock


@register_streamfield_block
class GreetingBlock(BaseBlock):
    """A line of greeting."""

    text = blocks.CharBlock(max_length=80)

    graphql_fields = [GraphQLString("text"), *BaseBlock.graphql_fields]

    class Meta:
        icon = "openquote"
        template = "toy_domain/toy_greeting.html"
        description = "A line of greeting"
        label = "Toy greeting"
        preview_value = {"text": "Hello from the toy domain"}


PORTAL_BLOCKS = [("toy_greeting", GreetingBlock())]
