"""WCAG contrast arithmetic for theme colours, and the derivations that keep a brand's colours
readable: text picked by contrast, brand colours darkened or lightened only as far as needed."""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DARK_TEXT = "#111827"
LIGHT_TEXT = "#ffffff"
BLACK = "#000000"
# WCAG 2.x AA for normal text (1.4.3).
AA_NORMAL_TEXT = 4.5
# Steps when a colour is moved towards another one until it reads: fine enough that the result
# stays close to the brand's colour, few enough to be free.
_STEPS = 40


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on `background`; pure black when neither
    reaches AA (mid tones such as #777777: black or white always gives at least 4.58:1)."""
    best = (
        LIGHT_TEXT
        if contrast_ratio(background, LIGHT_TEXT) >= contrast_ratio(background, DARK_TEXT)
        else DARK_TEXT
    )
    if contrast_ratio(background, best) >= AA_NORMAL_TEXT:
        return best
    return max((BLACK, LIGHT_TEXT), key=lambda text: contrast_ratio(background, text))


def mix(colour: str, other: str, weight: float) -> str:
    """`colour` blended with `other` (weight 0..1 of `other`)."""
    parts = []
    for i in (1, 3, 5):
        a, b = int(colour[i : i + 2], 16), int(other[i : i + 2], 16)
        parts.append(round(a + (b - a) * weight))
    return "#" + "".join(f"{p:02x}" for p in parts)


def _reads(colour: str, others: list[str]) -> bool:
    return all(contrast_ratio(colour, other) >= AA_NORMAL_TEXT for other in others)


def readable_on(colour: str, backgrounds: list[str], *, towards: str) -> str:
    """`colour` as text on every one of `backgrounds`: itself when it reads, else moved step by step
    towards `towards` (a colour that reads on all of them) until it does."""
    for step in range(_STEPS + 1):
        candidate = mix(colour, towards, step / _STEPS)
        if _reads(candidate, backgrounds):
            return candidate
    return towards


def background_for(colour: str, texts: list[str], *, towards: str) -> str:
    """`colour` as a background for every one of `texts`: itself when they all read on it, else
    moved step by step towards `towards` (a background they all read on) until they do."""
    return readable_on(colour, texts, towards=towards)
