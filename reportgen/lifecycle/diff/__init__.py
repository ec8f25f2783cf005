"""`reportgen diff`: two versions compared word by word, as HTML redline, Word tracked changes and a summary."""

from __future__ import annotations

import copy
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime, time
from difflib import SequenceMatcher
from functools import cache
from io import BytesIO
from itertools import takewhile
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from reportgen.domain.errors import InputError, Problem
from reportgen.resources import DIFF_TEMPLATES
from reportgen.writers.docx import Style

MANIFEST, FIGURES = "manifest.json", "figurer.json"
DOCUMENT_ORDER = ("sagsfremstilling", "bilag-1")
DOCUMENT_LABELS = {
    "sagsfremstilling": "Sagsfremstilling",
    "bilag-1": "Bilag 1",
    "orientering-ankestyrelsen": "Orientering af Ankestyrelsen",
}
SECTION_STYLES = frozenset({Style.TITLE, Style.HEADING_1, Style.DECISION})
CONTEXT_WORDS = 6
AUTHOR = "reportgen"
SKIPPED_KEYS = frozenset({"kilde"})
LIST_KEYS = ("navn", "forvaltningsomraade", "aar")
TRACKED_SUFFIX = "-aendringer.docx"
TERMINAL_FIGURES = 25
_DELETED_TAGS = {qn("w:t"): qn("w:delText"), qn("w:instrText"): qn("w:delInstrText")}
_PICTURE_TAGS = (qn("w:drawing"), qn("w:pict"), qn("w:object"))
_TOKEN = re.compile(r"\S+\s*|\s+")

# --- the two sides ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a version folder or a single DOCX file."""

    path: Path
    label: str
    documents: dict[str, Path]
    manifest: dict | None = None
    figures: dict | None = None

    @property
    def is_folder(self) -> bool:
        """True for a version folder from `reportgen build`."""
        return self.manifest is not None


def load_side(path: Path) -> Side:
    """Read a version folder (its manifest, documents and figures) or a DOCX file; InputError if neither."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".docx":
        return Side(path, path.name, {path.stem: path})
    if not path.is_dir():
        raise InputError(
            [
                Problem(
                    str(path),
                    "findes ikke som versionsmappe eller DOCX-fil.",
                    hint="Angiv en versionsmappe fra reportgen build, fx output/alleroed/2024/v1.",
                )
            ]
        )
    manifest = _read_json(
        path, MANIFEST, "mappen har ingen manifest.json og er ikke en versionsmappe fra reportgen build."
    )
    names = sorted(n for n in manifest.get("output", {}) if n.endswith(".docx"))
    missing = [n for n in names if not (path / n).is_file()]
    if missing or not names:
        raise InputError(
            [
                Problem(str(path / n), "filen mangler i versionsmappen.", hint="Byg sagen igen med reportgen build.")
                for n in missing or ["sagsfremstilling.docx"]
            ]
        )
    figures = _read_json(path, FIGURES, "") if (path / FIGURES).is_file() else None
    label = f"v{manifest['version']}" if "version" in manifest else path.name
    return Side(path, label, {Path(n).stem: path / n for n in names}, manifest, figures)


def _read_json(folder: Path, name: str, missing: str) -> dict:
    """A JSON file of a version folder; InputError when it is missing or unreadable."""
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        hint = "Angiv en versionsmappe, fx output/alleroed/2024/v1."
        raise InputError([Problem(str(folder), missing, hint=hint)]) from None
    except (OSError, ValueError):
        raise InputError(
            [Problem(str(folder / name), "filen kan ikke læses som JSON.", hint="Byg sagen igen med reportgen build.")]
        ) from None
    if not isinstance(data, dict):
        raise InputError([Problem(str(folder / name), "filen har ikke det forventede indhold.")])
    return data


def _open_docx(path: Path):
    """Open a DOCX with python-docx; InputError when it is not one."""
    try:
        return docx.Document(str(path))
    except Exception:  # noqa: BLE001 – python-docx raises several kinds for a broken package
        raise InputError(
            [Problem(str(path), "filen kan ikke læses som DOCX.", hint="Angiv en DOCX-fil bygget af reportgen.")]
        ) from None


# --- text per section ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A document section: the heading that starts it and the text of its paragraphs."""

    title: str
    paragraphs: tuple[str, ...]

    def words(self) -> list[str]:
        """The section's words, heading included."""
        return " ".join((self.title, *self.paragraphs)).split()


