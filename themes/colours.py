"""WCAG contrast arithmetic for theme colours."""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DARK_TEXT = "#111827"
LIGHT_TEXT = "#ffffff"


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
    """White or near-black, whichever reads better on `background`."""
    return (
        LIGHT_TEXT
        if contrast_ratio(background, LIGHT_TEXT) >= contrast_ratio(background, DARK_TEXT)
        else DARK_TEXT
    )


def mix(colour: str, other: str, weight: float) -> str:
    """`colour` blended with `other` (weight 0..1 of `other`)."""
    parts = []
    for i in (1, 3, 5):
        a, b = int(colour[i : i + 2], 16), int(other[i : i + 2], 16)
        parts.append(round(a + (b - a) * weight))
    return "#" + "".join(f"{p:02x}" for p in parts)
