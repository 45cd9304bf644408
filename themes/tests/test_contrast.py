"""Every text colour a theme produces reads on every background static/portal/portal.css puts it
on: WCAG 2.x AA, a contrast of at least 4.5:1 for normal text, for every preset, in both modes, and
for colours a brand chooses itself (the theme derives readable text and link colours from them).

The arithmetic is written out here from the WCAG definitions (relative luminance, contrast ratio),
independently of themes.colours, and nothing is rounded: 4.499:1 fails."""

import re
from pathlib import Path

import pytest
import tinycss2
from django.conf import settings

from themes.models import BrandTheme
from themes.presets import PRESETS

AA_NORMAL_TEXT = 4.5


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB #rrggbb colour."""

    def linear(value: int) -> float:
        srgb = value / 255
        return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# (text colour, background colour) -> where portal.css (and the templates using its classes) put
# that text on that background. Text that inherits (secondary buttons, links in dark and accent
# sections) takes the colour of the pair it sits in.
PAIRS = {
    ("text", "bg"): "body text, header, menus, service-entrance labels, secondary buttons on the page",
    ("muted", "bg"): "subtitles, captions, notes",
    ("link", "bg"): "links, the current menu item, the skip link, link-style buttons",
    ("accent-text", "bg"): "the FAQ's + and – signs",
    ("positive", "bg"): "points and money added, in ledgers",
    ("negative", "bg"): "points and money taken, in ledgers",
    ("text", "surface"): "cards, footer, announcements, coupons, contact channels, levels, join box",
    ("muted", "surface"): "card texts, the footer's text, level thresholds, used and expired coupons",
    ("link", "surface"): "links in announcements, contact-channel icons",
    ("accent-text", "surface"): "the arrow after a card's title",
    ("positive", "surface"): "ledgers in a card",
    ("negative", "surface"): "ledgers in a card",
    ("on-primary", "primary"): "dark sections (their links and secondary buttons too), service bar",
    ("on-secondary", "secondary"): "accent sections (their links and secondary buttons too)",
    ("icon", "secondary"): "service-entrance icons",
    ("on-accent", "accent"): "primary buttons (coupon claims too), badges, account-page buttons",
    ("on-gradient", "primary"): "banner and member card text where their gradient starts",
    ("on-gradient", "gradient-end"): "banner and member card text where their gradient ends",
}


def theme_colours(theme: BrandTheme) -> dict[str, str]:
    """The colours as the page receives them: read back from the CSS custom properties."""
    tokens = dict(token.split(":", 1) for token in theme.css_variables().split(";"))
    return {
        name.removeprefix("--color-"): value for name, value in tokens.items() if name.startswith("--color-")
    }


def unreadable_pairs(theme: BrandTheme) -> list[str]:
    colours = theme_colours(theme)
    return [
        f"{text} {colours[text]} on {background} {colours[background]}: "
        f"{contrast(colours[text], colours[background]):.3f}:1 ({where})"
        for (text, background), where in PAIRS.items()
        if contrast(colours[text], colours[background]) < AA_NORMAL_TEXT
    ]


def test_the_contrast_arithmetic_is_wcags():
    assert contrast("#000000", "#ffffff") == 21.0
    assert contrast("#ffffff", "#ffffff") == 1.0
    assert round(contrast("#767676", "#ffffff"), 3) == 4.542  # the lightest grey that passes on white
    assert round(contrast("#777777", "#ffffff"), 3) == 4.478


@pytest.mark.parametrize("mode", ["", "light", "dark"])  # the preset's own mode, or the brand's choice
@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_text_reads_on_every_background_it_is_put_on(preset, mode):
    assert unreadable_pairs(BrandTheme(preset=preset, mode=mode)) == []


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_uses_its_own_colours_as_they_are(preset):
    """No preset relies on the adjustments made for brand colours."""
    theme = BrandTheme(preset=preset)
    colours = theme_colours(theme)
    assert theme.contrast_warnings() == []
    assert (colours["link"], colours["accent-text"], colours["gradient-end"], colours["icon"]) == (
        PRESETS[preset]["primary"],
        PRESETS[preset]["accent"],
        PRESETS[preset]["accent"],
        PRESETS[preset]["primary"],
    )


def test_midnight_keeps_its_dark_look_with_readable_buttons():
    colours = theme_colours(BrandTheme(preset="midnight"))
    assert (colours["bg"], colours["text"], colours["primary"], colours["on-primary"]) == (
        "#121212",
        "#f3f4f6",
        "#a78bfa",
        "#111827",
    )
    assert (colours["accent"], colours["on-accent"]) == ("#fbbf24", "#111827")


