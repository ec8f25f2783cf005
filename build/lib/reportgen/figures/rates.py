"""The figures of the danmarkskort as pure functions of counts: exact fractions, no I/O, no formatting."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from reportgen.domain.counts import Counts, Direction, direction, whole_percent


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
