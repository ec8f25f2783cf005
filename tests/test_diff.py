"""`reportgen diff`: the redline of a known edit, a version against itself, bad arguments, Word tracked changes."""

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import docx
import pytest
from casefactory import make_case, run_cli
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from reportgen.lifecycle.build import build
from reportgen.lifecycle.diff import changed_values, run, tracked_changes

OLD_SENTENCE = "Tre forhold skiller sig ud:"
NEW_SENTENCE = "Tre forhold træder tydeligt frem:"
MOMENT = datetime(2025, 10, 29, tzinfo=UTC)


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """v1 of the example case, and v2 with one sentence of tekster/forklaring.md changed; then the diff."""
    tmp = tmp_path_factory.mktemp("diff")
    case = make_case(tmp)
    out = tmp / "out"
    v1 = build(case, out).folder
    forklaring = case / "tekster" / "forklaring.md"
    text = forklaring.read_text(encoding="utf-8")
    assert text.count(OLD_SENTENCE) == 1, "the example's forklaring.md no longer has the sentence this test edits"
    forklaring.write_text(text.replace(OLD_SENTENCE, NEW_SENTENCE), encoding="utf-8")
    v2 = build(case, out).folder
    assert v2.name == "v2"
    return v1, v2, run(v1, v2)


def compared(v2: Path) -> Path:
    """Where `reportgen diff v1 v2` writes: a folder of its own beside the version folders."""
    return v2.parent / "sammenligninger" / "v1-v2"


def texts(source) -> list[str]:
    """The text of every paragraph of a DOCX (path or bytes) in reading order, table cells included."""
    document = docx.Document(BytesIO(source) if isinstance(source, bytes) else str(source))
    return [p.text for p in document.element.body.iter(qn("w:p"))]


def resolve(data: bytes, accept: bool) -> list[str]:
    """The paragraph texts after Word's "accept all changes" (or "reject all"): marked content, rows and
    paragraph marks go or stay; a paragraph whose mark goes is joined to the next paragraph."""
    body = docx.Document(BytesIO(data)).element.body
    drop, keep = (qn("w:del"), qn("w:ins")) if accept else (qn("w:ins"), qn("w:del"))
    for row in body.xpath(".//w:tr[w:trPr/w:ins or w:trPr/w:del]"):
        if row.find(qn("w:trPr")).find(drop) is not None:
            row.getparent().remove(row)
    for table in body.xpath(".//w:tbl[not(w:tr)]"):
        table.getparent().remove(table)
    for element in body.xpath(
        ".//w:ins[not(parent::w:rPr or parent::w:trPr)] | .//w:del[not(parent::w:rPr or parent::w:trPr)]"
    ):
        if element.tag == keep:
            for child in list(element):
                element.addprevious(child)
        element.getparent().remove(element)
    for text in body.iter(qn("w:delText")):
        text.tag = qn("w:t")
    for p in list(body.iter(qn("w:p"))):
        marks = p.xpath("./w:pPr/w:rPr/w:ins | ./w:pPr/w:rPr/w:del")
        following = p.getnext()
        if any(m.tag == drop for m in marks) and following is not None and following.tag == qn("w:p"):
            start = 1 if following.find(qn("w:pPr")) is not None else 0
            for offset, child in enumerate(c for c in list(p) if c.tag != qn("w:pPr")):
                following.insert(start + offset, child)
            p.getparent().remove(p)
    return [p.text for p in parse_xml(body.xml).iter(qn("w:p"))]  # re-parsed: renamed w:delText reads as text


def revision_marks(data: bytes) -> list:
    """Every w:ins and w:del element of a DOCX body."""
    return docx.Document(BytesIO(data)).element.body.xpath(".//w:ins | .//w:del")


# --- the redline --------------------------------------------------------------------------------------------


def test_redline_shows_exactly_the_edit(versions):
    _, _, (result, _) = versions
    sagsfremstilling, bilag1 = result.documents[:2]
    assert [s.title for s in sagsfremstilling.changed] == ["Sagsbeskrivelse"]
    section = sagsfremstilling.changed[0]
    changes = [(kind, text) for hunk in section.hunks for kind, text in hunk if kind != "equal"]
    assert changes == [("delete", "skiller sig ud:"), ("insert", "træder tydeligt frem:")]
    assert (section.inserted, section.deleted) == (3, 3)
    assert not bilag1.changed
    assert result.figures == () and result.case == ()


