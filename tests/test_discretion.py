"""Discretion: no count under `diskretion` from the case-level records can be read or worked out from Bilag 1
(and Bilag 2's tables of all areas read beside it).

The property test reads the tables as a reader would – the shown numbers, "< N" for a small count (1 to N − 1),
"x" for any other hidden count – together with what the tables' rows and columns mean (sums,
totals, citizens and their cases), and checks by exhaustive search that every "< N" cell still fits at least
two values. The reader's relations are written out here, from the tables, independently of the module that
decides what to hide.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import count

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reportgen.documents import tables
from reportgen.documents.model import Table
from reportgen.domain.areas import BILAG_AREAS
from reportgen.figures import discretion as ds
from reportgen.figures import klagesager as ks
from reportgen.inputs.klagesager import FOLLOW_UPS, Klagesag

AAR = 2024
SMALL, HIDDEN = "small", "x"

# --- the module itself, on the shapes the issue names --------------------------------------------------------------


def grid(values: dict[str, int], relations: list[ds.Relation], public: set[str] = frozenset()) -> ds.Grid:
    return ds.Grid(dict(values), set(public), relations)


def test_one_small_cell_in_a_sum_hides_another():
    g = grid({"a": 2, "b": 7, "c": 5, "t": 14}, [ds.total("t", ["a", "b", "c"])], {"t"})
    hidden = ds.suppress(g, 3)
    assert hidden.state("a") == "small" and hidden.derivable == {"c"}  # the smaller of the two others


def test_the_repeat_complainants_beside_their_cases():
    # "Borgere med mere end én sag < 3" beside "Sager fra dem 3": two of them would have four cases or more
    g = grid(
        {"gentagere": 1, "gentager_sager": 3, "borgere": 5, "sager": 7},
        [
            ds.equal({"borgere": 1, "gentagere": -1, "sager": -1, "gentager_sager": 1}),
            ds.at_most({"gentagere": 2, "gentager_sager": -1}),
        ],
        {"sager"},
    )
    hidden = ds.suppress(g, 3)
    assert hidden.state("gentagere") == "small"
    assert {"gentager_sager", "borgere"} & hidden.derivable


def test_small_cells_that_must_all_be_one_are_broken_up():
    # six paragraphs "< 3" reversed and one 0, total 6: six cells of at least 1 adding up to 6 are all 1
    cells = {f"p{i}": 1 for i in range(6)} | {"p6": 0, "t": 6}
    g = grid(cells, [ds.total("t", [f"p{i}" for i in range(7)])], {"t"})
    hidden = ds.suppress(g, 3)
    assert len(hidden.small) < 6 and hidden.derivable  # one of them is "x": it could be 0 as well


def test_a_count_under_2_is_shown_as_x():
    # "< 2" can only be 1: the count is hidden as "x", and so is the count it could be worked out from
    g = grid({"a": 1, "b": 2, "t": 3}, [ds.total("t", ["a", "b"])], {"t"})
    assert ds.suppress(g, 2) == ds.Suppression(frozenset(), frozenset({"a", "b"}))


def test_nothing_hidden_without_diskretion():
    g = grid({"a": 1, "t": 1}, [ds.total("t", ["a"])])
    assert ds.suppress(g, None) == ds.Suppression()


def narrowed_value_by_value(domains, relations):
    """Bounds consistency the slow, plain way: every relation, every value, until a whole round removes nothing."""
    domains = dict(domains)
    changed = True
    while changed:
        changed = False
        for r in relations:
            for k, a in r.terms:
                rest_low = sum(min(c * domains[o][0], c * domains[o][-1]) for o, c in r.terms if o != k)
                rest_high = sum(max(c * domains[o][0], c * domains[o][-1]) for o, c in r.terms if o != k)
                values = [
                    v
                    for v in domains[k]
                    if a * v + rest_low <= r.bound and (not r.equal or a * v + rest_high >= r.bound)
                ]
                if not values:
                    return None
                if values != domains[k]:
                    domains[k], changed = values, True
    return domains


cells = st.sampled_from("abcd")
relations = st.lists(
    st.builds(
        ds.Relation,
        st.lists(st.tuples(cells, st.integers(-3, 3)), min_size=1, max_size=4, unique_by=lambda t: t[0]).map(tuple),
        st.integers(-10, 30),
        st.booleans(),
    ),
    min_size=1,
    max_size=3,
)
intervals = st.fixed_dictionaries({k: st.tuples(st.integers(-3, 15), st.integers(0, 9)) for k in "abcd"})


@settings(max_examples=300, deadline=None, derandomize=True)
@given(intervals=intervals, relations=relations)
def test_narrowing_keeps_exactly_the_values_each_relation_allows(intervals, relations):
    domains = {k: (first, first + more) for k, (first, more) in intervals.items()}
    touching = {k: [i for i, r in enumerate(relations) if k in r.keys] for k in domains}
    narrowed = ds._narrow(domains, relations, touching)
    plain = narrowed_value_by_value({k: list(range(a, b + 1)) for k, (a, b) in domains.items()}, relations)
    assert narrowed == (None if plain is None else {k: (v[0], v[-1]) for k, v in plain.items()})
    assert plain is None or all(v == list(range(v[0], v[-1] + 1)) for v in plain.values())  # intervals stay intervals


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    domains=st.fixed_dictionaries(
        {k: st.lists(st.integers(-3, 9), min_size=1, max_size=8, unique=True).map(sorted) for k in "abc"}
    ),
    relations=relations.map(lambda rs: [r for r in rs if r.keys <= set("abc")]),
)
def test_a_solution_is_found_exactly_when_one_exists(domains, relations):
    # the search against trying every combination, domains with gaps included
    from itertools import product

    keys = list(domains)
    every = (dict(zip(keys, values, strict=True)) for values in product(*domains.values()))
    holds = [
        v
        for v in every
        if all(
            (sum(a * v[k] for k, a in r.terms) == r.bound)
            if r.equal
            else (sum(a * v[k] for k, a in r.terms) <= r.bound)
            for r in relations
        )
    ]
    found = ds.solve(domains, relations, {})
    assert (found is None) == (not holds)
    assert found is None or found in holds


# --- the property: every table of Bilag 1, for any records --------------------------------------------------------

PARAGRAPHS = ("SEL § 83", "SEL § 85", "BL § 86")
PARTS = (("stadfaestet",), ("aendret",), ("hjemvist",), ("stadfaestet", "hjemvist"), ("afvist",))
REASONS = ("Skøn", "Formelle fejl", "")

records = st.lists(
    st.tuples(
        st.integers(0, 4),  # citizen
        st.sampled_from(BILAG_AREAS),
        st.sampled_from(PARAGRAPHS),
        st.sampled_from(PARTS),
        st.sampled_from(REASONS),
        st.sampled_from((*FOLLOW_UPS, "")),
    ),
    min_size=1,
    max_size=9,
)


def year_of(cases: list[tuple], diskretion: int, public: bool) -> ks.YearFigures:
    ids = count(2)
    klagesager = [
        Klagesag(
            next(ids), borger, AAR, area, paragraf, dele, aarsag if set(dele) - {"stadfaestet", "afvist"} else "", f
        )
        for borger, area, paragraf, dele, aarsag, f in cases
    ]
    year = ks.year_figures(klagesager, AAR)
    covered = tuple(a for a in BILAG_AREAS if year.area(a).counts.afgjorte)
    year = replace(year, covered=covered)
    return replace(year, hidden=ks.suppression(year, diskretion, covered if public else ()))


def read(cell: str, diskretion: int) -> int | str:
    """What a reader takes from a cell: its number, SMALL ("< N") or HIDDEN ("x")."""
    if cell == f"<\u00a0{diskretion}":
        return SMALL
    if cell == tables.DERIVABLE:
        return HIDDEN
    return int(cell.replace(".", ""))


def bound(year: ks.YearFigures, diskretion: int) -> int:
    """A bound on every count of the tables: the year's cases (no count of cases or citizens exceeds them)."""
    return max(year.area(ks.TOTAL).counts.afgjorte, diskretion)


