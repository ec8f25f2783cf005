"""The figures case-level records (klagesager) give per area and year: counts, citizens, paragraphs, reasons."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from reportgen.domain.areas import BILAG_AREAS
from reportgen.domain.counts import Counts
from reportgen.figures import discretion as ds
from reportgen.inputs.klagesager import (
    FOLLOW_UPS,
    NOT_GIVEN,
    REVERSED,
    Klagesag,
    Klagesager,
)

TOTAL = "i_alt"
TOP_PARAGRAPHS = 5  # Bilag 2's table of the paragraphs with the most reversed cases
APPEALED_AGAIN = "paaklaget-igen"  # a part of the maintained decisions (fastholdt)


@dataclass(frozen=True)
class AreaFigures:
    """What the records show for one area (or all of them, TOTAL) in one year; exact counts."""

    omraade: str
    aar: int
    counts: Counts
    borgere: int  # distinct citizens among all cases
    borgere_omgjort: int  # distinct citizens among the reversed (ændret/ophævet or hjemvist) cases
    gentagere: int  # citizens with more than one case
    gentager_sager: int  # the cases of those citizens
    delvist_hjemvist: int  # hjemviste cases with upheld parts
    opfoelgning: tuple[tuple[str, int], ...]  # hjemviste cases per FOLLOW_UPS value, then NOT_GIVEN
    paragraffer: tuple[tuple[str, Counts], ...]  # by number of cases (descending), then name
    aarsager: tuple[tuple[str, int], ...]  # reversed cases per reason, by count, NOT_GIVEN last

    @property
    def omgjorte(self) -> int:
        """Cases changed, annulled or sent back."""
        return self.counts.omgjorte

    @property
    def follow_up(self) -> dict[str, int]:
        """The hjemviste cases per follow-up, with those appealed again counted among the maintained decisions
        (`fastholdt`) as well: a citizen appeals the new decision when the municipality maintained it, so
        `paaklaget-igen` is a part of `fastholdt`, not a rival to it. The values other than `paaklaget-igen` add
        up to the hjemviste cases."""
        n = dict(self.opfoelgning)
        n["fastholdt"] += n[APPEALED_AGAIN]
        return n


@dataclass(frozen=True)
class YearFigures:
    """The records' figures for one year: the three Bilag 1 areas and all areas together."""

    aar: int
    areas: tuple[AreaFigures, ...]
    covered: tuple[str, ...] = BILAG_AREAS  # the Bilag 1 areas the records cover (figures/case.py decides)
    hidden: ds.Suppression = ds.Suppression()  # the cells the documents hide for discretion (figures/case.py)

    @property
    def complete(self) -> bool:
        """True when the records cover every Bilag 1 area, so their totals are the general map's."""
        return len(self.covered) == len(BILAG_AREAS)

    def area(self, omraade: str) -> AreaFigures:
        """One area's figures (or TOTAL)."""
        return next(a for a in self.areas if a.omraade == omraade)


@dataclass(frozen=True)
class KlagesagerFigures:
    """The records' figures for every year in the file, newest first."""

    file: str
    years: tuple[YearFigures, ...]

    def year(self, aar: int) -> YearFigures | None:
        """The figures of one year, or None when the file has no cases from it."""
        return next((y for y in self.years if y.aar == aar), None)


def summarize(klagesager: Klagesager) -> KlagesagerFigures:
    """The figures of every year in the records, newest first."""
    years = sorted({c.aar for c in klagesager.cases}, reverse=True)
    return KlagesagerFigures(klagesager.file, tuple(year_figures(klagesager.cases, y) for y in years))


def year_figures(cases: Iterable[Klagesag], aar: int) -> YearFigures:
    """One year's figures for each Bilag 1 area and for all areas together."""
    cases = [c for c in cases if c.aar == aar]
    return YearFigures(aar, tuple(area_figures(cases, aar, a) for a in (*BILAG_AREAS, TOTAL)))