def test_redline_html(versions):
    _, v2, (_, files) = versions
    assert files[0] == compared(v2) / "redline.html"
    html = files[0].read_text(encoding="utf-8")
    assert '<html lang="da">' in html
    assert "Slettet: </span>skiller sig ud:</del>" in html
    assert "Indsat: </span>træder tydeligt frem:</ins>" in html
    assert html.count('<ins><span class="sr">') == 1 and html.count('<del><span class="sr">') == 1
    assert "Tre forhold" in html and "Gentagne klager" in html  # context around the change …
    assert "Stadfæstelse" not in html  # … but not the whole section
    assert "Uændrede afsnit:" in html and "<link" not in html and "<script" not in html


def test_cli_summary(versions, capsys):
    v1, v2, _ = versions
    result = run_cli(capsys, "diff", v1, v2)
    assert result.code == 0, result.err
    assert "sagsfremstilling: 1 af" in result.out
    assert "Sagsbeskrivelse: ændret (+3 ord, −3 ord)" in result.out
    assert "bilag-1: uændret" in result.out
    assert "Tal: ingen ændrede." in result.out
    assert str(compared(v2) / "sagsfremstilling-aendringer.docx") in result.out


def test_a_version_against_itself(versions, capsys):
    v1, _, _ = versions
    before = sorted(p.name for p in v1.iterdir())
    result = run_cli(capsys, "diff", v1, v1)
    assert result.code == 0
    assert "ingen ændringer" in result.out
    assert sorted(p.name for p in v1.iterdir()) == before


def test_two_docx_files(versions, capsys, tmp_path):
    v1, v2, _ = versions
    old, new = tmp_path / "gammel.docx", tmp_path / "ny.docx"
    shutil.copy(v1 / "sagsfremstilling.docx", old)
    shutil.copy(v2 / "sagsfremstilling.docx", new)
    result = run_cli(capsys, "diff", old, new, "--out", tmp_path / "sammenligning")
    assert result.code == 0, result.err
    assert "Sagsbeskrivelse: ændret (+3 ord, −3 ord)" in result.out
    folder = tmp_path / "sammenligning"
    assert (folder / "redline.html").is_file() and (folder / "ny-aendringer.docx").is_file()


def test_bad_arguments_exit_2(versions, capsys, tmp_path):
    v1, v2, _ = versions
    no_manifest = run_cli(capsys, "diff", v1.parent, v2)
    assert no_manifest.code == 2 and "manifest.json" in no_manifest.err
    broken = tmp_path / "v9"
    shutil.copytree(v1, broken)
    (broken / "bilag-1.docx").unlink()
    missing = run_cli(capsys, "diff", broken, v2)
    assert missing.code == 2 and "bilag-1.docx" in missing.err and "mangler" in missing.err
    mixed = run_cli(capsys, "diff", v1 / "sagsfremstilling.docx", v2)
    assert mixed.code == 2 and "Traceback" not in mixed.err


def test_changed_figures_are_listed_by_path():
    old = {
        "danmarkskort": {"omgoerelsesprocent": {"procent": 44}, "kilde": {"raekker": [2]}},
        "tabel1": [{"navn": "Allerød", "aar": {"2024": 1}}, {"navn": "Hørsholm", "aar": {"2024": 2}}],
    }
    new = {
        "danmarkskort": {"omgoerelsesprocent": {"procent": 63}, "kilde": {"raekker": [7]}},
        "tabel1": [{"navn": "Allerød", "aar": {"2024": 1}}, {"navn": "Furesø", "aar": {"2024": 3}}],
    }
    shown = [f"{c.path}: {c.old} → {c.new}" for c in changed_values(old, new)]
    assert shown == [
        "danmarkskort.omgoerelsesprocent.procent: 44 → 63",
        "tabel1.Furesø: (ingen) → (tilføjet)",
        "tabel1.Hørsholm: (fandtes) → (fjernet)",
    ]


# --- Word with tracked changes ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sagsfremstilling", "bilag-1"])
def test_tracked_changes_accept_and_reject(versions, name):
    v1, v2, _ = versions
    data = (compared(v2) / f"{name}-aendringer.docx").read_bytes()
    assert resolve(data, accept=True) == texts(v2 / f"{name}.docx")
    assert resolve(data, accept=False) == texts(v1 / f"{name}.docx")