def _paragraphs(document) -> list:
    """Every paragraph element of the body in reading order, table cells included."""
    return list(document.element.body.iter(qn("w:p")))


def read_sections(path: Path) -> list[Section]:
    """The sections of a DOCX: a new one starts at each Title, Heading 1 and decision paragraph."""
    document = _open_docx(path)
    style_names = {s.style_id: s.name for s in document.styles}
    sections: list[tuple[str, list[str]]] = []
    for p in _paragraphs(document):
        style = style_names.get(p.style or "", Style.NORMAL)
        if style in SECTION_STYLES or not sections:
            sections.append((p.text, []))
        else:
            sections[-1][1].append(p.text)
    return [Section(title, tuple(paragraphs)) for title, paragraphs in sections]


# --- comparison ---------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Change:
    """A value that changed: its dotted path, the old and the new value as text."""

    path: str
    old: str
    new: str


@dataclass(frozen=True)
class PacketDiff:
    """Everything that differs between two versions."""

    old: Side
    new: Side
    documents: tuple[DocumentDiff, ...]
    figures: tuple[Change, ...] = ()
    case: tuple[Change, ...] = ()
    warnings_added: tuple[str, ...] = ()
    warnings_removed: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        """True when no text, figure, case detail or warning differs."""
        return not (
            any(d.changed for d in self.documents)
            or self.figures
            or self.case
            or self.warnings_added
            or self.warnings_removed
        )


def compare(old_path: Path, new_path: Path) -> PacketDiff:
    """Compare two version folders, or two DOCX files."""
    old, new = load_side(old_path), load_side(new_path)
    if old.is_folder != new.is_folder:
        raise InputError(
            [
                Problem(
                    str(old_path if not old.is_folder else new_path),
                    "kan ikke sammenlignes med en versionsmappe.",
                    hint="Angiv enten to versionsmapper eller to DOCX-filer.",
                )
            ]
        )
    if not old.is_folder:
        old = Side(old.path, old.label, {new.path.stem: old.path})
    names = sorted(
        set(old.documents) | set(new.documents),
        key=lambda n: (DOCUMENT_ORDER.index(n) if n in DOCUMENT_ORDER else len(DOCUMENT_ORDER), n),
    )
    documents = tuple(_compare_document(n, old.documents.get(n), new.documents.get(n)) for n in names)
    old_fig, new_fig = old.figures or {}, new.figures or {}
    old_warn, new_warn = old_fig.get("advarsler") or [], new_fig.get("advarsler") or []
    return PacketDiff(
        old,
        new,
        documents,
        figures=changed_values(_without(old_fig, "advarsler"), _without(new_fig, "advarsler")),
        case=changed_values((old.manifest or {}).get("sag", {}), (new.manifest or {}).get("sag", {})),
        warnings_added=tuple(w for w in new_warn if w not in old_warn),
        warnings_removed=tuple(w for w in old_warn if w not in new_warn),
    )


def _without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


def _compare_document(name: str, old: Path | None, new: Path | None) -> DocumentDiff:
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
                deleted += i2 - i1
            if j2 > j1:
                hunk.append(("insert", " ".join(b[j1:j2])))
                inserted += j2 - j1
        hunks.append(tuple(hunk))
    return SectionDiff(title, status, tuple(hunks), inserted, deleted)


# --- figures ------------------------------------------------------------------------------------------------


