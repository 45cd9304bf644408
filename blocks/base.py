"""BaseBlock: every block in the library gets the same collapsed Appearance group, last."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from grapple.helpers import register_streamfield_block
from grapple.models import GraphQLStreamfield, GraphQLString
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

VARIANTS = [("light", _("Light")), ("dark", _("Dark")), ("accent", _("Accent"))]

anchor_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{0,49}$", _("Use lowercase letters, digits and hyphens, starting with a letter.")
)
css_class_validator = RegexValidator(
    r"^[A-Za-z_-][A-Za-z0-9_-]*( [A-Za-z_-][A-Za-z0-9_-]*)*$",
    _("Use class names separated by single spaces (letters, digits, hyphens, underscores)."),
)


@register_streamfield_block
class AppearanceBlock(blocks.StructBlock):
    """How a block looks on the page: colour variant, anchor for in-page links, extra CSS class."""

    variant = blocks.ChoiceBlock(choices=VARIANTS, default="light", label=_("Theme variant"))
    anchor = blocks.CharBlock(
        required=False,
        max_length=50,
        validators=[anchor_validator],
        label=_("Anchor id"),
        help_text=_("Link to this block with #anchor."),
    )
    css_class = blocks.CharBlock(
        required=False, max_length=80, validators=[css_class_validator], label=_("Extra CSS class")
    )

    graphql_fields = [GraphQLString("variant"), GraphQLString("anchor"), GraphQLString("css_class")]

    class Meta:
        collapsed = True
        label = _("Appearance")
        icon = "cog"


class BaseBlock(blocks.StructBlock):
    """A library block: its own fields, then the shared Appearance group."""

    appearance = AppearanceBlock(required=False)

    # Each subclass lists its own fields; this one comes last in every block's GraphQL type.
    graphql_fields = [GraphQLStreamfield("appearance", is_list=False)]

    def __init__(self, local_blocks=None, **kwargs):
        super().__init__(local_blocks, **kwargs)
        self.child_blocks.move_to_end("appearance")
        self.meta.form_layout = None
        self.meta.form_layout = self.get_form_layout()

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        appearance = value.get("appearance") or {}
        # The CSS name comes from the template (blocks/rich_text.html -> block-rich-text), so it is the
        # same wherever the block is used, whatever its name in a StreamField.
        name = self.meta.template.rsplit("/", 1)[-1].removesuffix(".html").replace("_", "-")
        classes = ["block", f"block-{name}", f"variant-{appearance.get('variant') or 'light'}"]
        if appearance.get("css_class"):
            classes.append(appearance["css_class"])
        context["block_classes"] = " ".join(classes)
        context["anchor"] = appearance.get("anchor") or ""
        return context


def fail(errors: dict[str, str]):
    """Raise a StructBlock validation error naming the fields at fault."""
    raise StructBlockValidationError(
        block_errors={name: ValidationError(message) for name, message in errors.items()}
    )
