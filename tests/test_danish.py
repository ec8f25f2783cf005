"""Danish formatting: half-up rounding, separators, dates, number agreement (with property tests)."""

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.domain import danish as d
from reportgen.domain.counts import whole_percent

NBSP = "\u00a0"
shares = st.fractions(min_value=0, max_value=1, max_denominator=100_000)


@given(st.integers(min_value=0, max_value=199))
def test_ties_round_up(n):
    # n + 0.5 percent exactly: always rounds up, never to even.
    assert whole_percent(Fraction(2 * n + 1, 200)) == n + 1


@given(shares)
def test_rounding_within_half_a_point(s):
    assert abs(whole_percent(s) - s * 100) <= Fraction(1, 2)


@given(shares)
def test_percent_round_trips(s):
    text = d.percent(s)
    assert text.endswith(f"{NBSP}%")
    assert d.parse_percent(text) == whole_percent(s)


@given(st.integers(min_value=0, max_value=10**9))
def test_count_round_trips(n):
    text = d.count(n)
    assert d.parse_count(text) == n
    assert "," not in text


@given(st.fractions(min_value=0, max_value=10**6, max_denominator=1000))
def test_decimal_round_trips_within_rounding(x):
    assert abs(d.parse_decimal(d.decimal(x, 1)) - x) <= Fraction(1, 20)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_a_long_date_in_a_text_is_kept_on_one_line(day):
    text = d.unbroken_dates(f"Frist {d.long_date(day)}: status.")
    assert text == f"Frist {d.long_date(day).replace(' ', NBSP)}: status."


def test_a_cell_without_figures_is_named_not_dashed():
    """ "–" means no realitetsbehandlede cases; a year or area the extract lacks reads "ingen tal"."""
    assert d.rate_cell(None, None) == f"ingen{NBSP}tal" and d.rate_cell(None, 0) == "– (0)"


def test_examples():
    assert d.percent(Fraction(5, 8)) == f"63{NBSP}%"
    assert d.percent(None) == "–"
    assert d.rate_cell(Fraction(41, 65), 65) == f"63{NBSP}% (65)"
    assert d.rate_cell(None, 0) == "– (0)"
    assert d.count(10000) == "10.000"
    assert d.decimal(Fraction(725, 100)) == "7,3"
    assert d.percent_decimal(Fraction(18, 400)) == f"4,5{NBSP}%"
    assert d.long_date(date(2025, 9, 23)) == "23. september 2025"
    assert d.short_date(date(2025, 9, 3)) == "03-09-2025"
    assert (
        d.unbroken_dates("frist 31. december 2025, start 1. januar")
        == f"frist 31.{NBSP}december{NBSP}2025, start 1.{NBSP}januar"
    )
    assert d.unbroken_dates("den 3.\nmaj 2026 og 12. marts") == f"den 3.{NBSP}maj{NBSP}2026 og 12.{NBSP}marts"
    assert d.unbroken_dates("§ 79 b, stk. 2. M1 i 2025 og 31. decembre") == "§ 79 b, stk. 2. M1 i 2025 og 31. decembre"
    assert (d.sager(1), d.sager(2), d.sager(0)) == ("1 sag", "2 sager", "0 sager")
    assert (d.borgere(1), d.borgere(3)) == ("1 borger", "3 borgere")
    assert d.points(-1) == "1 procentpoint" and d.points(19) == "19 procentpoint"
    assert d.direction_noun("fald") == "et fald"
    assert d.join(["a", "b", "c"]) == "a, b og c" and d.join(["a"]) == "a"


@pytest.mark.parametrize(
    ("label", "in_sentence"),
    [
        ("Serviceloven § 42", "servicelovens § 42"),
        ("Barnets lov § 86", "barnets lov § 86"),
        ("Retssikkerhedsloven § 79 b", "retssikkerhedslovens § 79 b"),
        ("Ældreloven § 10", "ældrelovens § 10"),
        ("SEL § 83", "SEL § 83"),  # an abbreviation as the registration writes it
    ],
)
def test_a_paragraph_is_named_with_its_law_in_the_genitive(label, in_sentence):
    assert d.provision(label) == in_sentence


def test_quotations_in_danish_quotation_marks():
    assert d.quoted("I alt") == "»I alt«"
