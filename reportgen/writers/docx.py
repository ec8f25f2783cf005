"""DOCX writer: renders a Document into a copy of the look's Word template using its named styles only."""

from __future__ import annotations

import hashlib
import zipfile
from datetime import UTC, datetime, time
from functools import cache, lru_cache
from io import BytesIO
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.section import _BaseHeaderFooter
from docx.shared import Cm, Emu, Twips
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from reportgen.documents.model import (
    KEEP_LIST_AT_BREAK,
    Block,
    BulletList,
    CellAlign,
    Decision,
    Document,
    Emph,
    Figure,
    Heading,
    Inline,
    LineBreak,
    PageBreak,
    Paragraph,
    Strong,
    Table,
    Text,
)
from reportgen.domain.errors import InputError, Problem
from reportgen.inputs.reference import STYLES_USED, Style, stored_name
from reportgen.inputs.style import DEFAULT_LOOK, REFERENCE, Logo, Look
from reportgen.resources import REFERENCE_DOCX
from reportgen.writers import columns
from reportgen.writers.docx_styles import add_own_styles, apply_tokens
from reportgen.writers.typeset import typeset

DRAFT_MARK = "UDKAST"
LOGO_IDS = 9001  # drawing ids of header logos, apart from the figures' 1, 2, …
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
MEDIA = "word/media/"  # the pictures' folder in the package
_STYLE_IDS: dict[str, dict[tuple[str, Any], str | None]] = {}  # reference SHA-256 → (name, type) → id


HEADING_STYLES = (Style.HEADING_1, Style.HEADING_2, Style.HEADING_3)
# Indexed by [ordered][level]; lists nested deeper than two levels share the second level's style.
LIST_STYLES = ((Style.LIST_BULLET, Style.LIST_BULLET_2), (Style.LIST_NUMBER, Style.LIST_NUMBER_2))
CONTINUE_STYLES = (Style.LIST_CONTINUE, Style.LIST_CONTINUE_2)
HEADER_CELL_STYLES: dict[CellAlign, Style] = {"left": Style.TABLE_HEADER, "right": Style.TABLE_HEADER_RIGHT}
BODY_CELL_STYLES: dict[CellAlign, Style] = {"left": Style.TABLE_TEXT, "right": Style.TABLE_TEXT_RIGHT}
TOTAL_CELL_STYLES: dict[CellAlign, Style] = {"left": Style.TABLE_TOTAL, "right": Style.TABLE_TOTAL_RIGHT}


def render(doc: Document, look: Look = DEFAULT_LOOK) -> bytes:
    """Return the document as DOCX bytes on the look's Word template (default templates/reference.docx), with
    its design tokens written into the styles and its logo in a header that has no picture of its own; its text
    typeset (no line break inside a date)."""
    doc = typeset(doc)
    data = look.reference_docx or _house_reference()
    target = docx.Document(BytesIO(data))
    if look.reference_docx is not None:
        add_own_styles(target)
    _use_style_ids(target, hashlib.sha256(data).hexdigest())
    apply_tokens(target, look.tokens)
    _clear_body(target)
    writer = _BlockWriter(target, doc.numbering)
    writer.title(doc)
    for block in doc.blocks:
        writer.write(block)
    _write_running_texts(target, doc, look, writer.text_width)
    _set_language(target, doc.language)
    _set_core_properties(target, doc)
    return _zip(_members(target))


FRONT = "titlen"  # the section of a document before its first heading
RUNNING = "sidehoved og sidefod"
PROPERTIES = "dokumentegenskaberne"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SHOWN_RUNS = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}
_SECTION_STYLES = {stored_name(s) for s in (Style.TITLE, *HEADING_STYLES, Style.DECISION)}


