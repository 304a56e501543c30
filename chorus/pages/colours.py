"""Colour contrast as WCAG 2.2 defines it (success criterion 1.4.3), for the accent colour check."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = "#ffffff"
# WCAG 2.2 AA for normal-size text: the accent is used for text on white and behind white text.
MINIMUM_CONTRAST = 4.5


def relative_luminance(colour: str) -> float:
    """The relative luminance of an sRGB ``#rrggbb`` colour, 0 (black) to 1 (white)."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"Not a #rrggbb colour: {colour!r}")
    channels = []
    for start in (1, 3, 5):
        value = int(colour[start : start + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (no contrast) to 21 (black on white); the order of the colours does not matter."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
