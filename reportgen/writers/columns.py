"""Column widths for fixed-layout tables (DOCX) from their content: the label column wide, number columns narrow.

Word and LibreOffice lay a fixed-width table out as given and break a word that does not fit its cell inside the
word ("Stadfæs-tet"). So every column gets at least the width of its longest unbreakable piece: a header word
(which may break only at a space, after "/" or at a soft hyphen), a word of a label, a whole number cell, a whole
date (its spaces are no-break spaces). What is left of the text width goes to the columns that would otherwise
wrap: to the label column first when it is the only column of text (a table of figures), else to every column
of text in proportion to how much more it needs (a plan's initiatives, responsible and status share the width,
and a column of dates stays as narrow as its dates).
Widths are measured with the packaged Carlito (metric-compatible with Calibri, the reference document's font)
and given room for a wider fallback font.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from math import ceil

from reportgen.documents.model import Table
from reportgen.resources import FONTS

SOFT_HYPHEN = "\u00ad"
BREAK_AFTER_SLASH = "\u200b"  # a zero-width space after "/": a line may break there in Word and LibreOffice
FONT_SIZE_PT = 10  # the table styles' size (scripts/make_reference_docx.py: Tabeltekst)
CELL_PADDING_TWIPS = 2 * 85 + 40  # the table style's left and right cell margins, and a little air
MARGINS = (1.25, 1.15, 1.0)  # room for a wider font than Calibri (LibreOffice without Carlito), tried in order
_MEASURE_SIZE = 100  # measure at 100 pt for precision, then scale
BREAKABLE_SPACE = re.compile(r"[^\S\u00a0]+")  # white space a line may break at: all but the no-break space


@cache
def _font(bold: bool):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS / f"Carlito-{'Bold' if bold else 'Regular'}.ttf"), _MEASURE_SIZE)


def text_twips(text: str, bold: bool = False) -> float:
    """The width of one line of text at the table font size, in twips (1/20 pt)."""
    return _font(bold).getlength(text) * FONT_SIZE_PT / _MEASURE_SIZE * 20


def words(text: str) -> list[str]:
    """The pieces a line may break between: split at spaces, never at a no-break space ("31.\u00a0december")."""
    return [word for word in BREAKABLE_SPACE.split(text) if word]


def header_pieces(text: str) -> list[str]:
    """The pieces a header may be broken into: at spaces, after "/", and at soft hyphens (with the hyphen shown)."""
    pieces = []
    for word in words(text):
        for part in re.split(r"(?<=/)", word):
            fragments = part.split(SOFT_HYPHEN)
            pieces += [f + "-" for f in fragments[:-1]] + fragments[-1:]
    return [p for p in pieces if p]


def _widest(texts: Sequence[str], bold: bool) -> float:
    return max((text_twips(t, bold) for t in texts), default=0.0)


def column_widths(table: Table, text_width: int) -> list[int]:
    """Widths in twips that add up to `text_width`: every column at least as wide as its longest unbreakable
    piece (with room for a wider font where the page allows), the remaining width to the columns that would
    wrap, in proportion to how much more they need – the label column first when it is the only column of text."""
    columns = range(len(table.header))
    total = table.total or ()
    least, whole = [], []
    for j in columns:
        header = table.header[j].replace(SOFT_HYPHEN, "")
        body = [row[j] for row in table.rows]
        number = table.align[j] == "right"
        unbreakable_body = body if number else [w for cell in body for w in words(cell)]
        unbreakable_total = [total[j]] if total and number else (words(total[j]) if total else [])
        least.append(
            max(
                _widest(header_pieces(table.header[j]), True),
                _widest(unbreakable_body, False),
                _widest(unbreakable_total, True),
            )
        )
        whole.append(max(text_twips(header, True), _widest(body, False), _widest(list(total[j : j + 1]), True)))
    for margin in MARGINS:
        low = [m * margin + CELL_PADDING_TWIPS for m in least]
        high = [w * margin + CELL_PADDING_TWIPS for w in whole]
        if sum(low) <= text_width:
            return _share(low, high, text_width, label_first=all(a == "right" for a in table.align[1:]))
    scale = text_width / sum(m + CELL_PADDING_TWIPS for m in least)  # nothing fits: shrink every column alike
    return _rounded([(m + CELL_PADDING_TWIPS) * scale for m in least], text_width)


def _share(low: list[float], high: list[float], text_width: int, label_first: bool) -> list[int]:
    """Start at `low`; give the label column what it needs to reach `high` if it goes first, then the columns in
    proportion to what they need; anything left over goes to the label column."""
    widths = list(low)
    room = text_width - sum(widths)
    if label_first:
        label_needs = min(room, high[0] - widths[0])
        widths[0] += label_needs
        room -= label_needs
    needs = [max(0.0, h - w) for h, w in zip(high, widths, strict=True)]
    if room > 0 and sum(needs) > 0:
        share = min(1.0, room / sum(needs))
        widths = [w + n * share for w, n in zip(widths, needs, strict=True)]
    widths[0] += text_width - sum(widths)
    return _rounded(widths, text_width)


def _rounded(widths: list[float], text_width: int) -> list[int]:
    """Whole twips adding up to exactly `text_width`: the number columns rounded up, the label column the rest."""
    out = [ceil(w) for w in widths]
    out[0] += text_width - sum(out)
    return out