def sections(data: bytes) -> list[tuple[str, str]]:
    """What a DOCX shows and tells its reader, by section (the heading before it, FRONT before the first): each
    paragraph's text as Word shows it, the pictures' alt texts and titles, the headers and footers, and the
    document properties."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    found: list[tuple[str, list[str]]] = [(FRONT, [])]
    running: list[str] = []
    properties: list[str] = []
    with zipfile.ZipFile(BytesIO(data)) as package:
        names = sorted(package.namelist())
        headings = _heading_styles(package.read(_STYLES_PART) if _STYLES_PART in names else b"")
        for name in names:
            if name == _STYLES_PART or not name.endswith(".xml") or not name.startswith(("word/", "docProps/")):
                continue
            root = etree.fromstring(package.read(name), parser)
            if name.startswith("docProps/"):
                properties += ["".join(e.itertext()) for e in root.iter()]
            elif root.tag == f"{_W}document":
                for paragraph in root.iter(f"{_W}p"):
                    text = _shown_text(paragraph)
                    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
                    if style is not None and style.get(f"{_W}val") in headings:
                        found.append((" ".join(text.split()), []))
                    found[-1][1].append(text)
            elif root.tag in _RUNNING_ROOTS:
                running += [_shown_text(p) for p in root.iter(f"{_W}p")]
    found += [(RUNNING, running), (PROPERTIES, properties)]
    return [(heading, "\n".join(texts)) for heading, texts in found]


@lru_cache(maxsize=4)
def _heading_styles(styles: bytes) -> frozenset[str]:
    """The ids of the styles that begin a section (title, headings, decisions) in a styles part (the same for every
    document of a build: parsed once)."""
    if not styles:
        return frozenset()
    root = etree.fromstring(styles, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    return frozenset(
        style.get(f"{_W}styleId", "")
        for style in root.iter(f"{_W}style")
        if (name := style.find(f"{_W}name")) is not None and name.get(f"{_W}val") in _SECTION_STYLES
    )


_STYLES_PART = "word/styles.xml"
_RUNNING_ROOTS = {f"{_W}{kind}" for kind in ("hdr", "ftr", "footnotes", "endnotes", "comments")}


def _shown_text(paragraph: etree._Element) -> str:
    """A paragraph's text as Word shows it (field codes left out), then its pictures' alt texts and titles."""
    parts = []
    for element in paragraph.iter(*_SHOWN_RUNS):
        shown = _SHOWN_RUNS[element.tag]
        parts.append(element.text or "" if shown is None else shown)
    for props in paragraph.iter("{*}docPr", "{*}cNvPr"):
        parts += ["\n" + (props.get(name) or "") for name in ("descr", "title")]
    return "".join(parts)


@cache
def _house_reference() -> bytes:
    """templates/reference.docx, read once per process."""
    return REFERENCE_DOCX.read_bytes()


def _check_styles(target: DocxDocument) -> None:
    """Raise InputError naming every style of STYLES_USED that the reference document lacks (a look that was
    not loaded through inputs.style, which checks this with Word's own names, ends here)."""
    hint = "Opret typografien i Word, eller start fra `reportgen stil skabelon MAPPE`."
    missing = [name for name in STYLES_USED if name not in target.styles]
    if missing:
        raise InputError(Problem(REFERENCE, f"Typografien '{name}' mangler.", hint=hint) for name in missing)


def _use_style_ids(target: DocxDocument, key: str) -> None:
    """Check the styles once per reference content, and answer style look-ups from a table shared by its copies.

    python-docx rescans every style on each look-up by name, which dominated the writer's time.
    """
    if key not in _STYLE_IDS:
        _check_styles(target)
        _STYLE_IDS[key] = {}
    known = _STYLE_IDS[key]
    look_up = target.part.get_style_id

    def get_style_id(name: str, style_type: Any) -> str | None:
        """The style id python-docx would find (None for the type's default style)."""
        if (name, style_type) not in known:
            known[name, style_type] = look_up(name, style_type)
        return known[name, style_type]

    # headers and footers look styles up through this part too (python-docx's DocumentPart.get_style_id)
    target.part.get_style_id = get_style_id  # type: ignore[method-assign]


def _clear_body(target: DocxDocument) -> None:
    """Delete the reference document's body content, keeping its final section properties."""
    body = target.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


class _BlockWriter:
    """Appends blocks to the body of a python-docx document, numbering tables and figures."""

    def __init__(self, target: DocxDocument, numbering: str = "") -> None:
        """Remember the target document, its text width and the prefix of its table and figure numbers."""
        self.target = target
        self.numbering = numbering
        section = target.sections[-1]
        width, left, right = section.page_width, section.left_margin, section.right_margin
        assert width is not None and left is not None and right is not None, "the reference document sets the page"
        self.text_width = width - left - right
        self.tables = 0
        self.figures = 0
        self.previous: Block | None = None  # the block written last
        self.written: list[DocxParagraph] = []  # the paragraphs of text written so far, in order
        self._style_ids: dict[str, str | None] = {}  # a paragraph style's id by name, looked up once per document

    def title(self, doc: Document) -> None:
        """Write the title block: title and, if any, subtitle."""
        self.target.add_paragraph(doc.title, style=Style.TITLE)
        if doc.subtitle:
            self.target.add_paragraph(doc.subtitle, style=Style.SUBTITLE)

    def write(self, block: Block) -> None:
        """Write one block of the document model. A heading keeps with what follows it (whatever the template's
        style says), and so does the paragraph that leads into a list."""
        match block:
            case Heading(level=level, children=children):
                heading = self.paragraph(children, HEADING_STYLES[min(max(level, 1), len(HEADING_STYLES)) - 1])
                heading.paragraph_format.keep_with_next = True
            case Paragraph(children=children):
                self.paragraph(children, Style.NORMAL)
            case BulletList():
                if isinstance(self.previous, Paragraph):  # the list's lead-in: "Forvaltningen indstiller, at"
                    self.written[-1].paragraph_format.keep_with_next = True
                self.bullet_list(block, 0)
            case Table():
                self.table(block)
            case Figure():
                self.figure(block)
            case Decision(title=title, body=body):
                self.target.add_paragraph(title, style=Style.DECISION).paragraph_format.keep_with_next = True
                for child in body:
                    self.write(child)
            case PageBreak():
                self.target.add_page_break()
            case _:
                raise TypeError(f"the DOCX writer cannot render {type(block).__name__}: {block!r}")
        self.previous = block

    def paragraph(self, inlines: tuple[Inline, ...], style: Style) -> DocxParagraph:
        """Write a paragraph of inline content in the given style."""
        paragraph = self.target.add_paragraph(style=style)
        _add_inlines(paragraph, inlines)
        self.written.append(paragraph)
        return paragraph

    def bullet_list(self, block: BulletList, depth: int) -> None:
        """Write a list; an item's first paragraph carries the bullet or number, later ones continue it. The first
        and the last KEEP_LIST_AT_BREAK items each stay together, every line of them, so a short list is whole."""
        level = min(depth, 1)
        style = LIST_STYLES[block.ordered][level]
        num_id = self.restart_numbering(style) if block.ordered else None
        last = len(block.items) - 1
        for number, item in enumerate(block.items):
            first_paragraph = len(self.written)
            for index, child in enumerate(item):
                if isinstance(child, Paragraph):
                    paragraph = self.paragraph(child.children, style if index == 0 else CONTINUE_STYLES[level])
                    if index == 0 and num_id is not None:
                        _set_numbering(paragraph, num_id)
                elif isinstance(child, BulletList):
                    self.bullet_list(child, depth + 1)
                else:
                    self.write(child)
            if number < KEEP_LIST_AT_BREAK or number > last - KEEP_LIST_AT_BREAK:
                with_next = number < last and (number < KEEP_LIST_AT_BREAK - 1 or number > last - KEEP_LIST_AT_BREAK)
                _keep_together(self.written[first_paragraph:], with_next)

    def restart_numbering(self, style: Style) -> int | None:
        """Return a new numbering instance of the style's list that starts at 1, or None if it has none."""
        num_ids = self.target.styles[style].element.xpath("w:pPr/w:numPr/w:numId/@w:val")
        if not num_ids:
            return None
        numbering = self.target.part.numbering_part.element
        abstract_id = numbering.num_having_numId(int(num_ids[0])).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(0).add_startOverride(1)
        return num.numId

    def table(self, table: Table) -> None:
        """Write the numbered caption, the table, its notes and its source line, kept together as the model's
        row groups say (a short table on one page with its caption, a long one broken only between groups)."""
        self.tables += 1
        self.caption("Tabel", self.tables, table.caption).paragraph_format.keep_with_next = True
        rows = [(table.header, HEADER_CELL_STYLES)] + [(row, BODY_CELL_STYLES) for row in table.rows]
        if table.total:
            rows.append((table.total, TOTAL_CELL_STYLES))
        grid = self.target.add_table(rows=len(rows), cols=len(table.header), style=Style.TABLE)
        # each cell's first paragraph, row by row: python-docx rebuilds a row's cells (and their paragraphs) on
        # every access, so they are looked up once
        paragraphs = [[cell.paragraphs[0] for cell in row.cells] for row in grid.rows]
        for index, (row_paragraphs, (cells, styles)) in enumerate(zip(paragraphs, rows, strict=True)):
            for paragraph, text, align in zip(row_paragraphs, cells, table.align, strict=True):
                paragraph._p.style = self.style_id(styles[align])  # as paragraph.style = …, without a search per cell
                _add_text(paragraph, text.replace("/", "/" + columns.BREAK_AFTER_SLASH) if index == 0 else text)
        grid.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        _keep_rows_together(grid, table, paragraphs)
        _set_table_look(grid, has_total=bool(table.total))
        self.set_column_widths(grid, columns.column_widths(table, Emu(self.text_width).twips), paragraphs)
        after = [(note, Style.TABLE_NOTE) for note in table.notes]
        if table.source:
            after.append((f"Kilde: {table.source}", Style.SOURCE))
        for index, (text, style) in enumerate(after):
            paragraph = self.target.add_paragraph(text, style=style)
            if index < len(after) - 1:  # the notes stay with the table and with each other
                paragraph.paragraph_format.keep_with_next = True

    def style_id(self, name: str) -> str | None:
        """The id of the paragraph style with this name in the target document."""
        if name not in self._style_ids:
            self._style_ids[name] = self.target.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
        return self._style_ids[name]

    def set_column_widths(self, grid: DocxTable, twips: list[int], paragraphs: list[list[DocxParagraph]]) -> None:
        """Set the columns' widths (fixed layout: Word and LibreOffice use them as they are); `paragraphs` are the
        cells' first paragraphs, row by row."""
        widths = [Twips(t) for t in twips]
        grid.autofit = False
        table_width = grid._tbl.tblPr.find(qn("w:tblW"))
        table_width.set(qn("w:type"), "dxa")
        table_width.set(qn("w:w"), str(sum(twips)))
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
        for row in paragraphs:
            for paragraph, width in zip(row, widths, strict=True):
                paragraph._p.getparent().width = width  # the cell (w:tc) the paragraph is in

    def figure(self, figure: Figure) -> None:
        """Write the picture at its width (at most the text width) with alt text, then its numbered caption: the
        picture keeps with its caption, the caption with its source line and nothing after it."""
        self.figures += 1
        picture = self.target.add_paragraph(style=Style.FIGURE)
        picture.paragraph_format.keep_with_next = True
        run = picture.add_run()
        width = Emu(min(Cm(figure.shown_width_cm()), self.text_width))
        shape = run.add_picture(BytesIO(figure.png), width=width)
        _describe(shape._inline, self.figures, f"Figur {self.numbering}{self.figures}", figure.alt, figure.caption)
        caption = self.caption("Figur", self.figures, figure.caption, Style.FIGURE_CAPTION)
        if figure.source:  # the source line stays with the caption it belongs to
            caption.paragraph_format.keep_with_next = True
            self.target.add_paragraph(f"Kilde: {figure.source}", style=Style.SOURCE)

    def caption(self, label: str, number: int, text: str, style: Style = Style.CAPTION) -> DocxParagraph:
        """Write "<label> <prefix><n>: <text>" (a table's caption keeps with the table, a figure's follows the
        picture and keeps with nothing), the number as a SEQ field Word can update."""
        paragraph = self.target.add_paragraph(f"{label} {self.numbering}", style=style)
        _add_field(paragraph, f"SEQ {label} \\* ARABIC", str(number))
        paragraph.add_run(f": {text}")
        return paragraph


def _keep_together(paragraphs: list[DocxParagraph], with_next: bool) -> None:
    """Keep the paragraphs on one page, each whole, and with the paragraph after them if `with_next`."""
    for index, paragraph in enumerate(paragraphs):
        paragraph.paragraph_format.keep_together = True
        if with_next or index < len(paragraphs) - 1:
            paragraph.paragraph_format.keep_with_next = True


def _add_text(paragraph: DocxParagraph, text: str) -> Any:
    """Append text as one run, each soft hyphen as Word's optional hyphen (w:softHyphen); return the run."""
    run = paragraph.add_run()
    for index, part in enumerate(text.split(columns.SOFT_HYPHEN)):
        if index:
            run._r.append(OxmlElement("w:softHyphen"))
        if part:
            run._r.add_t(part)
    return run


def _keep_rows_together(grid: DocxTable, table: Table, paragraphs: list[list[DocxParagraph]]) -> None:
    """No row breaks across pages; the header keeps with the first row, each of the model's row groups keeps
    together, and the last row keeps with the notes under the table (`paragraphs`: the cells' first paragraphs,
    row by row)."""
    keep = {0}  # the header row (grid row 0); body row i is grid row i + 1
    for group in table.row_groups():
        keep |= {i + 1 for i in group if i != group[-1]}
    keep.add(len(table.body))
    for index, (row, row_paragraphs) in enumerate(zip(grid.rows, paragraphs, strict=True)):
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        if index in keep:
            for paragraph in row_paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _add_inlines(
    paragraph: DocxParagraph, inlines: tuple[Inline, ...], bold: bool = False, italic: bool = False
) -> None:
    """Append inline content as runs; nested emphasis accumulates bold and italic."""
    for node in inlines:
        match node:
            case Text(text=text):
                run = _add_text(paragraph, text)
                if bold:
                    run.bold = True
                if italic:
                    run.italic = True
            case Emph(children=children):
                _add_inlines(paragraph, children, bold, True)
            case Strong(children=children):
                _add_inlines(paragraph, children, True, italic)
            case LineBreak():
                paragraph.add_run().add_break()
            case _:
                raise TypeError(f"the DOCX writer cannot render {type(node).__name__}: {node!r}")


def _set_numbering(paragraph: DocxParagraph, num_id: int) -> None:
    """Attach the paragraph to a numbering instance, so the list restarts at 1."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _set_table_look(grid: DocxTable, has_total: bool) -> None:
    """Apply the table style's header row (and total row, if any) formatting, without banding."""
    look = grid._tbl.tblPr.find(qn("w:tblLook"))
    flags = {
        "firstRow": True,
        "lastRow": has_total,
        "firstColumn": False,
        "lastColumn": False,
        "noHBand": True,
        "noVBand": True,
    }
    bits = {
        "firstRow": 0x20,
        "lastRow": 0x40,
        "firstColumn": 0x80,
        "lastColumn": 0x100,
        "noHBand": 0x200,
        "noVBand": 0x400,
    }
    for name, on in flags.items():
        look.set(qn(f"w:{name}"), "1" if on else "0")
    look.set(qn("w:val"), f"{sum(bits[name] for name, on in flags.items() if on):04X}")


def _describe(inline: CT_Inline, picture_id: int, name: str, alt: str, title: str | None = None) -> None:
    """Give a picture a deterministic id and name, its alt text and (a figure) its caption as title."""
    for props in (inline.docPr, *inline.xpath(".//pic:cNvPr")):
        props.set("name", name)
        props.set("descr", alt)
    inline.docPr.set("id", str(picture_id))
    if title is not None:
        inline.docPr.set("title", title)


def _add_field(paragraph: DocxParagraph, instruction: str, result: str) -> None:
    """Append a complex field with the given instruction and precomputed result text."""
    _add_field_char(paragraph, "begin")
    instr = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    _add_field_char(paragraph, "separate")
    paragraph.add_run(result)
    _add_field_char(paragraph, "end")


def _add_field_char(paragraph: DocxParagraph, kind: str) -> None:
    """Append a run holding a w:fldChar of the given kind (begin, separate or end)."""
    paragraph.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))


