"""The document model: a closed set of blocks that every writer (HTML, DOCX, PDF) renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

# --- inline content -------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Plain text; writers escape it for their format."""

    text: str


@dataclass(frozen=True)
class Emph:
    """Italic text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Strong:
    """Bold text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True)
class LineBreak:
    """A hard line break inside a paragraph."""


Inline = Text | Emph | Strong | LineBreak

# --- blocks ---------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is the document's main sections."""

    level: int
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline content."""

    children: tuple[Inline, ...]


KEEP_LIST_AT_BREAK = 2  # a page break leaves at least this many items of a list on either side (a list of up to
# three items stays whole), and a list stays on the page of the paragraph that leads into it


@dataclass(frozen=True)
class BulletList:
    """A list; each item is a tuple of blocks (usually one Paragraph). Where a page may break inside it is the same
    rule for every writer: KEEP_LIST_AT_BREAK."""

    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False


CellAlign = Literal["left", "right"]


def label_and_numbers(numbers: int) -> tuple[CellAlign, ...]:
    """The alignment of a table with a label column followed by number columns."""
    right: CellAlign = "right"
    return ("left", *(right for _ in range(numbers)))


KEEP_WHOLE = 12  # a table of up to this many rows (body and total) stays on one page with its caption
KEEP_AT_BREAK = 3  # a longer table leaves at least this many rows on either side of a page break


@dataclass(frozen=True)
class Table:
    """A numbered table with caption, one header row, body rows, optional total row and source note.

    Cells are already formatted strings. ``align`` gives one alignment per column.
    ``notes`` are short sentences printed under the table (before the source line).
    Where a page may break inside it is the same rule for every writer: `row_groups`.
    """

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[CellAlign, ...]
    total: tuple[str, ...] | None = None
    source: str = ""
    notes: tuple[str, ...] = ()

    @property
    def body(self) -> tuple[tuple[str, ...], ...]:
        """The rows under the header: the body rows, then the total row if any."""
        return self.rows + ((self.total,) if self.total else ())

    def row_groups(self) -> tuple[range, ...]:
        """Ranges of `body` that a page break must not split: the whole table when it is short (it then stays on
        one page with its caption), else its first and last KEEP_AT_BREAK rows each as a group, and the rest."""
        n = len(self.body)
        if n <= KEEP_WHOLE:
            return (range(n),)
        return (range(KEEP_AT_BREAK), range(KEEP_AT_BREAK, n - KEEP_AT_BREAK), range(n - KEEP_AT_BREAK, n))

    @property
    def keep_whole(self) -> bool:
        """True when the whole table stays on one page with its caption."""
        return len(self.row_groups()) == 1


FIGURE_MAX_HEIGHT_CM = 10.0  # a figure is at most this tall, so with its caption it fills less than half a page,
# and one that does not fit on what is left of a page leaves less than half of it empty


@dataclass(frozen=True)
class Figure:
    """A chart or map: PNG bytes with caption, alternative text and an optional source note (writers prefix
    "Kilde:"); ``name`` is its file name. Every writer shows it `shown_width_cm` wide."""

    name: str
    png: bytes = field(repr=False)
    caption: str
    alt: str
    width_cm: float = 16.0
    source: str = ""

    def shown_width_cm(self) -> float:
        """The width the figure is shown at: `width_cm`, narrowed (keeping its proportions) to be at most
        FIGURE_MAX_HEIGHT_CM tall."""
        width_px, height_px = int.from_bytes(self.png[16:20], "big"), int.from_bytes(self.png[20:24], "big")
        return min(self.width_cm, FIGURE_MAX_HEIGHT_CM * width_px / height_px)


@dataclass(frozen=True)
class Decision:
    """One body's decision on the case: "Beslutning <organ> den <dd-mm-åååå>" and its text."""

    title: str
    body: tuple[Block, ...]


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (ignored by the HTML preview except as a print hint)."""


Block = Heading | Paragraph | BulletList | Table | Figure | Decision | PageBreak


@dataclass(frozen=True)
class Document:
    """A composed document: metadata every writer needs and the blocks in reading order.

    ``draft`` marks every page as a draft. ``date`` is the document's own date (from the
    case, never the clock) used for metadata. ``header`` is the running header text.
    ``numbering`` goes in front of every table and figure number ("B1." → "Tabel B1.2"), so an
    appendix's tables cannot be mistaken for the main document's.
    """

    slug: str
    title: str
    subtitle: str
    header: str
    draft: bool
    date: date
    author: str
    blocks: tuple[Block, ...]
    language: str = "da-DK"
    numbering: str = ""


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """Return the text content of inline content, without formatting."""
    parts: list[str] = []
    for node in inlines:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, (Emph, Strong)):
            parts.append(plain_text(node.children))
        elif isinstance(node, LineBreak):
            parts.append("\n")
    return "".join(parts)
