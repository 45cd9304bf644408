"""The brand theme: one per tenant site, edited under Settings in the admin."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from grapple.models import GraphQLImage, GraphQLInt, GraphQLString
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from themes.colours import DARK_TEXT, HEX_COLOUR, contrast_ratio, mix, text_colour_on
from themes.panels import ContrastWarningsPanel
from themes.presets import FONT_CHOICES, FONT_STACKS, PRESET_CHOICES, PRESETS

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f4e8c."))
FORBIDDEN_CSS = ("</", "<!--", "@import", "expression(", "javascript:", "behavior:", "-moz-binding")
AA_NORMAL_TEXT = 4.5


def validate_custom_css(css: str) -> None:
    lowered = css.lower()
    for forbidden in FORBIDDEN_CSS:
        if forbidden in lowered:
            raise ValidationError(_("Custom CSS may not contain %(text)s.") % {"text": forbidden})


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
        help_text=_("Added after the theme's styles. No @import, no HTML."),
    )

    panels = [
        ContrastWarningsPanel(),
        FieldPanel("preset"),
        MultiFieldPanel([FieldPanel("logo"), FieldPanel("favicon")], heading=_("Logo")),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("primary_colour"),
                        FieldPanel("secondary_colour"),
                        FieldPanel("accent_colour"),
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

    def css_variables(self) -> str:
        """The theme as CSS custom properties for :root (one stylesheet serves every tenant)."""
        v = self.values
        dark = v["mode"] == "dark"
        background = "#121212" if dark else "#ffffff"
        surface = "#1e1e24" if dark else mix(v["secondary"], "#ffffff", 0.5)
        text = "#f3f4f6" if dark else DARK_TEXT
        tokens = {
            "--color-primary": v["primary"],
            "--color-on-primary": text_colour_on(v["primary"]),
            "--color-secondary": v["secondary"],
            "--color-on-secondary": text_colour_on(v["secondary"]),
            "--color-accent": v["accent"],
            "--color-on-accent": text_colour_on(v["accent"]),
            "--color-bg": background,
            "--color-surface": surface,
            "--color-text": text,
            "--color-muted": "#a1a1aa" if dark else "#52525b",
            "--color-border": "#3f3f46" if dark else "#e4e4e7",
            "--font-body": FONT_STACKS[v["font"]],
            "--radius": f"{v['radius']}px",
        }
        # Safe to put in <style> unescaped: every value is a checked colour, a fixed font stack or a number.
        return mark_safe(";".join(f"{name}:{value}" for name, value in tokens.items()))  # noqa: S308

    def contrast_warnings(self) -> list[str]:
        """Colours whose text (white or dark, whichever is better) fails WCAG AA (4.5:1)."""
        v = self.values
        warnings = []
        for label, colour in (
            ("Primary", v["primary"]),
            ("Secondary", v["secondary"]),
            ("Accent", v["accent"]),
        ):
            ratio = contrast_ratio(colour, text_colour_on(colour))
            if ratio < AA_NORMAL_TEXT:
                warnings.append(
                    f"{label} colour {colour}: text on it has a contrast of {ratio:.2f}:1, below the 4.5:1 "
                    "WCAG AA needs. Choose a darker or lighter shade."
                )
        return warnings

    @property
    def header_template(self) -> list[str]:
        return self.template_names("includes/header.html")

    def template_names(self, name: str) -> list[str]:
        """`name` as this theme's preset overrides it, else the shared template."""
        return [f"themes/{self.preset}/{name}", name]
