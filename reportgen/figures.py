"""The figures of the danmarkskort as pure functions of counts: exact fractions, no I/O, no formatting."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Iterable, Literal

Direction = Literal["stigning", "fald", "uændret"]

OUTCOMES = ("stadfaestet", "aendret_ophaevet", "hjemvist", "afvist_henvist")


@dataclass(frozen=True)
class Counts:
    """Ankestyrelsen's decisions in one group of appeals, by outcome."""

    stadfaestet: int = 0
    aendret_ophaevet: int = 0
    hjemvist: int = 0
    afvist_henvist: int = 0

    @property
    def realitetsbehandlede(self) -> int:
        """Cases examined on their merits: stadfæstet + ændret/ophævet + hjemvist."""
        return self.stadfaestet + self.aendret_ophaevet + self.hjemvist

    @property
    def omgjorte(self) -> int:
        """Cases reversed or sent back: ændret/ophævet + hjemvist."""
        return self.aendret_ophaevet + self.hjemvist

    @property
    def afgjorte(self) -> int:
        """All decided cases, including afviste/henviste."""
        return self.realitetsbehandlede + self.afvist_henvist

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(*(getattr(self, o) + getattr(other, o) for o in OUTCOMES))

    def __sub__(self, other: "Counts") -> "Counts":
        return Counts(*(getattr(self, o) - getattr(other, o) for o in OUTCOMES))

    def exceeds(self, other: "Counts") -> list[str]:
        """Return the outcomes where this is larger than other."""
        return [o for o in OUTCOMES if getattr(self, o) > getattr(other, o)]


def total(counts: Iterable[Counts]) -> Counts:
    """Sum of several groups of counts."""
    result = Counts()
    for c in counts:
        result = result + c
    return result


def share(numerator: int, denominator: int) -> Fraction | None:
    """numerator/denominator as an exact fraction; None when the denominator is 0."""
    return Fraction(numerator, denominator) if denominator else None


def omgoerelsesprocent(c: Counts) -> Fraction | None:
    """The official rate as a share: (ændret/ophævet + hjemvist) / realitetsbehandlede."""
    return share(c.omgjorte, c.realitetsbehandlede)


def omgoerelse_af_alle(c: Counts) -> Fraction | None:
    """The municipal convention: (ændret/ophævet + hjemvist) / all decided cases incl. afviste."""
    return share(c.omgjorte, c.afgjorte)


def aendret_andel(c: Counts) -> Fraction | None:
    """Share of realitetsbehandlede cases that were changed or annulled."""
    return share(c.aendret_ophaevet, c.realitetsbehandlede)


def hjemvist_andel(c: Counts) -> Fraction | None:
    """Share of realitetsbehandlede cases that were sent back."""
    return share(c.hjemvist, c.realitetsbehandlede)


def round_half_up(x: Fraction, digits: int = 0) -> Fraction:
    """Round a non-negative exact number half up to the given decimals (62.5 → 63)."""
    scale = 10**digits
    return Fraction(floor(x * scale + Fraction(1, 2)), scale)


def whole_percent(s: Fraction) -> int:
    """A share as a whole percentage rounded half up, as every document shows it."""
    return int(round_half_up(s * 100))


def direction(delta: int | Fraction) -> Direction:
    """The Danish direction word for a change."""
    if delta > 0:
        return "stigning"
    if delta < 0:
        return "fald"
    return "uændret"


@dataclass(frozen=True)
class Change:
    """Change from one year to the next in cases and in (shown, whole) percentage points."""

    cases_before: int
    cases_after: int
    percent_before: int | None
    percent_after: int | None

    @property
    def cases_delta(self) -> int:
        """Change in the number of realitetsbehandlede cases."""
        return self.cases_after - self.cases_before

    @property
    def points_delta(self) -> int | None:
        """Change in percentage points between the shown (rounded) rates; None if either is undefined."""
        if self.percent_before is None or self.percent_after is None:
            return None
        return self.percent_after - self.percent_before

    @property
    def cases_direction(self) -> Direction:
        """stigning/fald/uændret for the cases."""
        return direction(self.cases_delta)

    @property
    def points_direction(self) -> Direction | None:
        """stigning/fald/uændret for the rate, None if it cannot be compared."""
        return None if self.points_delta is None else direction(self.points_delta)


def change(before: Counts, after: Counts) -> Change:
    """The change between two years' counts."""
    return Change(
        before.realitetsbehandlede,
        after.realitetsbehandlede,
        _percent_or_none(omgoerelsesprocent(before)),
        _percent_or_none(omgoerelsesprocent(after)),
    )


def _percent_or_none(s: Fraction | None) -> int | None:
    return None if s is None else whole_percent(s)


def oevrige(general: Counts, boernehandicap: Counts, voksenhandicap: Counts) -> Counts:
    """Socialområdet – øvrige: the general map minus the two handicap maps."""
    return general - boernehandicap - voksenhandicap


def points_per_case(c: Counts) -> Fraction | None:
    """How many percentage points one case moves the rate: 100 / realitetsbehandlede."""
    return share(100, c.realitetsbehandlede)


def is_fragile(c: Counts, limit: int = 5) -> bool:
    """True when one case moves the rate by more than `limit` percentage points."""
    p = points_per_case(c)
    return p is not None and p > limit
