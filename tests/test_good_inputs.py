"""Valid variants of the example case: other encodings, layouts and spellings give the same figures."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from casefactory import (
    EXAMPLE,
    REFERENCE,
    figures_json,
    forvaltning_rows,
    make_case,
    run_cli,
    statistik_rows,
    to_csv,
    write_xlsx,
)

KOMMUNE, AAR, OMRAADE, STADF, AENDRET, HJEMVIST, AFVIST, I_ALT, KILDE = range(9)
DANISH_HEADER = [
    "Kommune",
    "År",
    "Område",
    "Stadfæstet",
    "Ændret/ophævet",
    "Hjemvist",
    "Afvist/henvist",
    "Afgørelser i alt",
    "Kilde",
]
AREA_NAMES = {"socialomraadet": "Socialområdet", "boernehandicap": "Børnehandicap", "voksenhandicap": "Voksenhandicap"}
OUTCOME_NAMES = (
    ("Stadfæstelse", STADF),
    ("Ændring/ophævelse", AENDRET),
    ("Hjemvisning", HJEMVIST),
    ("Afvisning/henvisning", AFVIST),
)


def assert_reference_text(out: str) -> None:
    """`check` prints the example's key figures."""
    assert "Omgørelsesprocent: 63 % (41 af 65)" in out
    assert "65 sager: 24 stadfæstet, 8 ændret/ophævet, 33 hjemvist" in out


def assert_reference_json(data: dict[str, Any]) -> None:
    """`figures` gives the example's key figures for the danmarkskort year."""
    d = data["danmarkskort"]
    assert data["kommune"] == "Allerød" and data["aar"] == 2024
    expected = {k: v for k, v in REFERENCE.items() if k != "procent"}
    assert {k: d[k] for k in expected} == expected
    assert d["omgoerelsesprocent"]["procent"] == REFERENCE["procent"]


def check_ok(capsys, case: Path) -> str:
    """Run `check`, assert exit 0 and the reference figures, and return stdout."""
    result = run_cli(capsys, "check", case)
    assert result.code == 0, result.err
    assert "Traceback" not in result.out + result.err
    assert_reference_text(result.out)
    return result.out


def without_sources(data: Any) -> Any:
    """Figures JSON without file names, row numbers and kilde texts (which depend on the file's layout)."""
    if isinstance(data, dict):
        return {k: without_sources(v) for k, v in data.items() if k not in ("kilde", "kilder", "fil")}
    if isinstance(data, list):
        return [without_sources(v) for v in data]
    return data


@pytest.fixture
def reference_figures(capsys) -> dict[str, Any]:
    """The example's own figures JSON."""
    return figures_json(capsys, EXAMPLE)


def test_reference_figures(reference_figures):
    """The example itself gives the reference figures and no warnings."""
    assert_reference_json(reference_figures)
    assert reference_figures["advarsler"] == []


# --- encodings and line endings: the very same figures, rows and sources ----------------------------------

ENCODINGS = {
    "semicolon-windows-1252": lambda: to_csv(statistik_rows(), ";").encode("cp1252"),
    "utf8-bom": lambda: b"\xef\xbb\xbf" + to_csv(statistik_rows()).encode("utf-8"),
    "utf8-bom-semicolon": lambda: b"\xef\xbb\xbf" + to_csv(statistik_rows(), ";").encode("utf-8"),
    "crlf": lambda: to_csv(statistik_rows(), lineterminator="\r\n").encode("utf-8"),
    "crlf-windows-1252-tab": lambda: to_csv(statistik_rows(), "\t", "\r\n").encode("cp1252"),
    "trailing-blank-lines": lambda: (to_csv(statistik_rows()) + "\n\n").encode("utf-8"),
}


@pytest.mark.parametrize("variant", ENCODINGS, ids=list(ENCODINGS))
def test_encoding_variants(variant, tmp_path, capsys, reference_figures):
    """Encodings, separators and line endings change nothing: same figures, same row numbers."""
    data = ENCODINGS[variant]()
    if variant == "semicolon-windows-1252":
        assert b"\xf8" in data  # ø as a single Windows-1252 byte, so the fallback is really exercised
    case = make_case(tmp_path, statistik=data)
    check_ok(capsys, case)
    assert figures_json(capsys, case) == reference_figures


