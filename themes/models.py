"""The brand theme: one per tenant site, edited under Settings in the admin."""

import tinycss2
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLImage, GraphQLInt, GraphQLString
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from themes.colours import (
    BLACK,
    DARK_TEXT,
    HEX_COLOUR,
    LIGHT_TEXT,
    background_for,
    mix,
    readable_on,
    text_colour_on,
)
from themes.forms import BrandThemeForm
from themes.panels import ContrastWarningsPanel
from themes.presets import FONT_CHOICES, FONT_STACKS, PRESET_CHOICES, PRESETS
from themes.widgets import ColourInput

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f4e8c."))

# What the theme tells the brand admin when it had to change one of their colours to keep text
# readable (WCAG AA, 4.5:1); saving is allowed, the portal uses the readable shade.
PRIMARY_AS_LINK = _(
    "Primary colour %(colour)s is hard to read as link text on this theme's backgrounds, so links "
    "use %(used)s instead. Choose a darker or lighter shade to see your colour as it is."
)
ACCENT_AS_TEXT = _(
    "Accent colour %(colour)s is hard to read as small text on this theme's backgrounds, so the "
    "arrows and signs in cards and FAQs use %(used)s instead."
)
ACCENT_IN_GRADIENT = _(
    "Banner text cannot be read where the banner's gradient meets accent colour %(colour)s, so the "
    "gradient ends in %(used)s instead."
)

# Custom CSS goes into the page's <style> element as it is (templates/base.html), so it is parsed
# with tinycss2 and refused when it could end that element, load anything, or run script.
# At-rules that only group or describe style rules; @import, @charset, @namespace and any other
# are refused.
CSS_AT_RULES = ("media", "supports", "container", "layer", "keyframes", "-webkit-keyframes", "font-face")
# Functions that fetch a URL: url() and the image functions that also take a URL as a plain string.
CSS_LOADING_FUNCTIONS = (
    "url",
    "src",
    "image",
    "image-set",
    "-webkit-image-set",
    "cross-fade",
    "-webkit-cross-fade",
)
# Ways old browsers run script from CSS: IE's expression() and behavior, Firefox's XBL binding.
CSS_SCRIPT_FUNCTIONS = ("expression",)
CSS_SCRIPT_PROPERTIES = ("behavior", "-ms-behavior", "-moz-binding")

CSS_END_OF_STYLE = _(
    "Custom CSS may not contain “</”, not even written as a CSS escape such as \\3c /: "
    "it would end the page's style element."
)
CSS_HTML_COMMENT = _("Custom CSS may not contain HTML comments (“<!--” or “-->”).")
CSS_AT_RULE = _(
    "Custom CSS may not use @%(name)s. The at-rules allowed are @media, @supports, @container, "
    "@layer, @keyframes and @font-face."
)
CSS_LOADING = _(
    "Custom CSS may not load anything from a URL, so %(name)s() is not allowed. Add images "
    "through the theme's logo or the page's blocks instead."
)
CSS_SCRIPT = _("Custom CSS may not use %(name)s: it runs script in some browsers.")
CSS_SYNTAX = _("Custom CSS has an error on line %(line)s: %(problem)s.")


def _css_nodes(nodes):
    """Every token and block in `nodes`, nested ones included, in source order."""
    for node in nodes:
        yield node
        if node.type == "function":
            yield from _css_nodes(node.arguments)
        elif node.type in ("() block", "[] block", "{} block"):
            yield from _css_nodes(node.content)


def _css_text(node) -> str:
    """The node's characters with CSS escapes resolved (tinycss2 has already resolved them in
    names, strings and URLs): how `\\3c /style>` reads once unescaped, "</style>"."""
    if node.type == "function":
        return f"{node.name}({''.join(_css_text(n) for n in node.arguments)})"
    if node.type in ("() block", "[] block", "{} block"):
        return f"{node.type[0]}{''.join(_css_text(n) for n in node.content)}{node.type[1]}"
    if node.type == "dimension":
        return f"{node.representation}{node.unit}"
    if node.type in ("number", "percentage"):
        return node.serialize()
    if node.type == "whitespace":
        return " "
    return str(getattr(node, "value", "") or "")


