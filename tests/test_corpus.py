"""Every case shape of the corpus (tests/corpus.py) built end to end in all formats and read as its readers would:
the sentences against the rules of Danish a careful reader holds them to, the names that depend on the year and
the municipality, the warnings, and the pages – in the PDF and in the DOCX as LibreOffice lays it out: tables kept
together or broken with at least three rows on each side, captions with their tables, no table header word split
inside the word, no page more than half empty before a figure or a table, no heading last on its page, no list
apart from its lead-in or split with fewer than two items on a side, no date broken across lines (and in the
HTML and the Word file every date held together by no-break spaces)."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import lxml.etree as etree
import lxml.html
import pytest
import wording
from babel.dates import get_month_names
from corpus import SHAPES
from test_build import docx_table_rows, docx_text
from test_html_tree import as_laid_out, html5, shape
from test_pdf_writer import inflated

from reportgen.documents.model import KEEP_AT_BREAK, KEEP_LIST_AT_BREAK, KEEP_WHOLE
from reportgen.domain import danmarkskort, kommuner
from reportgen.domain.areas import AREAS, BILAG_AREAS, GENERAL, HANDICAP_AREAS, OEVRIGE
from reportgen.writers import html_tree
from reportgen.writers.columns import SOFT_HYPHEN, header_pieces

DOCUMENTS = ("sagsfremstilling", "bilag-1", "bilag-2")
NUMBERING = {"sagsfremstilling": "", "bilag-1": "B1.", "bilag-2": "B2."}  # the prefix of table and figure numbers


@dataclass(frozen=True)
class Built:
    """One corpus case built: its version folder and the warnings the build printed."""

    name: str
    folder: Path
    warnings: tuple[str, ...]

    def html(self, doc: str):
        return lxml.html.document_fromstring((self.folder / f"{doc}.html").read_bytes())

    def documents(self) -> list[str]:
        """The documents of the packet that are built for this case (Bilag 2 only with an attached plan)."""
        return [doc for doc in DOCUMENTS if (self.folder / f"{doc}.html").exists()]


class Corpus(dict):
    """The corpus cases built, each on first use (so that `pytest -k <shape>` builds only the shapes it runs), once
    for the whole run (conftest.corpus_case)."""

    def __init__(self, corpus_case):
        super().__init__()
        self.corpus_case = corpus_case

    def __missing__(self, name: str) -> Built:
        case = self.corpus_case(name)
        self[name] = Built(name, case.version, case.warnings)
        return self[name]

    def every(self) -> dict[str, Built]:
        """Every shape of the corpus, built."""
        return {name: self[name] for name in SHAPES}


@pytest.fixture(scope="module")
def corpus(corpus_case) -> Corpus:
    return Corpus(corpus_case)


# --- reading the documents -----------------------------------------------------------------------------------


def prose(root) -> list[str]:
    """The running text: paragraphs and list items outside tables and decisions, one string each."""
    return [
        " ".join(el.text_content().split())
        for el in root.iter("p", "li")
        if not any(a.tag in ("table", "figure") or "table-notes" in (a.get("class") or "") for a in el.iterancestors())
        and not any("decision" in (a.get("class") or "") for a in el.iterancestors())
    ]


@dataclass(frozen=True)
class HtmlTable:
    caption: str
    header: list[str]
    labels: list[str]  # each body row's first cell, the total row last
    cells: list[list[str]]
    notes: list[str]


def tables(root) -> list[HtmlTable]:
    out = []
    for table in root.iter("table"):
        rows = table.xpath("tbody/tr")
        block = table.getparent()
        out.append(
            HtmlTable(
                " ".join(table.find("caption").text_content().split()),
                [th.text_content() for th in table.xpath("thead/tr/th")],
                [" ".join(r[0].text_content().split()) for r in rows],
                [[c.text_content() for c in r] for r in rows],
                [" ".join(p.text_content().split()) for p in block.xpath("div[@class='table-notes']/p")],
            )
        )
    return out


# Patterns a careful reader stops at, in the running text of every document of every shape.
BANNED = {
    r"\bSagen forelægger\b": "the case cannot present",
    r"\b(19|20)\d\d \d+ (sag|sager)\b": "two numbers side by side",
    r"\b(\d+ %) mod \1 på landsplan": "'X % mod X %' – say 'det samme som på landsplan'",
    r"landsgennemsnit": "a national rate is not an average",
    r"\bde [2-9] (kommuner|områder)\b": "a small number that is not a statistic in words",
    r"(?<![.:] )(?<!^)\b(Serviceloven|Barnets lov|Ældreloven)\b": "a law's name in lower case inside a sentence",
    r"\b\d{4}-\d{4}\b": "the election period belongs in decision headings, not prose",
    r"\bi I alt\b": "'i I alt'",
    r"\b1 (sager|borgere|kommuner)\b|\b([02-9]|\d\d+) (sag|borger)\b(?! med)": "singular and plural",
    r"\bsammenligningskommunen\b": "one comparison municipality is named, not 'sammenligningskommunen'",
    r"\b0 sager\b|\b0 stadfæstet\b|\b0 ændret\b": "'0 sager' in running text – 'ingen'",
    r"\bDet er (en stigning|et fald|samme)\b": "a vague 'Det' pointing back across a sentence",
}


@pytest.mark.parametrize("name", SHAPES)
def test_the_running_text_reads_as_careful_danish(corpus, name):
    for doc in corpus[name].documents():
        root = corpus[name].html(doc)
        notes = [n for t in tables(root) for n in t.notes if not n.startswith("Kilde: ")]
        for text in prose(root) + notes:
            for pattern, why in BANNED.items():
                assert not re.search(pattern, text), f"{name}/{doc}: {why}: {text}"
    if (letter := corpus[name].folder / "orientering-ankestyrelsen.html").exists():
        for text in prose(lxml.html.document_fromstring(letter.read_bytes())):
            for pattern, why in BANNED.items():
                assert not re.search(pattern, text), f"{name}/letter: {why}: {text}"


@pytest.mark.parametrize("name", SHAPES)
def test_the_pdf_writer_parses_every_page_as_html5_does(corpus, name):
    """The PDF writer builds each page's element tree itself (writers/html_tree.py), never a different one."""
    pages = [f"{doc}.html" for doc in corpus[name].documents()] + ["orientering-ankestyrelsen.html"]
    for page in (corpus[name].folder / p for p in pages):
        if page.exists():
            html = as_laid_out(page.read_bytes())
            ours = html_tree.parse(html)
            assert ours is not None, f"{name}/{page.name} is left to WeasyPrint's parser"
            assert shape(ours) == html5(html), f"{name}/{page.name}"


