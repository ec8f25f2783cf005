"""Ankestyrelsen's decisions counted by outcome, and the half-up rounding every shown percentage uses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import floor
from typing import Literal

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

    @classmethod
    def of(cls, values: list[int | None]) -> Counts | None:
        """Counts from the four outcomes' values in OUTCOMES order; None when any of them is missing."""
        present = [v for v in values if v is not None]
        return cls(*present) if len(present) == len(OUTCOMES) == len(values) else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, o) + getattr(other, o) for o in OUTCOMES))

    def __sub__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, o) - getattr(other, o) for o in OUTCOMES))

    def exceeds(self, other: Counts) -> list[str]:
        """Return the outcomes where this is larger than other."""
        return [o for o in OUTCOMES if getattr(self, o) > getattr(other, o)]


def total(counts: Iterable[Counts]) -> Counts:
    """Sum of several groups of counts."""
    result = Counts()
    for c in counts:
        result = result + c
    return result


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
