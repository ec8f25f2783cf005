"""The areas of the danmarkskort: each area's code and every way the documents name it, in one table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Area:
    """One area: its code in the data, its label (headings, table rows), its form inside a sentence and its
    narrow table column header (soft hyphens where a long word may break)."""

    code: str
    label: str
    in_sentence: str
    column: str


GENERAL = "socialomraadet"
OEVRIGE = "oevrige"

AREAS: dict[str, Area] = {
    a.code: a
    for a in (
        Area(GENERAL, "Socialområdet generelt", "socialområdet generelt", "Social\u00adområdet"),
        Area("boernehandicap", "Børnehandicapområdet", "børnehandicapområdet", "Børne\u00adhandicap"),
        Area("voksenhandicap", "Voksenhandicapområdet", "voksenhandicapområdet", "Voksen\u00adhandicap"),
        Area(OEVRIGE, "Socialområdet – øvrige", "det øvrige socialområde", "Øvrige"),
    )
}

MAP_AREAS = (GENERAL, "boernehandicap", "voksenhandicap")  # the published maps: the statistics' `omraade`
HANDICAP_AREAS = ("boernehandicap", "voksenhandicap")  # subsets of the general map
BILAG_AREAS = (*HANDICAP_AREAS, OEVRIGE)  # Bilag 1's breakdown of the general map