def area_figures(cases: Iterable[Klagesag], aar: int, omraade: str) -> AreaFigures:
    """The figures of one area (or TOTAL) in one year."""
    scope = [c for c in cases if c.aar == aar and omraade in (TOTAL, c.omraade)]
    per_citizen = Counter(c.borger for c in scope)
    repeat = [n for n in per_citizen.values() if n > 1]
    reversed_ = [c for c in scope if c.udfald in REVERSED]
    hjemviste = [c for c in scope if c.udfald == "hjemvist"]
    follow_ups = Counter(c.opfoelgning for c in hjemviste)
    return AreaFigures(
        omraade=omraade,
        aar=aar,
        counts=counts(scope),
        borgere=len(per_citizen),
        borgere_omgjort=len({c.borger for c in reversed_}),
        gentagere=len(repeat),
        gentager_sager=sum(repeat),
        delvist_hjemvist=sum(1 for c in hjemviste if c.delvist_hjemvist),
        opfoelgning=tuple((v, follow_ups[v]) for v in (*FOLLOW_UPS, NOT_GIVEN)),
        paragraffer=_by_paragraph(scope),
        aarsager=_ranked(Counter(c.aarsag for c in reversed_)),
    )


def counts(cases: Iterable[Klagesag]) -> Counts:
    """The cases counted by their most far-reaching outcome, as the statistics count them."""
    return Counts(**Counter(c.udfald for c in cases))


def _by_paragraph(cases: list[Klagesag]) -> tuple[tuple[str, Counts], ...]:
    """Counts per paragraph, the most frequent first, then by name (§ 41 before § 100)."""
    names = sorted({c.paragraf for c in cases})
    groups = [(p, counts(c for c in cases if c.paragraf == p)) for p in names]
    return tuple(sorted(groups, key=lambda g: (-g[1].afgjorte, natural(g[0]))))


def _ranked(counter: Counter) -> tuple[tuple[str, int], ...]:
    """Counter items by count (descending), then name; NOT_GIVEN last."""
    return tuple(sorted(counter.items(), key=lambda item: (item[0] == NOT_GIVEN, -item[1], natural(item[0]))))


def natural(text: str) -> list:
    """A sort key that orders the numbers inside a text by value: "§ 41" before "§ 100"."""
    return [int(part) if part.isascii() and part.isdigit() else part.casefold() for part in re.split(r"([0-9]+)", text)]


# --- discretion ------------------------------------------------------------------------------------------------

OVERVIEW_ROWS = (
    "sager",
    "borgere",
    "gentagere",
    "gentager_sager",
    "omgjorte",
    "borgere_omgjort",
    "hjemvist",
    "delvist",
)
PUBLIC_ROWS = ("sager", "omgjorte", "hjemvist")  # Ankestyrelsen's own counts per area: in the statistics


def overview_value(a: AreaFigures, row: str) -> int:
    """One cell of the overview of cases and citizens."""
    return {
        "sager": a.counts.afgjorte,
        "borgere": a.borgere,
        "gentagere": a.gentagere,
        "gentager_sager": a.gentager_sager,
        "omgjorte": a.omgjorte,
        "borgere_omgjort": a.borgere_omgjort,
        "hjemvist": a.counts.hjemvist,
        "delvist": a.delvist_hjemvist,
    }[row]


def suppression(year: YearFigures, diskretion: int | None, public: tuple[str, ...] = ()) -> ds.Suppression:
    """The cells the documents hide for one year of records: the overview, the paragraphs and reasons per covered
    area (Bilag 1) and in all areas (Bilag 2's tables, which a reader can set against Bilag 1's), and per covered
    area the follow-up. The tables are read together: an area's cases, reversed and hjemviste cases are the
    overview's cells, shown or hidden alike in the area's own tables.

    `public` are the areas whose cases, reversed and hjemviste cases agree with Ankestyrelsen's statistics: those
    counts are public and always shown; elsewhere they are the file's own counts and may be hidden too.
    """
    grid = ds.Grid()
    overview = _overview_cells(grid, year, public)
    for area in year.covered:
        a = year.area(area)
        _paragraph_cells(grid, a, overview[("sager", area)], overview[("omgjorte", area)])
        _reason_cells(grid, a, overview[("omgjorte", area)])
        _follow_up_cells(grid, a, overview[("hjemvist", area)])
    _reason_cells(grid, year.area(TOTAL), _all_reversed(grid, year, overview, public))
    _across_areas(grid, year)
    return ds.suppress(grid, diskretion)