def changed_values(old: Any, new: Any, path: str = "") -> tuple[Change, ...]:
    """Every value that differs between two JSON values, by dotted path; "kilde" (row numbers) is left out.

    Lists of objects are keyed by their name or year; a part that only one side has is one change.
    """
    a, b = _keyed(old), _keyed(new)
    if a is None or b is None:
        return () if old == new else (Change(path, _show(old), _show(new)),)
    out: list[Change] = []
    for key in [k for k in b if k not in SKIPPED_KEYS] + [k for k in a if k not in b and k not in SKIPPED_KEYS]:
        sub = f"{path}.{key}" if path else key
        if key not in a:
            out.append(Change(sub, "(ingen)", "(tilføjet)" if _keyed(b[key]) is not None else _show(b[key])))
        elif key not in b:
            out.append(Change(sub, "(fandtes)" if _keyed(a[key]) is not None else _show(a[key]), "(fjernet)"))
        else:
            out += changed_values(a[key], b[key], sub)
    return tuple(out)


def _keyed(value: Any) -> dict[str, Any] | None:
    """An object as itself, a list of objects as {name or year: object}; None for anything else."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = [next((str(v[k]) for k in LIST_KEYS if v.get(k) is not None), str(i)) for i, v in enumerate(value)]
        return dict(zip(keys if len(set(keys)) == len(keys) else map(str, range(len(value))), value, strict=True))
    return None


def _show(value: Any) -> str:
    """A JSON value as short Danish text."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if _keyed(value) is not None:
        return "(tal)"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "(tom)"
    return str(value)


# --- writing ------------------------------------------------------------------------------------------------


def run(old: Path, new: Path, out: Path | None = None) -> tuple[PacketDiff, list[Path]]:
    """Compare two versions and, when they differ, write the HTML redline and the tracked-changes DOCX files."""
    result = compare(old, new)
    if result.unchanged:
        return result, []
    moment = _moment(result.new)
    files = {out or _redline_path(result.old, result.new): render_html(result)}
    for doc in result.documents:
        new_docx = result.new.documents.get(doc.name)
        if new_docx:
            files[new_docx.with_name(f"{new_docx.stem}{TRACKED_SUFFIX}")] = tracked_changes(
                result.old.documents.get(doc.name), new_docx, moment
            )
    for path, content in files.items():  # everything is made before anything is written
        _write(path, content)
    return result, list(files)


def _redline_path(old: Side, new: Side) -> Path:
    """NEW/diff-mod-v<old>.html for version folders, else next to the new DOCX."""
    if new.is_folder:
        return new.path / f"diff-mod-{old.label}.html"
    return new.path.with_name(f"{new.path.stem}-diff-mod-{old.path.stem}.html")


def _write(path: Path, content: bytes) -> None:
    """Write a file atomically (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".diff-tmp-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@cache
def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(DIFF_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        keep_trailing_newline=True,
    )


def render_html(result: PacketDiff) -> bytes:
    """The redline as one self-contained HTML page."""
    sag = (result.new.manifest or {}).get("sag", {})
    subject = f"{sag['kommune']} {sag['aar']}" if {"kommune", "aar"} <= sag.keys() else result.new.path.name
    return _env().get_template("redline.html.j2").render(diff=result, subject=subject).encode("utf-8")


def _moment(side: Side) -> datetime:
    """The revision date of the new version: its case date (manifest "sag.dato"), else the DOCX's own date."""
    dato = (side.manifest or {}).get("sag", {}).get("dato")
    if dato:
        return datetime.combine(datetime.fromisoformat(dato).date(), time(), tzinfo=UTC)
    props = _open_docx(next(iter(side.documents.values()))).core_properties
    moment = props.modified or props.created
    if moment is None:
        raise InputError(
            [
                Problem(
                    str(side.path),
                    "DOCX-filen har ingen dato til ændringsmarkeringerne.",
                    hint="Sammenlign versionsmapper fra reportgen build i stedet.",
                )
            ]
        )
    return datetime.combine(moment.date(), time(), tzinfo=UTC)


# --- tracked changes ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    """A word (with its following space) or a run that is not plain text, with the run properties it had."""

    text: str
    rpr: Any
    run: Any = None  # the whole w:r when it holds more than text (a field, a break, a picture)

    @property
    def key(self) -> tuple[str, str]:
        """What makes two tokens equal: the text, and the XML of a non-text run."""
        return self.text, str.__str__(self.run.xml) if self.run is not None else ""