class Reader:
    """The cells of one table as a reader sees them, and the relations the reader knows between them (written
    here from the tables' rows and columns; the search for values that fit them is the module's solver)."""

    def __init__(self, diskretion: int, most: int):
        self.diskretion = diskretion
        self.most = most  # a bound on every count: the year's cases
        self.cells: dict[object, int | str] = {}
        self.truth: dict[object, int] = {}
        self.relations: list[ds.Relation] = []
        self.public: set[object] = set()  # Ankestyrelsen's own counts: known whatever the table shows

    def add(self, key: object, shown: str, true: int, public: bool = False) -> object:
        self.cells[key], self.truth[key] = read(shown, self.diskretion), true
        if public:
            self.public.add(key)
        return key

    def rule(self, terms: dict, bound: int = 0, equal: bool = False) -> None:
        self.relations.append(ds.Relation(tuple(terms.items()), bound, equal))

    def protected(self) -> list[object]:
        """The small counts that fit only one value, except those the public counts alone already give away."""
        unknown = [k for k, v in self.cells.items() if v in (SMALL, HIDDEN)]
        domains = {
            k: list(range(1, self.diskretion)) if self.cells[k] == SMALL else list(range(self.most + 1))
            for k in unknown
        }
        secret = [k for k in unknown if 0 < self.truth[k] < self.diskretion]
        exposed = [k for k in secret if self.values(domains, k) < 2]
        anything = {k: list(range(self.most + 1)) for k in self.cells if k not in self.public}
        return [k for k in exposed if self.values(anything, k) >= 2]

    def values(self, domains: dict, key: object) -> int:
        """How many values (0, 1, or 2 for two or more) the cell `key` can take. Only the unknown cells linked to it
        through relations matter: the true counts satisfy every relation, so the rest always fit."""
        linked = self.linked(domains, key)
        relations = [r for r in self.relations if r.keys & linked]
        known = {k: v for k, v in self.cells.items() if k not in domains}
        ours = {k: domains[k] for k in linked}
        first = ds.solve(ours, relations, known)
        if first is None:
            return 0
        others = {**ours, key: [v for v in ours[key] if v != first[key]]}
        return 1 if ds.solve(others, relations, known) is None else 2

    def linked(self, domains: dict, key: object) -> set[object]:
        """The unknown cells reached from `key` through relations among unknown cells."""
        linked, frontier = {key}, [key]
        while frontier:
            cell = frontier.pop()
            for r in self.relations:
                if cell in r.keys:
                    for k in r.keys - linked:
                        if k in domains:
                            linked.add(k)
                            frontier.append(k)
        return linked


