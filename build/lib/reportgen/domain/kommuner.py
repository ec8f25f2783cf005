"""The 98 Danish municipalities as Ankestyrelsen names them, their regions, and "Hele landet"."""

from __future__ import annotations

import csv
from functools import cache

from reportgen.domain.danish import normalize_key
from reportgen.domain.errors import suggest
from reportgen.resources import KOMMUNER

HELE_LANDET = "Hele landet"


@cache
def regions() -> dict[str, str]:
    """Municipality name → region, from the project's kommuner.csv."""
    text = KOMMUNER.read_text(encoding="utf-8")
    return {row["kommune"]: row["region"] for row in csv.DictReader(text.splitlines())}


@cache
def _by_folded_name() -> dict[str, str]:
    names = {name.casefold(): name for name in regions()}
    names[HELE_LANDET.casefold()] = HELE_LANDET
    return names


def canonical(name: str) -> str | None:
    """The official spelling of a municipality (or "Hele landet"), ignoring case and a trailing "Kommune"."""
    folded = " ".join(name.split()).casefold()
    if folded.endswith(" kommune"):
        folded = folded[: -len(" kommune")]
    return _by_folded_name().get(folded)


def hint_for(name: str) -> str:
    """The nearest valid name as a hint, or a pointer to the list."""
    return (
        suggest(name, [*regions(), HELE_LANDET]) or "Brug navnet, som Ankestyrelsen skriver det (fx 'Lyngby-Taarbæk')."
    )


def slug(name: str) -> str:
    """A folder-safe name: "Lyngby-Taarbæk" → "lyngby-taarbaek"."""
    return normalize_key(name).replace("_", "-")