def _tokens(p) -> list[_Token]:
    """A paragraph's runs as tokens."""
    tokens: list[_Token] = []
    for r in p.xpath("./w:r | ./w:hyperlink/w:r"):
        rpr = r.find(qn("w:rPr"))
        if all(c.tag in (qn("w:rPr"), qn("w:t")) for c in r):
            tokens += [_Token(word, rpr) for word in _TOKEN.findall(r.text)]
        else:
            tokens.append(_Token(r.text, rpr, r))
    return tokens


def _runs(tokens: list[_Token], deleted: bool = False) -> list:
    """Tokens as runs: neighbouring words with the same formatting share a run; deleted text becomes w:delText."""
    runs: list = []
    previous_rpr = None
    for token in tokens:
        if token.run is not None:
            run = copy.deepcopy(token.run)
            if deleted:
                if next(run.iter(*_PICTURE_TAGS), None) is not None:
                    continue  # a picture of the old package cannot be shown in the new one
                for child in run.iter(*_DELETED_TAGS):
                    child.tag = _DELETED_TAGS[child.tag]
            runs.append(run)
            previous_rpr = None
            continue
        rpr_xml = token.rpr.xml if token.rpr is not None else ""
        if runs and previous_rpr == rpr_xml:
            runs[-1][-1].text += token.text
            continue
        run = OxmlElement("w:r")
        if token.rpr is not None:
            run.append(copy.deepcopy(token.rpr))
        text = OxmlElement("w:delText" if deleted else "w:t", {qn("xml:space"): "preserve"})
        text.text = token.text
        run.append(text)
        runs.append(run)
        previous_rpr = rpr_xml
    return runs


def _replace_content(p, content: list) -> None:
    """Replace everything in a paragraph except its properties."""
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    p.extend(content)


def _blocks(container) -> list:
    """The paragraphs and tables directly in the body or a table cell."""
    return [child for child in container if child.tag in (qn("w:p"), qn("w:tbl"))]


def _key(block) -> tuple[str, str]:
    """What makes two blocks equal: the kind and the text."""
    paragraphs = [block] if block.tag == qn("w:p") else block.iter(qn("w:p"))
    return block.tag, "\n".join(p.text for p in paragraphs)


def _row_key(row) -> tuple[str, ...]:
    return tuple(_key(cell)[1] for cell in row.findall(qn("w:tc")))


def _in_table(p) -> bool:
    return any(a.tag == qn("w:tbl") for a in p.iterancestors())


