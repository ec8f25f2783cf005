"""Case-level records: the most far-reaching outcome, every figure of a known file, the check against the
statistics, diskretion, the sentences and tables in Bilag 1 and the sagsfremstilling, and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from casefactory import (
    DELETE,
    EXAMPLE,
    make_case,
    read_csv_rows,
    run_cli,
    to_csv,
    write_xlsx,
)

from reportgen.documents.compose import compose
from reportgen.documents.model import Heading, Paragraph, Table, plain_text
from reportgen.domain.areas import BILAG_AREAS
from reportgen.domain.counts import Counts
from reportgen.domain.errors import Problem
from reportgen.figures import klagesager as ks
from reportgen.figures.case import compute
from reportgen.inputs import klagesager as records
from reportgen.inputs import load_inputs

HEADER = ["sags_id", "borger_id", "aar", "omraade", "paragraf", "delafgoerelser", "aarsag", "opfoelgning"]
OPL = "Oplysningsgrundlag/begrundelse"
# Citizen BORGER-AAAA has cases in two areas; BORGER-CCCC has three cases; "sel §83" is spelled like "SEL § 83".
KNOWN = [
    ["SAG-0001", "BORGER-AAAA", "2024", "boernehandicap", "BL § 86", "stadfaestet|hjemvist", "Skøn", "til-fordel"],
    ["SAG-0002", "BORGER-AAAA", "2024", "boernehandicap", "BL § 87", "hjemvist|aendret", "Lovfortolkning", ""],
    ["SAG-0003", "BORGER-AAAA", "2024", "voksenhandicap", "SEL § 100", "afvist|stadfaestet", "", ""],
    ["SAG-0004", "BORGER-BBBB", "2024", "boernehandicap", "BL § 86", "afvist", "", ""],
    ["SAG-0005", "BORGER-BBBB", "2024", "boernehandicap", "BL § 86", "hjemvist", OPL, "verserer"],
    ["SAG-0006", "BORGER-CCCC", "2024", "oevrige", "SEL § 83", "ophaevet", OPL, ""],
    ["SAG-0007", "BORGER-CCCC", "2024", "oevrige", "sel §83", "hjemvist", "Nye oplysninger", "paaklaget-igen"],
    ["SAG-0008", "BORGER-CCCC", "2024", "oevrige", "SEL § 112", "stadfaestet", "", ""],
    ["SAG-0009", "BORGER-DDDD", "2024", "oevrige", "SEL § 112", "hjemvist", OPL, "fastholdt"],
    [
        "SAG-0010",
        "BORGER-EEEE",
        "2024",
        "oevrige",
        "SEL § 113",
        "hjemvist|stadfaestet",
        "Formelle fejl",
        "tilbagetrukket",
    ],
    ["SAG-0011", "BORGER-FFFF", "2024", "voksenhandicap", "SEL § 85", "stadfaestet", "", ""],
    ["SAG-0012", "BORGER-AAAA", "2023", "oevrige", "SEL § 83", "hjemvist", "Skøn", "til-fordel"],
]
KNOWN_IDS = {cell for row in KNOWN for cell in row[:2]}


def case_with(tmp_path: Path, rows: list[list[str]], name: str = "sag", **patch) -> Path:
    """The example case with klagesager.csv replaced by rows (header added) and sag.toml patched."""
    return make_case(
        tmp_path,
        name=name,
        files={"klagesager.csv": to_csv([HEADER, *rows])},
        sag_toml_patch={"diskretion": DELETE, **patch},
    )


def inputs_and_figures(case: Path):
    """A case's validated inputs and its figures."""
    inputs = load_inputs(case)
    return inputs, compute(inputs)


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    """Inputs and figures of the known file (no diskretion)."""
    return inputs_and_figures(case_with(tmp_path_factory.mktemp("known"), KNOWN))


def year(cf, aar: int = 2024) -> ks.YearFigures:
    """The records' figures of one year."""
    return cf.klagesager.year(aar)


