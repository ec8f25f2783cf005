"""The documents' text per section (a heading and its paragraphs) and the word-level comparison of sections."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from docx.oxml.ns import qn

from reportgen.lifecycle.diff.sides import open_docx
from reportgen.writers.docx import Style

DOCUMENT_LABELS = {
    "sagsfremstilling": "Sagsfremstilling",
    "bilag-1": "Bilag 1",
    "bilag-2": "Bilag 2",
    "orientering-ankestyrelsen": "Orientering af Ankestyrelsen",
}
SECTION_STYLES = frozenset({Style.TITLE, Style.HEADING_1, Style.DECISION})
CONTEXT_WORDS = 6
BREAK = "\n"  # a paragraph's end among a section's words: the redline shows it as a new line, and it is no word


@dataclass(frozen=True)
class Section:
    """A document section: the heading that starts it and the text of its paragraphs."""

    title: str
    paragraphs: tuple[str, ...]

    def words(self) -> list[str]:
        """The section's words, heading included, with BREAK between paragraphs (a heading or a list item is not run
        into the paragraph after it)."""
        words: list[str] = []
        for text in (self.title, *self.paragraphs):
            if text.split():
                words += ([BREAK] if words else []) + text.split()
        return words


def _paragraphs(document) -> list:
    """Every paragraph element of the body in reading order, table cells included."""
    return list(document.element.body.iter(qn("w:p")))


def read_sections(path: Path) -> list[Section]:
    """The sections of a DOCX: a new one starts at each Title, Heading 1 and decision paragraph."""
    document = open_docx(path)
    style_names = {s.style_id: s.name for s in document.styles}
    sections: list[tuple[str, list[str]]] = []
    for p in _paragraphs(document):
        style = style_names.get(p.style or "", Style.NORMAL)
        if style in SECTION_STYLES or not sections:
            sections.append((p.text, []))
        else:
            sections[-1][1].append(p.text)
    return [Section(title, tuple(paragraphs)) for title, paragraphs in sections]


@dataclass(frozen=True)
class SectionDiff:
    """One section compared: status, the changed words in context, and how many words were inserted and deleted."""

    title: str
    status: str  # "uændret", "ændret", "nyt", "fjernet"
    hunks: tuple[tuple[tuple[str, str], ...], ...] = ()  # each hunk: (kind, text) with kind equal/insert/delete
    inserted: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class DocumentDiff:
    """One document compared section by section."""

    name: str
    sections: tuple[SectionDiff, ...]
    status: str = "ændret"  # or "nyt", "fjernet"

    @property
    def label(self) -> str:
        """The document's name for a reader."""
        return DOCUMENT_LABELS.get(self.name, self.name)

    @property
    def changed(self) -> list[SectionDiff]:
        """The sections that are not unchanged."""
        return [s for s in self.sections if s.status != "uændret"]

    @property
    def inserted(self) -> int:
        """Words inserted in the whole document."""
        return sum(s.inserted for s in self.sections)

    @property
    def deleted(self) -> int:
        """Words deleted in the whole document."""
        return sum(s.deleted for s in self.sections)


def compare_document(name: str, old: Path | None, new: Path | None) -> DocumentDiff:
    """Compare one document's sections, aligned by their headings."""
    old_sections = read_sections(old) if old else []
    new_sections = read_sections(new) if new else []
    matcher = SequenceMatcher(None, [s.title for s in old_sections], [s.title for s in new_sections], autojunk=False)
    out: list[SectionDiff] = []
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = list(zip(old_sections[i1:i2], new_sections[j1:j2], strict=False))
        out += [_compare_section(a, b) for a, b in pairs]
        out += [_compare_section(Section("", ()), b, "nyt") for b in new_sections[j1 + len(pairs) : j2]]
        out += [_compare_section(a, Section("", ()), "fjernet") for a in old_sections[i1 + len(pairs) : i2]]
    status = "nyt" if old is None else "fjernet" if new is None else "ændret"
    return DocumentDiff(name, tuple(out), status)


def _compare_section(old: Section, new: Section, status: str = "ændret") -> SectionDiff:
    """Word-level comparison of two sections, with the changes in a few words of context."""
    a, b = old.words(), new.words()
    title = new.title if status != "fjernet" else old.title
    if a == b:
        return SectionDiff(title, "uændret")
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    hunks, inserted, deleted = [], 0, 0
    for group in matcher.get_grouped_opcodes(CONTEXT_WORDS):
        hunk = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk.append(("equal", " ".join(b[j1:j2])))
                continue
            if i2 > i1:
                hunk.append(("delete", " ".join(a[i1:i2])))
                deleted += _counted(a[i1:i2])
            if j2 > j1:
                hunk.append(("insert", " ".join(b[j1:j2])))
                inserted += _counted(b[j1:j2])
        hunks.append(tuple(hunk))
    return SectionDiff(title, status, tuple(hunks), inserted, deleted)


def _counted(words: list[str]) -> int:
    """The words among tokens (a paragraph's end is not one)."""
    return sum(1 for w in words if w != BREAK)