def top_paragraphs(year: YearFigures) -> tuple[tuple[str, Counts], ...]:
    """Bilag 2's paragraphs: those with the most reversed cases in all areas (TOP_PARAGRAPHS of them; of equals,
    the one with more cases first)."""
    rows = [p for p in year.area(TOTAL).paragraffer if p[1].omgjorte]
    return tuple(sorted(rows, key=lambda p: -p[1].omgjorte)[:TOP_PARAGRAPHS])  # stable: most cases first


def _across_areas(grid: ds.Grid, year: YearFigures) -> None:
    """Bilag 2's all-area rows: a paragraph's or a reason's count in all areas is the sum of its counts in the
    covered areas (Bilag 1's tables), so the two appendices are read together."""
    areas = [year.area(area) for area in year.covered]
    for name, c in top_paragraphs(year):
        row = {}
        for column, value in (("sager", c.afgjorte), ("omgjort", c.omgjorte)):
            row[column] = grid.cell(("paragraf", TOTAL, name, column), value)
            parts: list[ds.Key] = [
                ("paragraf", a.omraade, name, column) for a in areas if any(p == name for p, _ in a.paragraffer)
            ]
            grid.relations.append(ds.total(row[column], parts))
        grid.relations.append(ds.at_most({row["omgjort"]: 1, row["sager"]: -1}))
    for reason, _ in year.area(TOTAL).aarsager:
        reason_parts: list[ds.Key] = [
            ("aarsag", a.omraade, reason) for a in areas if any(r == reason for r, _ in a.aarsager)
        ]
        grid.relations.append(ds.total(("aarsag", TOTAL, reason), reason_parts))


def _overview_cells(grid: ds.Grid, year: YearFigures, public: tuple[str, ...]) -> dict[tuple[str, str], ds.Key]:
    """Cases and citizens per area and in all, with what a reader knows of how they relate; the cells by (row,
    area)."""
    columns = (*year.covered, TOTAL) if year.complete else year.covered  # as the overview table shows them
    cell: dict[tuple[str, str], ds.Key] = {}
    for area in columns:
        a = year.area(area)
        known = area in public or (area == TOTAL and all(c in public for c in year.covered))
        c = {
            row: grid.cell(("oversigt", row, area), overview_value(a, row), known and row in PUBLIC_ROWS)
            for row in OVERVIEW_ROWS
        }
        cell |= {(row, area): key for row, key in c.items()}
        grid.relations += _overview_relations(c, year.area(TOTAL).counts.afgjorte)
    if not year.complete:
        return cell
    areas = year.covered
    for row in (*PUBLIC_ROWS, "delvist"):  # counts of cases add up over the areas
        grid.relations.append(ds.total(cell[row, TOTAL], [cell[row, a] for a in areas]))
    for row in ("borgere", "borgere_omgjort"):  # a citizen counts once in all and once in each of its areas
        grid.relations.append(ds.at_most({cell[row, TOTAL]: 1, **{cell[row, a]: -1 for a in areas}}))
        grid.relations += [ds.at_most({cell[row, a]: 1, cell[row, TOTAL]: -1}) for a in areas]
    grid.relations += [ds.at_most({cell["gentagere", a]: 1, cell["gentagere", TOTAL]: -1}) for a in areas]
    grid.relations.append(
        ds.at_most({cell["gentager_sager", TOTAL]: -1, **{cell["gentager_sager", a]: 1 for a in areas}})
    )
    return cell