# --- the most far-reaching outcome ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts, expected",
    [
        ("stadfaestet|hjemvist", "hjemvist"),
        ("hjemvist|stadfaestet", "hjemvist"),
        ("hjemvist|aendret", "aendret_ophaevet"),
        ("aendret|hjemvist", "aendret_ophaevet"),
        ("ophaevet|stadfaestet", "aendret_ophaevet"),
        ("afvist|stadfaestet", "stadfaestet"),
        ("stadfaestet|afvist", "stadfaestet"),
        ("afvist|hjemvist", "hjemvist"),
        ("afvist", "afvist_henvist"),
        ("afvist|afvist", "afvist_henvist"),
        ("stadfaestet|stadfaestet", "stadfaestet"),
    ],
)
def test_most_far_reaching_outcome(parts, expected):
    assert records.outcome(parts.split("|")) == expected


def test_delvist_hjemvist_needs_upheld_parts(known):
    inputs, _ = known
    partial = {c.row for c in inputs.klagesager.cases if c.delvist_hjemvist}
    assert partial == {2, 11}  # SAG-0001 and SAG-0010; "hjemvist|aendret" counts as aendret, not hjemvist


# --- every figure of a known file ----------------------------------------------------------------------------


def test_counts_per_area(known):
    _, cf = known
    y = year(cf)
    assert y.area("boernehandicap").counts == Counts(0, 1, 2, 1)
    assert y.area("voksenhandicap").counts == Counts(2, 0, 0, 0)
    assert y.area("oevrige").counts == Counts(1, 1, 3, 0)
    assert y.area(ks.TOTAL).counts == Counts(3, 2, 5, 1)
    assert year(cf, 2023).area(ks.TOTAL).counts == Counts(0, 0, 1, 0)
    assert [y.aar for y in cf.klagesager.years] == [2024, 2023]


def test_citizens_counted_once_per_area_and_once_overall(known):
    _, cf = known
    y = year(cf)
    borgere = {a: y.area(a).borgere for a in (*BILAG_AREAS, ks.TOTAL)}
    assert borgere == {"boernehandicap": 2, "voksenhandicap": 2, "oevrige": 3, ks.TOTAL: 6}
    omgjort = {a: y.area(a).borgere_omgjort for a in (*BILAG_AREAS, ks.TOTAL)}
    assert omgjort == {"boernehandicap": 2, "voksenhandicap": 0, "oevrige": 3, ks.TOTAL: 5}


def test_repeat_complainants(known):
    _, cf = known
    y = year(cf)
    repeat = {a: (y.area(a).gentager_sager, y.area(a).gentagere) for a in (*BILAG_AREAS, ks.TOTAL)}
    # AAAA has 2 + 1 cases in two areas, BBBB 2, CCCC 3: overall 8 cases from 3 citizens.
    assert repeat == {"boernehandicap": (4, 2), "voksenhandicap": (0, 0), "oevrige": (3, 1), ks.TOTAL: (8, 3)}


def test_partial_hjemvisninger_and_follow_up(known):
    _, cf = known
    y = year(cf)
    assert [y.area(a).delvist_hjemvist for a in (*BILAG_AREAS, ks.TOTAL)] == [1, 0, 1, 2]
    assert dict(y.area("boernehandicap").opfoelgning) == {
        "til-fordel": 1,
        "fastholdt": 0,
        "tilbagetrukket": 0,
        "paaklaget-igen": 0,
        "verserer": 1,
        "": 0,
    }
    assert dict(y.area(ks.TOTAL).opfoelgning) == {
        "til-fordel": 1,
        "fastholdt": 1,
        "tilbagetrukket": 1,
        "paaklaget-igen": 1,
        "verserer": 1,
        "": 0,
    }
    assert sum(n for _, n in y.area(ks.TOTAL).opfoelgning) == y.area(ks.TOTAL).counts.hjemvist
    # appealed again is a part of the maintained decisions, not a rival to them
    follow_up = y.area(ks.TOTAL).follow_up
    assert follow_up["fastholdt"] == 2 and follow_up["paaklaget-igen"] == 1
    assert sum(n for v, n in follow_up.items() if v != ks.APPEALED_AGAIN) == y.area(ks.TOTAL).counts.hjemvist