@pytest.mark.parametrize("name", SHAPES)
def test_names_that_depend_on_the_year_and_the_municipality(corpus, name):
    shape, built = SHAPES[name], corpus[name]
    aar, kommune = shape.sag["aar"], shape.sag["kommune"]
    text = " ".join(prose(built.html("sagsfremstilling")))
    assert f"{danmarkskort.ministry(aar)} offentliggør" in text
    assert shape.expect.get("ministry", danmarkskort.ministry(aar)) == danmarkskort.ministry(aar)
    assert f"efter {' og '.join(danmarkskort.laws(aar))}," in text
    if aar < danmarkskort.BARNETS_LOV:
        assert "barnets lov" not in text.lower()
    council = shape.sag.get("kompetence") or kommuner.council(kommune)
    assert council == shape.expect.get("council", council)
    assert f"{council} træffer beslutning i sagen." in text
    assert re.search(rf"indstiller til (Økonomiudvalget og )?{council}, at", text)
    for other in {"Byrådet", "Kommunalbestyrelsen", "Borgerrepræsentationen"} - {council}:
        assert other not in text, other
    letter = built.folder / "orientering-ankestyrelsen.html"
    assert letter.exists() == bool(shape.expect.get("letter")), name
    if letter.exists():
        letter_text = lxml.html.document_fromstring(letter.read_bytes()).text_content()
        assert council in letter_text and not ({"Byrådet", "Kommunalbestyrelsen"} - {council}) & set(
            letter_text.split()
        )


def squeezed(text: str) -> str:
    """Text without any space, soft hyphen or hyphenation mark, so that a phrase is found however a format breaks
    its lines."""
    return re.sub(r"[\s\u00ad\u2010]", "", text)


def in_every_format(built: Built, doc: str) -> dict[str, str]:
    """A document's whole text as each format carries it (squeezed): the HTML's, the DOCX's paragraphs and cells,
    and the PDF's as pdftotext reads it."""
    pdf = subprocess.run(["pdftotext", str(built.folder / f"{doc}.pdf"), "-"], capture_output=True, text=True)
    return {
        "html": squeezed(built.html(doc).text_content()),
        "docx": squeezed(docx_text(built.folder / f"{doc}.docx")),
        "pdf": squeezed(pdf.stdout),
    }


# What only the § 79 b, stk. 2 decision says: none of it before the 2021 map.
STK2_WORDS = (
    "stk. 2",
    "om der skal udarbejdes en handleplan",
    "ikke udarbejdes en handleplan",
    "Grundlaget for beslutningen",
    "orienteres",
    "orientere Ankestyrelsen",
)


@pytest.mark.parametrize("name", [n for n, s in SHAPES.items() if s.sag["aar"] < danmarkskort.PLAN_DECISION_FROM])
def test_before_the_2021_map_the_item_treats_the_map_only(corpus, name):
    """Stk. 1 only: no decision on a plan, no letter, no sentence of stk. 2 in any document or format; the
    Indstilling takes the map into account, and recommends a plan only one the council adopts of its own accord."""
    built = corpus[name]
    assert not (built.folder / "orientering-ankestyrelsen.html").exists()
    for doc in built.documents():
        for fmt, text in in_every_format(built, doc).items():
            for words in STK2_WORDS:
                assert squeezed(words) not in text, f"{name}/{doc}.{fmt}: {words}"
    if SHAPES[name].sag["handleplan"]["indstilling"] == "udarbejdes-ikke":
        texts = prose(built.html("sagsfremstilling"))
        at = next(i for i, t in enumerate(texts) if t.startswith("Forvaltningen indstiller til"))
        council = SHAPES[name].expect.get("council", "Byrådet")
        aar = SHAPES[name].sag["aar"]
        assert (
            texts[at] == f"Forvaltningen indstiller til {council}, at danmarkskortet for {aar} tages til efterretning."
        )
        assert "handleplan" not in texts[at + 1]


def section(root, heading: str) -> list[str]:
    """The text of each element under a level-1 heading of a document, up to the next one."""
    out = []
    for el in root.xpath(f"//h1[normalize-space()='{heading}']/following-sibling::*"):
        if el.tag == "h1":
            break
        out.append(" ".join(el.text_content().split()))
    return out


def without_period(organ: str) -> str:
    """A body's name without the election period of its decision headings."""
    return re.sub(r" \d{4}-\d{4}$", "", organ)


