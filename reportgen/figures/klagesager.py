"""The figures case-level records (klagesager) give per area and year: counts, citizens, paragraphs, reasons."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from reportgen.domain.areas import BILAG_AREAS
from reportgen.domain.counts import Counts
from reportgen.inputs.klagesager import (
    FOLLOW_UPS,
    NOT_GIVEN,
    REVERSED,
    Klagesag,
    Klagesager,
)

TOTAL = "i_alt"


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


@dataclass(frozen=True)
class YearFigures:
    """The records' figures for one year: the three Bilag 1 areas and all areas together."""

    aar: int
    areas: tuple[AreaFigures, ...]

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


def hidden(n: int, diskretion: int | None) -> bool:
    """True when a count from case-level data is too small to be shown (1 to diskretion − 1)."""
    return diskretion is not None and 0 < n < diskretion


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
    return tuple(sorted(groups, key=lambda g: (-g[1].afgjorte, _natural(g[0]))))


def _ranked(counter: Counter) -> tuple[tuple[str, int], ...]:
    """Counter items by count (descending), then name; NOT_GIVEN last."""
    return tuple(sorted(counter.items(), key=lambda item: (item[0] == NOT_GIVEN, -item[1], _natural(item[0]))))


def _natural(text: str) -> list:
    """A sort key that orders the numbers inside a text by value: "§ 41" before "§ 100"."""
    return [int(part) if part.isascii() and part.isdigit() else part.casefold() for part in re.split(r"([0-9]+)", text)]