def validate_custom_css(css: str) -> None:
    problems = []
    nodes = tinycss2.parse_component_value_list(css, skip_comments=False)
    text = "".join(_css_text(node) for node in nodes)
    # In the text as written (the HTML parser sees that), and once escapes are resolved.
    if "</" in css or "</" in text:
        problems.append(ValidationError(CSS_END_OF_STYLE, code="css_end_of_style"))
    if any(marker in value for marker in ("<!--", "-->") for value in (css, text)):
        problems.append(ValidationError(CSS_HTML_COMMENT, code="css_html_comment"))
    for node in _css_nodes(nodes):
        if node.type == "at-keyword" and node.lower_value not in CSS_AT_RULES:
            problems.append(ValidationError(CSS_AT_RULE, code="css_at_rule", params={"name": node.value}))
        elif node.type == "function" and node.lower_name in CSS_LOADING_FUNCTIONS:
            problems.append(ValidationError(CSS_LOADING, code="css_loading", params={"name": node.name}))
        elif node.type == "url" or (node.type == "error" and node.kind == "bad-url"):
            # url(x) unquoted is a token of its own; "bad-url" an unquoted one with ( or " in it.
            problems.append(ValidationError(CSS_LOADING, code="css_loading", params={"name": "url"}))
        elif node.type == "function" and node.lower_name in CSS_SCRIPT_FUNCTIONS:
            problems.append(ValidationError(CSS_SCRIPT, code="css_script", params={"name": f"{node.name}()"}))
        elif node.type == "ident" and node.lower_value in CSS_SCRIPT_PROPERTIES:
            problems.append(ValidationError(CSS_SCRIPT, code="css_script", params={"name": node.value}))
        elif node.type == "error":
            problems.append(
                ValidationError(
                    CSS_SYNTAX, code="css_syntax", params={"line": node.source_line, "problem": node.message}
                )
            )
    if problems:
        # Each refusal once (a stylesheet may use url() twenty times), in the order met.
        unique = {}
        for problem in problems:
            unique.setdefault((problem.code, str(problem.params)), problem)
        raise ValidationError(list(unique.values()))


def colour_field(label):
    return models.CharField(
        label, max_length=7, blank=True, validators=[hex_colour], help_text=_("Blank: the preset's colour.")
    )


