"""Tests for the PDF writer: text, draft marking, tagging, reproducibility, URL fetching and error handling."""

from __future__ import annotations

import base64
import logging
import os
import re
import subprocess
import sys
import time
import zlib
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from test_html_writer import HOSTILE, hostile_document, sample_document, tiny_png

from reportgen.documents import png as png_file
from reportgen.documents.model import Figure
from reportgen.resources import TEMPLATES
from reportgen.writers import pdf

TESTS_DIR = Path(__file__).resolve().parent
FONT = TEMPLATES / "fonts" / "Carlito-Regular.ttf"

RENDER_SCRIPT = """
import sys
from test_html_writer import sample_document
from reportgen.writers import pdf
sys.stdout.buffer.write(pdf.render(sample_document()))
"""


@pytest.fixture(scope="module")
def draft_pdf(tmp_path_factory) -> Path:
    """Render the sample draft document once for the module."""
    path = tmp_path_factory.mktemp("pdf") / "draft.pdf"
    path.write_bytes(pdf.render(sample_document(draft=True)))
    return path


def run(*command: str | Path) -> str:
    """Run a poppler command and return its standard output."""
    return subprocess.run([str(part) for part in command], check=True, capture_output=True, text=True).stdout


def pdf_pages_text(path: Path) -> list[str]:
    """Return the text of each page of a PDF, via pdftotext."""
    return run("pdftotext", "-layout", path, "-").split("\f")[:-1]


def inflated(data: bytes) -> bytes:
    """Return the PDF bytes followed by every Flate stream decompressed, for searching the structure."""
    streams = []
    for match in re.finditer(rb"stream\r?\n", data):
        try:
            streams.append(zlib.decompressobj().decompress(data[match.end() :]))
        except zlib.error:
            continue
    return b"\n".join([data, *streams])


def pdf_strings(blob: bytes, key: bytes) -> list[str]:
    """Return the string values of a PDF dictionary key, decoding literal and UTF-16 hex strings."""
    values = []
    for literal, hexa in re.findall(rb"/" + key + rb" (?:\(([^)]*)\)|<([0-9a-fA-F]*)>)", blob):
        values.append(bytes.fromhex(hexa.decode()).decode("utf-16") if hexa else literal.decode("latin-1"))
    return values


def test_text_contains_table_cells_and_headings(draft_pdf):
    text = "".join(pdf_pages_text(draft_pdf))
    for expected in (
        "Tabel 1: Afgørelser på børne- og voksenområdet",
        "Børn og unge",
        "31,5 %",
        "I alt",
        "29,0 %",
        "Kilde: Ankestyrelsen, danmarkskortet 2024",
        "Figur 1:",
        "Beslutning Økonomiudvalget den 12-05-2025",
        "Æblegrød, øl og ål.",
    ):
        assert expected in text


def test_every_page_has_draft_mark_header_and_page_number(draft_pdf):
    pages = pdf_pages_text(draft_pdf)
    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        assert "UDKAST" in page
        assert "Allerød Kommune · Økonomiudvalget" in page
        assert f"Side {number} af 2" in page


def test_final_version_has_no_draft_mark(tmp_path):
    path = tmp_path / "final.pdf"
    path.write_bytes(pdf.render(sample_document(draft=False)))
    assert all("UDKAST" not in page for page in pdf_pages_text(path))


def test_metadata_tagging_and_dates(draft_pdf):
    info = run("pdfinfo", "-isodates", draft_pdf)
    doc = sample_document()
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+{re.escape(doc.title)}$", info, re.M)
    assert re.search(rf"^Author:\s+{re.escape(doc.author)}$", info, re.M)
    assert re.search(r"^CreationDate:\s+2025-05-12T00:00:00", info, re.M)
    assert re.search(r"^ModDate:\s+2025-05-12T00:00:00", info, re.M)
    assert re.search(r"^PDF version:\s+1\.7$", info, re.M)
    assert re.search(r"^Page size:.*\(A4\)$", info, re.M)


def test_structure_tree_has_language_headings_table_headers_and_alt_text(draft_pdf):
    blob = inflated(draft_pdf.read_bytes())
    assert pdf_strings(blob, b"Lang") == ["da-DK"]
    assert b'pdfuaid:part="1"' in blob
    for tag in (b"H1", b"H2", b"H3", b"Table", b"THead", b"TBody", b"TH", b"TD", b"Caption", b"Figure"):
        assert re.search(rb"/S /" + tag + rb"\b", blob), tag
    assert len(re.findall(rb"/S /TH\b", blob)) == 3 + 2 + 1
    assert pdf_strings(blob, b"Alt") == ["Linjediagram: omgørelsesprocenten faldt fra 12 til 11."]


def test_embeds_the_templates_fonts(draft_pdf):
    fonts = run("pdffonts", draft_pdf)
    assert "Reportgen-Carlito " in fonts and "Reportgen-Carlito-Bold " in fonts


def test_output_is_identical_across_processes(draft_pdf):
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(TESTS_DIR)}
        outputs.append(
            subprocess.run(
                [sys.executable, "-c", RENDER_SCRIPT],
                check=True,
                capture_output=True,
                env=env,
                cwd=TESTS_DIR,
            ).stdout
        )
    assert outputs[0] == outputs[1] == draft_pdf.read_bytes()


def test_font_subsetting_with_fonttools_ignores_the_clock(monkeypatch):
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    doc = sample_document()
    first = pdf.render(doc)
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 10**7)
    assert pdf.render(doc) == first