def test_paragraphs_by_count_then_natural_name(known):
    _, cf = known
    y = year(cf)
    assert y.area("oevrige").paragraffer == (
        ("SEL § 83", Counts(0, 1, 1, 0)),
        ("SEL § 112", Counts(1, 0, 1, 0)),
        ("SEL § 113", Counts(0, 0, 1, 0)),
    )
    assert [p for p, _ in y.area("voksenhandicap").paragraffer] == ["SEL § 85", "SEL § 100"]
    assert y.area("boernehandicap").paragraffer == (("BL § 86", Counts(0, 0, 2, 1)), ("BL § 87", Counts(0, 1, 0, 0)))


def test_reasons_of_reversed_cases_only(known):
    _, cf = known
    y = year(cf)
    assert y.area("oevrige").aarsager == ((OPL, 2), ("Formelle fejl", 1), ("Nye oplysninger", 1))
    assert y.area("boernehandicap").aarsager == (("Lovfortolkning", 1), (OPL, 1), ("Skøn", 1))
    assert y.area("voksenhandicap").aarsager == ()


def test_reason_not_given_comes_last():
    cases = [
        records.Klagesag(i, i, 2024, "oevrige", "§ 1", ("hjemvist",), r, "")
        for i, r in enumerate(["", "", "Skøn", "Lovfortolkning", "Skøn"])
    ]
    assert ks.area_figures(cases, 2024, "oevrige").aarsager == (("Skøn", 2), ("Lovfortolkning", 1), ("", 2))


def test_figures_json(known, capsys):
    inputs, _ = known
    result = run_cli(capsys, "figures", inputs.case.folder)
    assert result.code == 0, result.err
    data = json.loads(result.out)["klagesager"]
    assert data["fil"] == "klagesager.csv" and data["diskretion"] is None
    assert [y["aar"] for y in data["aar"]] == [2024, 2023]
    total = data["aar"][0]["omraader"]["i_alt"]
    assert total["borgere"] == 6 and total["borgere_med_flere_sager"] == 3
    assert total["sager_fra_borgere_med_flere_sager"] == 8 and total["delvist_hjemvist"] == 2
    assert total["sager"]["afgjorte"] == 11 and total["sager"]["omgoerelsesprocent"]["taeller"] == 7
    assert total["opfoelgning"]["ikke_oplyst"] == 0
    oevrige = data["aar"][0]["omraader"]["oevrige"]
    assert oevrige["paragraffer"][0] == {
        "paragraf": "SEL § 83",
        "sager": 2,
        "stadfaestet": 0,
        "aendret_ophaevet": 1,
        "hjemvist": 1,
        "afvist_henvist": 0,
        "omgjorte": 2,
    }
    assert oevrige["aarsager"][0] == {"aarsag": OPL, "sager": 2}
    assert not any(i in result.out + result.err for i in KNOWN_IDS)


def test_check_prints_the_headline_of_the_records(known, capsys):
    inputs, _ = known
    result = run_cli(capsys, "check", inputs.case.folder)
    assert result.code == 0, result.err
    assert (
        "  Klagesager (klagesager.csv): 11 sager fra 6 borgere, 7 omgjort; 3 borgere med mere end én sag "
        "(8 sager); 2 delvist hjemvist"
    ) in result.out.splitlines()
    assert not any(i in result.out + result.err for i in KNOWN_IDS)


# --- the check against the statistics ------------------------------------------------------------------------


def test_example_agrees_with_statistics(capsys):
    result = run_cli(capsys, "check", EXAMPLE)
    assert result.code == 0 and "Advarsler: ingen." in result.out