# Brand colours that are hard to write on: mid greys (white and near-black text both fail),
# pale and saturated colours, the darkest and lightest, and the presets' own.
AWKWARD = [
    "#777777",
    "#767676",
    "#808080",
    "#949494",
    "#595959",
    "#ffe066",
    "#ffff00",
    "#00ff00",
    "#ff0000",
    "#0000ff",
    "#ff00ff",
    "#000000",
    "#ffffff",
    "#3b0764",
    "#fde68a",
]
GRID = [
    f"#{r:02x}{g:02x}{b:02x}"
    for r in (0, 0x66, 0xAA, 0xFF)
    for g in (0, 0x66, 0xAA, 0xFF)
    for b in (0, 0x88, 0xFF)
]


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("preset", list(PRESETS))
def test_a_brand_colour_in_any_role_still_gives_readable_text(preset, mode):
    failures = {}
    for field in ("primary_colour", "secondary_colour", "accent_colour"):
        for colour in AWKWARD + GRID:
            problems = unreadable_pairs(BrandTheme(preset=preset, mode=mode, **{field: colour}))
            if problems:
                failures[f"{field}={colour}"] = problems
    assert failures == {}


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_three_awkward_brand_colours_together_still_give_readable_text(mode):
    failures = {}
    for primary in AWKWARD:
        for secondary in AWKWARD:
            for accent in AWKWARD:
                theme = BrandTheme(
                    preset="harbor",
                    mode=mode,
                    primary_colour=primary,
                    secondary_colour=secondary,
                    accent_colour=accent,
                )
                if problems := unreadable_pairs(theme):
                    failures[(primary, secondary, accent)] = problems
    assert failures == {}


def test_text_on_a_brand_colour_is_white_near_black_or_black_by_contrast():
    colours = theme_colours(
        BrandTheme(
            preset="harbor", primary_colour="#0000ff", secondary_colour="#ffff00", accent_colour="#777777"
        )
    )
    assert (colours["on-primary"], colours["on-secondary"], colours["on-accent"]) == (
        "#ffffff",
        "#111827",
        "#000000",
    )


PORTAL_CSS = Path(settings.BASE_DIR) / "static" / "portal" / "portal.css"


def style_rules(nodes=None):
    """(selector, {property: value}) for every style rule of portal.css, those in @media too."""
    if nodes is None:
        nodes = tinycss2.parse_stylesheet(PORTAL_CSS.read_text(), skip_comments=True, skip_whitespace=True)
    for node in nodes:
        if node.type == "qualified-rule":
            declarations = tinycss2.parse_declaration_list(
                node.content, skip_comments=True, skip_whitespace=True
            )
            yield (
                tinycss2.serialize(node.prelude).strip(),
                {
                    d.lower_name: tinycss2.serialize(d.value).strip()
                    for d in declarations
                    if d.type == "declaration"
                },
            )
        elif node.type == "at-rule" and node.content is not None:
            yield from style_rules(
                tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
            )


def theme_colours_in(value: str) -> set[str]:
    return set(re.findall(r"var\(--color-([a-z-]+)\)", value))


def test_the_stylesheet_puts_text_only_on_backgrounds_checked_here():
    texts = {text for text, _ in PAIRS}
    backgrounds = {background for _, background in PAIRS}
    rules = list(style_rules())
    assert len(rules) > 100  # the whole stylesheet was read
    for selector, declarations in rules:
        text = theme_colours_in(declarations.get("color", ""))
        painted = theme_colours_in(
            declarations.get("background", "") + declarations.get("background-color", "")
        )
        assert text <= texts, f"{selector}: text in {text - texts}, a colour no pair here checks"
        assert painted <= backgrounds, (
            f"{selector}: background {painted - backgrounds}, checked under no text"
        )
        if painted:
            # A rule that paints a background says which text goes on it, rather than inheriting
            # a colour meant for another background (a card in a dark section).
            assert "color" in declarations, f"{selector} paints {painted} but sets no text colour"
            for background in painted:
                for colour in text:
                    assert (colour, background) in PAIRS, f"{selector}: {colour} on {background}"


def test_no_text_is_faded_with_opacity():
    """Opacity blends text into its background: a pair no check here sees."""
    assert [selector for selector, declarations in style_rules() if "opacity" in declarations] == []


def test_links_in_a_mode_or_section_leave_buttons_their_own_colours():
    """`.mode-dark a { color: ... }` outranks `.button-primary { color: ... }`: Midnight's buttons
    (coupon claims among them) showed violet text on amber."""
    for selector, declarations in style_rules():
        if "color" not in declarations:
            continue
        for one in selector.split(","):
            compounds = one.split()
            if re.match(r"^a(?![\w-])", compounds[-1]) and any(
                re.search(r"\.(mode|variant)-", compound) for compound in compounds[:-1]
            ):
                assert ":not(.button)" in compounds[-1], one