def overview_reader(table: Table, year: ks.YearFigures, diskretion: int, public: bool) -> Reader:
    r = Reader(diskretion, bound(year, diskretion))
    columns = [*year.covered, ks.TOTAL] if year.complete else list(year.covered)
    rows = dict(zip(tables.OVERVIEW_LABELS, table.rows, strict=True))
    for row, cells in rows.items():
        for area, shown in zip(columns, cells[1:], strict=True):
            r.add((row, area), shown, ks.overview_value(year.area(area), row), public and row in ks.PUBLIC_ROWS)
    big = r.most
    for a in columns:
        s, b, g, gs, o, bo, h, dh = ((row, a) for row in tables.OVERVIEW_LABELS)
        r.rule({b: 1, g: -1, s: -1, gs: 1}, equal=True)  # citizens with one case, counted twice over
        r.rule({g: 2, gs: -1})  # a citizen with more than one case has two or more
        r.rule({gs: 1, g: -big})  # no such citizen, no such cases
        r.rule({gs: 1, s: -1})
        r.rule({b: 1, s: -1})
        r.rule({s: 1, b: -big})  # cases have citizens
        r.rule({h: 1, o: -1})
        r.rule({o: 1, s: -1})
        r.rule({bo: 1, o: -1})
        r.rule({bo: 1, b: -1})
        r.rule({o: 1, bo: -big})
        r.rule({o: 1, bo: -1, s: -1, b: 1})  # reversed cases beyond one a citizen are cases beyond one a citizen
        r.rule({dh: 1, h: -1})
    if year.complete:
        t, areas = ks.TOTAL, year.covered
        for row in ("sager", "omgjorte", "hjemvist", "delvist"):
            r.rule({(row, t): 1, **{(row, a): -1 for a in areas}}, equal=True)
        for row in ("borgere", "borgere_omgjort", "gentagere"):
            for a in areas:
                r.rule({(row, a): 1, (row, t): -1})
        for row in ("borgere", "borgere_omgjort"):
            r.rule({(row, t): 1, **{(row, a): -1 for a in areas}})
        r.rule({("gentager_sager", t): -1, **{("gentager_sager", a): 1 for a in areas}})
    return r