def test_disagreement_warns_with_both_numbers(tmp_path, capsys):
    """One example case moved from øvrige to voksenhandicap: two warnings, each with both sets of numbers."""
    rows = read_csv_rows(EXAMPLE / "klagesager.csv")
    moved = next(r for r in rows[1:] if r[3] == "oevrige" and r[5] == "stadfaestet")
    moved[3] = "voksenhandicap"
    case = make_case(tmp_path, files={"klagesager.csv": to_csv(rows)})
    result = run_cli(capsys, "check", case)
    assert result.code == 0, result.err
    warnings = [line for line in result.out.splitlines() if line.startswith("  - klagesager.csv")]
    assert len(warnings) == 2, result.out
    assert (
        "voksenhandicapområdet 2024 har filen 10 sager (4 stadfæstet, 1 ændret/ophævet, 5 hjemvist, "
        "0 afvist/henvist), men Ankestyrelsens statistik har 9 sager (3 stadfæstet, 1 ændret/ophævet, "
        "5 hjemvist, 0 afvist/henvist)"
    ) in warnings[0] + warnings[1]
    assert "det øvrige socialområde 2024 har filen 43 sager (16 stadfæstet" in "".join(warnings)
    assert "men Ankestyrelsens statistik har 44 sager (17 stadfæstet" in "".join(warnings)


def test_known_file_warns_per_area_and_year(known):
    _, cf = known
    texts = [str(w) for w in cf.warnings if w.file == "klagesager.csv"]
    assert any(
        "børnehandicapområdet 2024 har filen 4 sager (0 stadfæstet, 1 ændret/ophævet, 2 hjemvist, "
        "1 afvist/henvist), men Ankestyrelsens statistik har 12 sager (4 stadfæstet" in t
        for t in texts
    )
    # 2023 has no voksenhandicap cases in the file: the area is not covered, so it is not compared
    assert not any("voksenhandicapområdet 2023 har filen 0 sager" in t for t in texts)
    assert not any(i in t for t in texts for i in KNOWN_IDS)


def test_no_records_for_the_year_warns(tmp_path):
    inputs = load_inputs(case_with(tmp_path, [r for r in KNOWN if r[2] == "2023"]))
    cf = compute(inputs)
    assert any("ingen sager fra 2024" in str(w) for w in cf.warnings)
    packet = compose(inputs, cf)
    assert "Klagesagerne bag tallene" not in texts(packet.bilag1)


# --- sentences and tables ------------------------------------------------------------------------------------


def texts(document) -> str:
    """The document's headings and paragraphs as one text, no-break spaces as spaces."""
    parts = [plain_text(b.children) for b in document.blocks if isinstance(b, (Heading, Paragraph))]
    return " ".join(parts).replace("\u00a0", " ")


def tables_of(document) -> dict[str, Table]:
    """The document's tables by caption, with no-break spaces in cells and notes as spaces."""

    def plain(cells):
        return tuple(c.replace("\u00a0", " ") for c in cells)

    return {
        b.caption: Table(
            b.caption,
            b.header,
            tuple(plain(r) for r in b.rows),
            b.align,
            plain(b.total) if b.total else None,
            b.source,
            plain(b.notes),
        )
        for b in document.blocks
        if isinstance(b, Table)
    }


@pytest.fixture(scope="module")
def known_packet(known):
    """Both documents composed from the known file."""
    return compose(*known)


def test_sagsfremstilling_headline(known_packet):
    text = texts(known_packet.sagsfremstilling)
    assert "Registreringen omfatter 11 sager, og sagerne vedrørte 6 borgere." in text
    assert "Af sagerne kom 8 fra 3 borgere med mere end én sag." in text
    assert "De 7 omgjorte sager vedrørte 5 borgere." in text
    assert "Af de 5 hjemviste sager var 2 delvist hjemvist" in text
    assert "Bilag 1 viser for hvert område" in text
    assert (
        "For børnehandicapområdet, voksenhandicapområdet og det øvrige socialområde stemmer registreringen ikke "
        "med Ankestyrelsens tal" in text
    )


