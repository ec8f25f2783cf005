"""The example built in its alternate look (data/eksempler/kommunestil): every format wears the style folder's
template, tokens and logo, the PDF stays tagged and reproducible, and the manifest tracks the folder's files."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx
import lxml.html
import pytest
from casefactory import EXAMPLE, run_cli
from docx.shared import Cm, Pt
from lxml import etree
from test_pdf_writer import inflated, pdf_strings, run
from test_style_inputs import STYLE

from reportgen.documents.compose import compose
from reportgen.documents.model import Figure
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs
from reportgen.inputs.style import Look, load_style
from reportgen.lifecycle.build import build
from reportgen.writers import docx as docx_writer
from reportgen.writers import html, pdf
from reportgen.writers.pdf_processes import PdfProcesses

ROOT = Path(__file__).resolve().parents[1]
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"}
LOGO_ALT = "Allerød Kommunes logo"


@pytest.fixture(scope="module")
def look() -> Look:
    return load_style(STYLE, "Allerød")


@pytest.fixture(scope="module")
def doc():
    inputs = load_inputs(EXAMPLE)
    return compose(inputs, compute(inputs)).sagsfremstilling


@pytest.fixture(scope="module")
def word_data(doc, look) -> bytes:
    return docx_writer.render(doc, look)


@pytest.fixture(scope="module")
def word(word_data) -> docx.document.Document:
    return docx.Document(BytesIO(word_data))


@pytest.fixture(scope="module")
def page(doc, look) -> bytes:
    return html.render(doc, look)


@pytest.fixture(scope="module")
def pdf_path(doc, look, page, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("stil") / "sagsfremstilling.pdf"
    path.write_bytes(pdf.render(doc, page, look))
    return path


# --- DOCX ------------------------------------------------------------------------------------------------


def test_docx_styles_come_from_the_template_with_the_tokens_written_in(word):
    template = docx.Document(str(STYLE / "reference.docx")).styles
    styles = word.styles
    heading = styles["Heading 1"]
    assert heading.font.size == template["Heading 1"].font.size == Pt(15)
    assert heading.paragraph_format.space_before == template["Heading 1"].paragraph_format.space_before
    assert heading.element.xpath("w:pPr/w:pBdr/w:bottom/@w:color") == ["F2A900"]  # the template's
    assert str(heading.font.color.rgb) == "00594F"  # farve_overskrifter
    assert heading.element.xpath("w:rPr/w:rFonts/@w:ascii") == ["Liberation Serif"]
    assert styles["Normal"].font.size == template["Normal"].font.size == Pt(10)
    assert styles["Normal"].font.name == "Liberation Sans"
    section = word.sections[0]
    assert (section.left_margin.cm, section.right_margin.cm) == pytest.approx((2.0, 3.0), abs=0.01)


def test_docx_gets_reportgens_own_styles_based_on_the_templates(word):
    source = word.styles["Kilde"]
    assert source.base_style.name == "Normal" and source.base_style.font.name == "Liberation Sans"
    assert [p.text.startswith("Kilde: ") for p in word.paragraphs if p.style.name == "Kilde"] != []
    assert str(word.styles["Tabeloverskrift"].font.color.rgb) == "FFFFFF"
    fill = word.styles["Reportgen Tabel"].element.xpath("w:tblStylePr[@w:type='firstRow']/w:tcPr/w:shd/@w:fill")
    assert fill == ["00594F"]


def header_content(part) -> list[str]:
    """A header's paragraphs as text, a picture as [alt text]."""
    content = []
    for paragraph in part.paragraphs:
        pictures = paragraph._p.xpath(".//wp:docPr/@descr")
        content.append(f"[{pictures[0]}]" if pictures else paragraph.text)
    return content


def test_docx_keeps_the_letterhead_and_adds_the_logo_and_draft_mark(word):
    section = word.sections[0]
    assert section.different_first_page_header_footer
    assert header_content(section.first_page_header) == [
        f"[{LOGO_ALT}]",
        "UDKAST",
        "Center for Social og Sundhed\nEksempelvej 1 · 9999 Eksempelby · Telefon 99 99 99 99",
    ]
    assert header_content(section.header) == ["UDKAST", "Center for Social og Sundhed"]


def test_docx_keeps_the_templates_page_number_and_adds_one_where_missing(word):
    section = word.sections[0]
    assert [p.text for p in section.footer.paragraphs] == ["Side 1"]
    assert [p.text for p in section.first_page_footer.paragraphs] == [
        "Svar til kommunen sendes via Digital Post.",
        "Side 1 af 1",
    ]


