"""The key figures an action plan's targets can be set on, the comparisons a target can make and the stages an
initiative moves through, each in one table."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

Unit = Literal["procent", "antal"]


@dataclass(frozen=True)
class KeyFigure:
    """One key figure: its code in the plan file, its label (table cells), its form inside a sentence, what it is
    (a note under the tables), its unit and shown decimals, and where it can be computed (for a forvaltningsområde
    of Tabel 2; against a national rate)."""

    code: str
    label: str
    in_sentence: str
    definition: str
    unit: Unit
    decimals: int
    forvaltning: bool
    landsplan: bool


KEY_FIGURES: dict[str, KeyFigure] = {
    k.code: k
    for k in (
        KeyFigure(
            "omgoerelsesprocent",
            "Omgørelsesprocent",
            "omgørelsesprocenten",
            "ændrede, ophævede og hjemviste sager i procent af de realitetsbehandlede",
            "procent",
            0,
            True,
            True,
        ),
        KeyFigure(
            "hjemvisningsandel",
            "Hjemvisningsandel",
            "hjemvisningsandelen",
            "hjemviste sager i procent af de realitetsbehandlede",
            "procent",
            0,
            True,
            True,
        ),
        KeyFigure(
            "aendringsandel",
            "Ændringsandel",
            "ændringsandelen",
            "ændrede og ophævede sager i procent af de realitetsbehandlede",
            "procent",
            0,
            True,
            True,
        ),
        KeyFigure(
            "realitetsbehandlede",
            "Realitetsbehandlede sager",
            "antallet af realitetsbehandlede sager",
            "stadfæstede, ændrede, ophævede og hjemviste sager",
            "antal",
            0,
            True,
            False,
        ),
        KeyFigure(
            "omgjorte",
            "Omgjorte sager",
            "antallet af omgjorte sager",
            "ændrede, ophævede og hjemviste sager",
            "antal",
            0,
            True,
            False,
        ),
        KeyFigure(
            "omgjort_af_alle_afgoerelser",
            "Omgjort af alle afgørelser",
            "andelen af kommunens afgørelser, der omgøres",
            "ændrede, ophævede og hjemviste sager i procent af alle kommunens afgørelser på området",
            "procent",
            1,
            False,
            False,
        ),
    )
}


@dataclass(frozen=True)
class Comparison:
    """A comparison a target can make: its code in the plan file (and the signs also accepted for it), the sign shown
    in tables, its words inside a sentence, and when the shown value meets it – against the target's value, or
    (`national`) against the country's value on the same area."""

    code: str
    sign: str
    words: str
    holds: Callable[[Fraction, Fraction], bool]
    national: bool = False
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The comparison as a choice in a form: "højst (≤)", "under landsplan"."""
        return self.words if self.national else f"{self.words} ({self.sign})"


COMPARISONS: dict[str, Comparison] = {
    c.code: c
    for c in (
        Comparison("<=", "≤", "højst", operator.le, aliases=("≤",)),
        Comparison("<", "<", "under", operator.lt),
        Comparison(">=", "≥", "mindst", operator.ge, aliases=("≥",)),
        Comparison(">", ">", "over", operator.gt),
        Comparison("under-landsplan", "< landsplan", "under landsplan", operator.lt, national=True),
    )
}
COMPARISON_ALIASES = {alias: c.code for c in COMPARISONS.values() for alias in c.aliases}


@dataclass(frozen=True)
class Stage:
    """How far an initiative has come (its `status`): the code, which is also its word in sentences and tables,
    whether it is still open (a passed deadline is worth a warning, and next year's plan should say how it went) and
    whether it calls for a status note (why it was postponed or given up)."""

    code: str
    open: bool
    needs_note: bool

    @property
    def label(self) -> str:
        """The stage as a choice in a form: its word, capitalised ("Gennemført")."""
        return self.code[:1].upper() + self.code[1:]


# The stages, in the order a plan moves through them.
STAGES: dict[str, Stage] = {
    s.code: s
    for s in (
        Stage("planlagt", open=True, needs_note=False),
        Stage("igangsat", open=True, needs_note=False),
        Stage("gennemført", open=False, needs_note=False),
        Stage("udskudt", open=False, needs_note=True),
        Stage("opgivet", open=False, needs_note=True),
    )
}
STATUSES = tuple(STAGES)