def test_danish_headers_windows_1252(tmp_path, capsys, reference_figures):
    """Danish headers (Kommune;År;Område;Stadfæstet;…) in Windows-1252 with semicolons."""
    rows = statistik_rows()
    rows[0] = DANISH_HEADER
    case = make_case(tmp_path, statistik=to_csv(rows, ";").encode("cp1252"))
    check_ok(capsys, case)
    assert figures_json(capsys, case) == reference_figures


def test_danish_headers_without_optional_columns(tmp_path, capsys, reference_figures):
    """Only the seven required columns, Danish spelling, UTF-8 with BOM."""
    rows = [r[:I_ALT] for r in statistik_rows()]
    rows[0] = DANISH_HEADER[:I_ALT]
    case = make_case(tmp_path, statistik="\ufeff" + to_csv(rows, ";"))
    check_ok(capsys, case)
    assert without_sources(figures_json(capsys, case)) == without_sources(reference_figures)


def test_danish_thousands_separators(tmp_path, capsys, reference_figures):
    """National counts written as "8.375" are read as 8375."""
    rows = statistik_rows()
    changed = 0
    for r in rows[1:]:
        for i in (STADF, AENDRET, HJEMVIST):
            if len(r[i]) > 3:
                r[i] = f"{int(r[i]):,}".replace(",", ".")
                changed += 1
    assert changed > 10
    case = make_case(tmp_path, statistik=to_csv(rows, ";"))
    check_ok(capsys, case)
    assert figures_json(capsys, case) == reference_figures


def test_whitespace_and_case_in_cells(tmp_path, capsys, reference_figures):
    """Spaces around cells and other letter case in names and areas are accepted."""
    rows = statistik_rows()
    for r in rows[1:]:
        r[KOMMUNE] = f"  {r[KOMMUNE].upper()} "
        r[OMRAADE] = r[OMRAADE].capitalize()
        r[STADF] = f" {r[STADF]}"
    case = make_case(tmp_path, statistik=to_csv(rows))
    check_ok(capsys, case)
    assert figures_json(capsys, case) == reference_figures


# --- XLSX ---------------------------------------------------------------------------------------------------


def _xlsx_rows(header: list[str], floats: bool) -> list[list[object]]:
    """The example statistics as typed spreadsheet cells: years as int, counts as float or int."""
    out: list[list[object]] = [header]
    for r in statistik_rows()[1:]:
        counts = [float(v) if floats else int(v) for v in r[STADF:I_ALT]]
        out.append([r[KOMMUNE], int(r[AAR]), r[OMRAADE], *counts, None, r[KILDE]])
    return out


@pytest.mark.parametrize("floats", [True, False], ids=["counts-as-float", "counts-as-int"])
@pytest.mark.parametrize("danish", [False, True], ids=["contract-header", "danish-header"])
def test_xlsx(floats, danish, tmp_path, capsys, reference_figures):
    """An XLSX file gives the same figures, also when Excel stores the counts as 24.0."""
    rows = _xlsx_rows(DANISH_HEADER if danish else statistik_rows()[0], floats)
    if floats:
        assert rows[4][STADF] == 24.0 and isinstance(rows[4][STADF], float)
    case = make_case(tmp_path, statistik=None, sag_toml_patch={"statistik": "statistik.xlsx"})
    write_xlsx(case / "statistik.xlsx", rows)
    check_ok(capsys, case)
    data = figures_json(capsys, case)
    assert data["danmarkskort"]["kilde"] == {"fil": "statistik.xlsx", "raekker": [5]}
    assert without_sources(data) == without_sources(reference_figures)
    assert data["kilder"] == reference_figures["kilder"]


def test_xlsx_forvaltning(tmp_path, capsys, reference_figures):
    """Tabel 2 can be an XLSX file too."""
    rows: list[list[object]] = [forvaltning_rows()[0]]
    for r in forvaltning_rows()[1:]:
        rows.append([r[0], int(r[1]), *(float(v) for v in r[2:6]), r[6], r[7]])
    case = make_case(
        tmp_path, forvaltningsomraader=None, sag_toml_patch={"forvaltningsomraader": "forvaltningsomraader.xlsx"}
    )
    write_xlsx(case / "forvaltningsomraader.xlsx", rows)
    check_ok(capsys, case)
    data = figures_json(capsys, case)
    assert data["tabel2"]["fil"] == "forvaltningsomraader.xlsx"
    assert without_sources(data) == without_sources(reference_figures)


