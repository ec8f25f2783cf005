"""Tables that hold in Word, LibreOffice and the PDF: widths from content, hyphens only at soft hyphens, rows kept
together as documents/model.py's Table.row_groups says (a short table whole with its caption, a long one never
leaving fewer than three rows on either side of a page break)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date
from io import BytesIO

import pytest

from reportgen.documents.model import KEEP_AT_BREAK, KEEP_WHOLE, Document, Paragraph, Table, Text, label_and_numbers
from reportgen.domain.danish import long_date, unbroken_dates
from reportgen.writers import columns, docx, pdf

TEXT_WIDTH = 9071  # 16 cm in twips: A4 with 2.5 cm margins (the reference document)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def table(rows: int, total: bool = True, header=("Paragraf", "Sager", "Omgørelses\u00adprocent")) -> Table:
    body = tuple((f"Række {i:02d}", str(i), f"{i} %") for i in range(rows))
    return Table(
        "Prøve",
        header,
        body,
        label_and_numbers(len(header) - 1),
        total=("I alt", "99", "50 %") if total else None,
        source="Ankestyrelsen",
    )


def document(*blocks) -> Document:
    return Document("prøve", "Prøve", "Prøve", "Prøve", False, date(2024, 1, 1), "Prøve", tuple(blocks))


# --- the model's rule ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 5, KEEP_WHOLE - 1, KEEP_WHOLE, 20, 40])
def test_row_groups_cover_every_row_once(rows):
    t = table(rows)
    groups = t.row_groups()
    assert [i for g in groups for i in g] == list(range(len(t.body)))
    if len(t.body) <= KEEP_WHOLE:
        assert t.keep_whole and len(groups) == 1
    else:
        assert len(groups[0]) == len(groups[-1]) == KEEP_AT_BREAK


# --- DOCX ------------------------------------------------------------------------------------------------------


def test_every_column_is_at_least_as_wide_as_its_longest_unbreakable_piece():
    t = Table(
        "Tabel 2",
        ("Forvaltningsområde", "Afgjorte i alt", "Stadfæstet", "Ændret/ophævet", "Hjemvist", "Afvist/henvist",
         "Omgørelses\u00adprocent", "Omgjort af alle afgjorte"),
        (("Borgerservice – beskæftigelse + ydelse", "12", "6", "0", "6", "0", "50 %", "50 %"),),
        label_and_numbers(7),
        total=("I alt", "85", "30", "8", "39", "8", "61 %", "55 %"),
    )  # fmt: skip
    widths = columns.column_widths(t, TEXT_WIDTH)
    assert sum(widths) == TEXT_WIDTH
    for header, width in zip(t.header, widths, strict=True):
        longest = max(columns.text_twips(piece, bold=True) for piece in columns.header_pieces(header))
        assert width >= longest + columns.CELL_PADDING_TWIPS, header
    assert widths[0] == max(widths)  # the label column is the wide one
    assert columns.header_pieces("Omgørelses\u00adprocent") == ["Omgørelses-", "procent"]
    assert columns.header_pieces("Ændret/ophævet") == ["Ændret/", "ophævet"]


def test_a_plan_table_shares_the_width_among_its_text_columns_and_keeps_each_date_whole():
    """An initiatives table: the long titles and the long responsible names share what is left in proportion to
    their length, and the deadlines (no-break spaces inside) and statuses stay narrow but unbroken."""
    deadline = unbroken_dates(long_date(date(2025, 12, 31)))
    t = Table(
        "Handleplanens indsatser",
        ("Indsats", "Mål/tema", "Ansvarlig", "Frist", "Status"),
        (
            ("Systematisk gennemgang af alle omgjorte og hjemviste afgørelser med sagsbehandleren og teamlederen",
             "M1, M2", "Afdelingslederen for Myndighed, Børn og Familie sammen med teamlederne for Handicap",
             deadline, "igangsat"),
            ("Nye skabeloner til afgørelser om merudgifter", "M1", "Juridisk Kontor", deadline, "planlagt"),
        ),
        ("left",) * 5,
    )  # fmt: skip
    widths = columns.column_widths(t, TEXT_WIDTH)
    assert sum(widths) == TEXT_WIDTH
    assert widths[3] >= columns.text_twips(deadline) + columns.CELL_PADDING_TWIPS
    assert widths[3] < TEXT_WIDTH * 0.25 and widths[4] < TEXT_WIDTH * 0.15
    assert widths[0] < TEXT_WIDTH * 0.4 and widths[2] > TEXT_WIDTH * 0.25
    assert columns.words(f"frist {deadline}") == ["frist", deadline]


def body_xml(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_soft_hyphens_are_word_optional_hyphens_and_slashes_break_opportunities():
    xml = body_xml(docx.render(document(table(3, header=("Paragraf", "Ændret/ophævet", "Omgørelses\u00adprocent")))))
    assert "<w:softHyphen/>" in xml and "\u00ad" not in xml
    assert "Ændret/\u200bophævet" in xml


def rows_of(data: bytes) -> list:
    import lxml.etree as etree

    tree = etree.fromstring(body_xml(data).encode("utf-8"))
    return tree.findall(f".//{W}tbl/{W}tr")


def kept(row) -> bool:
    return all(p.find(f"{W}pPr/{W}keepNext") is not None for p in row.iter(f"{W}p"))


@pytest.mark.parametrize("n", [4, 20])
def test_docx_rows_never_split_and_keep_with_their_group(n):
    t = table(n)
    rows = rows_of(docx.render(document(t)))
    assert len(rows) == len(t.body) + 1
    assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
    keep = [kept(row) for row in rows]
    if t.keep_whole:  # everything keeps with the next row; the last row keeps with the notes under the table
        assert all(keep)
    else:
        body = keep[1:]
        assert keep[0] and body[: KEEP_AT_BREAK - 1] == [True] * (KEEP_AT_BREAK - 1)
        assert body[KEEP_AT_BREAK - 1] is False  # the first place a page may break
        assert body[-KEEP_AT_BREAK:] == [True] * KEEP_AT_BREAK
        assert body[-KEEP_AT_BREAK - 1] is False  # the last place a page may break


# --- PDF -------------------------------------------------------------------------------------------------------


def rows_per_page(blocks) -> list[int]:
    """How many of the table's body rows (and its total row) each page holds, for pages that hold any."""
    data = pdf.render(document(*blocks))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    pages = text.decode("utf-8").split("\f")
    return [n for p in pages if (n := len(re.findall(r"Række \d\d|I alt", p)))]


FILLER = [Paragraph((Text("Et afsnit, der fylder siden op. " * 12),))]


@pytest.mark.parametrize("paragraphs", [10, 13, 16, 24, 27, 31])
def test_a_long_table_leaves_at_least_three_rows_on_either_side(paragraphs):
    counts = rows_per_page(FILLER * paragraphs + [table(20)])
    assert sum(counts) == 21
    assert all(c >= KEEP_AT_BREAK for c in counts), counts


@pytest.mark.parametrize("paragraphs", [22, 25, 28])
def test_a_short_table_stays_on_one_page_with_its_caption(paragraphs):
    data = pdf.render(document(*(FILLER * paragraphs), table(8)))
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    pages = [p for p in text.decode("utf-8").split("\f") if "Række" in p or "Tabel 1:" in p]
    assert len(pages) == 1 and "Tabel 1:" in pages[0] and "I alt" in pages[0]