def test_bilag1_sentences_per_area(known_packet):
    text = texts(known_packet.bilag1)
    assert "Forvaltningens registrering omfatter 4 sager på børnehandicapområdet. Sagerne vedrørte 2 borgere." in text
    assert "Af sagerne kom 4 fra 2 borgere med mere end én sag." in text
    assert "Af sagerne kom 3 fra 1 borger med mere end én sag." in text  # øvrige: singular borger
    assert "Ingen borger havde mere end én sag på området." in text  # voksenhandicap
    assert "Flest sager vedrørte BL § 86: 3 sager, heraf 2 omgjort." in text
    assert "Flest sager vedrørte SEL § 85 og SEL § 100 med 1 sag hver." in text
    assert "Årsagerne til omgørelse var lovfortolkning, oplysningsgrundlag/begrundelse og skøn med 1 sag hver." in text
    assert "Den hyppigste årsag til omgørelse var oplysningsgrundlag/begrundelse (2 af de 4 omgjorte sager)." in text
    assert (
        "Af de 3 hjemviste sager endte 2 med en ny afgørelse med samme resultat (heraf 1 påklaget igen) og "
        "1 med, at ansøgningen blev trukket tilbage."
    ) in text
    assert (
        "Af de 2 hjemviste sager endte 1 med en ny afgørelse til borgerens fordel, mens 1 endnu ikke er afgjort igen."
    ) in text
    assert "Af de 3 hjemviste sager var 1 delvist hjemvist" in text
    assert "diskretion" not in text


def test_bilag1_tables(known_packet):
    t = tables_of(known_packet.bilag1)
    overview = t["Klagesager og borgere fordelt på områder, 2024"]
    assert overview.header == ("Nøgletal", "Børne\u00adhandicap", "Voksen\u00adhandicap", "Øvrige", "I alt")
    rows = {r[0]: r[1:] for r in overview.rows}
    assert rows["Borgere"] == ("2", "2", "3", "6")
    assert rows["Sager fra borgere med mere end én sag"] == ("4", "0", "3", "8")
    assert rows["Heraf delvist hjemvist"] == ("1", "0", "1", "2")
    assert overview.source == "Forvaltningens registrering af klagesagerne."
    paragraphs = t["Socialområdet – øvrige: klagesager fordelt på paragraffer, 2024"]
    assert paragraphs.rows == (("SEL § 83", "2", "2"), ("SEL § 112", "2", "1"), ("SEL § 113", "1", "1"))
    assert paragraphs.total == ("I alt", "5", "4")
    follow_up = t["Børnehandicapområdet: opfølgning på hjemviste sager, 2024"]
    assert follow_up.rows[0] == ("Ny afgørelse til borgerens fordel", "1")
    assert "Ikke oplyst" not in [r[0] for r in follow_up.rows] and follow_up.total == ("I alt", "2")
    assert "Voksenhandicapområdet: årsager til omgørelse, 2024" not in t  # no reversed cases there
    assert "Voksenhandicapområdet: opfølgning på hjemviste sager, 2024" not in t
    assert (
        "Sager omfatter også afviste sager." in t["Børnehandicapområdet: klagesager fordelt på paragraffer, 2024"].notes
    )


def test_single_case_singular(tmp_path):
    rows = [["S-1", "B-1", "2024", "voksenhandicap", "SEL § 96", "stadfaestet|hjemvist", "Skøn", "til-fordel"]]
    packet = compose(*inputs_and_figures(case_with(tmp_path, rows)))
    text = texts(packet.bilag1)
    assert "Forvaltningens registrering omfatter 1 sag på voksenhandicapområdet. Sagen vedrørte 1 borger." in text
    assert "Sagen vedrørte SEL § 96." in text
    assert "Den hjemviste sag var delvist hjemvist" in text
    assert "Årsagen til omgørelsen var skøn." in text
    assert "Den hjemviste sag endte med en ny afgørelse til borgerens fordel." in text
    assert "Forvaltningens registrering omfatter" not in text.split("Børnehandicapområdet")[1].split("Voksen")[0]
    sagsfremstilling = texts(packet.sagsfremstilling)
    assert "klagesager fra 2024 på voksenhandicapområdet; de øvrige områder er ikke med" in sagsfremstilling
    assert "Registreringen omfatter 1 sag, og sagen vedrørte 1 borger." in sagsfremstilling
    assert "For voksenhandicapområdet stemmer registreringen ikke med Ankestyrelsens tal" in sagsfremstilling