# --- Ankestyrelsen's long export ------------------------------------------------------------------------


def long_rows(total_rows: bool = True) -> list[list[str]]:
    """The example statistics in the long layout: one row per kommune × area × outcome × year."""
    out = [["Kommune", "Område", "Afgørelsestype", "År", "Antal"]]
    for r in statistik_rows()[1:]:
        for name, i in OUTCOME_NAMES:
            out.append([r[KOMMUNE], AREA_NAMES[r[OMRAADE]], name, r[AAR], r[i]])
        if total_rows:
            out.append(
                [r[KOMMUNE], AREA_NAMES[r[OMRAADE]], "I alt", r[AAR], str(sum(int(r[i]) for _, i in OUTCOME_NAMES))]
            )
    return out


def test_long_export(tmp_path, capsys, reference_figures):
    """The long layout with "I alt" rows gives exactly the example's figures; "I alt" is not counted."""
    rows = long_rows()
    assert sum(1 for r in rows if r[2] == "I alt") == len(statistik_rows()) - 1
    case = make_case(tmp_path, statistik=to_csv(rows, ";").encode("cp1252"))
    check_ok(capsys, case)
    data = figures_json(capsys, case)
    assert without_sources(data) == without_sources(reference_figures)
    # Allerød 2024 socialområdet is rows 2 + 5·3 … its four outcome rows, not the "I alt" row after them.
    first = 2 + 5 * 3
    assert data["danmarkskort"]["kilde"]["raekker"] == [first, first + 1, first + 2, first + 3]


def test_long_export_shuffled_with_alias_headers(tmp_path, capsys, reference_figures):
    """Row order does not matter, and Lovgrundlag/Tid/Indhold are accepted as headers."""
    rows = long_rows()
    header, body = ["Tid", "Lovgrundlag", "Kommune", "Afgørelsestype", "Indhold"], rows[1:]
    body = [[r[3], r[1], r[0], r[2], r[4]] for r in reversed(body)]
    case = make_case(tmp_path, statistik=to_csv([header, *body]))
    check_ok(capsys, case)
    assert without_sources(figures_json(capsys, case)) == without_sources(reference_figures)


def test_long_export_xlsx(tmp_path, capsys, reference_figures):
    """The long layout as XLSX with numeric years and float counts."""
    rows: list[list[object]] = [long_rows()[0]]
    rows += [[k, o, a, int(y), float(n)] for k, o, a, y, n in long_rows()[1:]]
    case = make_case(tmp_path, statistik=None, sag_toml_patch={"statistik": "udtraek.xlsx"})
    write_xlsx(case / "udtraek.xlsx", rows)
    check_ok(capsys, case)
    assert without_sources(figures_json(capsys, case)) == without_sources(reference_figures)


def test_long_export_without_zero_rows_counts_them_as_0_and_says_so(tmp_path, capsys, reference_figures):
    """An export that leaves out rows with 0 gives the same figures, and check names the rows it filled in."""
    rows = [r for r in long_rows() if r[4] != "0"]
    case = make_case(tmp_path, statistik=to_csv(rows, ";"))
    result = run_cli(capsys, "check", case)
    assert result.code == 0, result.err
    assert (
        "  - statistik.csv: udtrækket har ingen række med 'afvist/henvist' for Allerød 2024 på socialomraadet; "
        "den er talt som 0."
    ) in result.out
    data = figures_json(capsys, case)
    assert all("talt som 0" in warning for warning in data.pop("advarsler"))
    assert without_sources(data) == without_sources({k: v for k, v in reference_figures.items() if k != "advarsler"})


# --- names --------------------------------------------------------------------------------------------------


def test_kommune_suffix_accepted(tmp_path, capsys, reference_figures):
    """ "Allerød Kommune" in sag.toml and in the statistics means Allerød."""
    rows = statistik_rows()
    for r in rows[1:]:
        if r[KOMMUNE] == "Allerød":
            r[KOMMUNE] = "Allerød Kommune"
    case = make_case(
        tmp_path,
        statistik=to_csv(rows),
        sag_toml_patch={
            "kommune": "Allerød Kommune",
            "sammenligning": ["Hillerød Kommune", "Hørsholm", "Furesø", "Rudersdal"],
        },
    )
    out = check_ok(capsys, case)
    assert out.startswith("Allerød 2024 ")
    data = figures_json(capsys, case)
    assert data["kommune"] == "Allerød"
    assert data == reference_figures