def area_reader(
    table: Table,
    true: list[int],
    total: int,
    diskretion: int,
    public: bool,
    most: int,
    subset: dict[int, int] | None = None,
) -> Reader:
    """A one-column table whose rows add up to its I alt row; `subset` maps a "heraf" row to the row it is part of."""
    r = Reader(diskretion, most)
    keys = [r.add(i, row[1], true[i]) for i, row in enumerate(table.rows)]
    whole = r.add("i alt", table.total[1], total, public)
    subset = subset or {}
    r.rule({whole: 1, **{k: -1 for k in keys if k not in subset}}, equal=True)
    for part, of in subset.items():
        r.rule({part: 1, of: -1})
    return r


def paragraph_reader(table: Table, a: ks.AreaFigures, diskretion: int, public: bool, most: int) -> Reader:
    r = Reader(diskretion, most)
    for i, (row, (_, c)) in enumerate(zip(table.rows, a.paragraffer, strict=True)):
        r.add(("sager", i), row[1], c.afgjorte)
        r.add(("omgjort", i), row[2], c.omgjorte)
        r.rule({("sager", i): -1}, -1)  # a paragraph is listed because it has a case
        r.rule({("omgjort", i): 1, ("sager", i): -1})
    for col, total in (("sager", a.counts.afgjorte), ("omgjort", a.omgjorte)):
        r.add((col, "i alt"), table.total[1 if col == "sager" else 2], total, public)
        r.rule({(col, "i alt"): 1, **{(col, i): -1 for i in range(len(a.paragraffer))}}, equal=True)
    return r


