"""The last gate before a version is written or a preview shown: the text of every produced document, read as its
reader sees it, shows no pseudonym of the records – whatever the source check before it let through."""

from __future__ import annotations

import re
from datetime import date

import pytest
from casefactory import make_case, run_cli
from test_bad_inputs import EXAMPLE_IDS, HIDDEN_IDS
from test_web import client_for

from reportgen.documents import markdown
from reportgen.documents.model import Document, Heading, Paragraph, Text
from reportgen.domain.errors import InputError
from reportgen.domain.privacy import PUBLISHED, Ids, published_problems, reading, shown_orders
from reportgen.domain.recent import Recent
from reportgen.inputs import case as case_module
from reportgen.inputs import text as text_module
from reportgen.writers import docx, html

SECTION = "Forvaltningens vurdering af udviklingen"  # the heading over tekster/forklaring.md


def document(*blocks) -> Document:
    return Document(
        "sagsfremstilling", "Titel", "Undertitel", "Sidehoved", False, date(2025, 1, 1), "Forfatter", blocks
    )


@pytest.mark.parametrize("name", HIDDEN_IDS)
def test_every_hidden_form_is_found_in_the_rendered_html_and_docx(name):
    """Rendered through Markdown and both writers, each hidden form reads as the id, in its section."""
    doc = document(Heading(1, (Text("Forklaring"),)), *markdown.parse(f"Sagen {HIDDEN_IDS[name]} blev omgjort."))
    for file, read in (("x.html", html.sections(html.render(doc))), ("x.docx", docx.sections(docx.render(doc)))):
        problems = published_problems(file, read, EXAMPLE_IDS)
        assert [p.message for p in problems] == [f"afsnittet 'Forklaring' {PUBLISHED}"], file


def test_alt_text_title_and_properties_are_read():
    """Not only paragraphs: the title, header and document properties are published too."""
    doc = document(Paragraph((Text("Intet her."),)))
    hidden = Document(**{**doc.__dict__, "title": "Sag K\u200bS-24-001", "author": "B\u00adRG-0521"})
    html_sections = html.sections(html.render(hidden))
    docx_sections = docx.sections(docx.render(hidden))
    assert published_problems("x.html", html_sections, EXAMPLE_IDS)
    assert any("dokumentegenskaberne" in p.message for p in published_problems("x.docx", docx_sections, EXAMPLE_IDS))
    assert not published_problems("x.html", html.sections(html.render(doc)), EXAMPLE_IDS)


def test_a_heading_that_shows_an_id_is_named_by_number():
    """The problem never quotes the id, not even as a section's heading."""
    doc = document(Heading(1, (Text("Om KS-\u206024-001"),)), Paragraph((Text("Tekst."),)))
    problems = published_problems("x.html", html.sections(html.render(doc)), EXAMPLE_IDS)
    assert problems and all(not EXAMPLE_IDS.found_in(str(p)) for p in problems)
    assert "afsnit nr. " in problems[0].message


@pytest.mark.parametrize(
    "line, shown",
    [
        ("\u202e100-42-SK\u202c", "KS-24-001"),  # overridden right to left: shown reversed
        ("KS-24-\u202e100\u202c", "KS-24-001"),  # only a part reversed
        ("x \u206724-001-KS\u2069 y", "KS-24-001"),  # a right-to-left isolate orders the runs
    ],
)
def test_the_order_a_line_is_shown_in(line, shown):
    """The bidirectional algorithm's order, as a browser, Pango and Word show the line."""
    assert any(reading(shown) in reading(order) for order in shown_orders(line))


def test_ordinary_danish_text_holds_no_id():
    """Numbers, dashes and Danish letters next to each other are not an id."""
    text = "Sag 22/15769 – KS 24 001, 24-001 og BRG 0521 i 2024–2025; Allerød Kommune, § 79 b."
    assert not EXAMPLE_IDS.found_in(text)


@pytest.fixture
def source_check_off(monkeypatch):
    """The check of the texts as written switched off, so that only the gate on the output stands."""
    monkeypatch.setattr(text_module, "id_line", lambda source, ids: None)
    monkeypatch.setattr(case_module, "id_line", lambda source, ids: None)


def test_build_refuses_a_document_that_would_show_an_id(tmp_path, capsys, source_check_off):
    """An id the source check missed stops the build: exit 2, the documents and the section named, nothing written."""
    case = make_case(tmp_path, tekster={"forklaring.md": "Sagen KS-**24**-001 blev omgjort."})
    out = tmp_path / "ud"
    result = run_cli(capsys, "build", case, "--out", out)
    assert result.code == 2, result.err
    assert f"sagsfremstilling.html: afsnittet '{SECTION}' {PUBLISHED}" in result.err
    assert f"sagsfremstilling.docx: afsnittet '{SECTION}'" in result.err
    assert not EXAMPLE_IDS.found_in(result.err + result.out)
    assert not out.exists()


def test_preview_refuses_a_document_that_would_show_an_id(tmp_path, source_check_off):
    """The live preview passes the same gate: 422 and the problem, not the page."""
    workspace = tmp_path / "arbejdsmappe"
    make_case(workspace, name="allerod-2024")
    app, client = client_for(workspace)
    assert client.get("/").status_code == 200
    text = "Sagen K\u200bS-24-001 blev omgjort."
    data = {"csrf": app.extensions["reportgen.keys"].csrf, "afsnit": "forklaring", "tekst": text}
    response = client.post("/sag/allerod-2024/forhaandsvisning/sagsfremstilling", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"afsnittet &#39;{SECTION}&#39;" in page or f"afsnittet '{SECTION}'" in page
    assert not EXAMPLE_IDS.found_in(page)


def test_a_file_found_clean_is_read_again_only_for_other_ids_and_a_refused_one_is_refused_again(monkeypatch):
    """The server's build after a change to one text does not read again the files it found clean of the same ids
    (the other documents, the latest version's bytes); other ids read every file again, and a file that shows an
    id is refused every time."""
    from reportgen.lifecycle import build as build_module

    monkeypatch.setattr(build_module, "FOUND_CLEAN", Recent(256))
    read: list[str] = []
    monkeypatch.setattr(html, "sections", lambda data: read.append(data.decode()) or [("Afsnit", data.decode())])
    clean = {"a.html": b"Intet her.", "b.html": b"Heller ikke her."}
    build_module.refuse_published(clean, EXAMPLE_IDS)
    build_module.refuse_published(clean, EXAMPLE_IDS | Ids())  # the same pseudonyms in another set
    assert read == ["Intet her.", "Heller ikke her."]
    build_module.refuse_published({**clean, "b.html": b"Nu her."}, EXAMPLE_IDS)
    assert read[2:] == ["Nu her."]
    build_module.refuse_published(clean, Ids(["KS-99-999"]))
    assert read[3:] == ["Intet her.", "Heller ikke her."]
    shown = {"c.html": b"Sagen KS-24-001 blev omgjort."}
    for _ in range(2):
        with pytest.raises(InputError, match=re.escape(f"c.html: afsnittet 'Afsnit' {PUBLISHED}")):
            build_module.refuse_published(shown, EXAMPLE_IDS)