def test_tracked_changes_author_and_date_from_the_case(versions):
    _, v2, _ = versions
    marks = revision_marks((compared(v2) / "sagsfremstilling-aendringer.docx").read_bytes())
    assert {m.tag for m in marks} == {qn("w:ins"), qn("w:del")}
    dato = json.loads((v2 / "manifest.json").read_text(encoding="utf-8"))["sag"]["dato"]
    assert {(m.get(qn("w:author")), m.get(qn("w:date"))) for m in marks} == {("reportgen", f"{dato}T00:00:00Z")}
    ids = [m.get(qn("w:id")) for m in marks]
    assert len(ids) == len(set(ids))


def test_tracked_changes_between_two_different_documents(versions):
    """The hardest case: nearly every paragraph, table and picture differs, in both directions. As in Word, a
    paragraph between two wholly inserted or deleted tables cannot go, so empty paragraphs are not compared."""
    _, v2, _ = versions
    for old, new in (("bilag-1", "sagsfremstilling"), ("sagsfremstilling", "bilag-1")):
        data = tracked_changes(v2 / f"{old}.docx", v2 / f"{new}.docx", MOMENT)
        assert [t for t in resolve(data, accept=True) if t] == [t for t in texts(v2 / f"{new}.docx") if t]
        assert [t for t in resolve(data, accept=False) if t] == [t for t in texts(v2 / f"{old}.docx") if t]


def test_tracked_changes_are_reproducible(versions):
    v1, v2, _ = versions
    first = tracked_changes(v1 / "sagsfremstilling.docx", v2 / "sagsfremstilling.docx", MOMENT)
    assert first == tracked_changes(v1 / "sagsfremstilling.docx", v2 / "sagsfremstilling.docx", MOMENT)


def _small_docx(path: Path, blocks: list) -> Path:
    """A DOCX of paragraphs (str) and one-column tables (list of str)."""
    document = docx.Document()
    for block in blocks:
        if isinstance(block, list):
            table = document.add_table(rows=0, cols=1)
            for text in block:
                table.add_row().cells[0].text = text
        else:
            document.add_paragraph(block)
    document.save(str(path))
    return path


SMALL_CASES = {
    "inserted first": (["A"], ["B", "C", "A"]),
    "deleted first": (["B", "C", "A"], ["A"]),
    "inserted last": (["A"], ["A", "B", "C"]),
    "deleted last": (["A", "B", "C"], ["A"]),
    "replaced last": (["A", "Slettet et.", "Slettet to."], ["A", "Indsat et.", "Indsat to."]),
    "deleted before a table": (["A", "Tabel 1: udgår", ["x", "y"]], ["A", ["x", "y"]]),
    "inserted before a table": (["A", ["x", "y"]], ["A", "Tabel 1: ny", ["x", "y"]]),
    "deleted table": (["A", "Tabel 1", ["x"], "Kilde", "B"], ["A", "B"]),
    "inserted table": (["A", "B"], ["A", "Tabel 1", ["x"], "Kilde", "B"]),
    "rows": (
        ["Første afsnit.", "Et afsnit, der udgår helt.", ["63 % (65)", "56 % (25)", "45 % (13.000)"], "Bilag 1."],
        ["Første afsnit, lidt ændret.", ["64 % (66)", "45 % (13.000)", "–"], "Bilag 1.", "Bilag 2. Nyt notat."],
    ),
}


@pytest.mark.parametrize("case", SMALL_CASES)
def test_tracked_changes_small_cases(tmp_path, case):
    old_blocks, new_blocks = SMALL_CASES[case]
    old, new = _small_docx(tmp_path / "old.docx", old_blocks), _small_docx(tmp_path / "new.docx", new_blocks)
    data = tracked_changes(old, new, MOMENT)
    assert resolve(data, accept=True) == texts(new)
    assert resolve(data, accept=False) == texts(old)


def test_tracked_changes_mark_rows_and_keep_deleted_text(tmp_path):
    old_blocks, new_blocks = SMALL_CASES["rows"]
    data = tracked_changes(
        _small_docx(tmp_path / "old.docx", old_blocks), _small_docx(tmp_path / "new.docx", new_blocks), MOMENT
    )
    body = docx.Document(BytesIO(data)).element.body
    assert len(body.xpath(".//w:tr[w:trPr/w:del]")) == 1 and len(body.xpath(".//w:tr[w:trPr/w:ins]")) == 1
    assert "".join(body.xpath(".//w:delText/text()")).count("Et afsnit, der udgår helt.") == 1