def _write_running_texts(target: DocxDocument, doc: Document, look: Look, text_width: int) -> None:
    """Write the headers (logo, draft mark, running text) and footers ("Side X af Y") on every kind of page.

    A header or footer of a municipality's own template keeps its content (letterhead, logo, fields): it gets
    the draft mark on top, and a footer without a page number gets one. The logo goes into the first page's
    header when the template has one of its own (a letterhead), else into every page's, unless that header
    holds a picture already.
    """
    keep = look.reference_docx is not None
    for number, section in enumerate(target.sections):
        headers = [section.header]
        footers = [section.footer]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
            footers.append(section.first_page_footer)
        if target.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
            footers.append(section.even_page_footer)
        for header in headers:
            own = keep and _has_content(header)
            if not own:
                _clear(header)
                header.add_paragraph(doc.header, style=Style.HEADER)
            if doc.draft:
                _insert_first(header, header.add_paragraph(DRAFT_MARK, style=Style.DRAFT))
        # the logo heads the letterhead: the first page's header when the template has one, else every page's
        logo_headers = headers[1:2] if section.different_first_page_header_footer else headers  # [first] or all
        for index, header in enumerate(logo_headers):
            if look.logo and not _has_picture(header):
                picture_id = LOGO_IDS + 10 * number + index
                _insert_first(header, _logo_paragraph(header, look.logo, picture_id, text_width))
        for footer in footers:
            if keep and _has_content(footer):
                if not _has_page_number(footer):
                    _write_page_numbers(footer)
                continue
            _clear(footer)
            _write_page_numbers(footer)


