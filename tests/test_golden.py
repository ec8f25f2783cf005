"""Golden files for the writers, stored so that a review diff shows the changed element.

- The example's documents: the HTML pretty-printed and compared structurally; each DOCX part as its own
  file, the XML pretty-printed (one element per line), binary parts by SHA-256.
- One small document per block type and feature (pandoc's writer tests are the model), so a failing
  golden names what broke.

After an intended change, regenerate with `make golden` and review the diff of tests/golden/.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import lxml.etree as etree
import lxml.html
import pytest
from PIL import Image
from pinned import require_pinned_versions

from reportgen.documents.compose import compose
from reportgen.documents.model import (
    Block,
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
    label_and_numbers,
)
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs
from reportgen.inputs.style import load_style
from reportgen.resources import STYLESHEET
from reportgen.writers import docx, html

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "eksempler" / "allerod-2024"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("REPORTGEN_UPDATE_GOLDEN") == "1"
BINARY_PARTS = "binary-parts.sha256"
BODY_PART = "word/document.xml"
HOUSE_CSS = STYLESHEET.read_text(encoding="utf-8")


@pytest.fixture(scope="module", autouse=True)
def _pinned():
    require_pinned_versions()


@pytest.fixture(scope="module")
def packet():
    inputs = load_inputs(EXAMPLE)
    return compose(inputs, compute(inputs))


# --- HTML ------------------------------------------------------------------------------------------------------


def _reviewable_html(page: bytes) -> str:
    """The page pretty-printed, with data: URLs and the inlined stylesheet replaced by their hash."""
    root = lxml.html.document_fromstring(page)
    for el in root.iter():
        for key, value in el.attrib.items():
            if value.startswith("data:"):
                el.set(key, f"sha256:{hashlib.sha256(value.encode()).hexdigest()[:16]}")
    for style in root.iter("style"):  # the house stylesheet by its hash; a style folder's tokens as they are
        if (style.text or "").strip() == HOUSE_CSS.strip():
            style.text = "sha256:" + hashlib.sha256((style.text or "").encode()).hexdigest()
    return lxml.html.tostring(root, pretty_print=True, encoding="unicode", doctype="<!DOCTYPE html>")


def html_structure(page: str | bytes) -> list:
    """The HTML as a nested list of (tag, attributes, text, children, tails): whitespace does not count."""

    def node(el) -> list:
        text = " ".join((el.text or "").split())
        children = [node(c) for c in el if isinstance(c.tag, str)]
        tails = [" ".join((c.tail or "").split()) for c in el if isinstance(c.tag, str)]
        return [el.tag, dict(sorted(el.attrib.items())), text, children, [t for t in tails if t]]

    return node(lxml.html.document_fromstring(page))


def check_html(path: Path, page: bytes) -> None:
    """Compare a page structurally with (or, with REPORTGEN_UPDATE_GOLDEN=1, write) its golden file."""
    actual = _reviewable_html(page)
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert html_structure(actual) == html_structure(expected), (
        f"{path.relative_to(GOLDEN)} differs; run `make golden` if the change is intended and review the diff"
    )


# --- DOCX ------------------------------------------------------------------------------------------------------


def docx_parts(data: bytes) -> dict[str, str]:
    """Every part of a DOCX: XML parts pretty-printed one element per line, binary parts by SHA-256."""
    parts = {}
    with zipfile.ZipFile(BytesIO(data)) as z:
        for name in sorted(z.namelist()):
            content = z.read(name)
            if name.endswith((".xml", ".rels")):
                tree = etree.fromstring(content, etree.XMLParser(remove_blank_text=True))
                parts[name] = etree.tostring(tree, pretty_print=True, encoding="unicode")
            else:
                parts[name] = "sha256:" + hashlib.sha256(content).hexdigest()
    return parts


def _write_parts(folder: Path, parts: dict[str, str]) -> None:
    """The parts as files under folder: XML parts by their name, binary parts listed with their hash."""
    if folder.exists():
        for old in sorted(folder.rglob("*"), reverse=True):
            old.unlink() if old.is_file() else old.rmdir()
    binary = []
    for name, content in parts.items():
        if content.startswith("sha256:"):
            binary.append(f"{content.removeprefix('sha256:')}  {name}\n")
            continue
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    if binary:
        (folder / BINARY_PARTS).write_text("".join(binary), encoding="utf-8")


def _read_parts(folder: Path) -> dict[str, str]:
    """The golden parts of a folder written by _write_parts."""
    parts = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
        for p in folder.rglob("*")
        if p.is_file() and p.name != BINARY_PARTS
    }
    if (folder / BINARY_PARTS).exists():
        for line in (folder / BINARY_PARTS).read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ", 1)
            parts[name] = f"sha256:{digest}"
    return parts


def check_docx(folder: Path, data: bytes, only: tuple[str, ...] = ()) -> None:
    """Compare the DOCX part by part with (or, with REPORTGEN_UPDATE_GOLDEN=1, write) the golden folder."""
    actual = docx_parts(data)
    if only:
        actual = {name: actual[name] for name in only}
    if UPDATE:
        _write_parts(folder, actual)
    expected = _read_parts(folder)
    assert sorted(actual) == sorted(expected), f"{folder.name} has other parts than its golden folder"
    for name in expected:
        assert actual[name] == expected[name], (
            f"{folder.relative_to(GOLDEN)}/{name} differs; run `make golden` if the change is intended"
        )


# --- the example's documents -----------------------------------------------------------------------------------


@pytest.mark.parametrize("document", ["sagsfremstilling", "bilag1", "bilag2"])
def test_html_matches_golden(packet, document):
    check_html(GOLDEN / f"{document}.html", html.render(getattr(packet, document)))


@pytest.mark.parametrize("document", ["sagsfremstilling", "bilag1", "bilag2"])
def test_docx_parts_match_golden(packet, document):
    check_docx(GOLDEN / f"{document}.docx", docx.render(getattr(packet, document)))


# --- one feature per golden ------------------------------------------------------------------------------------


def _png() -> bytes:
    """A 2×2 white PNG, so a figure golden does not depend on matplotlib."""
    buffer = BytesIO()
    Image.new("RGB", (2, 2), "white").save(buffer, format="png")
    return buffer.getvalue()


def _inline(*children) -> tuple:
    return tuple(children)


FEATURES: dict[str, tuple[Block, ...]] = {
    "overskrifter": (
        Heading(1, (Text("Sagsbeskrivelse"),)),
        Heading(2, (Text("Børnehandicapområdet"),)),
        Heading(3, (Text("Paragraffer"),)),
    ),
    "afsnit-med-fremhaevning": (
        Paragraph(
            _inline(
                Text("Omgørelsesprocenten var "),
                Strong((Text("63\u00a0%"),)),
                Text(" mod "),
                Emph((Text("45\u00a0%"),)),
                Text(" på landsplan."),
                LineBreak(),
                Text("Ny linje & <tegn> bevares."),
            )
        ),
    ),
    "punktliste": (
        BulletList(
            (
                (Paragraph((Text("Bilag 1. Afgørelser fordelt på områder"),)),),
                (
                    Paragraph((Text("Bilag 2. Handleplan"),)),
                    BulletList(((Paragraph((Text("underpunkt"),)),),)),
                ),
            )
        ),
    ),
    "nummereret-liste": (BulletList(((Paragraph((Text("Første"),)),), (Paragraph((Text("Anden"),)),)), ordered=True),),
    "tabel": (
        Table(
            caption="Omgørelsesprocent og antal realitetsbehandlede sager, 2023–2024",
            header=("Kommune", "2023", "2024"),
            rows=(("Allerød", "44\u00a0%\u00a0(45)", "63\u00a0%\u00a0(65)"), ("Hele landet", "40\u00a0%", "45\u00a0%")),
            align=label_and_numbers(2),
            total=("I alt", "41\u00a0%", "47\u00a0%"),
            source="Ankestyrelsens statistik (statistik.csv, række 2–9).",
            notes=("Procenten er omgjorte af realitetsbehandlede sager.",),
        ),
    ),
    "figur": (Figure("figur-1.png", _png(), "Omgørelsesprocent 2021–2024", "Linjediagram: Allerød 63 % i 2024.", 8.0),),
    "figur-med-kilde": (
        Figure(
            "danmarkskort.png",
            _png(),
            "Danmarkskortet 2024",
            "Danmarkskort: Allerød 63 %.",
            8.0,
            "Ankestyrelsens statistik. Kortgrundlag: Geodatastyrelsen og Danske Kommuner (DAGI, 1:500.000).",
        ),
    ),
    "beslutning": (
        Decision(
            "Beslutning Børne- og Skoleudvalget den 23-09-2025",
            (Paragraph((Text("Udvalget indstiller handleplanen godkendt."),)),),
        ),
    ),
    "sideskift": (Paragraph((Text("Før"),)), PageBreak(), Paragraph((Text("Efter"),))),
}


def feature_document(blocks: tuple[Block, ...], draft: bool = False) -> Document:
    """A small document around the blocks of one feature."""
    return Document(
        slug="funktion",
        title="Årlig behandling af omgørelsesprocenter",
        subtitle="Sagen afgøres i: Kommunalbestyrelsen",
        header="Eksempel Kommune – funktion",
        draft=draft,
        date=date(2025, 10, 29),
        author="Eksempel Kommune",
        blocks=blocks,
    )


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_each_block_type_in_html(feature):
    check_html(GOLDEN / "funktioner" / f"{feature}.html", html.render(feature_document(FEATURES[feature])))


@pytest.mark.parametrize("feature", sorted(FEATURES))
def test_each_block_type_in_docx(feature):
    check_docx(
        GOLDEN / "funktioner" / f"{feature}.docx", docx.render(feature_document(FEATURES[feature])), (BODY_PART,)
    )


def test_a_style_folders_look_in_html_and_docx():
    """The example's alternate look (data/eksempler/kommunestil) on a draft with a heading, a table and a
    decision: the HTML's second stylesheet and logo, every part of the DOCX (its template, the styles the
    writer adds and the tokens, the letterhead with the logo)."""
    look = load_style(EXAMPLE.parent / "kommunestil", "Eksempel")
    blocks = (*FEATURES["overskrifter"], *FEATURES["tabel"], *FEATURES["beslutning"])
    doc = feature_document(blocks, draft=True)
    check_html(GOLDEN / "funktioner" / "stil.html", html.render(doc, look))
    check_docx(GOLDEN / "funktioner" / "stil.docx", docx.render(doc, look))


def test_draft_marking_in_html_and_docx():
    doc = feature_document((Paragraph((Text("Udkast"),)),), draft=True)
    check_html(GOLDEN / "funktioner" / "udkast.html", html.render(doc))
    check_docx(GOLDEN / "funktioner" / "udkast.docx", docx.render(doc), ("word/header1.xml", BODY_PART))


# --- the example's maps ----------------------------------------------------------------------------------------


def test_map_texts_match_golden(packet):
    """The maps' captions, alternative texts and source lines for the example (tests/golden/kort.txt)."""
    actual = "".join(
        f"{f.name}\n  figurtekst: {f.caption}\n  alt: {f.alt}\n  kilde: {f.source}\n\n"
        for f in packet.figures()
        if "danmarkskort" in f.name
    )
    path = GOLDEN / "kort.txt"
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), "kort.txt differs; run `make golden` if the change is intended"


def test_map_pixels_match_golden(packet):
    """The example's general map against tests/golden/danmarkskort-socialomraadet.png, with a small tolerance for
    anti-aliasing that differs between library versions."""
    import numpy as np

    figure = next(f for f in packet.figures() if f.name == "danmarkskort-socialomraadet.png")
    path = GOLDEN / figure.name
    if UPDATE:
        path.write_bytes(figure.png)
    expected = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    actual = np.asarray(Image.open(BytesIO(figure.png)).convert("RGB"), dtype=np.int16)
    assert actual.shape == expected.shape
    differing = (np.abs(actual - expected).max(axis=2) > 48).mean()
    assert differing < 0.002, f"{differing:.2%} of the map's pixels differ; run `make golden` if the change is intended"