@pytest.mark.parametrize("name", SHAPES)
def test_the_indstilling_follows_the_route_through_the_committees(corpus, name):
    """Where the case names the bodies it passes (its planned meetings and decisions), the Indstilling follows that
    route – the committees recommend to Økonomiudvalget and the council – instead of addressing the council
    directly, and every planned meeting is shown with its date under "Behandling", in every format."""
    shape, built = SHAPES[name], corpus[name]
    council = shape.sag.get("kompetence") or kommuner.council(shape.sag["kommune"])
    organs = [without_period(t["organ"]) for t in shape.sag.get("behandling", []) + shape.sag.get("moede", [])]
    councils = ("Byråd", "Kommunalbestyrelse", "Borgerrepræsentation")
    committees = [o for o in dict.fromkeys(organs) if "Økonomiudvalg" not in o and not any(c in o for c in councils)]
    finance = any("Økonomiudvalg" in o for o in organs)
    root = built.html("sagsfremstilling")
    lead = section(root, "Indstilling")[0]
    if committees:
        assert lead.startswith("Forvaltningen anbefaler, at ") and all(c in lead for c in committees), lead
        assert lead.endswith(f" indstiller til {'Økonomiudvalget og ' if finance else ''}{council}, at"), lead
    elif finance:
        assert lead == f"Forvaltningen anbefaler, at Økonomiudvalget indstiller til {council}, at", lead
    else:
        assert lead.startswith(f"Forvaltningen indstiller til {council}, at"), lead
    meetings = shape.sag.get("moede", [])
    behandling = section(root, "Behandling")
    assert bool(behandling) == bool(meetings or shape.sag.get("behandling")), behandling
    formats = in_every_format(built, "sagsfremstilling")
    for m in meetings:
        day = m["dato"]
        month = get_month_names("wide", locale="da_DK")[day.month]
        shown = f"{without_period(m['organ'])} den {day.day}. {month} {day.year}"
        assert any(shown in item for item in behandling), (shown, behandling)
        for fmt, text in formats.items():
            assert squeezed(shown) in text, f"{name}/{fmt}: {shown}"


SMALL = 20  # fewer realitetsbehandlede cases than this: one case moves the rate more than 5 percentage points


@pytest.mark.parametrize("name", SHAPES)
def test_a_rate_on_few_cases_is_flagged_where_the_council_decides(corpus, name):
    """In "Grundlaget for beslutningen", every area named with its rate whose year rests on fewer than about 20
    cases carries the caveat with the count next to it (the counts as Bilag 1's overview table gives them)."""
    built = corpus[name]
    overview = next(t for t in tables(built.html("bilag-1")) if "fordelt på områder" in t.caption)
    cases = {label: row[4] for label, row in zip(overview.labels, overview.cells, strict=True)}
    names = {
        "det generelle socialområde": cases["Socialområdet i alt"],
        AREAS[GENERAL].in_sentence: cases["Socialområdet i alt"],
        **{AREAS[a].in_sentence: cases.get(AREAS[a].label, "–") for a in BILAG_AREAS},
    }
    root = built.html("sagsfremstilling")
    items = root.xpath(
        "//h2[starts-with(normalize-space(), 'Grundlaget for beslutningen')]/following-sibling::ul[1]/li"
    )
    for li in items:
        text = " ".join(li.text_content().split())
        for area, count in names.items():
            for match in re.finditer(rf"{area}(?: \(| var|, hvor)", text):
                if count.isdigit() and int(count) < SMALL:
                    after = text[match.end() :].split(")")[0] if match.group().endswith("(") else text[match.end() :]
                    caveat = f"bygger på kun {count} sag"
                    assert caveat in after or f"og {count} sager i" in after, f"{name}: {area} ({count}): {text}"


PLACEHOLDER = "[Her mangler forvaltningens begrundelse for indstillingen."


@pytest.mark.parametrize("name", SHAPES)
def test_a_draft_shows_where_the_reason_is_missing(corpus, name):
    """A recommendation not to prepare or to continue a plan without the administration's reasons is warned about,
    and the draft shows a visible placeholder where the reasons belong – in the decision's section, in every format,
    and nowhere else."""
    shape, built = SHAPES[name], corpus[name]
    needs = shape.sag["handleplan"]["indstilling"] in ("udarbejdes-ikke", "videreføres")
    missing = needs and shape.sag["aar"] >= danmarkskort.PLAN_DECISION_FROM and "begrundelse.md" not in shape.tekster
    assert any("har ingen begrundelse" in w for w in built.warnings) == missing, built.warnings
    for doc in built.documents():
        for fmt, text in in_every_format(built, doc).items():
            assert (squeezed(PLACEHOLDER) in text) == (missing and doc == "sagsfremstilling"), f"{name}/{doc}.{fmt}"
    if missing:
        placeholder = built.html("sagsfremstilling").xpath(f"//p[starts-with(normalize-space(), '{PLACEHOLDER}')]")
        assert placeholder and placeholder[0].find("strong") is not None
        heading = placeholder[0].xpath("preceding-sibling::h2[1]")[0].text_content()
        assert heading == "Grundlaget for beslutningen om en handleplan"