def test_docx_logo_has_its_height_and_a_drawing_id_of_its_own(doc, word, word_data, look):
    inline = word.sections[0].first_page_header._element.xpath(".//wp:inline")[0]
    assert inline.extent.cy == Cm(look.logo.height_cm)
    ids = []
    with zipfile.ZipFile(BytesIO(word_data)) as package:
        for name in package.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                ids += etree.fromstring(package.read(name)).xpath("//wp:docPr/@id", namespaces=NS)
    figures = sum(isinstance(block, Figure) for block in doc.blocks)
    assert len(ids) == len(set(ids)) == figures + 1 and str(docx_writer.LOGO_IDS) in ids


def test_docx_on_reportgens_template_puts_the_logo_above_the_draft_mark_and_running_text(doc, look):
    only_logo = Look(logo=look.logo)
    word = docx.Document(BytesIO(docx_writer.render(doc, only_logo)))
    assert header_content(word.sections[0].header) == [f"[{LOGO_ALT}]", "UDKAST", doc.header]


# --- HTML ------------------------------------------------------------------------------------------------


def test_html_carries_the_tokens_as_a_second_stylesheet_and_the_logo(page, look):
    root = lxml.html.document_fromstring(page)
    styles = root.findall(".//style")
    assert len(styles) == 2
    tokens = styles[1].text
    assert "#00594F" in tokens and "#F2A900" in tokens and '"Liberation Serif"' in tokens
    assert "data:" not in tokens, "the HTML names the fonts; only the PDF embeds them"
    logo = root.find(".//header[@class='doc-header']/img")
    assert logo.get("class") == "logo" and logo.get("alt") == LOGO_ALT
    assert logo.get("src").startswith("data:image/svg+xml;base64,")


def test_html_falls_back_to_the_png_logo(doc, look):
    png_only = replace(look, logo=replace(look.logo, svg=None))
    root = lxml.html.document_fromstring(html.render(doc, png_only))
    assert root.find(".//img[@class='logo']").get("src").startswith("data:image/png;base64,")


def test_default_look_adds_nothing_to_the_html(doc):
    root = lxml.html.document_fromstring(html.render(doc))
    assert len(root.findall(".//style")) == 1 and root.find(".//img[@class='logo']") is None


# --- PDF -------------------------------------------------------------------------------------------------


def test_pdf_is_tagged_with_the_logo_as_a_figure_with_alt_text(doc, pdf_path):
    assert re.search(r"^Tagged:\s+yes$", run("pdfinfo", pdf_path), re.M)
    blob = inflated(pdf_path.read_bytes())
    figures = re.findall(rb"/S /Figure[^\n]*?/Alt <([0-9a-fA-F]+)>", blob)
    alts = [bytes.fromhex(alt.decode()).decode("utf-16") for alt in figures]
    charts = [block.alt for block in doc.blocks if isinstance(block, Figure)]
    assert alts == [LOGO_ALT, *charts]  # the logo first, then the charts
    assert b'pdfuaid:part="1"' in blob and pdf_strings(blob, b"Lang") == ["da-DK"]


def test_pdf_embeds_the_style_folders_fonts(pdf_path):
    fonts = run("pdffonts", pdf_path)
    assert "Liberation-Sans " in fonts and "Liberation-Sans-Bold " in fonts and "Liberation-Serif-Bold " in fonts
    assert "Carlito" not in fonts


def test_pdf_shows_the_colours(pdf_path, tmp_path):
    """The first table's header row is petrol: render page 2 and find the colour."""
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "2", "-l", "2", pdf_path, tmp_path / "side"], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("side*.png"))).convert("RGB")
    assert (0x00, 0x59, 0x4F) in {colour for _, colour in image.getcolors(1 << 20)}


def test_pdf_lays_out_the_look_from_stylesheets_parsed_once(page, look):
    stripped, sheets = pdf._split_stylesheet(page, look)
    assert b"<style>" not in stripped and len(sheets) == 2
    assert pdf._split_stylesheet(page, look)[1][1] is sheets[1]


def render_in_subprocess(cwd: Path) -> bytes:
    code = (
        "import sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}]\n"
        "from reportgen.documents.compose import compose\n"
        "from reportgen.figures.case import compute\n"
        "from reportgen.inputs import load_inputs\n"
        "from reportgen.writers import pdf\n"
        "from pathlib import Path\n"
        f"inputs = load_inputs(Path({str(EXAMPLE)!r}), stil=Path({str(STYLE)!r}))\n"
        "doc = compose(inputs, compute(inputs)).sagsfremstilling\n"
        "sys.stdout.buffer.write(pdf.render(doc, look=inputs.look))\n"
    )
    return subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, check=True, cwd=cwd).stdout


def test_pdf_is_byte_identical_across_processes(pdf_path, tmp_path):
    assert render_in_subprocess(tmp_path) == pdf_path.read_bytes()


