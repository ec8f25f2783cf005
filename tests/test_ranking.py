"""The map's classes and the municipality's rank among the country's municipalities (pure functions)."""

import pytest

from reportgen.domain.counts import Counts
from reportgen.figures.ranking import (
    BREAKS,
    Rank,
    class_bounds,
    map_figures,
    quartile,
    rank,
    rate_class,
    shown_percent,
)


def rate(omgjort: int, stadfaestet: int) -> Counts:
    return Counts(stadfaestet=stadfaestet, hjemvist=omgjort)


def test_classes_have_fixed_breaks_and_a_break_belongs_to_the_class_above():
    assert BREAKS == (30, 40, 50, 60)
    assert [rate_class(p) for p in (0, 29, 30, 39, 40, 49, 50, 59, 60, 100)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert [class_bounds(k) for k in range(5)] == [(None, 29), (30, 39), (40, 49), (50, 59), (60, None)]


def test_class_follows_the_shown_half_up_percentage():
    on_break = Counts(stadfaestet=5, hjemvist=3)  # 37.5 % is shown as 38 %
    assert shown_percent(on_break) == 38
    just_below = Counts(stadfaestet=101, hjemvist=99)  # 49.5 % is shown as 50 %: class 50–59, as the reader sees it
    assert shown_percent(just_below) == 50 and rate_class(shown_percent(just_below)) == 3
    assert rate_class(shown_percent(Counts(stadfaestet=199, hjemvist=1))) == 0  # 0.5 % → 1 %


def test_zero_realitetsbehandlede_has_no_rate_and_no_class():
    zero = Counts(afvist_henvist=4)
    assert shown_percent(zero) is None
    assert rate_class(None) is None


def test_rank_shares_places_between_equal_rates():
    rates = {"A": 70, "B": 63, "C": 63, "D": 63, "E": 40, "F": None}
    assert rank(rates, "A") == Rank(plads=1, plads_fra_bund=5, delt_med=0, antal=5, kvartil=1)
    assert rank(rates, "C") == Rank(plads=2, plads_fra_bund=2, delt_med=2, antal=5, kvartil=1)
    assert rank(rates, "E") == Rank(plads=5, plads_fra_bund=1, delt_med=0, antal=5, kvartil=4)
    assert rank(rates, "F") is None  # no rate, no rank
    assert rank(rates, "G") is None  # no figures at all


def test_rank_is_said_from_the_nearer_end():
    rates = {str(i): i for i in range(10)}
    assert rank(rates, "9").fra_toppen and not rank(rates, "1").fra_toppen


def test_quartiles_of_98():
    assert [quartile(p, 98) for p in (1, 25, 26, 49, 50, 74, 75, 98)] == [1, 1, 2, 2, 3, 3, 4, 4]
    assert quartile(1, 1) == 1
    with pytest.raises(ValueError):
        quartile(99, 98)


COUNTRY = tuple(f"K{i:02d}" for i in range(8))


def test_full_coverage_gives_rank_and_the_count_above_the_national_rate():
    counts = {k: rate(i + 1, 9 - i) for i, k in enumerate(COUNTRY)}  # 10 %, 20 %, … 80 %
    mf = map_figures("socialomraadet", 2024, "K05", counts, COUNTRY, rate(45, 55))
    assert mf.fuld and mf.med_tal == mf.i_alt == 8
    assert mf.landet == 45
    assert mf.placering == Rank(plads=3, plads_fra_bund=6, delt_med=0, antal=8, kvartil=2)
    assert mf.over_landet == 4  # 50, 60, 70, 80 %
    assert mf.klasse_antal() == (2, 1, 1, 1, 3)
    assert mf.spaend() == ((10, ("K00",)), (80, ("K07",)))


def test_partial_coverage_gives_no_rank():
    counts = {k: rate(5, 5) for k in COUNTRY[:-1]}
    mf = map_figures("boernehandicap", 2024, "K00", counts, COUNTRY, rate(1, 1))
    assert not mf.fuld and mf.mangler == ("K07",) and mf.med_tal == 7
    assert mf.placering is None and mf.over_landet is None


def test_municipality_without_figures_or_without_cases():
    counts = {k: rate(5, 5) for k in COUNTRY}
    counts["K03"] = Counts(afvist_henvist=2)
    mf = map_figures("socialomraadet", 2024, "K03", counts, COUNTRY, None)
    assert mf.fuld and mf.placering is None and mf.over_landet is None  # no national rate: no count above it
    assert mf.procent("K03") is None and mf.uden_procent() == ("K03",)
    assert mf.klasse_antal() == (0, 0, 0, 7, 0)  # seven at 50 %, K03 in no class
    other = map_figures("socialomraadet", 2024, "K01", counts, COUNTRY, rate(1, 1))
    assert other.placering == Rank(plads=1, plads_fra_bund=1, delt_med=6, antal=7, kvartil=1)
    assert other.over_landet == 0  # equal to the national 50 % is not above it


def test_no_figures_at_all():
    mf = map_figures("voksenhandicap", 2024, "K00", {}, COUNTRY, None)
    assert mf.med_tal == 0 and mf.spaend() is None and mf.placering is None