@pytest.mark.parametrize("name", SHAPES)
def test_what_the_decision_rests_on_and_the_warnings(corpus, name):
    shape, built = SHAPES[name], corpus[name]
    text = " ".join(prose(built.html("sagsfremstilling")))
    if shape.sag["aar"] >= danmarkskort.PLAN_DECISION_FROM:
        assert "Beslutningen træffes på grundlag af disse tal" in text
    assert "på landsplan" in text.lower()
    if (warning := shape.expect.get("warning")) is not None:
        assert any(warning in w for w in built.warnings), built.warnings
    if (absent := shape.expect.get("no_warning")) is not None:
        assert not any(absent in w for w in built.warnings), built.warnings
    for snippet in shape.expect.get("text", ()):
        whole = text + " ".join(prose(built.html("bilag-1")))
        assert snippet in whole, snippet


@pytest.mark.parametrize("name", SHAPES)
def test_tabel_1_shows_exactly_the_years_and_rows_with_data(corpus, name):
    shape, built = SHAPES[name], corpus[name]
    tabel1 = tables(built.html("sagsfremstilling"))[0]
    years = [int(y) for y in tabel1.header[1:]]
    if "years" in shape.expect:
        assert sorted(years) == shape.expect["years"]
    assert tabel1.caption.endswith(f"{min(years)}–{max(years)}" if len(years) > 1 else str(years[0]))
    assert all(any(cell != "–" for cell in row[1:]) for row in tabel1.cells), "a row without any data"
    assert all(any(row[i] != "–" for row in tabel1.cells) for i in range(1, len(years) + 1)), "a column without data"
    if "rows" in shape.expect:
        assert tabel1.labels == shape.expect["rows"]
    if (left_out := shape.expect.get("left_out")) is not None:
        assert left_out not in tabel1.labels and any(left_out in note for note in tabel1.notes)
    for doc in built.documents():
        for t in tables(built.html(doc)):
            assert t.caption and any(n.startswith("Kilde: ") for n in t.notes), t.caption
            source = next(n for n in t.notes if n.startswith("Kilde: "))
            parts = [p.strip().casefold() for p in re.split(r"[.;] ", source)]
            assert len(parts) == len(set(parts)), source


def statistics_rows(shape) -> set[tuple[str, int, str]]:
    """The (kommune, aar, omraade) the shape's statistics file has figures for."""
    rows = list(csv.DictReader(io.StringIO(shape.statistik)))
    return {(r["kommune"], int(r["aar"]), r["omraade"]) for r in rows}


def cell_text(cell: str) -> str:
    """A table cell's text with no-break and soft spaces folded."""
    return " ".join(cell.replace("\u00ad", "").split())


def area_tables(root) -> dict[str, HtmlTable]:
    """Bilag 1's table of each area over the years, by area code."""
    out = {}
    for t in tables(root):
        for code in BILAG_AREAS:
            if t.caption.split(": ", 1)[1].startswith(f"{AREAS[code].label} ") and t.header[0] == "År":
                out[code] = t
    return out


@pytest.mark.parametrize("name", SHAPES)
def test_a_year_or_area_without_figures_is_left_out_or_named(corpus, name):
    """ "–" means no realitetsbehandlede cases, never figures the extract lacks: Tabel 1 says "ingen tal" in such a
    cell and its note names the municipality and the year; Bilag 1 leaves such a year or area out of its tables,
    and a note says which years the extract covers. No table has a row of dashes."""
    shape, built = SHAPES[name], corpus[name]
    stats, kommune = statistics_rows(shape), shape.sag["kommune"]
    tabel1 = tables(built.html("sagsfremstilling"))[0]
    years = [int(y) for y in tabel1.header[1:]]
    for label, row in zip(tabel1.labels, tabel1.cells, strict=True):
        for year, cell in zip(years, map(cell_text, row[1:]), strict=True):
            if (label, year, GENERAL) in stats:
                assert "%" in cell or cell.startswith("– ("), (label, year, cell)
            else:
                assert cell == "ingen tal", (label, year, cell)
                assert any(label in n and str(year) in n for n in tabel1.notes), (label, year, tabel1.notes)
    for label, missing in shape.expect.get("no_figures", {}).items():
        row = tabel1.cells[tabel1.labels.index(label)]
        assert [y for y, c in zip(years, row[1:], strict=True) if cell_text(c) == "ingen tal"] == missing
    for doc in built.documents():
        html_rows = [row for t in tables(built.html(doc)) for row in t.cells]
        docx_rows = docx_table_rows(built.folder / f"{doc}.docx")
        for fmt, rows in (("html", html_rows), ("docx", docx_rows)):
            for row in rows:
                assert any(cell_text(c) not in ("–", "") for c in row[1:]), f"{doc}.{fmt}: {row}"
    no_figures = sum(cell_text(c) == "ingen tal" for row in tabel1.cells for c in row)
    for fmt, text in in_every_format(built, "sagsfremstilling").items():
        assert text.count("ingental") >= no_figures, fmt
    aar = shape.sag["aar"]
    span = [y for y in range(aar - shape.sag.get("antal_aar", 4) + 1, aar + 1) if y >= danmarkskort.FIRST_YEAR]

    def has(area: str, year: int) -> bool:
        parts = [GENERAL, *HANDICAP_AREAS] if area == OEVRIGE else [area]
        return all((kommune, year, p) in stats for p in parts)

    bilag1 = built.html("bilag-1")
    overview = next(t for t in tables(bilag1) if t.header[0] == "Område")
    assert [lbl for lbl in overview.labels[:-1]] == [AREAS[a].label for a in BILAG_AREAS if has(a, aar)]
    by_area = area_tables(bilag1)
    for area in BILAG_AREAS:
        shown = [y for y in years if has(area, y)]
        if not shown:
            assert area not in by_area
            continue
        t = by_area[area]
        assert [int(label) for label in t.labels] == shown, (area, t.labels)
        notes = [n for n in t.notes if n.startswith("Udtrækket har kun tal")]
        assert bool(notes) == (sorted(shown) != span), (area, shown, t.notes)
        assert all(str(y) in note for note in notes for y in shown), notes
        assert t.caption.endswith(str(min(shown)) if len(shown) == 1 else f"{min(shown)}–{max(shown)}")


