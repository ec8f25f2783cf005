"""Where a warning is resolved in the browser: each setting a warning names as resolving it (Problem.resolves) mapped
to the interface's own words and the field that resolves it, so the overview says "Tilføj handleplanen under
Handleplan" with a link there instead of a sag.toml key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from flask import url_for

from reportgen.domain.errors import Problem


@dataclass(frozen=True)
class Fix:
    """What resolves a warning: the words of the link, the page (endpoint) and the field on it (an element id)."""

    words: str
    endpoint: str
    anchor: str | None = None
    values: dict[str, str] = field(default_factory=dict)


DATA = "sag.oplysninger"
PLAN = "handleplan.handleplan"
FIXES: dict[str, Fix] = {
    "statistik": Fix("Indlæs en statistikfil, der dækker årene og områderne, under Datafiler", DATA, "fil-statistik"),
    "landsudtraek": Fix("Indlæs et landsudtræk med alle 98 kommuner under Datafiler", DATA, "fil-landsudtraek"),
    "forvaltningsomraader": Fix(
        "Ret eller udskift filen med Tabel 2 under Datafiler", DATA, "fil-forvaltningsomraader"
    ),
    "klagesager": Fix("Ret eller udskift filen med klagesagerne under Datafiler", DATA, "fil-klagesager"),
    "sammenligning": Fix("Ret sammenligningskommunerne under Indstilling, bilag og data", DATA, "sammenligning"),
    "antal_aar": Fix("Sæt antallet af år ned under Indstilling, bilag og data", DATA, "antal_aar"),
    "bilag": Fix("Tilføj det nye bilag under Indstilling, bilag og data", DATA, "bilag-titel"),
    "tekster/begrundelse": Fix(
        "Skriv forvaltningens begrundelse under Tekster", "sag.tekst", "tekst", {"section": "begrundelse"}
    ),
    "handleplan": Fix("Tilføj handleplanen under Handleplan", PLAN, "plan-overskrift"),
    "handleplan.forrige": Fix("Vælg sidste års sag under Handleplan", PLAN, "forrige"),
    "handleplan.bilag": Fix(
        "Ret handleplanens titel eller indstillingen under Indstilling, bilag og data", DATA, "plan_bilag"
    ),
}
_ROW = re.compile(r"^(maal|indsats)\[(\d+)\](?:\.(\w+))?")


def plan_fix(problem: Problem) -> Fix:
    """Where in the plan editor a warning about the plan is resolved: the row and field its place names."""
    match = _ROW.match(problem.column or "")
    if match:
        table, number, key = match[1], match[2], match[3] or ("id" if match[1] == "maal" else "titel")
        what = f"mål {number}" if table == "maal" else f"indsats {number}"
        return Fix(f"Ret {what} under Handleplan", PLAN, f"{table}-{number}-{key}")
    if problem.column in ("maal", "indsats"):
        what = "et mål" if problem.column == "maal" else "indsatsen"
        return Fix(f"Tilføj {what} under Handleplan", PLAN, f"{problem.column}-raekker")
    return FIXES["handleplan"]


@dataclass(frozen=True)
class Shown:
    """A warning as a page shows it: what is wrong, in the words of the check, and the link that resolves it."""

    text: str
    fix: str | None = None
    url: str | None = None


def shown(problem: Problem, case: str) -> Shown:
    """A warning of a case in the interface's words, with its link; one that names no setting as text alone."""
    if problem.resolves is None or problem.resolves not in FIXES:
        return Shown(str(problem))
    fix = plan_fix(problem) if problem.resolves == "handleplan" else FIXES[problem.resolves]
    text = problem.message[:1].upper() + problem.message[1:]
    values: dict[str, Any] = {"name": case, **fix.values}
    url = url_for(fix.endpoint, **values) + (f"#{fix.anchor}" if fix.anchor else "")
    return Shown(text, fix.words, url)
