"""Tests of the DOCX writer: blocks and styles, tables, figures, metadata, draft mark and identical bytes."""

from __future__ import annotations

import ast
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import replace
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Cm
from lxml import etree

from reportgen.documents.model import (
    FIGURE_MAX_HEIGHT_CM,
    BulletList,
    Decision,
    Document,
    Emph,
    Figure,
    Heading,
    LineBreak,
    PageBreak,
    Paragraph,
    Strong,
    Table,
    Text,
)
from reportgen.domain.errors import InputError
from reportgen.inputs.reference import STYLES_USED, Style
from reportgen.inputs.style import Look
from reportgen.resources import REFERENCE_DOCX as REFERENCE
from reportgen.writers import docx as docx_writer
from reportgen.writers import docx_styles
from reportgen.writers.docx import render

ROOT = Path(__file__).resolve().parents[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NS = {
    "w": W[1:-1],
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
TABLE = "<table>"
TEXT_WIDTH_TWIPS = 9072  # A4 (11906 twips) minus two 2.5 cm margins (1417 twips each)


def tiny_png(width: int, height: int) -> bytes:
    """Return a valid RGB PNG of the given size, built with the standard library."""
    raw = b"".join(b"\x00" + b"\x1f\x38\x64" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def para(text: str) -> Paragraph:
    """Return a paragraph of plain text."""
    return Paragraph((Text(text),))


def sample_document(draft: bool = True) -> Document:
    """Return a small document using every block type, with Danish text."""
    return Document(
        slug="allerod-2024",
        title="Danmarkskortet 2024",
        subtitle="Bilag 1: Ankestyrelsens statistik",
        header="Allerød Kommune – Økonomiudvalget",
        draft=draft,
        date=date(2025, 9, 30),
        author="Allerød Kommune",
        blocks=(
            Heading(1, (Text("Sagsfremstilling"),)),
            Paragraph(
                (
                    Text("Ankestyrelsen har omgjort "),
                    Emph((Text("få "), Strong((Text("sager"),)))),
                    LineBreak(),
                    Strong((Text("på ældreområdet"),)),
                )
            ),
            Heading(2, (Text("Områder"),)),
            Heading(5, (Text("Dybt niveau"),)),
            BulletList(
                (
                    (para("Børn og unge"),),
                    (para("Voksne"), BulletList(((para("Handicap"), BulletList(((para("Hjælpemidler"),),))),))),
                    (para("Beskæftigelse"), para("Fortsat tekst")),
                )
            ),
            BulletList(((para("første"),), (para("anden"),)), ordered=True),
            Table(
                caption="Afgørelser fordelt på område",
                header=("Område", "Afgjorte", "Omgjorte", "Omgørelsesprocent"),
                rows=(("Børn og unge", "120", "30", "25 %"), ("Ældre", "1.234", "56", "4,5 %")),
                align=("left", "right", "right", "right"),
                total=("I alt", "1.354", "86", "6,4 %"),
                source="Ankestyrelsen, danmarkskortet 2024",
                notes=("Omgjorte er ændrede, ophævede og hjemviste sager.", "Procenter er afrundede."),
            ),
            Figure(
                name="/home/sagsbehandler/hemmelig/figur-1.png",
                png=tiny_png(4, 2),
                caption="Omgørelsesprocent 2020-2024",
                alt="Søjlediagram: omgørelsesprocenten faldt fra 9 % til 6 %.",
            ),
            PageBreak(),
            Decision(
                title="Beslutning Økonomiudvalget 2022-2025 den 30-09-2025",
                body=(
                    para("Indstillingen godkendt."),
                    BulletList(((para("Sagen sendes til byrådet"),),), ordered=True),
                    Table(
                        caption="Sager pr. år",
                        header=("År", "Sager"),
                        rows=(("2023", "10"), ("2024", "12")),
                        align=("left", "right"),
                    ),
                    Figure(
                        name="C:\\Users\\hemmelig\\figur-2.png",
                        png=tiny_png(2, 2),
                        caption="Sager pr. år",
                        alt="Linjediagram over sager pr. år.",
                        width_cm=30.0,
                    ),
                ),
            ),
        ),
    )


@pytest.fixture(scope="module")
def rendered() -> bytes:
    """The sample document rendered once for the module."""
    return render(sample_document())


@pytest.fixture(scope="module")
def opened(rendered: bytes) -> docx.document.Document:
    """The rendered sample reopened with python-docx."""
    return docx.Document(BytesIO(rendered))


def part_xml(data: bytes, name: str) -> etree._Element:
    """Return the parsed XML of one part of a DOCX package."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        return etree.fromstring(package.read(name))


def zip_entries(data: bytes) -> dict[str, bytes]:
    """Return the entries of a zip archive by name."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_body_has_the_blocks_in_order_with_their_styles(opened):
    content = [
        (item.style.name, item.text) if hasattr(item, "text") else (TABLE, "") for item in opened.iter_inner_content()
    ]
    assert content == [
        ("Title", "Danmarkskortet 2024"),
        ("Subtitle", "Bilag 1: Ankestyrelsens statistik"),
        ("Heading 1", "Sagsfremstilling"),
        ("Normal", "Ankestyrelsen har omgjort få sager\npå ældreområdet"),
        ("Heading 2", "Områder"),
        ("Heading 3", "Dybt niveau"),
        ("List Bullet", "Børn og unge"),
        ("List Bullet", "Voksne"),
        ("List Bullet 2", "Handicap"),
        ("List Bullet 2", "Hjælpemidler"),
        ("List Bullet", "Beskæftigelse"),
        ("List Continue", "Fortsat tekst"),
        ("List Number", "første"),
        ("List Number", "anden"),
        ("Caption", "Tabel 1: Afgørelser fordelt på område"),
        (TABLE, ""),
        ("Tabelnote", "Omgjorte er ændrede, ophævede og hjemviste sager."),
        ("Tabelnote", "Procenter er afrundede."),
        ("Kilde", "Kilde: Ankestyrelsen, danmarkskortet 2024"),
        ("Billede", ""),
        ("Figurtekst", "Figur 1: Omgørelsesprocent 2020-2024"),
        ("Normal", ""),
        ("Beslutning", "Beslutning Økonomiudvalget 2022-2025 den 30-09-2025"),
        ("Normal", "Indstillingen godkendt."),
        ("List Number", "Sagen sendes til byrådet"),
        ("Caption", "Tabel 2: Sager pr. år"),
        (TABLE, ""),
        ("Billede", ""),
        ("Figurtekst", "Figur 2: Sager pr. år"),
    ]


def test_inline_emphasis_becomes_bold_and_italic_runs_and_line_breaks(opened):
    paragraph = next(p for p in opened.paragraphs if p.text.startswith("Ankestyrelsen"))
    runs = [(run.text, run.bold, run.italic) for run in paragraph.runs]
    assert runs == [
        ("Ankestyrelsen har omgjort ", None, None),
        ("få ", None, True),
        ("sager", True, True),
        ("\n", None, None),
        ("på ældreområdet", True, None),
    ]
    assert paragraph._p.xpath("./w:r/w:br[not(@w:type)]")


def test_page_break_is_a_real_page_break_before_the_decision(opened):
    paragraphs = opened.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.style.name == "Beslutning")
    assert paragraphs[index - 1]._p.xpath("./w:r/w:br/@w:type") == ["page"]
    assert sum(len(p._p.xpath(".//w:br[@w:type='page']")) for p in paragraphs) == 1


def test_captions_number_tables_and_figures_with_seq_fields(rendered):
    body = part_xml(rendered, "word/document.xml")
    instructions = [text.strip() for text in body.xpath("//w:instrText/text()", namespaces=NS)]
    assert instructions == ["SEQ Tabel \\* ARABIC", "SEQ Figur \\* ARABIC"] * 2


def test_every_table_repeats_its_header_row_and_styles_its_cells(opened):
    first, second = opened.tables
    for table in (first, second):
        header_flags = [bool(row._tr.xpath("./w:trPr/w:tblHeader")) for row in table.rows]
        assert header_flags == [True] + [False] * (len(table.rows) - 1)
        assert table.style.name == "Reportgen Tabel"
    styles = [[cell.paragraphs[0].style.name for cell in row.cells] for row in first.rows]
    assert styles == [
        ["Tabeloverskrift"] + ["Tabeloverskrift højre"] * 3,
        ["Tabeltekst"] + ["Tabeltekst højre"] * 3,
        ["Tabeltekst"] + ["Tabeltekst højre"] * 3,
        ["Tabeltotal"] + ["Tabeltotal højre"] * 3,
    ]
    assert [cell.text for cell in first.rows[-1].cells] == ["I alt", "1.354", "86", "6,4 %"]
    assert [cell.paragraphs[0].style.name for cell in second.rows[-1].cells] == ["Tabeltekst", "Tabeltekst højre"]


def test_table_style_look_marks_the_total_row_only_when_there_is_one(opened):
    looks = [table._tbl.tblPr.find(qn("w:tblLook")) for table in opened.tables]
    assert [look.get(qn("w:firstRow")) for look in looks] == ["1", "1"]
    assert [look.get(qn("w:lastRow")) for look in looks] == ["1", "0"]


def test_columns_fill_the_text_width_with_a_wider_first_column(opened):
    for table in opened.tables:
        widths = [column.width.twips for column in table.columns]
        assert sum(widths) == pytest.approx(TEXT_WIDTH_TWIPS, abs=len(widths))
        assert widths[0] == max(widths) and all(widths[0] > width for width in widths[1:])
        assert all(
            cell.width.twips == width
            for column, width in zip(table.columns, widths, strict=True)
            for cell in column.cells
        )


def test_pictures_carry_alt_text_and_deterministic_names_and_ids(rendered):
    body = part_xml(rendered, "word/document.xml")
    doc_prs = body.xpath("//wp:inline/wp:docPr", namespaces=NS)
    assert [(p.get("id"), p.get("name"), p.get("descr"), p.get("title")) for p in doc_prs] == [
        ("1", "Figur 1", "Søjlediagram: omgørelsesprocenten faldt fra 9 % til 6 %.", "Omgørelsesprocent 2020-2024"),
        ("2", "Figur 2", "Linjediagram over sager pr. år.", "Sager pr. år"),
    ]
    assert [p.get("descr") for p in body.xpath("//pic:cNvPr", namespaces=NS)] == [p.get("descr") for p in doc_prs]
    assert not any(b"hemmelig" in content or b"figur-" in content for content in zip_entries(rendered).values())


def test_pictures_are_inline_at_their_width_no_taller_than_the_maximum(opened):
    first, second = opened.inline_shapes
    assert first.width == Cm(16) and first.height == Cm(8)
    assert second.width == second.height == Cm(FIGURE_MAX_HEIGHT_CM)  # a square asked to be 30 cm wide


def test_a_picture_is_never_wider_than_the_text():
    wide = Figure(name="bred.png", png=tiny_png(8, 1), caption="Bred", alt="Bred figur.", width_cm=30.0)
    (shape,) = docx.Document(BytesIO(render(replace(sample_document(), blocks=(wide,))))).inline_shapes
    assert shape.width.twips == TEXT_WIDTH_TWIPS


def keeps(paragraph) -> tuple[bool, bool]:
    """(keep with next, keep lines together) as set on the paragraph itself."""
    return bool(paragraph.paragraph_format.keep_with_next), bool(paragraph.paragraph_format.keep_together)


def test_headings_captions_and_short_lists_keep_with_what_follows_whatever_the_template_says(tmp_path):
    """A template whose heading and caption styles do not keep with the next paragraph still gives headings that
    stay with their section and captions with their table; a list stays with its lead-in, its first and last two
    items together (a list of three whole)."""
    template = docx.Document(str(REFERENCE))
    for style in template.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            style.paragraph_format.keep_with_next = None
    buffer = BytesIO()
    template.save(buffer)
    items = [(para(f"punkt {i}"),) for i in range(1, 6)]
    doc = replace(
        sample_document(),
        blocks=(
            Heading(1, (Text("Indstilling"),)),
            para("Forvaltningen indstiller, at"),
            BulletList(tuple((para(f"at {i}"),) for i in (1, 2, 3)), ordered=True),
            para("Fem punkter:"),
            BulletList(tuple(items)),
            Table(caption="Prøve", header=("A", "B"), rows=(("a", "1"),), align=("left", "right")),
            Decision(title="Beslutning Byrådet den 30-09-2025", body=(para("Godkendt."),)),
        ),
    )
    look = Look(reference_docx=buffer.getvalue())
    paragraphs = docx.Document(BytesIO(render(doc, look))).paragraphs
    text = {p.text: p for p in paragraphs}
    assert keeps(text["Indstilling"])[0] and keeps(text["Forvaltningen indstiller, at"])[0]
    assert [keeps(text[f"at {i}"]) for i in (1, 2, 3)] == [(True, True), (True, True), (False, True)]
    assert keeps(text["Fem punkter:"])[0]
    assert [keeps(text[f"punkt {i}"]) for i in range(1, 6)] == [
        (True, True),
        (False, True),
        (False, False),
        (True, True),
        (False, True),
    ]
    assert keeps(text["Tabel 1: Prøve"])[0] and keeps(text["Beslutning Byrådet den 30-09-2025"])[0]
    assert not keeps(text["Godkendt."])[0]


def test_a_date_is_never_broken_across_lines():
    doc = replace(sample_document(), blocks=(para("Frist 31. december 2025."),))
    paragraph = docx.Document(BytesIO(render(doc))).paragraphs[-1]
    assert paragraph.text == "Frist 31.\u00a0december\u00a02025."


def test_ordered_lists_restart_at_one(rendered, opened):
    numbering = part_xml(rendered, "word/numbering.xml")
    num_ids = [p._p.xpath("./w:pPr/w:numPr/w:numId/@w:val") for p in opened.paragraphs if p.style.name == "List Number"]
    assert num_ids[0] == num_ids[1] and num_ids[0] != num_ids[2]
    for (num_id,) in (num_ids[0], num_ids[2]):
        start = numbering.xpath(
            f"w:num[@w:numId='{num_id}']/w:lvlOverride[@w:ilvl='0']/w:startOverride/@w:val", namespaces=NS
        )
        assert start == ["1"]


def test_styles_set_danish_and_calibri_as_document_defaults(rendered):
    styles = part_xml(rendered, "word/styles.xml")
    defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}lang").get(f"{W}val") == "da-DK"
    assert defaults.find(f"{W}rFonts").get(f"{W}ascii") == "Calibri"
    normal = styles.xpath("w:style[@w:styleId='Normal']/w:rPr", namespaces=NS)[0]
    assert normal.find(f"{W}lang").get(f"{W}val") == "da-DK"
    assert not styles.xpath("//w:rFonts[@w:asciiTheme]", namespaces=NS)


def test_core_properties_come_from_the_document_only(opened):
    props = opened.core_properties
    moment = datetime(2025, 9, 30, tzinfo=UTC)
    assert (props.title, props.subject, props.author) == (
        "Danmarkskortet 2024",
        "Bilag 1: Ankestyrelsens statistik",
        "Allerød Kommune",
    )
    assert props.language == "da-DK"
    assert (props.created, props.modified, props.last_printed) == (moment, moment, moment)
    assert props.revision == 1
    assert props.last_modified_by == "" and props.comments == ""


@pytest.mark.parametrize("draft", [True, False])
def test_header_shows_the_draft_mark_only_for_drafts(draft):
    data = render(sample_document(draft=draft))
    header = docx.Document(BytesIO(data)).sections[0].header
    content = [(p.style.name, p.text) for p in header.paragraphs]
    running = ("Header", "Allerød Kommune – Økonomiudvalget")
    assert content == ([("Udkast", "UDKAST"), running] if draft else [running])
    headers = [content for name, content in zip_entries(data).items() if name.startswith("word/header")]
    assert len(headers) == 1 and (b"UDKAST" in headers[0]) is draft


def test_footer_counts_pages_with_fields(rendered, opened):
    footer = opened.sections[0].footer.paragraphs
    assert [(p.style.name, p.text) for p in footer] == [("Footer", "Side 1 af 1")]
    instructions = part_xml(rendered, "word/footer1.xml").xpath("//w:instrText/text()", namespaces=NS)
    assert [text.strip() for text in instructions] == ["PAGE", "NUMPAGES"]


def test_page_is_a4_with_the_reference_margins(opened):
    section = opened.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert all(margin.cm == pytest.approx(2.5, abs=0.01) for margin in margins)


def render_in_subprocess(seed: str, cwd: Path) -> bytes:
    """Render the sample document in a fresh interpreter with the given hash seed."""
    code = (
        "import sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]\n"
        "from test_docx_writer import sample_document\n"
        "from reportgen.writers.docx import render\n"
        "sys.stdout.buffer.write(render(sample_document()))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, check=True, env=env, cwd=cwd
    )
    return result.stdout


def test_output_is_byte_identical_across_processes(rendered, tmp_path):
    first = render_in_subprocess("1", tmp_path)
    second = render_in_subprocess("2", tmp_path)
    assert first == second == rendered


def test_package_has_fixed_timestamps_and_entry_order(rendered):
    with zipfile.ZipFile(BytesIO(rendered)) as package:
        infos = package.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_reference_has_every_style_the_writer_uses():
    styles = docx.Document(str(REFERENCE)).styles
    missing = [name for name in STYLES_USED if name not in styles]
    assert missing == []
    types = {name: styles[name].type for name in STYLES_USED}
    assert types.pop(Style.TABLE) == WD_STYLE_TYPE.TABLE
    assert set(types.values()) == {WD_STYLE_TYPE.PARAGRAPH}


def test_writers_name_styles_only_through_the_style_constant():
    style_names = {style.name for style in docx.Document(str(REFERENCE)).styles} | set(STYLES_USED)
    for module in (docx_writer, docx_styles):
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        literals = {
            node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        assert literals & style_names == set(), module.__name__


def test_a_word_style_missing_from_an_unchecked_template_is_reported():
    """A look that did not come through inputs.style (which names the style in Word's Danish) still fails
    clearly instead of python-docx's KeyError."""
    custom = docx.Document(str(REFERENCE))
    custom.styles["Heading 2"].delete()
    buffer = BytesIO()
    custom.save(buffer)
    with pytest.raises(InputError, match="Typografien 'Heading 2' mangler"):
        render(sample_document(), Look(reference_docx=buffer.getvalue()))


def test_custom_reference_is_used_but_not_its_metadata():
    custom = docx.Document(str(REFERENCE))
    custom.sections[0].left_margin = Cm(3.5)
    props = custom.core_properties
    props.revision, props.last_modified_by, props.keywords = 7, "Jens Jensen", "fortroligt"
    buffer = BytesIO()
    custom.save(buffer)
    result = docx.Document(BytesIO(render(sample_document(), Look(reference_docx=buffer.getvalue()))))
    assert result.sections[0].left_margin.cm == pytest.approx(3.5, abs=0.01)
    assert sum(column.width for column in result.tables[0].columns) == pytest.approx(Cm(15), abs=Cm(0.01))
    props = result.core_properties
    assert (props.revision, props.last_modified_by, props.keywords) == (1, "", "")


def test_document_language_is_set_in_styles_and_metadata():
    data = render(replace(sample_document(), language="en-GB"))
    styles = part_xml(data, "word/styles.xml")
    assert set(styles.xpath("//w:lang/@w:val", namespaces=NS)) == {"en-GB"}
    assert docx.Document(BytesIO(data)).core_properties.language == "en-GB"


def test_reference_is_what_the_script_generates(tmp_path):
    output = tmp_path / "reference.docx"
    subprocess.run(
        [sys.executable, "-W", "error", str(ROOT / "scripts" / "make_reference_docx.py"), str(output)], check=True
    )
    assert zip_entries(output.read_bytes()) == zip_entries(REFERENCE.read_bytes())