def rated(cells: list[str]) -> int:
    """How many of the cells hold a rate: "63 % (65)" does; "– (0)" (no cases) and "ingen tal" do not."""
    return sum("%" in c for c in cells)


@pytest.mark.parametrize("name", SHAPES)
def test_a_trend_with_one_point_is_a_sentence_not_a_chart(corpus, name):
    """A trend chart is drawn only when the municipality has a rate in two years at least (as Tabel 1 and Bilag 1's
    tables show); with one rate among several years a sentence says so. Every trend chart's alternative text – in
    every format – gives the municipality at least two rates."""
    shape, built = SHAPES[name], corpus[name]
    sag = built.html("sagsfremstilling")
    tabel1 = tables(sag)[0]
    own = rated(tabel1.cells[0][1:])
    charts = figure_alts(built, "sagsfremstilling", "Linjediagram")
    assert all(len(alts) == (1 if own > 1 else 0) for alts in charts.values()), charts
    said = any(t.startswith("Tabel 1 har kun én omgørelsesprocent for") for t in prose(sag))
    assert said == (own == 1 and len(tabel1.header) > 2)
    if shape.expect.get("single_point"):
        assert said
    by_area = area_tables(built.html("bilag-1"))
    with_trend = sum(rated([row[5] for row in t.cells]) > 1 for t in by_area.values())
    for doc in ("sagsfremstilling", "bilag-1"):
        for fmt, alts in figure_alts(built, doc, "Linjediagram").items():
            if doc == "bilag-1":
                assert len(alts) == with_trend, f"{name}/{doc}.{fmt}"
            for alt in alts:
                series = alt.split(". ")[1]
                assert series.count("%") >= 2, f"{name}/{doc}.{fmt}: {alt}"


@pytest.mark.parametrize("name", [n for n, s in SHAPES.items() if "diskretion" in s.expect])
def test_no_small_count_shown_from_the_records(corpus, name):
    d = SHAPES[name].expect["diskretion"]
    private = ("Borgere", "Borgere med mere end én sag", "Sager fra borgere med mere end én sag",
               "Borgere med omgjorte sager", "Heraf delvist hjemvist")  # fmt: skip
    record_tables = [(doc, t) for doc in ("bilag-1", "bilag-2") if doc in corpus[name].documents()
                     for t in tables(corpus[name].html(doc))]  # fmt: skip
    for doc, t in record_tables:
        record_table = any(w in t.caption.lower() for w in ("klagesager", "årsager", "opfølgning", "paragraffer med"))
        if doc == "bilag-2" and record_table:
            assert any("registrering af klagesagerne" in n for n in t.notes), t.caption
        for label, row in zip(t.labels, t.cells, strict=True):
            if not record_table or label == "I alt" or (t.caption.startswith("Tabel B1.2") and label not in private):
                continue
            for cell in row[1:]:
                if cell.isdigit():
                    assert int(cell) == 0 or int(cell) >= d, (t.caption, label, row)


# --- the pages: PDF, and the DOCX as LibreOffice lays it out ---------------------------------------------------


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def where(pages_text: list[str], needle: str, start: tuple[int, int], end: bool = True) -> tuple[int, int]:
    """The (page, offset after it – or of its start) of the first occurrence of `needle` (spaces flexible) at or
    after `start`."""
    pattern = re.compile(r"\s+".join(map(re.escape, needle.split())))
    page, offset = start
    while page < len(pages_text):
        if match := pattern.search(pages_text[page], offset):
            return page, match.end() if end else match.start()
        page, offset = page + 1, 0
    raise AssertionError(f"{needle!r} not found after page {start[0] + 1}")


def check_tables(pdf: Path, html_tables: list[HtmlTable], numbering: str) -> None:
    """Every table on one page with its caption when short; a longer one with at least three rows on either
    side of each page break; the caption on the page of the first row."""
    text = pages(pdf)
    position = (0, 0)
    for number, t in enumerate(html_tables, start=1):
        assert t.caption.startswith(f"Tabel {numbering}{number}:"), t.caption
        position = where(text, t.caption, position)
        caption_page = position[0]
        row_pages = []
        for label in t.labels:
            position = where(text, " ".join(label.split()[:2])[:14], position)
            row_pages.append(position[0])
        assert row_pages[0] == caption_page, f"{pdf.name}: caption of {t.caption} apart from its first row"
        per_page = [row_pages.count(p) for p in sorted(set(row_pages))]
        if len(per_page) > 1:
            assert len(t.labels) > KEEP_WHOLE, f"{pdf.name}: {t.caption} split although short: {per_page}"
            assert min(per_page) >= KEEP_AT_BREAK, f"{pdf.name}: {t.caption} split {per_page}"


