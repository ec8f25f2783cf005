"""Where the municipalities stand on a danmarkskort: colour classes, rank, quartile – pure functions of counts.

Every comparison uses the whole percentages the documents show (half up), so a reader who compares two
shown rates always agrees with the class, the rank and the count above the national rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from reportgen.domain.counts import Counts, whole_percent
from reportgen.figures.rates import omgoerelsesprocent

# The map's fixed class breaks in whole percent: a break belongs to the class above it, so the classes are
# "under 30 %", "30–39 %", "40–49 %", "50–59 %" and "60 % og derover" every year and in every area.
BREAKS = (30, 40, 50, 60)
CLASSES = len(BREAKS) + 1
QUARTILES = 4
DRAWN_SHARE = Fraction(1, 2)  # a map is drawn when at least this share of the municipalities has figures


def shown_percent(c: Counts) -> int | None:
    """The whole percentage the documents show for counts; None with 0 realitetsbehandlede ("–")."""
    rate = omgoerelsesprocent(c)
    return None if rate is None else whole_percent(rate)


def rate_class(percent: int | None) -> int | None:
    """The colour class (0 = lowest) of a shown whole percentage; None for an undefined rate (no class)."""
    if percent is None:
        return None
    return sum(1 for b in BREAKS if percent >= b)


def class_bounds(klasse: int) -> tuple[int | None, int | None]:
    """The lowest and highest whole percentage of a class (None: open end)."""
    low = BREAKS[klasse - 1] if klasse > 0 else None
    high = BREAKS[klasse] - 1 if klasse < len(BREAKS) else None
    return low, high


@dataclass(frozen=True)
class Rank:
    """A municipality's place among the municipalities with a rate; equal shown rates share a place."""

    plads: int  # 1 + municipalities with a higher rate: 1 = the highest
    plads_fra_bund: int  # 1 + municipalities with a lower rate: 1 = the lowest
    delt_med: int  # other municipalities with the same rate (0: the place is its own)
    antal: int  # municipalities ranked (those with a rate)
    kvartil: int  # 1 = the quarter with the highest rates … 4 = the quarter with the lowest

    @property
    def fra_toppen(self) -> bool:
        """True when the place is nearer the top (said as "5. højeste") than the bottom ("5. laveste")."""
        return self.plads <= self.plads_fra_bund


def quartile(plads: int, antal: int) -> int:
    """The quarter (1 = highest rates) that a place among antal falls in: places 1–25 of 98 are quarter 1."""
    if not 1 <= plads <= antal:
        raise ValueError(f"place {plads} outside 1–{antal}")
    return min(QUARTILES, (plads - 1) * QUARTILES // antal + 1)


def rank(rates: Mapping[str, int | None], kommune: str) -> Rank | None:
    """The municipality's rank among those with a rate (competition ranking: ties share the best place)."""
    own = rates.get(kommune)
    if own is None:
        return None
    known = [r for r in rates.values() if r is not None]
    higher = sum(1 for r in known if r > own)
    lower = sum(1 for r in known if r < own)
    plads = higher + 1
    return Rank(plads, lower + 1, len(known) - higher - lower - 1, len(known), quartile(plads, len(known)))


@dataclass(frozen=True)
class MapFigures:
    """One danmarkskort (an area in a year) over the country, seen from the case's municipality."""

    omraade: str
    aar: int
    kommune: str
    procenter: tuple[tuple[str, int | None], ...]  # municipalities with figures (None: 0 realitetsbehandlede)
    mangler: tuple[str, ...]  # municipalities the data has no figures for
    landet: int | None  # the national rate shown (Hele landet), None without it
    placering: Rank | None  # only when every municipality has figures and the municipality has a rate
    over_landet: int | None  # municipalities above the national rate; only with full coverage and a national rate

    @property
    def fuld(self) -> bool:
        """True when every municipality of the country has figures."""
        return not self.mangler

    @property
    def med_tal(self) -> int:
        """How many municipalities have figures."""
        return len(self.procenter)

    @property
    def i_alt(self) -> int:
        """How many municipalities the country has."""
        return len(self.procenter) + len(self.mangler)

    def procent(self, kommune: str) -> int | None:
        """A municipality's shown rate (None: no rate or no figures)."""
        return dict(self.procenter).get(kommune)

    def klasse_antal(self) -> tuple[int, ...]:
        """How many municipalities fall in each class, lowest first."""
        classes = [rate_class(p) for _, p in self.procenter]
        return tuple(classes.count(k) for k in range(CLASSES))

    def uden_procent(self) -> tuple[str, ...]:
        """Municipalities with figures but no rate (0 realitetsbehandlede)."""
        return tuple(k for k, p in self.procenter if p is None)

    def spaend(self) -> tuple[tuple[int, tuple[str, ...]], tuple[int, tuple[str, ...]]] | None:
        """The lowest and the highest rate with the municipalities that have it; None without any rate."""
        known = [(p, k) for k, p in self.procenter if p is not None]
        if not known:
            return None
        low, high = min(p for p, _ in known), max(p for p, _ in known)
        return (low, tuple(k for p, k in known if p == low)), (high, tuple(k for p, k in known if p == high))


def map_figures(
    omraade: str,
    aar: int,
    kommune: str,
    counts: Mapping[str, Counts],
    country: tuple[str, ...],
    landet: Counts | None,
) -> MapFigures:
    """A map's figures from each municipality's counts (those without figures are left out of `counts`).

    `country` is every municipality of the country; the rank and the count above the national rate exist only
    when all of them have figures.
    """
    procenter = tuple((k, shown_percent(counts[k])) for k in country if k in counts)
    mangler = tuple(k for k in country if k not in counts)
    national = shown_percent(landet) if landet is not None else None
    full = not mangler
    rates = dict(procenter)
    return MapFigures(
        omraade,
        aar,
        kommune,
        procenter,
        mangler,
        national,
        rank(rates, kommune) if full else None,
        sum(1 for p in rates.values() if p is not None and p > national) if full and national is not None else None,
    )


def drawn(mf: MapFigures) -> bool:
    """True when the map is worth drawing: at least half of the country's municipalities have figures."""
    return mf.i_alt > 0 and Fraction(mf.med_tal, mf.i_alt) >= DRAWN_SHARE
