"""The key figures an action plan's targets can be set on, and the comparisons a target can make, in one table."""

from __future__ import annotations

from dataclasses import dataclass
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

UNDER_LANDSPLAN = "under-landsplan"
# The comparisons of a target: code in the plan file → the sign shown in tables and the words inside a sentence.
COMPARISONS: dict[str, tuple[str, str]] = {
    "<=": ("≤", "højst"),
    "<": ("<", "under"),
    ">=": ("≥", "mindst"),
    ">": (">", "over"),
    UNDER_LANDSPLAN: ("< landsplan", "under landsplan"),
}
COMPARISON_ALIASES = {"≤": "<=", "≥": ">="}

# The status of an initiative, in the order a plan moves through them.
STATUSES = ("planlagt", "igangsat", "gennemført", "udskudt", "opgivet")
OPEN_STATUSES = ("planlagt", "igangsat")  # not finished: a passed deadline is worth a warning