def words(pdf: Path) -> list[list[tuple[float, float, str]]]:
    """Per page, its words as (top, bottom, text), from pdftotext's bounding boxes."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    tree = etree.fromstring(xml, etree.HTMLParser())
    return [
        [(float(w.get("ymin")), float(w.get("ymax")), w.text or "") for w in page.iter("word")]
        for page in tree.iter("page")
    ]


BODY = (75.0, 842.0 - 70.0)  # the text area of an A4 page (2.5 cm margins) below the header, above the footer


def check_no_half_empty_page_before_a_figure(pdf: Path) -> None:
    """A page that begins with a figure or a table (its first line of text is the figure's or the table's caption,
    perhaps under a heading) follows a page filled at least half way."""
    pages_words = words(pdf)
    for index in range(1, len(pages_words)):
        body = [w for w in pages_words[index] if BODY[0] < w[0] < BODY[1]]
        lines = sorted({round(w[0]) for w in body})
        first = [" ".join(w[2] for w in body if round(w[0]) == y) for y in lines[:2]]
        caption = next((line for line in first if line.startswith(("Figur ", "Tabel "))), None)
        if caption is None:
            continue
        before = [w for w in pages_words[index - 1] if BODY[0] < w[0] < BODY[1]]
        bottom = max((w[1] for w in before), default=BODY[0])
        filled = (bottom - BODY[0]) / (BODY[1] - BODY[0])
        assert filled >= 0.5, f"{pdf.name}: page {index} is {1 - filled:.0%} empty before {caption.split(':')[0]}"


def blocks(root) -> list:
    """The document's blocks in reading order: the children of <main>, a decision's own blocks in its place."""
    out = []
    for element in root.body.find("main"):
        out.extend(element if element.tag == "section" else [element])
    return out


def first_words(element, n: int = 3) -> str:
    """The first words a reader sees of a block (of a figure: its caption, under the picture)."""
    if element.tag == "figure":
        element = element.find("figcaption")
    return " ".join(element.text_content().split()[:n])


def where_line(pages_text: list[str], text: str, start: tuple[int, int]) -> tuple[int, int]:
    """Like `where`, for a text that stands on lines of its own (a heading, which may wrap after a hyphen as in
    "2022-2025"): (page, offset after it)."""
    words_ = r"\s+".join(re.escape(word).replace("\\-", "-\\s*") for word in text.split())
    pattern = re.compile(r"^[ \t]*" + words_ + r"[ \t]*$", re.MULTILINE)
    page, offset = start
    while page < len(pages_text):
        if match := pattern.search(pages_text[page], offset):
            return page, match.end()
        page, offset = page + 1, 0
    raise AssertionError(f"heading {text!r} not found after page {start[0] + 1}")


def check_headings_with_what_follows(pdf: Path, root) -> None:
    """No heading is the last thing on its page: the first words of the block after it stand on the same page."""
    text = pages(pdf)
    position = (0, 0)
    document = blocks(root)
    for heading, following in pairwise(document):
        if heading.tag not in ("h1", "h2", "h3", "h4"):
            continue
        position = where_line(text, heading.text_content(), position)
        after = where(text, first_words(following), position)
        assert after[0] == position[0], (
            f"{pdf.name}: the heading '{heading.text_content()}' is last on page {position[0] + 1}"
        )


def check_lists_kept_together(pdf: Path, root) -> None:
    """A list stands on the page of the paragraph that leads into it, and a page break inside it leaves at least
    KEEP_LIST_AT_BREAK items on either side (so a short list is never split)."""
    text = pages(pdf)
    position = (0, 0)
    document = blocks(root)
    for before, element in pairwise(document):
        if element.tag not in ("ul", "ol"):
            continue
        lead_in = None
        if before.tag == "p":
            lead = before.text_content().split()
            position = where(text, " ".join(lead[:3]), position, end=False)
            position = lead_in = where(text, " ".join(lead[-3:]), position)
        item_pages = []
        for item in element.xpath("li"):
            position = where(text, first_words(item), position)
            item_pages.append(position[0])
        label = f"{pdf.name}: the list '{first_words(element, 6)} …'"
        assert lead_in is None or lead_in[0] == item_pages[0], f"{label} apart from the paragraph before it"
        per_page = [item_pages.count(p) for p in sorted(set(item_pages))]
        assert len(per_page) == 1 or min(per_page) >= KEEP_LIST_AT_BREAK, f"{label} split {per_page}"


MONTHS = "|".join(get_month_names("wide", locale="da_DK").values())  # the Danish month names, as a pattern
DATE = re.compile(rf"\b\d{{1,2}}\.[ \u00a0](?:{MONTHS})[ \u00a0]\d{{4}}\b|\b\d\d-\d\d-\d{{4}}\b")


def dates(text: str) -> Counter[str]:
    """The dates a text names ("31. december 2025", "23-09-2025"), each as many times as it names it."""
    return Counter(" ".join(match.replace("\u00a0", " ").split()) for match in DATE.findall(text))


def check_dates_whole(pdf: Path, root) -> None:
    """Every date of the document stands whole on one line of the pages: "31. december 2025" is never broken."""
    on_lines = sum((dates(line) for page in pages(pdf) for line in page.splitlines()), Counter())
    for date, times in dates(root.body.text_content()).items():
        assert on_lines[date] >= times, f"{pdf.name}: '{date}' broken across lines"


def check_pages(pdf: Path, root, numbering: str) -> None:
    """Every rule of the laid-out pages, for one document as the PDF or as LibreOffice lays out the DOCX."""
    html_tables = tables(root)
    check_header_words(pdf, html_tables)
    check_tables(pdf, html_tables, numbering)
    check_no_half_empty_page_before_a_figure(pdf)
    check_headings_with_what_follows(pdf, root)
    check_lists_kept_together(pdf, root)
    check_dates_whole(pdf, root)


ANY_DATE = re.compile(rf"\b\d{{1,2}}\.\s+(?:{MONTHS})\b(?:\s+\d{{4}}\b)?")


@pytest.mark.parametrize("name", SHAPES)
def test_no_date_may_break_in_the_html_and_the_docx(corpus, name):
    """The HTML and the Word file (whatever program lays it out) hold every date, with or without its year, with
    no-break spaces only."""
    built = corpus[name]
    for doc in built.documents():
        with zipfile.ZipFile(built.folder / f"{doc}.docx") as docx:
            body = etree.fromstring(docx.read("word/document.xml"))
        texts = {
            "html": [
                el.text_content()
                for el in built.html(doc).body.iter("p", "li", "th", "td", "h1", "h2", "h3", "caption", "figcaption")
            ],
            "docx": ["".join(t.text or "" for t in p.iter("{*}t")) for p in body.iter("{*}p")],
        }
        for format_, paragraphs in texts.items():
            for date in (date for text in paragraphs for date in ANY_DATE.findall(text)):
                assert set(re.findall(r"\s", date)) == {"\u00a0"}, f"{name}/{doc}.{format_}: {date!r} may break"


@pytest.mark.parametrize("name", SHAPES)
def test_pdf_pages_keep_tables_together_and_figures_near_their_text(corpus, name):
    built = corpus[name]
    for doc in built.documents():
        check_pages(built.folder / f"{doc}.pdf", built.html(doc), NUMBERING[doc])


def libreoffice_or_skip() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    carlito = subprocess.run(["fc-list", "Carlito"], capture_output=True, text=True).stdout if soffice else ""
    if soffice is None or not carlito:
        if os.environ.get("REPORTGEN_REQUIRE_LIBREOFFICE"):  # set by .ci/run, which installs both
            pytest.fail("LibreOffice (soffice) and the Carlito font are required here but not installed")
        pytest.skip("LibreOffice or Carlito is not installed (scripts/install-system-deps.sh --libreoffice)")
    return soffice


@pytest.fixture(scope="module")
def laid_out(corpus, tmp_path_factory) -> Path:
    """Every corpus DOCX converted to PDF by LibreOffice in one run: <case>--<document>.pdf."""
    soffice = libreoffice_or_skip()
    stage = tmp_path_factory.mktemp("docx")
    for name, built in corpus.every().items():
        for doc in built.documents():
            shutil.copy(built.folder / f"{doc}.docx", stage / f"{name}--{doc}.docx")
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{stage}/profil", "--headless", "--convert-to", "pdf",
         "--outdir", str(stage), *map(str, sorted(stage.glob("*.docx")))],
        check=True, capture_output=True, timeout=900,
    )  # fmt: skip
    return stage


def check_header_words(pdf: Path, html_tables: list[HtmlTable]) -> None:
    """No table header word broken inside the word: each line of a header holds whole words or the pieces a
    header may break into (at a space, after "/", at a soft hyphen)."""
    text = pages(pdf)
    position = (0, 0)
    for t in html_tables:
        position = where(text, t.caption, position)
        page, start = position
        first_row = where(text, " ".join(t.labels[0].split()[:2])[:14], position, end=False)
        region = text[page][start : first_row[1]] if first_row[0] == page else text[page][start:]
        allowed = {w for cell in t.header for w in cell.replace(SOFT_HYPHEN, "").replace("/", "/ ").split()}
        allowed |= {p for cell in t.header for p in header_pieces(cell)}
        allowed |= {w for cell in t.header for w in cell.replace(SOFT_HYPHEN, "").split()}  # "Mål/tema" unbroken
        for token in region.replace("\u2010", "-").split():  # a soft hyphen shown as U+2010 HYPHEN
            assert token in allowed, f"{pdf.name}: '{token}' in the header of {t.caption}"


@pytest.mark.parametrize("name", SHAPES)
def test_docx_as_libreoffice_lays_it_out(corpus, laid_out, name):
    built = corpus[name]
    for doc in built.documents():
        check_pages(laid_out / f"{name}--{doc}.pdf", built.html(doc), NUMBERING[doc])


@pytest.mark.parametrize("name", [n for n, s in SHAPES.items() if s.expect.get("bilag2")])
def test_the_action_plan_is_bilag_2(corpus, name):
    built = corpus[name]
    assert "bilag-2" in built.documents()
    text = " ".join(prose(built.html("sagsfremstilling")))
    assert "arbejdet med handleplanen i bilag 2, »" in text and "videreføres efter retssikkerhedslovens § 79 b" in text
    assert any(t.caption.startswith("Tabel B2.1:") for t in tables(built.html("bilag-2")))
    assert "Bilag 2." in built.html("sagsfremstilling").text_content()


@pytest.mark.parametrize("name", [n for n, s in SHAPES.items() if s.expect.get("maps")])
def test_the_danmarkskort_as_a_map(corpus, name):
    built, kommune = corpus[name], SHAPES[name].sag["kommune"]
    for doc, maps in (("sagsfremstilling", 1), ("bilag-1", 2)):
        figures = built.html(doc).xpath("//figure")
        drawn = [f for f in figures if "Danmarkskortet" in f.xpath("figcaption")[0].text_content()]
        assert len(drawn) == maps, doc
        for figure in drawn:
            alt = figure.xpath("img")[0].get("alt")
            assert kommune in alt and "%" in alt
            assert "Kilde:" in figure.xpath("figcaption")[0].text_content()
    bilag1 = [f.xpath("figcaption")[0].text_content() for f in built.html("bilag-1").xpath("//figure")]
    assert all(caption.startswith("Figur B1.") for caption in bilag1), bilag1


def map_alts(built: Built, doc: str) -> dict[str, list[str]]:
    """The alternative texts of a document's maps in each format."""
    return figure_alts(built, doc, "Danmarkskort")


