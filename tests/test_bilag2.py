"""Bilag 2 built: in the version folder in three formats, every target and initiative in the DOCX and PDF text, the
PDF tagged in Danish, tables that hold, the manifest, figurer.json and diff including it – and the follow-up section
of the year after."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from casefactory import EXAMPLE, NEXT_YEAR, dump_toml, make_case, patch_toml, run_cli
from test_build import docx_text, pdf_pages
from test_pdf_writer import inflated, pdf_strings, run

from reportgen.documents.compose import compose
from reportgen.documents.model import Document
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs
from reportgen.lifecycle.build import build
from reportgen.writers import html as html_writer
from reportgen.writers import pdf as pdf_writer

FORMATS = ("docx", "pdf", "html")


@pytest.fixture
def built(examples_built) -> dict[int, Path]:
    """Both examples built once for the run (tests/conftest.py), read only: the version folders by year."""
    return examples_built


def plan_of(case: Path) -> dict:
    return tomllib.loads((case / "handleplan.toml").read_text(encoding="utf-8"))


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u00ad", "").split())


@pytest.mark.parametrize("year", [2024, 2025])
def test_bilag_2_in_three_formats(built, year):
    names = {p.name for p in built[year].iterdir()}
    assert {f"bilag-2.{ext}" for ext in FORMATS} <= names


@pytest.mark.parametrize(("year", "case"), [(2024, EXAMPLE), (2025, NEXT_YEAR)])
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_every_target_and_initiative_in_the_text(built, year, case, kind):
    path = built[year] / f"bilag-2.{kind}"
    text = docx_text(path) if kind == "docx" else flat(" ".join(pdf_pages(path)))
    plan = plan_of(case)
    for m in plan["maal"]:
        assert f"{m['id']}." in text and f"danmarkskortet for {m['aar']}" in text, m["id"]
    for i in plan["indsats"]:
        assert flat(i["titel"]) in text, i["titel"]
        assert flat(i["ansvarlig"]) in text, i["ansvarlig"]
        assert f"Status: {i['status']}." in text, i["titel"]
    for o in plan.get("opfoelgning", ()):
        assert o["organ"] in text


def test_values_and_baseline_in_bilag_2(built):
    text = docx_text(built[2025] / "bilag-2.docx")
    assert "Omgørelsesprocenten på socialområdet generelt var 52 % i 2025 (60 sager) mod 44 % på landsplan." in text
    assert "M1: Omgørelsesprocent, socialområdet generelt | ≤ 48 % i 2026 | 52 % (31 af 60) | 2023" in text
    assert (
        "M3: Omgørelsesprocent, børnehandicapområdet | under landsplan i 2026 | "
        "50 % (5 af 10), landsplan 52 % | 2024" in text
    )
    assert "M5: Omgørelsesprocent, forvaltningsområdet Sundhed og Omsorg | ≤ 50 % i 2026 | 56 % (15 af 27) | ny" in text
    assert "Gennemgang af alle omgjorte sager med sagsbehandleren (i planen siden 2023) | M1, M2 |" in text
    assert "Tjekliste for oplysning og begrundelse i afgørelser | M1, M2; oplysning og begrundelse |" in text


def test_reasons_and_paragraphs_where_case_level_data_exists(built):
    with_records = docx_text(built[2024] / "bilag-2.docx")
    assert (
        "den hyppigste årsag til omgørelse var oplysningsgrundlag/begrundelse (21 af 41 omgjorte sager)" in with_records
    )
    assert "Paragraffer med flest omgjorte sager, 2024" in with_records
    assert "Servicelovens § 83 | 14 | 9" in with_records
    without = docx_text(built[2025] / "bilag-2.docx")
    assert "årsag" not in without.split("Hvor handleplanen")[0].lower()


def test_pdf_is_tagged_in_danish(built):
    path = built[2025] / "bilag-2.pdf"
    info = run("pdfinfo", path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    blob = inflated(path.read_bytes())
    assert pdf_strings(blob, b"Lang") == ["da-DK"]
    assert b'pdfuaid:part="1"' in blob
    for tag in (b"H1", b"H2", b"Table", b"TH", b"L", b"LI"):
        assert re.search(rb"/S /" + tag + rb"\b", blob), tag


def test_every_page_of_bilag_2_says_draft(built):
    assert all("UDKAST" in page for page in pdf_pages(built[2025] / "bilag-2.pdf"))


def table_parts(doc: Document) -> list[list[int]]:
    """For each table of a document as the PDF lays it out: its body rows (and total) on each page it spans."""
    from weasyprint import HTML

    body, sheets = pdf_writer._split_stylesheet(html_writer.render(doc))
    laid_out = HTML(string=body, base_url=pdf_writer.BASE_URL, url_fetcher=pdf_writer.url_fetcher()).render(
        stylesheets=sheets, font_config=pdf_writer._font_config()
    )
    parts: dict[int, list[int]] = {}
    order: list[int] = []

    def walk(box, page: int) -> None:
        if getattr(box, "element_tag", None) == "table" and type(box).__name__ == "TableBox":
            rows = sum(len(g.children) for g in box.children if g.element_tag in ("tbody", "tfoot"))
            key = id(box.element)
            if key not in parts:
                order.append(key)
            parts.setdefault(key, []).append(rows)
            return
        for child in getattr(box, "children", ()):
            walk(child, page)

    for number, page in enumerate(laid_out.pages):
        walk(page._page_box, number)
    return [parts[k] for k in order]


@pytest.mark.parametrize("year", [2024, 2025])
def test_tables_hold(year):
    """No table of Bilag 2 is split; a table that must be split keeps at least three rows on each page."""
    case = EXAMPLE if year == 2024 else NEXT_YEAR
    inputs = load_inputs(case)
    doc = compose(inputs, compute(inputs)).bilag2
    assert doc is not None
    parts = table_parts(doc)
    assert len(parts) >= 3
    assert all(len(p) == 1 for p in parts), parts


def test_a_long_plan_splits_its_table_with_three_rows_on_each_side(tmp_path):
    plan = (NEXT_YEAR / "handleplan.toml").read_text(encoding="utf-8")
    extra = "".join(
        f'\n[[indsats]]\ntitel = "Ekstra indsats nummer {n} med en titel, der fylder to linjer i tabellen"\n'
        f'maal = ["M1"]\nansvarlig = "Juridisk team"\nstart = 2026-11-01\nfrist = 2027-06-30\nstatus = "planlagt"\n'
        for n in range(1, 31)
    )
    shutil.copytree(EXAMPLE, tmp_path / "allerod-2024")
    case = make_case(tmp_path, name="allerod-2025", example=NEXT_YEAR, files={"handleplan.toml": plan + extra})
    inputs = load_inputs(case)
    doc = compose(inputs, compute(inputs)).bilag2
    assert doc is not None
    split = [p for p in table_parts(doc) if len(p) > 1]
    assert split, "the long initiatives table should span pages"
    for p in split:
        assert all(rows >= 3 for rows in p), p


def test_manifest_names_the_plans_and_bilag_2(built):
    manifest = json.loads((built[2025] / "manifest.json").read_text(encoding="utf-8"))
    assert "handleplan.toml" in manifest["input"]
    assert "../allerod-2024/handleplan.toml" in manifest["input"]
    assert "../allerod-2024/handleplan-2023.toml" in manifest["input"]
    assert "../allerod-2024/forvaltningsomraader.csv" in manifest["input"]
    assert {f"bilag-2.{ext}" for ext in FORMATS} <= set(manifest["output"])


def test_figures_include_the_plan_and_the_follow_up(built, capsys):
    data = json.loads((built[2025] / "figurer.json").read_text(encoding="utf-8"))
    plan, fu = data["handleplan"], data["opfoelgning_paa_handleplan"]
    assert plan["fil"] == "handleplan.toml" and [m["id"] for m in plan["maal"]] == ["M1", "M2", "M3", "M5"]
    assert plan["maal"][0]["maalt"] == {
        "aar": 2025,
        "vaerdi": 52.0,
        "eksakt": pytest.approx(51.6667, abs=1e-3),
        "taeller": 31,
        "naevner": 60,
        "mangler": None,
        "kilde": None,
    }
    assert fu["maal"][3]["maalt"]["mangler"] == "ikke-i-tabel2"
    assert fu["maal"][3]["udgangspunkt"]["kilde"] == "../allerod-2024/forvaltningsomraader.csv"
    assert [m["resultat"] for m in fu["maal"]] == ["ikke-naaet", "naaet", "naaet", "kan-ikke-opgoeres"]
    assert fu["maal"][0]["udgangspunkt"]["vaerdi"] == 63.0 and fu["maal"][0]["aendring"] == -11.0
    assert fu["resultater"] == {"naaet": 2, "ikke-naaet": 1, "kan-ikke-opgoeres": 1}
    assert data == json.loads(run_cli(capsys, "figures", NEXT_YEAR).out)


def test_diff_includes_bilag_2(tmp_path, capsys):
    out = tmp_path / "output"  # the case's own version history: one case, one history
    case = make_case(tmp_path, name="allerod-2025", example=NEXT_YEAR)
    shutil.copytree(EXAMPLE, tmp_path / "allerod-2024")
    first = build(case, out).folder
    plan = case / "handleplan.toml"
    plan.write_text(dump_toml(patch_toml(tomllib.loads(plan.read_text(encoding="utf-8")), {"maal.1.vaerdi": 47})))
    second = build(case, out).folder
    result = run_cli(capsys, "diff", first, second)
    assert result.code == 0, result.err
    assert "bilag-2: 1 af 6 afsnit ændret (+2 ord, −2 ord)" in result.out, result.out
    assert "  - Mål: ændret" in result.out and "handleplan.maal.0.vaerdi: 48 → 47" in result.out
    assert (second.parent / "sammenligninger" / "v1-v2" / "bilag-2-aendringer.docx").is_file()


# --- the follow-up section of the year after ------------------------------------------------------------------


def test_follow_up_section_in_the_2025_sagsfremstilling(built):
    for kind in ("docx", "pdf"):
        path = built[2025] / f"sagsfremstilling.{kind}"
        text = docx_text(path) if kind == "docx" else flat(" ".join(pdf_pages(path)))
        assert "Opfølgning på handleplanen" in text
        assert "Af målene blev to nået og ét ikke nået, mens ét ikke kan opgøres med årets tal." in text
        assert "Af indsatserne er tre igangsat, to gennemført og én udskudt." in text
        assert (
            "Mål M4 kan ikke opgøres, fordi forvaltningsområdet Ældre- og Sundhed ikke findes i Tabel 2 for 2025."
            in text
        )
        assert "danmarkskortet for 2025 og opfølgningen på handleplanen for 2024 tages til efterretning" in text
        assert "Bilag 2. Handleplan for kvalitetsudvikling på baggrund af Ankestyrelsens afgørelser" in text
