"""The figures of the reference item (Allerød 2024) and the arithmetic behind them."""

from fractions import Fraction
from pathlib import Path

import pytest
from casefactory import DELETE, make_case, statistik_rows, to_csv

from reportgen.domain.counts import Counts, direction, round_half_up, whole_percent
from reportgen.figures import rates as f
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "eksempler" / "allerod-2024"

# Tabel 1 of the reference item: rate and count per municipality, 2024, 2023, 2022, 2021.
REFERENCE_TABEL1 = {
    "Allerød": [(63, 65), (44, 45), (55, 47), (42, 53)],
    "Hillerød": [(53, 72), (37, 86), (44, 79), (34, 68)],
    "Hørsholm": [(56, 25), (35, 26), (41, 27), (36, 28)],
    "Furesø": [(44, 55), (33, 52), (32, 63), (25, 48)],
    "Rudersdal": [(46, 41), (43, 46), (33, 42), (27, 55)],
}
# Tabel 2: per forvaltningsområde and I alt, % omgjort of all decided (the item's column) and official.
REFERENCE_TABEL2_ALL = [46, 68, 50, 63, 55]
REFERENCE_TABEL2_OFFICIAL = [53, 76, 50, 63, 61]


@pytest.fixture(scope="module")
def cf():
    return compute(load_inputs(EXAMPLE))


def test_tabel1_every_cell(cf):
    assert cf.years == (2024, 2023, 2022, 2021)
    rows = {r.navn: r for r in cf.tabel1 if r.rolle != "landet"}
    assert list(rows) == list(REFERENCE_TABEL1)
    for name, expected in REFERENCE_TABEL1.items():
        got = [(whole_percent(f.omgoerelsesprocent(c)), c.realitetsbehandlede) for c in rows[name].counts]
        assert got == expected, name


def test_tabel1_order_kommune_comparison_landet(cf):
    assert [r.rolle for r in cf.tabel1] == ["kommune"] + ["sammenligning"] * 4 + ["landet"]
    assert cf.tabel1[-1].navn == "Hele landet"


def test_tabel2_both_denominators(cf):
    rows = [r.counts for r in cf.tabel2] + [cf.tabel2_total]
    assert [whole_percent(f.omgoerelse_af_alle(c)) for c in rows] == REFERENCE_TABEL2_ALL
    assert [whole_percent(f.omgoerelsesprocent(c)) for c in rows] == REFERENCE_TABEL2_OFFICIAL
    assert [c.afgjorte for c in rows] == [37, 28, 12, 8, 85]
    assert cf.tabel2_total == Counts(30, 8, 39, 8)


def test_tabel2_danmarkskort_rows_equal_the_map(cf):
    marked = cf.tabel2_danmarkskort
    assert (marked.stadfaestet, marked.aendret_ophaevet, marked.hjemvist) == (24, 8, 33)
    assert marked.afvist_henvist == 8  # the map itself counts no afviste; Tabel 2 does
    assert cf.warnings == ()


def test_prose_figures(cf):
    c = cf.current
    assert (c.stadfaestet, c.aendret_ophaevet, c.hjemvist, c.realitetsbehandlede) == (24, 8, 33, 65)
    assert whole_percent(f.aendret_andel(c)) == 12  # 8 of 65 ≈ 12 %
    assert cf.change.cases_delta == 20 and cf.change.cases_direction == "stigning"  # 65 mod 45
    assert cf.change.points_delta == 19
    assert whole_percent(f.omgoerelsesprocent(c)) == 63
    assert whole_percent(f.omgoerelsesprocent(cf.landet)) == 45


def test_oevrige_is_general_minus_handicap(cf):
    oevrige = cf.area("oevrige")[0].counts
    assert oevrige == Counts(24 - 4 - 3, 8 - 2 - 1, 33 - 6 - 5, 0)


def test_group_all_increased(cf):
    assert cf.group.stigning == 4 and cf.group.fald == 0 and cf.group.med_forrige == 4
    assert cf.group.hoejere == 0 and cf.group.lavere == 4


def test_group_counts_each_member_by_what_it_has(tmp_path):
    """Hillerød has no 2024 figures, Hørsholm no rate in 2024, Furesø Allerød's 63 % but no 2023 figures, and
    Rudersdal a higher rate than Allerød that fell since 2023."""
    changed = {
        ("Hillerød", "2024"): None,
        ("Hørsholm", "2024"): ["0", "0", "0", "3"],
        ("Furesø", "2024"): ["24", "8", "33", "0"],
        ("Furesø", "2023"): None,
        ("Rudersdal", "2024"): ["10", "10", "30", "0"],  # 80 %
        ("Rudersdal", "2023"): ["2", "8", "10", "0"],  # 90 %
    }
    rows = []
    for row in statistik_rows():
        key = (row[0], row[1]) if row[2] == "socialomraadet" else None
        if key not in changed:
            rows.append(row)
        elif changed[key] is not None:
            rows.append([*row[:3], *changed[key], *row[7:]])
    case = make_case(
        tmp_path, statistik=to_csv(rows), sag_toml_patch={"landsudtraek": DELETE}
    )  # it has the old figures
    group = compute(load_inputs(case)).group
    assert (group.navne, group.mangler) == (("Hørsholm", "Furesø", "Rudersdal"), ("Hillerød",))
    assert group.samlet == Counts(34, 18, 63, 3)
    assert (group.hoejere, group.lavere) == (1, 0)
    assert (group.stigning, group.fald, group.med_forrige) == (0, 1, 1)


def test_rate_undefined_without_cases():
    assert f.omgoerelsesprocent(Counts(0, 0, 0, 3)) is None
    assert f.change(Counts(), Counts(1, 0, 0, 0)).points_delta is None


def test_half_up_not_bankers():
    assert whole_percent(Fraction(5, 8)) == 63  # 62,5 → 63 (round() would give 62)
    assert whole_percent(Fraction(1, 8)) == 13  # 12,5 → 13
    assert round_half_up(Fraction(725, 100), 1) == Fraction(73, 10)


def test_direction_words():
    assert [direction(x) for x in (3, -1, 0)] == ["stigning", "fald", "uændret"]


def test_fragile_small_areas():
    assert f.is_fragile(Counts(5, 2, 2, 0))  # 9 cases: one case is 11 points
    assert not f.is_fragile(Counts(15, 2, 3, 0))  # 20 cases: exactly 5 points is not "more than 5"
    assert not f.is_fragile(Counts())
