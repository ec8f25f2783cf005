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


@dataclass(frozen=True)
class BulletList:
    """A list; each item is a tuple of blocks (usually one Paragraph)."""

    items: tuple[tuple[Block, ...], ...]
    ordered: bool = False


CellAlign = Literal["left", "right"]


def label_and_numbers(numbers: int) -> tuple[CellAlign, ...]:
    """The alignment of a table with a label column followed by number columns."""
    right: CellAlign = "right"
    return ("left", *(right for _ in range(numbers)))


@dataclass(frozen=True)
class Table:
    """A numbered table with caption, one header row, body rows, optional total row and source note.

    Cells are already formatted strings. ``align`` gives one alignment per column.
    ``notes`` are short sentences printed under the table (before the source line).
    """

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[CellAlign, ...]
    total: tuple[str, ...] | None = None
    source: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A chart or map: PNG bytes with caption, alternative text and an optional source note (writers prefix
    "Kilde:"); ``name`` is its file name."""

    name: str
    png: bytes = field(repr=False)
    caption: str
    alt: str
    width_cm: float = 16.0
    source: str = ""


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