def test_decomposed_unicode_names(tmp_path, capsys):
    """Names in decomposed form (NFD, as macOS may save them) match the official spelling (also the example's
    national extract, whose row for Tårnby the added row must equal)."""
    rows = statistik_rows()
    tarnby = [["Tårnby", "2024", "socialomraadet", "74", "23", "38", "0", "", ""]]
    rows += [[unicodedata.normalize("NFD", c) for c in r] for r in tarnby]
    assert unicodedata.normalize("NFD", "Tårnby") != "Tårnby"
    case = make_case(
        tmp_path,
        statistik=to_csv(rows),
        sag_toml_patch={"sammenligning": [unicodedata.normalize("NFD", "Tårnby"), "Hillerød"]},
    )
    check_ok(capsys, case)
    data = figures_json(capsys, case)
    assert data["sammenligning"]["kommuner"] == ["Tårnby", "Hillerød"]
    assert data["tabel1"][1]["aar"]["2024"]["realitetsbehandlede"] == 135


# --- warnings, not errors -------------------------------------------------------------------------------


def test_comparison_kommune_missing_from_statistics(tmp_path, capsys, reference_figures):
    """A comparison municipality without any data is a warning naming it and is left out; the figures stay."""
    case = make_case(tmp_path, sag_toml_patch={"sammenligning": ["Hillerød", "Gentofte", "Furesø"]})
    out = check_ok(capsys, case)
    assert "Advarsler (1):" in out
    warning = next(line for line in out.splitlines() if line.startswith("  - "))
    assert "Gentofte" in warning and "2021–2024" in warning and "udeladt" in warning and "statistik.csv" in warning
    data = figures_json(capsys, case)
    assert data["sammenligning"]["kommuner"] == ["Hillerød", "Furesø"]
    assert data["sammenligning"]["mangler"] == []
    assert data["udeladte_kommuner"] == ["Gentofte"]
    assert [r["navn"] for r in data["tabel1"]] == ["Allerød", "Hillerød", "Furesø", "Hele landet"]
    assert data["danmarkskort"] == reference_figures["danmarkskort"]


@pytest.mark.parametrize("year", [2021, 2023])
def test_earlier_year_missing(year, tmp_path, capsys, reference_figures):
    """An earlier year of the municipality missing (all three areas) is a warning, not an error."""
    rows = [r for r in statistik_rows() if not (r[KOMMUNE] == "Allerød" and r[AAR] == str(year))]
    assert len(rows) == len(statistik_rows()) - 3
    case = make_case(tmp_path, statistik=to_csv(rows))
    out = check_ok(capsys, case)
    warnings = [line for line in out.splitlines() if line.startswith("  - ")]
    assert any("ingen tal for Allerød i " + str(year) in w for w in warnings), out
    data = figures_json(capsys, case)
    assert data["danmarkskort"]["kilde"]["raekker"] == [4]  # one row above was removed
    assert without_sources(data["danmarkskort"]) == without_sources(reference_figures["danmarkskort"])
    assert data["tabel1"][0]["aar"][str(year)] is None
    if year == 2023:
        assert data["forrige_aar"] is None and data["aendring"] is None
        assert "2023: ingen tal" in out
    else:
        assert without_sources(data["forrige_aar"]) == without_sources(reference_figures["forrige_aar"])


def test_tabel2_marked_rows_do_not_match_the_map(tmp_path, capsys, reference_figures):
    """Tabel 2 rows marked ja that don't add up to the map give a warning with both numbers."""
    rows = forvaltning_rows()
    assert rows[3][6] == "nej"
    rows[3][6] = "ja"  # Borgerservice – beskæftigelse + ydelse: 6/0/6 more
    case = make_case(tmp_path, forvaltningsomraader=to_csv(rows))
    out = check_ok(capsys, case)
    warning = next(line for line in out.splitlines() if "i_danmarkskort" in line)
    assert "forvaltningsomraader.csv" in warning
    assert "77 realitetsbehandlede sager (30/8/39)" in warning
    assert "danmarkskortet har 65 (24/8/33)" in warning
    data = figures_json(capsys, case)
    assert data["tabel2"]["i_danmarkskort"]["realitetsbehandlede"] == 77
    assert len(data["advarsler"]) == 1


