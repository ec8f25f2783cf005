"""Colours as hex strings: parsing, WCAG 2.1 contrast ratios, and the nearest shade that reaches a contrast."""

from __future__ import annotations

import re

WHITE = "#FFFFFF"
BLACK = "#000000"
AA_TEXT = 4.5  # WCAG 2.1 AA, success criterion 1.4.3: normal text on its background

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def parse_hex(text: str) -> str | None:
    """The colour as "#RRGGBB" in capitals ("#1f3864", "1F3864" and "#abc" are accepted), or None."""
    match = _HEX.fullmatch(text.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits.upper()


def _channels(colour: str) -> tuple[int, int, int]:
    """The red, green and blue values (0–255) of "#RRGGBB"."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(colour: str) -> float:
    """The relative luminance of "#RRGGBB" as WCAG 2.1 defines it (0 for black, 1 for white)."""

    def linear(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (equal) to 21 (black on white)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def ratio_text(value: float) -> str:
    """A contrast ratio as Danish text, rounded down so that a failing ratio never reads as passing: "4,4:1"."""
    return f"{int(value * 10) / 10:.1f}".replace(".", ",") + ":1"


def reaching(colour: str, background: str, target: float = AA_TEXT) -> str:
    """The shade of colour nearest to it (mixed towards black or white) with at least the target contrast on
    background; black or white if no shade of the colour reaches it."""
    if contrast(colour, background) >= target:
        return colour
    towards = BLACK if contrast(BLACK, background) >= contrast(WHITE, background) else WHITE
    ends = _channels(towards)
    for step in range(1, 101):
        mixed = tuple(round(c + (e - c) * step / 100) for c, e in zip(_channels(colour), ends, strict=True))
        candidate = "#{:02X}{:02X}{:02X}".format(*mixed)
        if contrast(candidate, background) >= target:
            return candidate
    return towards