def across_reader(year: ks.YearFigures, diskretion: int, public: bool) -> Reader:
    """Bilag 1's per-area reasons and paragraphs read together with Bilag 2's all-area reasons and top paragraphs:
    a reason's or a paragraph's all-area count is the sum of its counts in the areas."""
    r = Reader(diskretion, bound(year, diskretion))
    everywhere = year.area(ks.TOTAL)
    reasons = tables.klagesager_reasons(everywhere, year.hidden, "Alle", diskretion)
    r.add(("aarsag", "i alt"), reasons.total[1], everywhere.omgjorte, public)
    for row, (reason, n) in zip(reasons.rows, everywhere.aarsager, strict=True):
        r.add(("aarsag", reason), row[1], n)
    r.rule({("aarsag", "i alt"): 1, **{("aarsag", reason): -1 for reason, _ in everywhere.aarsager}}, equal=True)
    cell = tables.CaseCounts(year.hidden, diskretion)
    for name, c in ks.top_paragraphs(year):
        for col, n in (("sager", c.afgjorte), ("omgjort", c.omgjorte)):
            r.add(("paragraf", name, col), cell(("paragraf", ks.TOTAL, name, col), n), n)
        r.rule({("paragraf", name, "omgjort"): 1, ("paragraf", name, "sager"): -1})
    for area in year.covered:
        a = year.area(area)
        table = tables.klagesager_reasons(a, year.hidden, "X", diskretion)
        r.add((area, "aarsag", "i alt"), table.total[1], a.omgjorte, public)
        for row, (reason, n) in zip(table.rows, a.aarsager, strict=True):
            r.add((area, "aarsag", reason), row[1], n)
        r.rule({(area, "aarsag", "i alt"): 1, **{(area, "aarsag", x): -1 for x, _ in a.aarsager}}, equal=True)
        table = tables.klagesager_paragraphs(a, year.hidden, "X", diskretion)
        for row, (name, c) in zip(table.rows, a.paragraffer, strict=True):
            r.add((area, name, "sager"), row[1], c.afgjorte)
            r.add((area, name, "omgjort"), row[2], c.omgjorte)
            r.rule({(area, name, "sager"): -1}, -1)
            r.rule({(area, name, "omgjort"): 1, (area, name, "sager"): -1})
        for col, n, i in (("sager", a.counts.afgjorte, 1), ("omgjort", a.omgjorte, 2)):
            r.add((area, "i alt", col), table.total[i], n, public)
            r.rule({(area, "i alt", col): 1, **{(area, name, col): -1 for name, _ in a.paragraffer}}, equal=True)
    for reason, _ in everywhere.aarsager:
        parts = [area for area in year.covered if any(x == reason for x, _ in year.area(area).aarsager)]
        r.rule({("aarsag", reason): 1, **{(area, "aarsag", reason): -1 for area in parts}}, equal=True)
    for name, _ in ks.top_paragraphs(year):
        parts = [area for area in year.covered if any(p == name for p, _ in year.area(area).paragraffer)]
        for col in ("sager", "omgjort"):
            r.rule({("paragraf", name, col): 1, **{(area, name, col): -1 for area in parts}}, equal=True)
    return r


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(cases=records, diskretion=st.sampled_from((3, 5)), public=st.booleans())
def test_bilag_2_read_with_bilag_1_gives_no_small_count_away(cases, diskretion, public):
    year = year_of(cases, diskretion, public)
    assert across_reader(year, diskretion, public).protected() == []


def document_reader(year: ks.YearFigures, diskretion: int, public: bool) -> Reader:
    """Every table of the records in Bilag 1 and Bilag 2 read together: a count that two tables show (an area's
    cases, reversed and hjemviste cases, a reason or a paragraph in an area) is one count."""
    most = bound(year, diskretion)
    part = {"oversigt": overview_reader(tables.klagesager_overview(year, diskretion), year, diskretion, public)}
    part["bilag2"] = across_reader(year, diskretion, public)
    same: list[tuple[tuple, tuple]] = []
    for area in year.covered:
        a = year.area(area)
        t = tables.klagesager_paragraphs(a, year.hidden, "X", diskretion)
        part["paragraf", area] = paragraph_reader(t, a, diskretion, public, most)
        for col, row in (("sager", "sager"), ("omgjort", "omgjorte")):
            same.append((("oversigt", (row, area)), (("paragraf", area), (col, "i alt"))))
            same.append((("oversigt", (row, area)), ("bilag2", (area, "i alt", col))))
            same += [
                ((("paragraf", area), (col, i)), ("bilag2", (area, name, col)))
                for i, (name, _) in enumerate(a.paragraffer)
            ]
        same.append((("oversigt", ("omgjorte", area)), ("bilag2", (area, "aarsag", "i alt"))))
        if a.omgjorte:
            t = tables.klagesager_reasons(a, year.hidden, "X", diskretion)
            part["aarsag", area] = area_reader(t, [n for _, n in a.aarsager], a.omgjorte, diskretion, public, most)
            same.append((("oversigt", ("omgjorte", area)), (("aarsag", area), "i alt")))
            same += [((("aarsag", area), i), ("bilag2", (area, "aarsag", x))) for i, (x, _) in enumerate(a.aarsager)]
        if a.counts.hjemvist:
            t = tables.klagesager_follow_up(a, year.hidden, "X", diskretion)
            by_label = {label: value for value, label in tables.FOLLOW_UP_LABELS.items()}
            values = [by_label[row[0]] for row in t.rows]
            again = {values.index(ks.APPEALED_AGAIN): values.index("fastholdt")} if ks.APPEALED_AGAIN in values else {}
            n = a.follow_up
            true = [n[v] for v in values]
            part["opfoelgning", area] = area_reader(t, true, a.counts.hjemvist, diskretion, public, most, again)
            same.append((("oversigt", ("hjemvist", area)), (("opfoelgning", area), "i alt")))
    r = Reader(diskretion, most)
    for name, reader in part.items():
        for key, cell in reader.cells.items():
            r.cells[name, key], r.truth[name, key] = cell, reader.truth[key]
        r.public |= {(name, key) for key in reader.public}
        r.relations += [
            ds.Relation(tuple(((name, k), c) for k, c in x.terms), x.bound, x.equal) for x in reader.relations
        ]
    for one, other in same:
        r.rule({one: 1, other: -1}, equal=True)
    omgjorte = [("oversigt", ("omgjorte", area)) for area in year.covered]  # Bilag 2's reasons in all areas
    r.rule({("bilag2", ("aarsag", "i alt")): 1, **{key: -1 for key in omgjorte}}, equal=True)
    return r


