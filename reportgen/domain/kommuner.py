"""The 98 Danish municipalities as Ankestyrelsen names them, their official names, regions and councils, and "Hele
landet"."""

from __future__ import annotations

import csv
from functools import cache

from reportgen.domain.danish import normalize_key
from reportgen.domain.errors import suggest
from reportgen.resources import KOMMUNER

HELE_LANDET = "Hele landet"
STATUTORY_COUNCIL = "Kommunalbestyrelsen"  # the council's name in retssikkerhedslovens § 79 b and the Styrelseslov


@cache
def _table() -> tuple[dict[str, str], ...]:
    """The rows of the project's kommuner.csv."""
    return tuple(csv.DictReader(KOMMUNER.read_text(encoding="utf-8").splitlines()))


@cache
def regions() -> dict[str, str]:
    """Municipality name → region, from the project's kommuner.csv."""
    return {row["kommune"]: row["region"] for row in _table()}


def council(name: str) -> str:
    """The name a municipality uses for its council ("Byrådet", "Borgerrepræsentationen"); the statutory
    "Kommunalbestyrelsen" where kommuner.csv does not say otherwise."""
    names = {row["kommune"]: row["kommunalbestyrelse"] for row in _table()}
    return names.get(name) or STATUTORY_COUNCIL


def official_name(name: str) -> str:
    """The municipality as an authority names itself ("Allerød Kommune", "Københavns Kommune", "Bornholms
    Regionskommune"), from kommuner.csv; "<name> Kommune" for a name the table does not hold."""
    names = {row["kommune"]: row["officielt_navn"] for row in _table()}
    return names.get(name) or f"{name} Kommune"


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