def test_both_pdf_processes_embed_the_style_folders_fonts(doc, look, tmp_path):
    """The second process is forked from the warm first; each registers the folder's fonts itself."""
    with PdfProcesses() as processes:
        processes.submit(doc, look)
        processes.submit(replace(doc, slug="kopi"), look)
        results = processes.results()
    for slug, data in results.items():
        (tmp_path / f"{slug}.pdf").write_bytes(data)
        assert "Liberation-Serif-Bold " in run("pdffonts", tmp_path / f"{slug}.pdf"), slug


# --- build and manifest ----------------------------------------------------------------------------------


def test_build_lists_the_style_files_and_a_new_logo_makes_a_new_version(tmp_path):
    style = Path(shutil.copytree(STYLE, tmp_path / "husstil"))
    first = build(EXAMPLE, tmp_path / "out", stil=style)
    manifest = json.loads((first.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["stil/logo.png"] == _sha256(style / "logo.png")
    assert manifest["input"]["stil/reference.docx"] == _sha256(style / "reference.docx")
    assert not build(EXAMPLE, tmp_path / "out", stil=style).created
    (style / "logo.svg").write_text((style / "logo.svg").read_text().replace("#F2A900", "#C8102E"))
    second = build(EXAMPLE, tmp_path / "out", stil=style)
    assert second.created and second.version == 2
    assert (
        first.folder.joinpath("sagsfremstilling.docx").read_bytes()
        == second.folder.joinpath("sagsfremstilling.docx").read_bytes()
    ), "Word shows logo.png, which did not change"
    assert (
        first.folder.joinpath("sagsfremstilling.pdf").read_bytes()
        != second.folder.joinpath("sagsfremstilling.pdf").read_bytes()
    )


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_stil_skabelon_writes_a_folder_that_builds_and_refuses_to_overwrite(tmp_path, capsys):
    result = run_cli(capsys, "stil", "skabelon", tmp_path / "husstil")
    assert result.code == 0 and "reference.docx, stil.toml" in result.out
    assert run_cli(capsys, "check", EXAMPLE, "--stil", tmp_path / "husstil").code == 0
    again = run_cli(capsys, "stil", "skabelon", tmp_path / "husstil")
    assert again.code == 2 and "findes allerede; reportgen overskriver den ikke" in again.err


def test_the_example_style_folder_is_what_the_script_generates(tmp_path):
    subprocess.run(
        [sys.executable, "-W", "error", str(ROOT / "scripts" / "make_example_style.py"), str(tmp_path)], check=True
    )
    for name in ("reference.docx", "logo.svg", "logo.png"):
        assert (tmp_path / name).read_bytes() == (STYLE / name).read_bytes(), name


def _template(change) -> bytes:
    """The example's template after change(document)."""
    document = docx.Document(str(STYLE / "reference.docx"))
    change(document)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_leaves_a_letterhead_that_has_a_logo_of_its_own(doc, look):
    def add_picture(document):
        document.sections[0].first_page_header.paragraphs[0].add_run().add_picture(str(STYLE / "logo.png"), Cm(1))

    word = docx.Document(BytesIO(docx_writer.render(doc, replace(look, reference_docx=_template(add_picture)))))
    first = word.sections[0].first_page_header._element
    assert len(first.xpath(".//w:drawing")) == 1 and LOGO_ALT not in first.xml


def test_docx_puts_the_logo_on_odd_and_even_pages_of_a_template_without_a_letterhead(doc, look):
    def odd_and_even(document):
        document.sections[0].different_first_page_header_footer = False
        document.settings.odd_and_even_pages_header_footer = True

    word = docx.Document(BytesIO(docx_writer.render(doc, replace(look, reference_docx=_template(odd_and_even)))))
    section = word.sections[0]
    assert header_content(section.header)[0] == header_content(section.even_page_header)[0] == f"[{LOGO_ALT}]"


def test_pdf_serves_the_checked_logo_and_fonts_but_no_other_svg_or_font(pdf_path, look):
    """Rendering in a look lets data: URLs carry exactly its logo and font files, which loading checked."""
    logo = html.logo_data_uri(look)
    assert pdf.url_fetcher()(logo).read() == look.logo.svg
    font = look.fonts[0]
    assert pdf.fetch_resource(f"data:{font.media_type};base64,{base64.b64encode(font.data).decode()}")[0] == font.data
    other = look.logo.svg.replace(b"#F2A900", b"#000000")
    with pytest.raises(pdf.RefusedURL, match="only serves the logo and fonts of a loaded style folder"):
        pdf.fetch_resource("data:image/svg+xml;base64," + base64.b64encode(other).decode())