# --- diskretion ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def discreet_packet(tmp_path_factory):
    """Both documents composed from the known file with diskretion = 3."""
    case = case_with(tmp_path_factory.mktemp("discreet"), KNOWN, diskretion=3)
    return compose(*inputs_and_figures(case))


def test_diskretion_in_tables(discreet_packet):
    t = tables_of(discreet_packet.bilag1)
    rows = {r[0]: r[1:] for r in t["Klagesager og borgere fordelt på områder, 2024"].rows}
    # the known file does not agree with the statistics, so even its counts of cases are its own and may be hidden
    assert rows["Borgere"][:2] == ("< 3", "< 3")
    assert rows["Borgere med mere end én sag"][0] == "< 3" and rows["Borgere med mere end én sag"][2] == "< 3"
    # voksenhandicap's 2 cases: "< 3" beside its paragraph table's two paragraphs (a case each at least) would tell 2
    assert rows["Sager i alt"][1] == "x"
    hidden = [table for table in t.values() if {"< 3", "x"} & {c for row in table.rows for c in row}]
    assert hidden and all("diskretion" in " ".join(table.notes) for table in hidden)


def test_diskretion_leaves_small_counts_out_of_sentences(discreet_packet):
    text = texts(discreet_packet.bilag1)
    assert "Af hensyn til diskretion vises antal under 3" in text
    assert "Sagerne vedrørte 2 borgere" not in text
    assert "Af sagerne kom 4 fra 2 borgere" not in text
    assert "Forvaltningens registrering omfatter 2 sager på voksenhandicapområdet" not in text
    assert "Af de 3 hjemviste sager endte" not in text  # each ending has 1 case
    numbers = {int(n) for n in re.findall(r"\b(\d+) (?:sag|sager|borger|borgere)\b", text)}
    assert not numbers & {1, 2}


def test_diskretion_keeps_a_single_case_out_of_the_paragraph_sentence(tmp_path):
    """An area whose one case the tables hide (the file does not agree with the statistics): "Sagen vedrørte …"
    would say there is one, "Alle sagerne vedrørte …" that there are more; neither is written."""
    rows = [row for row in KNOWN if row[0] != "SAG-0011"]  # voksenhandicap keeps one case, under SEL § 100
    inputs, cf = inputs_and_figures(case_with(tmp_path, rows, diskretion=3))
    packet = compose(inputs, cf)
    overview = tables_of(packet.bilag1)["Klagesager og borgere fordelt på områder, 2024"]
    assert dict((r[0], r[1:]) for r in overview.rows)["Sager i alt"][1] in ("< 3", "x")
    text = texts(packet.bilag1)
    assert "vedrørte sel § 100" not in text.lower()


def test_diskretion_does_not_touch_the_statistics(discreet_packet):
    t = tables_of(discreet_packet.bilag1)
    overview = t["Realitetsbehandlede sager fordelt på områder, 2024"]
    assert "< 3" not in str(overview.rows)


# --- bad input -------------------------------------------------------------------------------------------------


def bad(tmp_path: Path, capsys, rows: list[list[str]], header: list[str] = HEADER):
    """Run `check` on the known file changed; return the result and the ids that must not appear."""
    lines = ([header] if header else []) + rows
    case = make_case(tmp_path, files={"klagesager.csv": to_csv(lines)}, sag_toml_patch={"diskretion": DELETE})
    result = run_cli(capsys, "check", case)
    ids = {cell for row in rows for i, cell in enumerate(row[:2]) if cell and (not header or header[i] in HEADER)}
    for secret in ids | KNOWN_IDS:
        assert secret not in result.out + result.err, f"{secret} leaked:\n{result.err}"
    return result


def copy_known() -> list[list[str]]:
    """A fresh copy of the known rows, to change."""
    return [list(r) for r in KNOWN]


def problem_lines(err: str) -> list[str]:
    """The problem lines of an input-error message, without the bullet."""
    return [line[4:] for line in err.splitlines() if line.startswith("  - ")]