def figure_alts(built: Built, doc: str, start: str) -> dict[str, list[str]]:
    """The alternative texts that begin with `start` of a document's figures in each format: the HTML's img alt,
    the DOCX's picture description and the tagged PDF's figure /Alt."""
    figures = (built.folder / f"{doc}.html").read_text(encoding="utf-8")
    html_alts = [img.get("alt") for img in lxml.html.document_fromstring(figures).xpath("//figure/img")]
    with zipfile.ZipFile(built.folder / f"{doc}.docx") as docx:
        body = etree.fromstring(docx.read("word/document.xml"))
    docx_alts = [p.get("descr") for p in body.iter("{*}docPr")]
    blob = inflated((built.folder / f"{doc}.pdf").read_bytes())
    pdf_alts = [
        bytes.fromhex(a.decode()).decode("utf-16") for a in re.findall(rb"/S /Figure[^\n]*?/Alt <([0-9a-fA-F]+)>", blob)
    ]
    return {
        fmt: [alt for alt in alts if alt.startswith(start)]
        for fmt, alts in (("html", html_alts), ("docx", docx_alts), ("pdf", pdf_alts))
    }


@pytest.mark.parametrize("name", [n for n, s in SHAPES.items() if s.expect.get("inset")])
def test_the_map_inset_names_the_group_and_the_enclave_in_every_format(corpus, name):
    """The alt text says what the enlarged section names (tests/test_maps.py checks the drawing names the same)."""
    for doc, count in (("sagsfremstilling", 1), ("bilag-1", 2)):
        alts = map_alts(corpus[name], doc)
        assert alts["html"] == alts["docx"] == alts["pdf"], doc
        assert len(alts["html"]) == count, doc
        for alt in alts["html"]:
            for sentence in SHAPES[name].expect["inset"]:
                assert sentence in alt, f"{doc}: {alt}"