def test_tracked_changes_open_in_libreoffice(versions, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("REPORTGEN_REQUIRE_LIBREOFFICE"):  # set by .ci/run, which installs LibreOffice
            pytest.fail("LibreOffice (soffice) is required here but not installed")
        pytest.skip("LibreOffice (soffice) is not installed (scripts/install-system-deps.sh --libreoffice)")
    _, v2, _ = versions
    source = tmp_path / "aendringer.docx"
    shutil.copy(compared(v2) / "sagsfremstilling-aendringer.docx", source)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "aendringer.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "skiller sig ud:" in flat and "træder tydeligt frem:" in flat  # shown as deleted and inserted
    assert "Bilag 1. Afgørelser på det generelle socialområde" in flat


# --- versions are immutable: diff writes into a folder of its own --------------------------------------------


def _snapshot(*folders: Path) -> dict[Path, bytes]:
    """Every file of the folders with its content."""
    return {p: p.read_bytes() for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()}


def test_diff_in_either_order_never_writes_into_a_version(versions, capsys):
    """`diff v2 v1` (newest first) writes beside the versions; no file of either version changes or appears."""
    v1, v2, _ = versions
    before = _snapshot(v1, v2)
    result = run_cli(capsys, "diff", v2, v1)
    assert result.code == 0, result.err
    assert _snapshot(v1, v2) == before
    folder = v1.parent / "sammenligninger" / "v2-v1"
    assert (folder / "redline.html").is_file() and (folder / "sagsfremstilling-aendringer.docx").is_file()


@pytest.mark.parametrize("target", ["v1/sagsfremstilling.html", "v1", "v2/ny-mappe"])
def test_out_inside_a_version_is_refused(versions, capsys, target):
    """--out naming a version folder, a folder inside one or one of its files is an input error; nothing changes."""
    v1, v2, _ = versions
    before = _snapshot(v1, v2)
    result = run_cli(capsys, "diff", v1, v2, "--out", v1.parent / target)
    assert result.code == 2, result.err
    assert "en version ændres aldrig" in result.err and "Traceback" not in result.err
    assert _snapshot(v1, v2) == before
    assert not (v2 / "ny-mappe").exists()


@pytest.mark.parametrize("target", ["v3", "v3/ny-mappe", ".v-tmp-abc"])
def test_out_where_a_version_would_go_is_refused(versions, capsys, target):
    """--out at the place of a version that does not exist yet (the next one) is refused too: a folder made there
    would be listed as a version. A version folder is told by its place in the history, not by what it holds."""
    from reportgen.lifecycle.versions import versions as listed

    v1, v2, _ = versions
    result = run_cli(capsys, "diff", v1, v2, "--out", v1.parent / target)
    assert result.code == 2, result.err
    assert "en version ændres aldrig" in result.err
    assert not (v1.parent / target.split("/")[0]).exists()
    assert listed(v1.parent) == [1, 2]


def test_a_version_without_its_manifest_is_still_a_version(versions, capsys):
    """A version folder whose manifest.json was removed by hand is still never written into."""
    v1, v2, _ = versions
    hand_made = v1.parent / "v9"
    shutil.copytree(v1, hand_made)
    (hand_made / "manifest.json").unlink()
    try:
        before = _snapshot(hand_made)
        result = run_cli(capsys, "diff", v1, v2, "--out", hand_made / "sammenligning")
        assert result.code == 2, result.err
        assert "en version ændres aldrig" in result.err
        assert _snapshot(hand_made) == before and not (hand_made / "sammenligning").exists()
    finally:
        shutil.rmtree(hand_made)


def test_out_that_is_a_file_is_refused(versions, capsys, tmp_path):
    v1, v2, _ = versions
    existing = tmp_path / "redline.html"
    existing.write_text("min egen fil", encoding="utf-8")
    result = run_cli(capsys, "diff", v1, v2, "--out", existing)
    assert result.code == 2 and "er en fil, ikke en mappe" in result.err
    assert existing.read_text(encoding="utf-8") == "min egen fil"


def test_the_redline_keeps_a_heading_and_list_items_apart_from_the_next_paragraph():
    from reportgen.lifecycle.diff.sections import BREAK, Section, _compare_section

    old = Section("Indstilling", ("Forvaltningen indstiller:", "at planen godkendes", "Første afsnit."))
    new = Section("Indstilling", ("Forvaltningen indstiller:", "at planen godkendes", "Andet afsnit."))
    diff = _compare_section(old, new)
    shown = " ".join(text for hunk in diff.hunks for _, text in hunk)
    assert f"godkendes {BREAK} Første" in shown or f"godkendes {BREAK}" in shown  # a new line, not "godkendes Første"
    assert (diff.inserted, diff.deleted) == (1, 1)  # the paragraph's end is no word
    assert BREAK not in new.words()[0] and new.words().count(BREAK) == 3