class _TrackedChanges:
    """Rewrites the new document so that Word shows every difference from the old one as a tracked change."""

    def __init__(self, moment: datetime) -> None:
        """Every mark gets author reportgen and the given date."""
        self.date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        self.next_id = 1
        self.whole: list[tuple[Any, str]] = []  # wholly inserted or deleted paragraphs, marked at the end

    def mark(self, tag: str):
        """A new, empty w:ins or w:del element."""
        element = OxmlElement(tag, {qn("w:id"): str(self.next_id), qn("w:author"): AUTHOR, qn("w:date"): self.date})
        self.next_id += 1
        return element

    def wrap(self, tag: str, runs: list) -> list:
        """Runs wrapped in a w:ins or w:del (an empty list gives no element)."""
        if not runs:
            return []
        element = self.mark(tag)
        element.extend(runs)
        return [element]

    def document(self, old_body, new_body) -> None:
        """Mark every difference between two document bodies."""
        self.container(old_body, new_body)
        self.mark_paragraphs(new_body.getroottree())

    def container(self, old, new) -> None:
        """Align the blocks of a body or cell by kind and text and mark the differences."""
        olds, news = _blocks(old), _blocks(new)
        matcher = SequenceMatcher(None, [_key(b) for b in olds], [_key(b) for b in news], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            kinds = SequenceMatcher(None, [b.tag for b in olds[i1:i2]], [b.tag for b in news[j1:j2]], autojunk=False)
            for kind, a1, a2, b1, b2 in kinds.get_opcodes():
                if kind == "equal":
                    for old_block, new_block in zip(olds[i1 + a1 : i1 + a2], news[j1 + b1 : j1 + b2], strict=False):
                        self.pair(old_block, new_block)
                    continue
                for new_block in news[j1 + b1 : j1 + b2]:
                    self.inserted(new_block)
                _place([self.deleted(b) for b in olds[i1 + a1 : i1 + a2]], news, j1 + b1, new)

    def pair(self, old, new) -> None:
        """Mark the differences between two blocks of the same kind."""
        if old.tag == qn("w:tbl"):
            self.table(old, new)
        elif _key(old) == _key(new):
            return
        elif _similar(old, new):
            self.changed(old, new)
        else:
            new.addprevious(self.deleted(old))
            self.inserted(new)

    def table(self, old, new) -> None:
        """Align two tables row by row; rows of the same width are compared cell by cell."""
        olds, news = old.findall(qn("w:tr")), new.findall(qn("w:tr"))
        matcher = SequenceMatcher(None, [_row_key(r) for r in olds], [_row_key(r) for r in news], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            pairs = list(
                takewhile(
                    lambda rows: len(rows[0].findall(qn("w:tc"))) == len(rows[1].findall(qn("w:tc"))),
                    zip(olds[i1:i2], news[j1:j2], strict=False),
                )
            )
            paired = len(pairs)
            for old_row, new_row in pairs:
                for old_cell, new_cell in zip(old_row.findall(qn("w:tc")), new_row.findall(qn("w:tc")), strict=True):
                    self.container(old_cell, new_cell)
            for new_row in news[j1 + paired : j2]:
                self.inserted(new_row)
            _place([self.deleted(r) for r in olds[i1 + paired : i2]], news, j1 + paired, new)

    def changed(self, old_p, new_p) -> None:
        """Rewrite a changed paragraph as unchanged words, deleted words and inserted words."""
        old_tokens, new_tokens = _tokens(old_p), _tokens(new_p)
        matcher = SequenceMatcher(None, [t.key for t in old_tokens], [t.key for t in new_tokens], autojunk=False)
        content: list = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                content += _runs(new_tokens[j1:j2])
                continue
            content += self.wrap("w:del", _runs(old_tokens[i1:i2], deleted=True))
            content += self.wrap("w:ins", _runs(new_tokens[j1:j2]))
        _replace_content(new_p, content)

    def inserted(self, block) -> None:
        """Mark a whole paragraph, table or table row of the new document as inserted."""
        if block.tag == qn("w:p"):
            _replace_content(block, self.wrap("w:ins", _runs(_tokens(block))))
            self.whole.append((block, "w:ins"))
            return
        for p in block.iter(qn("w:p")):
            _replace_content(p, self.wrap("w:ins", _runs(_tokens(p))))
        for row in block.iter(qn("w:tr")):
            _row_properties(row).append(self.mark("w:ins"))

    def deleted(self, old):
        """A copy of an old paragraph, table or row, all deleted (the old package's numbering and breaks left out)."""
        block = copy.deepcopy(old)
        for child in block.xpath(".//w:pPr/w:numPr | .//w:pPr/w:sectPr"):
            child.getparent().remove(child)
        for p in block.iter(qn("w:p")):
            _replace_content(p, self.wrap("w:del", _runs(_tokens(p), deleted=True)))
        if block.tag == qn("w:p"):
            self.whole.append((block, "w:del"))
        for row in block.iter(qn("w:tr")):
            _row_properties(row).append(self.mark("w:del"))
        return block

    def mark_paragraphs(self, tree) -> None:
        """Mark the paragraph mark of every wholly inserted or deleted paragraph, in reading order.

        Word removes a paragraph by joining it to the next one, so a paragraph with no paragraph after it
        (last in a cell or the body, or before a table) cannot lose its own mark. When the changed
        paragraphs before it include one changed the other way, the two become one paragraph (deleted
        and inserted words, unmarked mark); otherwise the nearest unmarked paragraph before them is marked
        instead, and a deleted paragraph takes that paragraph's properties. Accepting all changes then
        gives exactly the new document, and rejecting them the old text.
        """
        order = {p: i for i, p in enumerate(tree.iter(qn("w:p")))}
        for p, tag in sorted(self.whole, key=lambda item: order[item[0]]):
            if _next_is_paragraph(p):
                target = p
            elif (partner := _partner(p, tag)) is not None:
                _join(partner, p, tag)
                continue
            else:
                target = _previous_unmarked(p, tag)
                if target is not p and tag == "w:del":
                    _copy_properties(target, p)
            _paragraph_properties_rpr(target).insert(0, self.mark(tag))


def _similar(old_p, new_p) -> bool:
    """True when a changed paragraph is best shown word by word: a table cell, or at least 40 % of the words kept."""
    if _in_table(old_p) and _in_table(new_p):
        return True
    return SequenceMatcher(None, old_p.text.split(), new_p.text.split(), autojunk=False).ratio() >= 0.4


def _place(elements: list, news: list, position: int, container) -> None:
    """Put deleted blocks or rows where they stood: before the new one at position, else after the last."""
    if not elements:
        return
    if position < len(news):
        for element in elements:
            news[position].addprevious(element)
    elif news:
        anchor = news[-1]
        for element in elements:
            anchor.addnext(element)
            anchor = element
    else:
        section = container.find(qn("w:sectPr"))
        for element in elements:
            if section is not None:
                section.addprevious(element)
            else:
                container.append(element)


def _row_properties(row):
    """A table row's w:trPr, created where the schema wants it."""
    trpr = row.find(qn("w:trPr"))
    if trpr is None:
        trpr = OxmlElement("w:trPr")
        exceptions = row.find(qn("w:tblPrEx"))
        if exceptions is not None:
            exceptions.addnext(trpr)
        else:
            row.insert(0, trpr)
    return trpr


def _paragraph_properties_rpr(p):
    """The w:pPr/w:rPr that holds a paragraph mark's properties, created where the schema wants it."""
    ppr = p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        later = [c for c in ppr if c.tag in (qn("w:sectPr"), qn("w:pPrChange"))]
        if later:
            later[0].addprevious(rpr)
        else:
            ppr.append(rpr)
    return rpr


def _mark_of(block) -> str | None:
    """How a block is wholly changed: "w:ins" or "w:del" on a paragraph's mark or on every row of a table."""
    path = (
        "./w:pPr/w:rPr/w:ins | ./w:pPr/w:rPr/w:del"
        if block.tag == qn("w:p")
        else "./w:tr/w:trPr/w:ins | ./w:tr/w:trPr/w:del"
    )
    tags = {"w:ins" if m.tag == qn("w:ins") else "w:del" for m in block.xpath(path)}
    if block.tag == qn("w:tbl") and len(block.xpath("./w:tr")) != len(block.xpath(path)):
        return None
    return tags.pop() if len(tags) == 1 else None


def _copy_properties(source, p) -> None:
    """Give p a copy of source's paragraph properties."""
    for ppr in p.findall(qn("w:pPr")):
        p.remove(ppr)
    ppr = source.find(qn("w:pPr"))
    if ppr is not None:
        p.insert(0, copy.deepcopy(ppr))


def _changed_before(p):
    """The wholly changed paragraphs and tables right before p, nearest first."""
    previous = p.getprevious()
    while previous is not None and previous.tag in (qn("w:p"), qn("w:tbl")) and _mark_of(previous) is not None:
        yield previous
        previous = previous.getprevious()


def _partner(p, tag: str):
    """The nearest paragraph changed the other way among the wholly changed blocks right before p, if any."""
    return next((b for b in _changed_before(p) if b.tag == qn("w:p") and _mark_of(b) != tag), None)


def _join(partner, p, tag: str) -> None:
    """Let p hold its own and its partner's changed words, with the inserted one's properties; drop the partner."""
    deleted, inserted = (p, partner) if tag == "w:del" else (partner, p)
    content = [c for c in deleted if c.tag != qn("w:pPr")] + [c for c in inserted if c.tag != qn("w:pPr")]
    if inserted is partner:
        _copy_properties(partner, p)
        for mark in p.xpath("./w:pPr/w:rPr/w:ins | ./w:pPr/w:rPr/w:del"):
            mark.getparent().remove(mark)
    _replace_content(p, content)
    partner.getparent().remove(partner)


def _next_is_paragraph(p) -> bool:
    following = p.getnext()
    return following is not None and following.tag == qn("w:p")


def _previous_unmarked(p, tag: str):
    """The unmarked paragraph right before the paragraphs changed like p that precede p; p itself when there is none."""
    run = list(_changed_before(p))
    if any(b.tag != qn("w:p") or _mark_of(b) != tag for b in run):
        return p
    before = (run[-1] if run else p).getprevious()
    return before if before is not None and before.tag == qn("w:p") else p


def tracked_changes(old: Path | None, new: Path, moment: datetime) -> bytes:
    """The new DOCX with every difference from the old one as a tracked change (author reportgen, the given date)."""
    new_document = _open_docx(new)
    old_body = _open_docx(old).element.body if old else OxmlElement("w:body")
    _TrackedChanges(moment).document(old_body, new_document.element.body)
    part = new_document.part
    return _replace_part(new.read_bytes(), part.partname.lstrip("/"), part.blob)


def _replace_part(package: bytes, name: str, content: bytes) -> bytes:
    """The zip package with one part replaced; entry order and dates are kept, so the result is reproducible."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info.filename))
    return out.getvalue()


# --- the summary --------------------------------------------------------------------------------------------


def summary_lines(result: PacketDiff, files: list[Path]) -> list[str]:
    """The terminal summary in Danish: changed sections per document, words, figures, the files written."""
    head = f"{result.old.label} → {result.new.label}"
    if result.unchanged:
        return [f"{head}: ingen ændringer."]
    lines = [f"{head}:"]
    for doc in result.documents:
        lines.append(_document_line(doc))
        for s in doc.changed:
            lines.append(f"  - {s.title or '(uden overskrift)'}: {_section_status(s)}")
    lines.append(_figures_line(result))
    lines += [f"  - {c.path}: {c.old} → {c.new}" for c in result.figures[:TERMINAL_FIGURES]]
    if len(result.figures) > TERMINAL_FIGURES:
        lines.append(f"  … og {len(result.figures) - TERMINAL_FIGURES} flere (se redlinen).")
    lines += [f"Sagen: {c.path}: {c.old} → {c.new}" for c in result.case]
    lines += [f"Ny advarsel: {w}" for w in result.warnings_added]
    lines += [f"Advarsel bortfaldet: {w}" for w in result.warnings_removed]
    if files:
        lines.append(f"Redline: {files[0]}")
        lines += [f"Word med sporede ændringer: {p}" for p in files[1:]]
    return lines


def _document_line(doc: DocumentDiff) -> str:
    """ "sagsfremstilling: 2 af 14 afsnit ændret (+12 ord, −3 ord)" or "… uændret"."""
    if doc.status != "ændret":
        return (
            f"{doc.name}: {'nyt dokument' if doc.status == 'nyt' else 'dokumentet er fjernet'} "
            f"(+{doc.inserted} ord, −{doc.deleted} ord)"
        )
    if not doc.changed:
        return f"{doc.name}: uændret"
    return (
        f"{doc.name}: {len(doc.changed)} af {len(doc.sections)} afsnit ændret (+{doc.inserted} ord, −{doc.deleted} ord)"
    )


def _section_status(s: SectionDiff) -> str:
    """A changed section's status and word counts."""
    label = {"nyt": "nyt afsnit", "fjernet": "afsnittet er fjernet"}.get(s.status, "ændret")
    return f"{label} (+{s.inserted} ord, −{s.deleted} ord)"


def _figures_line(result: PacketDiff) -> str:
    """How many figures changed, or that none did (or that there was nothing to compare)."""
    if not (result.old.figures and result.new.figures):
        return "Tal: ikke sammenlignet (kræver figurer.json i begge versionsmapper)."
    n = len(result.figures)
    return "Tal: ingen ændrede." if n == 0 else f"Ændrede tal ({n}):"
