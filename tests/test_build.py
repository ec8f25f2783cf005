"""A full build of the example case: the files, every reference figure in DOCX and PDF text, drafts, hostile text."""

import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from casefactory import make_case
from docx import Document as DocxDocument

from reportgen.lifecycle.build import build
from reportgen.lifecycle.versions import versions

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "eksempler" / "allerod-2024"
DOCUMENTS = [f"{name}.{ext}" for name in ("sagsfremstilling", "bilag-1") for ext in ("docx", "pdf", "html")]
TABEL1_CELLS = [
    "63 % (65)",
    "44 % (45)",
    "55 % (47)",
    "42 % (53)",
    "53 % (72)",
    "37 % (86)",
    "44 % (79)",
    "34 % (68)",
    "56 % (25)",
    "35 % (26)",
    "41 % (27)",
    "36 % (28)",
    "44 % (55)",
    "33 % (52)",
    "32 % (63)",
    "25 % (48)",
    "46 % (41)",
    "43 % (46)",
    "33 % (42)",
    "27 % (55)",
]
TABEL2_ROWS = [
    ["Børneområdet", "37", "15", "5", "12", "5", "53 %", "46 %"],
    ["Ældre- og Sundhed", "28", "6", "1", "18", "3", "76 %", "68 %"],
    ["Borgerservice – beskæftigelse + ydelse", "12", "6", "0", "6", "0", "50 %", "50 %"],
    ["Borgerservice – specialiseret område", "8", "3", "2", "3", "0", "63 %", "63 %"],
    ["I alt", "85", "30", "8", "39", "8", "61 %", "55 %"],
]


def plain(text: str) -> str:
    """Text with no-break spaces and soft hyphens normalised, whitespace folded."""
    return " ".join(text.replace("\u00a0", " ").replace("\u00ad", "").split())


