"""Tests for the HTML writer: structure, accessibility markup, draft marking and escaping."""

from __future__ import annotations

import base64
import io
from dataclasses import replace
from datetime import date
from functools import cache

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.figure import Figure as MplFigure

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
    plain_text,
)
from reportgen.writers import html

HOSTILE = ("{{ 7*7 }}", "<script>alert(1)</script>", '<img src="file:///etc/passwd">')


@cache
def tiny_png() -> bytes:
    """Return a small, valid PNG chart made with matplotlib."""
    figure = MplFigure(figsize=(2, 1), dpi=40)
    figure.add_subplot().plot([2022, 2023, 2024], [12, 9, 11])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def sample_document(draft: bool = True) -> Document:
    """Return a small document with every block and inline type and Danish text."""
    table = Table(
        caption="Afgørelser på børne- og voksenområdet",
        header=("Lovområde", "Afgjorte", "Omgørelsesprocent"),
        rows=(("Børn og unge", "120", "31,5 %"), ("Ældre og pleje", "45", "22,2 %")),
        align=("left", "right", "right"),
        total=("I alt", "165", "29,0 %"),
        source="Ankestyrelsen, danmarkskortet 2024",
        notes=("Sager om tilbagebetaling indgår ikke.",),
    )
    figure = Figure(
        name="omgoerelse.png",
        png=tiny_png(),
        caption="Omgørelsesprocent 2022–2024",
        alt="Linjediagram: omgørelsesprocenten faldt fra 12 til 11.",
        width_cm=8.0,
    )
    blocks = (
        Heading(1, (Text("Sagsfremstilling"),)),
        Paragraph(
            (
                Text("Kommunalbestyrelsen skal behandle "),
                Emph((Text("danmarkskortet"),)),
                Text(" – se "),
                Strong((Text("Bilag 1"),)),
                Text("."),
                LineBreak(),
                Text("Æblegrød, øl og ål."),
            )
        ),
        BulletList(items=((Paragraph((Text("Første punkt"),)),), (Paragraph((Text("Andet punkt"),)),))),
        BulletList(items=((Paragraph((Text("Trin ét"),)),),), ordered=True),
        Heading(2, (Text("Statistik"),)),
        table,
        Heading(3, (Text("Udvikling"),)),
        figure,
        Decision(title="Beslutning Økonomiudvalget den 12-05-2025", body=(Paragraph((Text("Anbefales."),)),)),
        PageBreak(),
        Heading(1, (Text("Bilag 1: Danmarkskortet"),)),
        Paragraph((Text("Ankestyrelsens tal for kommunen."),)),
    )
    return Document(
        slug="allerod-2024",
        title="Årlig behandling af danmarkskortet 2024",
        subtitle="Sagsfremstilling og Bilag 1",
        header="Allerød Kommune · Økonomiudvalget",
        draft=draft,
        date=date(2025, 5, 12),
        author="Allerød Kommune",
        blocks=blocks,
    )


def hostile_document() -> Document:
    """Return a document whose texts try to inject template code, scripts and images."""
    text = " ".join(HOSTILE)
    table = Table(caption=text, header=(text, "Tal"), rows=((text, "1"),), align=("left", "right"), source=text)
    figure = Figure(name="x.png", png=tiny_png(), caption=text, alt=text)
    blocks = (
        Heading(1, (Text(text),)),
        Paragraph((Text(text), Strong((Text(text),)))),
        table,
        figure,
        Decision(title=text, body=(Paragraph((Text(text),)),)),
    )
    return replace(sample_document(), title=text, subtitle=text, header=text, author=text, blocks=blocks)


def parse(doc: Document) -> lxml.html.HtmlElement:
    """Render the document and parse the HTML."""
    return lxml.html.document_fromstring(html.render(doc))


def test_document_head_has_language_title_charset_and_metadata():
    doc = sample_document()
    root = parse(doc)
    assert root.get("lang") == doc.language
    assert root.get("lang").split("-")[0] == "da"
    head = root.find("head")
    assert head[0].tag == "meta" and head[0].get("charset") == "utf-8"
    assert root.findtext(".//title") == doc.title
    meta = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    assert meta["author"] == doc.author
    assert meta["dcterms.created"] == meta["dcterms.modified"] == "2025-05-12"