# Records that once gave a small count away: the overview showed voksenhandicap's 3 cases, and its paragraph table
# three paragraphs of "< 3" cases each (so 1 each), and with them the one reversed case of SEL § 85.
THREE_PARAGRAPHS_OF_ONE = [
    (0, "boernehandicap", "SEL § 83", ("stadfaestet",), "Skøn", "til-fordel"),
    (0, "boernehandicap", "SEL § 85", ("stadfaestet",), "Skøn", "til-fordel"),
    (0, "voksenhandicap", "SEL § 83", ("stadfaestet",), "Skøn", "til-fordel"),
    (3, "voksenhandicap", "SEL § 85", ("hjemvist",), "Skøn", ""),
    (1, "voksenhandicap", "BL § 86", ("afvist",), "", "tilbagetrukket"),
    (3, "boernehandicap", "SEL § 85", ("aendret",), "Formelle fejl", "tilbagetrukket"),
    (2, "oevrige", "SEL § 85", ("stadfaestet", "hjemvist"), "Skøn", ""),
]


# The property tests here draw the same examples on every run (derandomize): a leak found only with some seeds
# would block every landing. Reading the tables as one document, 50 examples find leaks like the one above with
# every seed tried (4 to 29 of the 50 leaked before the fix, these 50 among them); it stays an explicit example.
@settings(max_examples=50, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(cases=records, diskretion=st.sampled_from((3, 5)), public=st.booleans())
@example(cases=THREE_PARAGRAPHS_OF_ONE, diskretion=3, public=False)
def test_no_small_count_can_be_worked_out(cases, diskretion, public):
    year = year_of(cases, diskretion, public)
    reader = document_reader(year, diskretion, public)
    assert reader.protected() == [], (reader.cells, reader.truth)


@pytest.mark.parametrize("diskretion", [2, 3, 5])
def test_the_example_hides_what_would_give_a_small_count_away(diskretion):
    from casefactory import EXAMPLE

    from reportgen.figures.case import compute
    from reportgen.inputs import load_inputs

    inputs = load_inputs(EXAMPLE)
    cf = compute(replace(inputs, case=replace(inputs.case, diskretion=diskretion)))
    year = cf.klagesager.year(AAR)
    overview = tables.klagesager_overview(year, diskretion)
    assert overview_reader(overview, year, diskretion, True).protected() == []
    # the shape: a small number of repeat complainants is never shown beside the number of their cases
    rows = {r[0]: r[1:] for r in overview.rows}
    for small, cases in zip(
        rows["Borgere med mere end én sag"], rows["Sager fra borgere med mere end én sag"], strict=True
    ):
        assert not (small.startswith("<") and cases[0].isdigit())