# --- the words the reader checks (shared/DOMAIN.md), every rule over every document of every shape ---------------


def _official() -> dict[str, str]:
    return {k: kommuner.official_name(k) for k in kommuner.regions()}


RULES = {
    "sentence-starts-with-numeral": lambda packet, shape: wording.starts_with_numeral(packet),
    "sentence-repeated": lambda packet, shape: wording.repeated_sentences(packet),
    "paragraph-without-its-law": lambda packet, shape: wording.provisions_without_law(packet),
    "file-or-folder-of-the-case": lambda packet, shape: wording.file_names(packet, [shape.name]),
    "short-name-as-authority": lambda packet, shape: wording.short_names(packet, _official()),
    "straight-quotes": lambda packet, shape: wording.straight_quotes(packet),
    "double-parentheses": lambda packet, shape: wording.double_parentheses(packet),
    "oftest-before-every-case": lambda packet, shape: wording.loose_oftest(packet),
    "plural-before-one-item": lambda packet, shape: wording.plural_before_one_item(packet),
    "plan-counts-in-digits": lambda packet, shape: wording.small_counts_in_digits(packet),
    "comparison-named-three-times": lambda packet, shape: wording.named_in_consecutive_sentences(
        packet, shape.sag.get("sammenligning", [])
    ),
    "note-about-a-missing-column": lambda packet, shape: wording.notes_about_missing_columns(packet),
    "count-stated-twice-differently": lambda packet, shape: wording.disagreeing_counts(packet),
    "parts-not-adding-up": lambda packet, shape: wording.parts_that_do_not_add_up(packet),
}


@pytest.mark.parametrize("name", SHAPES)
@pytest.mark.parametrize("rule", RULES)
def test_the_words_the_reader_checks(corpus, rule, name):
    """Every rule of "Words the reader checks" holds in every document of the packet (the letter included)."""
    violations = RULES[rule](wording.read_packet(corpus[name].folder), SHAPES[name])
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("name", SHAPES)
def test_the_municipality_is_named_by_its_official_name_as_author_and_in_the_header(corpus, name):
    """The header and the author of every document in all three formats: the official name (no shape sets
    forfatter), e.g. Københavns Kommune and Bornholms Regionskommune."""
    built, kommune = corpus[name], SHAPES[name].sag["kommune"]
    official = kommuner.official_name(kommune)
    assert official == SHAPES[name].expect.get("official", official)
    for doc in [*built.documents(), "orientering-ankestyrelsen"]:
        if not (built.folder / f"{doc}.html").exists():
            continue
        root = built.html(doc)
        assert root.xpath("//meta[@name='author']/@content") == [official], doc
        assert any(official in t for t in root.xpath("//header//text()|//*[contains(@class,'header')]//text()")), doc
        with zipfile.ZipFile(built.folder / f"{doc}.docx") as docx:
            core = etree.fromstring(docx.read("docProps/core.xml"))
            headers = " ".join(
                "".join(etree.fromstring(docx.read(n)).itertext()) for n in docx.namelist() if "header" in n
            )
        assert [e.text for e in core.iter("{*}creator")] == [official], doc
        assert official in headers, doc
        pdf_info = subprocess.run(
            ["pdfinfo", str(built.folder / f"{doc}.pdf")], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(rf"^Author:\s+{re.escape(official)}$", pdf_info, re.MULTILINE), doc