def _overview_relations(c: dict[str, ds.Key], most: int) -> list[ds.Relation]:
    """How one column's counts relate; `most` bounds every count (all the cases of the year)."""
    return [
        # citizens with one case: borgere − gentagere = sager − gentager_sager
        ds.equal({c["borgere"]: 1, c["gentagere"]: -1, c["sager"]: -1, c["gentager_sager"]: 1}),
        ds.at_most({c["gentagere"]: 2, c["gentager_sager"]: -1}),  # a repeat complainant has two cases or more
        ds.at_most({c["gentager_sager"]: 1, c["gentagere"]: -most}),  # no repeat complainant, no cases of theirs
        ds.at_most({c["gentager_sager"]: 1, c["sager"]: -1}),
        ds.at_most({c["borgere"]: 1, c["sager"]: -1}),
        ds.at_most({c["sager"]: 1, c["borgere"]: -most}),  # cases have a citizen
        ds.at_most({c["omgjorte"]: 1, c["sager"]: -1}),
        ds.at_most({c["borgere_omgjort"]: 1, c["omgjorte"]: -1}),
        ds.at_most({c["omgjorte"]: 1, c["borgere_omgjort"]: -most}),
        ds.at_most({c["borgere_omgjort"]: 1, c["borgere"]: -1}),
        # reversed cases beyond one per citizen are among the cases beyond one per citizen
        ds.at_most({c["omgjorte"]: 1, c["borgere_omgjort"]: -1, c["sager"]: -1, c["borgere"]: 1}),
        ds.at_most({c["hjemvist"]: 1, c["omgjorte"]: -1}),
        ds.at_most({c["delvist"]: 1, c["hjemvist"]: -1}),
    ]


def _paragraph_cells(grid: ds.Grid, a: AreaFigures, sager: ds.Key, omgjort: ds.Key) -> None:
    """An area's cases and reversed cases per paragraph; its totals are the overview's cells `sager` and
    `omgjort`."""
    grid.same(("paragraf", a.omraade, TOTAL, "sager"), sager)
    grid.same(("paragraf", a.omraade, TOTAL, "omgjort"), omgjort)
    rows = [
        (
            grid.cell(("paragraf", a.omraade, name, "sager"), c.afgjorte),
            grid.cell(("paragraf", a.omraade, name, "omgjort"), c.omgjorte),
        )
        for name, c in a.paragraffer
    ]
    grid.relations += [
        ds.total(sager, [s for s, _ in rows]),
        ds.total(omgjort, [o for _, o in rows]),
        *(ds.at_most({o: 1, s: -1}) for s, o in rows),
        *(ds.at_most({s: -1}, -1) for s, _ in rows),  # a paragraph is listed because it has a case
    ]


def _all_reversed(
    grid: ds.Grid, year: YearFigures, overview: dict[tuple[str, str], ds.Key], public: tuple[str, ...]
) -> ds.Key:
    """The reversed cases in all areas (the total of Bilag 2's reasons): the overview's cell when it has a column
    for all areas, else a cell of its own, the sum of the covered areas' (public when they all are)."""
    if year.complete:
        return overview[("omgjorte", TOTAL)]
    whole = grid.cell(("aarsag", TOTAL, TOTAL), year.area(TOTAL).omgjorte, all(a in public for a in year.covered))
    grid.relations.append(ds.total(whole, [overview[("omgjorte", a)] for a in year.covered]))
    return whole


def _reason_cells(grid: ds.Grid, a: AreaFigures, whole: ds.Key) -> None:
    """An area's (or all areas') reversed cases per reason; their total is the cell `whole`."""
    grid.same(("aarsag", a.omraade, TOTAL), whole)
    cells = [grid.cell(("aarsag", a.omraade, reason), n) for reason, n in a.aarsager]
    grid.relations += [ds.total(whole, cells), *(ds.at_most({k: -1}, -1) for k in cells)]


def _follow_up_cells(grid: ds.Grid, a: AreaFigures, whole: ds.Key) -> None:
    """Hjemviste cases per follow-up (the maintained ones including those appealed again, and those as a part of
    them); their total is the overview's cell `whole`."""
    grid.same(("opfoelgning", a.omraade, TOTAL), whole)
    n = a.follow_up
    cells = {  # the rows the table shows: "ikke oplyst" and "heraf påklaget igen" only when there are such cases
        value: grid.cell(("opfoelgning", a.omraade, value), count)
        for value, count in n.items()
        if count or value not in (NOT_GIVEN, APPEALED_AGAIN)
    }
    grid.relations += [
        ds.total(whole, [k for value, k in cells.items() if value != APPEALED_AGAIN]),
        *([ds.at_most({cells[APPEALED_AGAIN]: 1, cells["fastholdt"]: -1})] if APPEALED_AGAIN in cells else []),
    ]