@register_setting(icon="image")
class BrandTheme(BaseSiteSetting):
    preset = models.CharField(_("preset"), max_length=20, choices=PRESET_CHOICES, default="harbor")
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    favicon = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A square image; shown in browser tabs."),
    )
    primary_colour = colour_field(_("primary colour"))
    secondary_colour = colour_field(_("secondary colour"))
    accent_colour = colour_field(_("accent colour"))
    font = models.CharField(_("font"), max_length=20, choices=FONT_CHOICES, blank=True)
    corner_radius = models.PositiveSmallIntegerField(
        _("corner radius (px)"), null=True, blank=True, validators=[MaxValueValidator(32)]
    )
    mode = models.CharField(
        _("light or dark"), max_length=5, blank=True, choices=[("light", _("Light")), ("dark", _("Dark"))]
    )
    custom_css = models.TextField(
        _("custom CSS"),
        blank=True,
        max_length=20000,
        validators=[validate_custom_css],
        help_text=_("Added after the theme's styles. No @import, no url() and no HTML."),
    )

    base_form_class = BrandThemeForm
    panels = [
        ContrastWarningsPanel(),
        FieldPanel("preset"),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("favicon")], heading=_("Logo")),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("primary_colour", widget=ColourInput),
                        FieldPanel("secondary_colour", widget=ColourInput),
                        FieldPanel("accent_colour", widget=ColourInput),
                    ]
                ),
                FieldRowPanel([FieldPanel("font"), FieldPanel("corner_radius"), FieldPanel("mode")]),
            ],
            heading=_("Colours and shapes"),
        ),
        FieldPanel("custom_css"),
    ]

    # The effective values (preset filled in), so API clients can theme native screens too.
    graphql_fields = [
        GraphQLString("preset", required=True),
        GraphQLImage("logo"),
        GraphQLImage("favicon"),
        GraphQLString("primary_colour", source="effective_primary", required=True),
        GraphQLString("secondary_colour", source="effective_secondary", required=True),
        GraphQLString("accent_colour", source="effective_accent", required=True),
        GraphQLString("mode", source="effective_mode", required=True),
        GraphQLString("font_stack", source="effective_font_stack", required=True),
        GraphQLInt("corner_radius", source="effective_radius", required=True),
    ]

    class Meta:
        verbose_name = _("brand theme")

    effective_primary = property(lambda self: self.values["primary"])
    effective_secondary = property(lambda self: self.values["secondary"])
    effective_accent = property(lambda self: self.values["accent"])
    effective_mode = property(lambda self: self.values["mode"])
    effective_font_stack = property(lambda self: FONT_STACKS[self.values["font"]])
    effective_radius = property(lambda self: self.values["radius"])

    @property
    def values(self) -> dict:
        """The effective theme. Anything invalid (a row written around the form's validation) falls
        back to the preset, so nothing stored here can break out of the page's <style>."""
        preset = PRESETS.get(self.preset, PRESETS["harbor"])

        def colour(value, fallback):
            return value if value and HEX_COLOUR.match(value) else fallback

        return {
            "primary": colour(self.primary_colour, preset["primary"]),
            "secondary": colour(self.secondary_colour, preset["secondary"]),
            "accent": colour(self.accent_colour, preset["accent"]),
            "mode": self.mode if self.mode in ("light", "dark") else preset["mode"],
            "font": self.font if self.font in FONT_STACKS else preset["font"],
            "radius": min(int(self.corner_radius), 32)
            if self.corner_radius is not None
            else preset["radius"],
        }

    @property
    def colours(self) -> dict[str, str]:
        """Every colour the portal paints with, derived so that each text colour reads (WCAG AA,
        4.5:1) on each background static/portal/portal.css puts it on; the pairs are listed, and
        checked for every preset and for brand colours, in themes/tests/test_contrast.py.

        Fixed text colours get a background that suits them (the surface is lightened or darkened
        towards the page background); brand colours used as text (links) are darkened or
        lightened only as far as needed; text on a brand colour is white, near-black or black."""
        v = self.values
        dark = v["mode"] == "dark"
        background = "#121212" if dark else "#ffffff"
        text = "#f3f4f6" if dark else DARK_TEXT
        muted = "#a1a1aa" if dark else "#52525b"
        positive = "#4ade80" if dark else "#15803d"
        negative = "#f87171" if dark else "#b42318"
        surface = background_for(
            "#1e1e24" if dark else mix(v["secondary"], "#ffffff", 0.5),
            [text, muted, positive, negative],
            towards=background,
        )
        on_primary = text_colour_on(v["primary"])
        on_secondary = text_colour_on(v["secondary"])
        return {
            "primary": v["primary"],
            "on-primary": on_primary,
            "secondary": v["secondary"],
            "on-secondary": on_secondary,
            "accent": v["accent"],
            "on-accent": text_colour_on(v["accent"]),
            "bg": background,
            "surface": surface,
            "text": text,
            "muted": muted,
            "border": "#3f3f46" if dark else "#e4e4e7",
            "link": readable_on(v["primary"], [background, surface], towards=text),
            "accent-text": readable_on(v["accent"], [background, surface], towards=text),
            # Icons in secondary-coloured circles (service entrances) in the primary colour.
            "icon": readable_on(v["primary"], [v["secondary"]], towards=on_secondary),
            # Banners and the member card: a gradient from primary to accent under on-primary text.
            "on-gradient": on_primary,
            "gradient-end": background_for(
                v["accent"], [on_primary], towards=BLACK if on_primary == LIGHT_TEXT else LIGHT_TEXT
            ),
            "positive": positive,
            "negative": negative,
        }

    def css_variables(self) -> str:
        """The theme as CSS custom properties for :root (one stylesheet serves every tenant)."""
        v = self.values
        tokens = {f"--color-{name}": value for name, value in self.colours.items()}
        tokens["--font-body"] = FONT_STACKS[v["font"]]
        tokens["--radius"] = f"{v['radius']}px"
        # Safe to put in <style> unescaped: every value is a checked colour, a fixed font stack or a number.
        return mark_safe(";".join(f"{name}:{value}" for name, value in tokens.items()))  # noqa: S308

    def contrast_warnings(self) -> list[str]:
        """The brand's colours the theme had to darken or lighten to keep text readable."""
        v, colours = self.values, self.colours
        warnings = []
        for message, colour, used in (
            (PRIMARY_AS_LINK, v["primary"], colours["link"]),
            (ACCENT_AS_TEXT, v["accent"], colours["accent-text"]),
            (ACCENT_IN_GRADIENT, v["accent"], colours["gradient-end"]),
        ):
            if used != colour:
                warnings.append(message % {"colour": colour, "used": used})
        return warnings

    @property
    def header_template(self) -> list[str]:
        return self.template_names("includes/header.html")

    def template_names(self, name: str) -> list[str]:
        """`name` as this theme's preset overrides it, else the shared template."""
        return [f"themes/{self.preset}/{name}", name]