def test_unknown_part(tmp_path, capsys):
    rows = copy_known()
    rows[2][5] = "stadfaestet|hjemvisst"
    result = bad(tmp_path, capsys, rows)
    assert result.code == 2
    assert problem_lines(result.err) == [
        "klagesager.csv, række 4, kolonne 'delafgoerelser': ukendt delafgørelse 'hjemvisst'. Mente du 'hjemvist'? "
        "Tilladte værdier: 'stadfaestet', 'aendret', 'ophaevet', 'hjemvist', 'afvist'."
    ]


def test_unknown_follow_up(tmp_path, capsys):
    rows = copy_known()
    rows[4][7] = "bevilget"
    result = bad(tmp_path, capsys, rows)
    assert result.code == 2
    [line] = problem_lines(result.err)
    assert line.startswith("klagesager.csv, række 6, kolonne 'opfoelgning': ukendt opfølgning 'bevilget'.")
    assert "'til-fordel', 'fastholdt', 'tilbagetrukket', 'paaklaget-igen', 'verserer'" in line


def test_missing_column(tmp_path, capsys):
    rows = [r[:6] + r[7:] for r in copy_known()]
    result = bad(tmp_path, capsys, rows, header=HEADER[:6] + HEADER[7:])
    assert result.code == 2
    assert problem_lines(result.err) == [
        "klagesager.csv, række 1: mangler kolonnen 'aarsag'. Den første række skal være overskriften med "
        "kolonnerne sags_id, borger_id, aar, omraade, paragraf, delafgoerelser, aarsag, opfoelgning."
    ]


def test_duplicate_sags_id_names_both_rows_not_the_id(tmp_path, capsys):
    rows = copy_known()
    rows[7][0] = rows[2][0]
    result = bad(tmp_path, capsys, rows)
    assert result.code == 2
    assert problem_lines(result.err) == [
        "klagesager.csv, række 9, kolonne 'sags_id': sagen står også i række 4 (samme sags_id). "
        "Slet den ene af de to rækker, eller ret sags_id, så hver sag har sit eget."
    ]
    assert rows[2][0] not in result.err


def test_file_without_header_echoes_no_cell(tmp_path, capsys):
    result = bad(tmp_path, capsys, copy_known(), header=[])
    assert result.code == 2
    [line] = problem_lines(result.err)
    assert line.startswith("klagesager.csv, række 1: mangler kolonnerne 'sags_id', 'borger_id'")


def test_id_in_another_column_is_not_echoed(tmp_path, capsys):
    rows = copy_known()
    rows[0][5] = rows[0][0]  # the sags_id pasted into delafgoerelser
    rows[1][3] = rows[5][1]  # a borger_id in omraade
    rows[2][2] = rows[2][1]  # and in aar
    result = bad(tmp_path, capsys, rows)
    assert result.code == 2
    lines = problem_lines(result.err)
    assert lines == [
        "klagesager.csv, række 2, kolonne 'delafgoerelser': ukendt delafgørelse '…'. "
        "Tilladte værdier: 'stadfaestet', 'aendret', 'ophaevet', 'hjemvist', 'afvist'.",
        "klagesager.csv, række 3, kolonne 'omraade': ukendt område '…'. "
        "Tilladte værdier: 'boernehandicap', 'voksenhandicap', 'oevrige'.",
        "klagesager.csv, række 4, kolonne 'aar': '…' er ikke et årstal. Skriv året med fire cifre, fx 2024.",
    ]


def test_id_in_a_shown_text_column_is_refused(tmp_path, capsys):
    rows = copy_known()
    rows[5][6] = f"Skøn (se {rows[3][1]})"
    rows[6][4] = f"{rows[6][0]} § 83"
    result = bad(tmp_path, capsys, rows)
    assert result.code == 2
    lines = problem_lines(result.err)
    assert [line.split(":")[0] for line in lines] == [
        "klagesager.csv, række 7, kolonne 'aarsag'",
        "klagesager.csv, række 8, kolonne 'paragraf'",
    ]
    assert all("indeholder et sags_id eller borger_id" in line for line in lines)