def test_render_restores_environment_and_logging():
    logger = logging.getLogger("weasyprint")
    handlers, level = list(logger.handlers), logger.level
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    pdf.render(sample_document())
    assert logger.handlers == handlers and logger.level == level
    assert os.environ.get("SOURCE_DATE_EPOCH") == epoch


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/style.css",
        "ftp://example.com/font.ttf",
        (TEMPLATES / "html" / "document.html.j2").as_uri(),
        TEMPLATES.as_uri() + "/../pyproject.toml",
        TEMPLATES.as_uri() + "/fonts/%2e%2e/%2e%2e/pyproject.toml",
        "file://example.com" + FONT.as_posix(),
        "file:///usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
        TEMPLATES.as_uri() + "/fonts/../../../../../usr/share/fonts/truetype/crosextra/Carlito-Regular.ttf",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=",
        "data:font/ttf;base64,AAEAAA==",
    ],
)
def test_url_fetcher_refuses_everything_but_own_files_and_images(url):
    with pytest.raises(pdf.RefusedURL):
        pdf.url_fetcher()(url)


def test_url_fetcher_serves_templates_fonts_and_png_data():
    response = pdf.url_fetcher()(FONT.as_uri())
    assert response.read() == FONT.read_bytes()
    assert response.content_type == "font/ttf"
    data_url = "data:image/png;base64," + base64.b64encode(tiny_png()).decode("ascii")
    assert pdf.url_fetcher()(data_url).read() == tiny_png()


@pytest.mark.parametrize("src", ["file:///etc/passwd", "http://example.com/x.png"])
def test_refused_image_fails_the_render(src):
    page = f'<!DOCTYPE html><html lang="da"><title>x</title><p>x</p><img src="{src}" alt="x">'
    with pytest.raises(pdf.RenderError, match="Failed to load image"):
        pdf.render(sample_document(), page.encode())


def test_missing_alt_text_fails_the_render():
    figure = Figure(name="x.png", png=tiny_png(), caption="Uden alternativ tekst", alt="")
    with pytest.raises(pdf.RenderError, match="no required alt description"):
        pdf.render(replace(sample_document(), blocks=(figure,)))


def test_weasyprint_warnings_do_not_fail_the_render():
    page = '<!DOCTYPE html><html lang="da"><title>x</title><p style="colour: red">x</p>'
    assert pdf.render(sample_document(), page.encode()).startswith(b"%PDF-1.7")


def test_hostile_text_is_printed_literally(tmp_path):
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf.render(hostile_document()))
    text = run("pdftotext", path, "-")
    for fragment in HOSTILE:
        assert fragment in text


IMPORT_SCRIPT = """
import ctypes.util, subprocess, sys
started = []
popen_init = subprocess.Popen.__init__
def recording_init(self, args, *rest, **kwargs):
    started.append(args)
    popen_init(self, args, *rest, **kwargs)
subprocess.Popen.__init__ = recording_init
search = ctypes.util.find_library
from reportgen.writers import pdf
pdf._load_weasyprint()
assert "weasyprint" in sys.modules and ctypes.util.find_library is search
print(len(started))
"""


def test_weasyprint_is_imported_without_running_the_library_search():
    result = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"  # without the switch: ldconfig, gcc and ld for each library name


def pdf_images(path: Path, folder: Path) -> list[Path]:
    """The images of a PDF as PNG files, in order, via pdfimages."""
    run("pdfimages", "-png", path, folder / "bild")
    return sorted(folder.glob("bild-*.png"))


def idat(png: bytes) -> bytes:
    """The compressed pixel rows of a PNG: its IDAT chunks' data."""
    return b"".join(data for kind, data in png_file.chunks(png) if kind == b"IDAT")


def test_rgb_pngs_are_embedded_with_their_own_compressed_rows_and_others_through_weasyprint(tmp_path):
    """A chart's compressed rows go into the PDF as they are (no decoding and compressing again); an image with
    alpha (tiny_png) is embedded by WeasyPrint itself, with its alpha as a mask. Both show their PNG's pixels."""
    from io import BytesIO

    from PIL import Image

    from reportgen.documents import charts

    chart = charts.trend_chart((2023, 2024), (charts.Series("Allerød", (Fraction(1, 2), Fraction(5, 8)), "kommune"),))
    figures = (
        Figure("graf.png", chart, "Graf", "Linjediagram."),
        Figure("lille.png", tiny_png(), "Lille", "Lille linjediagram."),
    )
    path = tmp_path / "figurer.pdf"
    path.write_bytes(data := pdf.render(replace(sample_document(), blocks=figures)))
    assert idat(chart) in data
    assert idat(tiny_png()) not in data
    chart_image, small_image, _small_alpha = pdf_images(path, tmp_path)
    for png, extracted in ((chart, chart_image), (tiny_png(), small_image)):
        expected = Image.open(BytesIO(png)).convert("RGB")
        assert Image.open(extracted).convert("RGB").tobytes() == expected.tobytes()


def test_the_pdf_parses_figures_by_short_names_not_their_base64():
    html, images = pdf._split_images(b'<p><img src="data:image/png;base64,' + base64.b64encode(tiny_rgb_png()) + b'">')
    assert html == b'<p><img src="reportgen-figur:1">' and "reportgen-figur:1" in images


def tiny_rgb_png() -> bytes:
    """A 2 × 1 opaque RGB PNG."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (2, 1), "white").save(buffer, format="png")
    return buffer.getvalue()