def test_headings_are_real_heading_elements_in_reading_order():
    root = parse(sample_document())
    headings = [(h.tag, h.text_content()) for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert headings == [
        ("h1", "Årlig behandling af danmarkskortet 2024"),
        ("h1", "Sagsfremstilling"),
        ("h2", "Statistik"),
        ("h3", "Udvikling"),
        ("h2", "Beslutning Økonomiudvalget den 12-05-2025"),
        ("h1", "Bilag 1: Danmarkskortet"),
    ]


def test_inline_formatting_keeps_text_and_spacing():
    doc = sample_document()
    paragraph = parse(doc).xpath("//main/p")[0]
    assert paragraph.text_content() == plain_text(doc.blocks[1].children).replace("\n", "")
    assert paragraph.findtext("em") == "danmarkskortet"
    assert paragraph.findtext("strong") == "Bilag 1"
    assert len(paragraph.findall("br")) == 1


def test_lists_are_ul_and_ol_with_items():
    root = parse(sample_document())
    assert [li.text_content().strip() for li in root.xpath("//ul/li")] == ["Første punkt", "Andet punkt"]
    assert [li.text_content().strip() for li in root.xpath("//ol/li")] == ["Trin ét"]


def test_table_has_caption_scoped_headers_total_row_notes_and_source():
    root = parse(sample_document())
    (table,) = root.iter("table")
    assert table.find("caption").text_content() == "Tabel 1: Afgørelser på børne- og voksenområdet"
    header_cells = table.xpath("thead/tr/th")
    assert [th.text for th in header_cells] == ["Lovområde", "Afgjorte", "Omgørelsesprocent"]
    assert {th.get("scope") for th in header_cells} == {"col"}
    for row in table.xpath("tbody/tr"):
        assert row[0].tag == "th" and row[0].get("scope") == "row"
        assert [cell.tag for cell in row[1:]] == ["td", "td"]
    (total,) = table.xpath("tbody/tr[contains(@class, 'total')]")
    assert total is table.xpath("tbody/tr")[-1]
    assert [cell.text for cell in total] == ["I alt", "165", "29,0 %"]
    assert total[0].tag == "th" and total[0].get("scope") == "row"
    notes = table.getparent().xpath("div[@class='table-notes']/p")
    assert [p.text for p in notes] == [
        "Sager om tilbagebetaling indgår ikke.",
        "Kilde: Ankestyrelsen, danmarkskortet 2024",
    ]


def test_numeric_columns_are_right_aligned():
    root = parse(sample_document())
    (table,) = root.iter("table")
    for row in table.xpath("thead/tr | tbody/tr"):
        assert [cell.get("class") for cell in row] == ["align-left", "align-right", "align-right"]
    assert ".align-right {\n  text-align: right;" in root.findtext(".//style")


def test_figure_has_alt_text_data_uri_and_numbered_caption():
    doc = sample_document()
    root = parse(doc)
    (figure,) = root.iter("figure")
    (img,) = figure.iter("img")
    assert img.get("alt") == "Linjediagram: omgørelsesprocenten faldt fra 12 til 11."
    prefix = "data:image/png;base64,"
    assert img.get("src").startswith(prefix)
    assert base64.b64decode(img.get("src")[len(prefix) :]) == tiny_png()
    assert "width: 8.00cm" in img.get("style")
    assert figure.find("figcaption").text_content() == "Figur 1: Omgørelsesprocent 2022–2024"


def test_a_tall_figure_is_narrowed_to_the_maximum_height_as_in_word():
    """A picture twice as tall as wide, asked to be 16 cm wide, is shown FIGURE_MAX_HEIGHT_CM tall."""
    tall = MplFigure(figsize=(1, 2), dpi=40)
    buffer = io.BytesIO()
    tall.savefig(buffer, format="png", metadata={"Software": None})
    figure = Figure(name="hoej.png", png=buffer.getvalue(), caption="Høj", alt="En høj figur.")
    (img,) = parse(replace(sample_document(), blocks=(figure,))).iter("img")
    assert img.get("style") == f"width: {FIGURE_MAX_HEIGHT_CM / 2:.2f}cm"


def test_a_date_is_never_broken_across_lines():
    doc = replace(sample_document(), blocks=(Paragraph((Text("Status 1. marts 2026: igangsat."),)),))
    assert "Status 1.\u00a0marts\u00a02026: igangsat." in parse(doc).text_content()


def test_decision_is_a_section_with_a_heading():
    root = parse(sample_document())
    (section,) = root.xpath("//section[@class='decision']")
    assert section[0].tag == "h2"
    assert section[0].text == "Beslutning Økonomiudvalget den 12-05-2025"
    assert section.findtext("p") == "Anbefales."


def test_page_break_is_a_div_that_breaks_the_page_in_print():
    root = parse(sample_document())
    assert len(root.xpath("//div[@class='page-break']")) == 1
    assert ".page-break {\n  break-before: page;" in root.findtext(".//style")


def test_stylesheet_is_inlined_without_embedding_fonts():
    document_html = html.render(sample_document())
    root = lxml.html.document_fromstring(document_html)
    css = root.findtext(".//style")
    assert "@font-face" in css and 'url("fonts/Carlito-Regular.ttf")' in css
    assert "Calibri, Carlito, sans-serif" in css
    assert not root.xpath("//link[@rel='stylesheet']")
    assert len(document_html) < 30_000 + 2 * len(tiny_png())


def test_draft_shows_banner_and_final_has_no_draft_mark():
    draft = parse(sample_document(draft=True))
    assert [p.text for p in draft.xpath("//p[contains(@class, 'draft-banner')]")] == ["UDKAST"]
    assert b"UDKAST" not in html.render(sample_document(draft=False))


def test_render_is_deterministic():
    assert html.render(sample_document()) == html.render(sample_document())


def test_hostile_text_stays_literal_text():
    document_html = html.render(hostile_document())
    root = lxml.html.document_fromstring(document_html)
    text = " ".join(HOSTILE)
    assert not list(root.iter("script"))
    assert [img.get("src")[:22] for img in root.iter("img")] == ["data:image/png;base64,"]
    assert b'file:///etc/passwd">' not in document_html
    assert "49" not in root.text_content()
    assert root.findtext(".//title") == text
    assert root.xpath("//main/h1")[0].text_content() == text
    assert root.xpath("//main/p")[0].text_content() == text + text
    assert root.find(".//caption").text_content() == "Tabel 1: " + text
    assert root.find(".//img").get("alt") == text
    assert root.xpath("//meta[@name='author']")[0].get("content") == text


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn", "Co"))))
def test_any_text_round_trips_as_text(text):
    doc = replace(sample_document(), blocks=(Paragraph((Text(text),)),))
    assert parse(doc).xpath("//main/p")[0].text_content() == text


def test_unknown_block_type_fails_loudly():
    doc = replace(sample_document(), blocks=(object(),))
    with pytest.raises(TypeError, match="cannot render object"):
        html.render(doc)