def _has_content(part: _BaseHeaderFooter) -> bool:
    """True when a template's header or footer has text or a picture of its own (not linked, not empty)."""
    if part.is_linked_to_previous:
        return False
    element = part._element
    return bool("".join(element.itertext()).strip()) or _has_picture(part)


def _has_picture(part: _BaseHeaderFooter) -> bool:
    """True when a header or footer holds a picture (a letterhead logo)."""
    return not part.is_linked_to_previous and bool(part._element.xpath(".//w:drawing | .//w:pict"))


def _has_page_number(part: _BaseHeaderFooter) -> bool:
    """True when a footer shows the page number (a PAGE field)."""
    instructions = part._element.xpath(".//w:instrText/text() | .//w:fldSimple/@w:instr")
    return any("PAGE" in instruction.split() for instruction in instructions)


def _insert_first(part: _BaseHeaderFooter, paragraph: DocxParagraph) -> DocxParagraph:
    """Move a paragraph to the top of a header or footer."""
    part._element.insert(0, paragraph._p)
    return paragraph


def _logo_paragraph(header: _BaseHeaderFooter, logo: Logo, picture_id: int, text_width: int) -> DocxParagraph:
    """A right-aligned header paragraph with the logo at its height (at most half the text width wide)."""
    paragraph = header.add_paragraph(style=Style.HEADER)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    height = Cm(logo.height_cm)
    shape = paragraph.add_run().add_picture(BytesIO(logo.png), height=height)
    if shape.width > text_width // 2:
        shape.height = Emu(shape.height * (text_width // 2) // shape.width)
        shape.width = Emu(text_width // 2)
    _describe(shape._inline, picture_id, "Logo", logo.alt)
    return paragraph


def _clear(part: _BaseHeaderFooter) -> None:
    """Remove all content of a header or footer, creating its own definition if it was linked."""
    part.is_linked_to_previous = False
    element = part._element
    for child in list(element):
        element.remove(child)


def _write_page_numbers(footer: _BaseHeaderFooter) -> None:
    """Write "Side <PAGE> af <NUMPAGES>"."""
    paragraph = footer.add_paragraph("Side ", style=Style.FOOTER)
    _add_field(paragraph, "PAGE", "1")
    paragraph.add_run(" af ")
    _add_field(paragraph, "NUMPAGES", "1")


def _set_language(target: DocxDocument, language: str) -> None:
    """Set the document's language on every w:lang of the styles (document defaults and styles)."""
    for lang in target.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), language)


def _set_core_properties(target: DocxDocument, doc: Document) -> None:
    """Set the metadata from the document only: nothing from the clock, the user or the reference."""
    props = target.core_properties
    props.title = doc.title
    props.subject = doc.subtitle
    props.author = doc.author
    props.language = doc.language
    moment = datetime.combine(doc.date, time(), tzinfo=UTC)
    props.created = props.modified = props.last_printed = moment
    props.revision = 1
    props.last_modified_by = props.keywords = props.comments = props.category = ""
    props.content_status = props.identifier = props.version = ""


class _Members:
    """The members of a package by zip name: the interface of python-docx's physical package writer, in memory."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        """Keep a member's bytes."""
        self.blobs[pack_uri.membername] = blob


def _members(target: DocxDocument) -> dict[str, bytes]:
    """Every member of the document's package by zip name, as python-docx's save would write them."""
    package = target.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    members: Any = _Members()  # python-docx's writer interface, typed there as its zip writer
    PackageWriter._write_content_types_stream(members, parts)
    PackageWriter._write_pkg_rels(members, package.rels)
    PackageWriter._write_parts(members, parts)
    return members.blobs


def _zip(members: dict[str, bytes]) -> bytes:
    """The zip package with sorted entries and fixed timestamps, so equal documents give equal bytes.

    Pictures are stored as they are (a PNG is already compressed; deflating it again gains nothing), the XML
    parts deflated.
    """
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(members):  # "[Content_Types].xml" sorts first, as Word writes it
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if name.startswith(MEDIA) else zipfile.ZIP_DEFLATED
            info.create_system, info.external_attr = 0, 0
            target.writestr(info, members[name])
    return out.getvalue()