def docx_text(path: Path) -> str:
    """All paragraph and table-cell text of a DOCX."""
    doc = DocxDocument(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return plain("\n".join(parts))


def docx_table_rows(path: Path) -> list[list[str]]:
    """Every table row of a DOCX as a list of cell texts."""
    doc = DocxDocument(str(path))
    return [[plain(c.text) for c in row.cells] for t in doc.tables for row in t.rows]


def pdf_pages(path: Path) -> list[str]:
    """The text of each PDF page."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [plain(page) for page in out.split("\f") if page.strip()]


@pytest.fixture
def packet(examples_built) -> Path:
    """The example's v1, built once for the run (tests/conftest.py): read only."""
    return examples_built[2024]


@pytest.mark.parametrize("doc", ["sagsfremstilling", "bilag-1", "bilag-2"])
def test_the_pdf_shows_no_text_its_html_does_not(packet, doc):
    """The gate before a version is written reads the HTML and DOCX, not the PDF: every word of the PDF must be
    text of the HTML it is laid out from (a hyphenated word a part of one), or the page numbers and list marks the
    stylesheet adds."""
    from reportgen.writers import html

    page_text = "".join("".join(text.split()) for _, text in html.sections((packet / f"{doc}.html").read_bytes()))
    pdf = subprocess.run(["pdftotext", str(packet / f"{doc}.pdf"), "-"], capture_output=True, text=True, check=True)
    words = {w.rstrip("-\u2010\u00ad") for w in pdf.stdout.split()} - {"Side", "af", "•", "◦", ""}
    assert words and not {w for w in words if w not in page_text and not re.fullmatch(r"\d+\.?", w)}


def test_version_folder_layout(packet):
    assert packet.name == "v1" and packet.parent.name == "2024" and packet.parent.parent.name == "alleroed"
    names = {p.name for p in packet.iterdir()}
    assert set(DOCUMENTS) <= names
    assert {"manifest.json", "figurer.json"} <= names
    assert any(n.endswith(".png") for n in names)


@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_every_tabel1_cell_in_the_text(packet, kind):
    text = (
        docx_text(packet / "sagsfremstilling.docx")
        if kind == "docx"
        else " ".join(pdf_pages(packet / "sagsfremstilling.pdf"))
    )
    for cell in TABEL1_CELLS:
        assert cell in text, cell


def test_every_tabel2_row_in_the_docx_table(packet):
    rows = docx_table_rows(packet / "sagsfremstilling.docx")
    for expected in TABEL2_ROWS:
        assert expected in rows, expected


def test_every_tabel2_figure_in_the_pdf(packet):
    text = " ".join(pdf_pages(packet / "sagsfremstilling.pdf"))
    for name, *figures in TABEL2_ROWS:
        # Long names wrap inside their cell, so the name and the row's figures are found separately.
        assert re.search(re.escape(name.split()[0]) + r".{0,80}?" + r"\s+".join(map(re.escape, figures)), text), name


def test_prose_figures_in_the_text(packet):
    text = docx_text(packet / "sagsfremstilling.docx")
    assert "65 sager fra Allerød Kommune" in text
    assert "I 8 sager blev afgørelsen ændret eller ophævet" in text
    assert "12 % (8 af 65)" in text
    assert "steg fra 45 i 2023 til 65 i 2024 – en stigning på 20 sager" in text
    assert "I 2024 afgjorde Ankestyrelsen i alt 85 sager fra Allerød Kommune" in text
    assert "bygger på 65 af de 85" in text
    assert "steg fra 44 % i 2023 til 63 % i 2024" in text
    assert "På landsplan var omgørelsesprocenten 45 % i 2024" in text


def test_decision_history_in_order(packet):
    text = docx_text(packet / "sagsfremstilling.docx")
    titles = re.findall(r"Beslutning (.+?) den (\d\d-\d\d-\d{4})", text)
    assert [d for _, d in titles] == [
        "23-09-2025",
        "24-09-2025",
        "30-09-2025",
        "07-10-2025",
        "28-10-2025",
        "29-10-2025",
    ]
    assert "Bilag 1. Afgørelser på det generelle socialområde fordelt på områder" in text


def test_every_pdf_page_says_draft(packet):
    for name in ("sagsfremstilling.pdf", "bilag-1.pdf"):
        pages = pdf_pages(packet / name)
        assert len(pages) >= 2
        assert all("UDKAST" in page for page in pages), name


def test_docx_header_says_draft(packet):
    with zipfile.ZipFile(packet / "sagsfremstilling.docx") as z:
        headers = [z.read(n).decode() for n in z.namelist() if re.match(r"word/header\d*\.xml", n)]
    assert headers and any("UDKAST" in h for h in headers)


def test_final_status_has_no_draft_mark(tmp_path):
    case = make_case(tmp_path, sag_toml_patch={"status": "endelig"})
    folder = build(case, tmp_path / "out").folder
    assert not any("UDKAST" in page for page in pdf_pages(folder / "sagsfremstilling.pdf"))
    assert "UDKAST" not in (folder / "sagsfremstilling.html").read_text(encoding="utf-8")


def test_unchanged_rebuild_makes_no_version(packet, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(packet.parents[2], out)
    folder = out / packet.relative_to(packet.parents[2])
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    result = build(EXAMPLE, out)
    assert not result.created and result.version == 1
    assert versions(folder.parent) == [1]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


HOSTILE = '{{ 7*7 }} <script>alert(1)</script> <img src="file:///etc/passwd"> @@tabel1@@ {% raw %}'


def test_hostile_text_stays_literal(tmp_path):
    case = make_case(
        tmp_path,
        tekster={"forklaring.md": f"Forklaring: {HOSTILE}\n"},
        sag_toml_patch={"behandling": [{"organ": "Byrådet <b>", "dato": date(2025, 10, 7), "beslutning": HOSTILE}]},
    )
    folder = build(case, tmp_path / "out").folder
    html = (folder / "sagsfremstilling.html").read_text(encoding="utf-8")
    assert "<script>" not in html and 'file:///etc/passwd">' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" in html and ">49<" not in html
    text = docx_text(folder / "sagsfremstilling.docx")
    assert text.count("{{ 7*7 }} <script>alert(1)</script>") == 2
    assert "@@tabel1@@" in text  # a placeholder in user text is not expanded
    assert "Beslutning Byrådet <b> den 07-10-2025" in text