def test_too_many_fields_prints_no_cells(tmp_path, capsys):
    rows = copy_known()
    rows[3].append("BORGER-EXTRA-99")
    result = bad(tmp_path, capsys, rows)
    assert result.code == 2
    assert problem_lines(result.err) == [
        "klagesager.csv, række 5: rækken har 9 felter, men overskriften har 8. "
        "Tjek skilletegn og anførselstegn i rækken."
    ]
    assert "BORGER-EXTRA-99" not in result.err


def test_all_row_problems_at_once(tmp_path, capsys):
    rows = copy_known()
    rows[0][1] = ""
    rows[1][3] = "socialomraadet"
    rows[2][2] = "2024K1"
    rows[3][4] = ""
    rows[4][5] = ""
    result = bad(tmp_path, capsys, rows)
    assert result.code == 2
    lines = problem_lines(result.err)
    assert [line.split(":")[0] for line in lines] == [
        "klagesager.csv, række 2, kolonne 'borger_id'",
        "klagesager.csv, række 3, kolonne 'omraade'",
        "klagesager.csv, række 4, kolonne 'aar'",
        "klagesager.csv, række 5, kolonne 'paragraf'",
        "klagesager.csv, række 6, kolonne 'delafgoerelser'",
    ]
    assert "sager uden for handicapkortene er 'oevrige'" in lines[1]


def test_values_that_count_for_nothing_warn(tmp_path, capsys):
    rows = copy_known()
    rows[7][7] = "til-fordel"  # follow-up on a stadfæstet case
    rows[1][7] = "fastholdt"  # follow-up on a case that counts as aendret
    rows[10][6] = "Skøn"  # reason on a stadfæstet case
    result = bad(tmp_path, capsys, rows)
    assert result.code == 0, result.err
    assert (
        "klagesager.csv: kolonnen 'opfoelgning' er udfyldt for 2 sager, der ikke tæller som hjemvist "
        "(række 3 og 9); opfølgningen tæller ikke med."
    ) in result.out
    assert (
        "klagesager.csv: kolonnen 'aarsag' er udfyldt for 1 sag, der hverken er ændret, ophævet eller "
        "hjemvist (række 12); årsagen tæller ikke med."
    ) in result.out


def test_masked_problem_keeps_column_names():
    p = records._masked(Problem("k.csv", "kolonnen 'SAG-0001' står to gange; 'sags_id' også.", row=1))
    assert p.message == "kolonnen '…' står to gange; 'sags_id' også."
    assert records._masked(Problem("k.xls", "ukendt filtype '.xls'.")).message == "ukendt filtype '.xls'."


def test_danish_headers_and_aliases(tmp_path):
    header = ["Sags_id", "Borger_id", "År", "Område", "Paragraf", "Delafgørelser", "Årsag", "Opfølgning"]
    rows = copy_known()
    rows[0][5] = "Stadfæstelse | Hjemvisning"
    rows[0][3] = "Børnehandicapområdet"
    rows[0][7] = "Til fordel"
    case = make_case(tmp_path, files={"klagesager.csv": to_csv([header, *rows], ";")})
    inputs = load_inputs(case)
    first = inputs.klagesager.cases[0]
    assert (first.dele, first.omraade, first.opfoelgning) == (
        ("stadfaestet", "hjemvist"),
        "boernehandicap",
        "til-fordel",
    )


def test_xlsx_gives_the_same_figures(tmp_path, known):
    """The records as XLSX (years and pseudonyms as numbers) count the same as the CSV."""
    rows = [[int(c) if c.isdigit() else c for c in r] for r in KNOWN]
    for number, row in enumerate(rows, start=1):
        row[1] = 1000 + sorted(KNOWN_IDS).index(KNOWN[number - 1][1])
    case = make_case(tmp_path, sag_toml_patch={"klagesager": "klagesager.xlsx", "diskretion": DELETE})
    write_xlsx(case / "klagesager.xlsx", [HEADER, *rows])
    _, cf = inputs_and_figures(case)
    assert cf.klagesager.years == known[1].klagesager.years