def test_tabel2_flag_spellings(tmp_path, capsys, reference_figures):
    """i_danmarkskort accepts Ja/NEJ/x/0 and Danish headers with the same result."""
    rows = forvaltning_rows()
    rows[0] = [
        "Forvaltningsområde",
        "År",
        "Stadfæstet",
        "Ændret/ophævet",
        "Hjemvist",
        "Afvist/henvist",
        "I danmarkskortet",
        "Kilde",
    ]
    for r, flag in zip(rows[1:], ["Ja", "x", "NEJ", "1"], strict=True):
        r[6] = flag
    case = make_case(tmp_path, forvaltningsomraader=to_csv(rows, ";").encode("cp1252"))
    out = check_ok(capsys, case)
    assert "Advarsler: ingen." in out
    data = figures_json(capsys, case)
    assert without_sources(data) == without_sources(reference_figures)


# --- sag.toml -------------------------------------------------------------------------------------------

MINIMAL_SAG = """\
kommune = "Allerød"
aar = 2024
statistik = "statistik.csv"

[handleplan]
indstilling = "udarbejdes"
"""


def test_minimal_sag_toml(tmp_path, capsys, reference_figures):
    """Only the contract keys: kommune, aar, statistik and [handleplan] indstilling."""
    case = make_case(tmp_path, sag_toml=MINIMAL_SAG, forvaltningsomraader=None)
    out = check_ok(capsys, case)
    assert "Advarsler (1):" in out  # udarbejdes without a plan yet: the item says it comes later
    assert "nøgle 'handleplan.fil': indstillingen er at udarbejde en handleplan, men sagen har ingen" in out
    assert "Sammenligningskommuner" not in out and "Tabel 2" not in out
    data = figures_json(capsys, case)
    assert data["sammenligning"] is None and data["tabel2"] is None
    assert [r["navn"] for r in data["tabel1"]] == ["Allerød", "Hele landet"]
    assert data["danmarkskort"] == reference_figures["danmarkskort"]


def test_sag_toml_with_bom_and_crlf(tmp_path, capsys, reference_figures):
    """sag.toml saved by Notepad (UTF-8 with BOM, CRLF) is read as usual."""
    text = (EXAMPLE / "sag.toml").read_text(encoding="utf-8").replace("\n", "\r\n")
    case = make_case(tmp_path, sag_toml=b"\xef\xbb\xbf" + text.encode("utf-8"))
    check_ok(capsys, case)
    assert figures_json(capsys, case) == reference_figures


def test_statistics_read_again_are_parsed_once_and_checked_every_time(tmp_path, monkeypatch):
    """Every page of a case in the browser loads its statistics: the same bytes, name and ids are parsed once per
    process, but the file is read and checked on every load – changed bytes or other ids are parsed again, and a
    file swapped for a link out of the case folder is refused although its content was parsed before."""
    from reportgen.domain.errors import InputError
    from reportgen.domain.privacy import Ids
    from reportgen.domain.recent import Recent
    from reportgen.inputs import statistics

    monkeypatch.setattr(statistics, "PARSED", Recent(8))
    parsed: list[str] = []
    parse = statistics._parse
    monkeypatch.setattr(statistics, "_parse", lambda data, *rest: parsed.append(rest[1]) or parse(data, *rest))
    case = tmp_path / "sag"
    case.mkdir()
    path = case / "statistik.csv"
    path.write_bytes((EXAMPLE / "statistik.csv").read_bytes())
    first = statistics.load_statistics(path, "statistik.csv", case)
    assert statistics.load_statistics(path, "statistik.csv", case) is first and parsed == ["statistik.csv"]
    statistics.load_statistics(path, "statistik.csv", case, Ids(["KS-99-999"]))
    rows = statistik_rows()
    rows[1][STADF] = str(int(rows[1][STADF]) + 1)
    path.write_text(to_csv(rows), encoding="utf-8")
    changed = statistics.load_statistics(path, "statistik.csv", case)
    assert changed != first and len(parsed) == 3
    outside = tmp_path / "udenfor.csv"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(outside)
    with pytest.raises(InputError):
        statistics.load_statistics(path, "statistik.csv", case)
    assert len(parsed) == 3
