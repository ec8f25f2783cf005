"""Oversigt: every case of the workspace with its status, recommendation, latest decision and version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import Blueprint, render_template

from reportgen.web.context import load, workspace
from reportgen.web.team import runtime
from reportgen.web.workspace import Outside

bp = Blueprint("oversigt", __name__)


@dataclass(frozen=True)
class Row:
    """One case in the overview."""

    name: str
    kommune: str | None
    aar: int | None
    status: str | None
    indstilling: str | None
    decision: tuple[str, date, str | None] | None  # organ, dato, udfald of the latest decision
    version: tuple[int, datetime] | None
    warnings: int
    problems: int


@bp.get("/")
def index():
    """The cases of the workspace by municipality and year."""
    ws = workspace()
    rows = []
    for ref in ws.cases():
        loaded = load(ref)
        kommune: str | None
        aar: int | None
        status: str | None
        indstilling: str | None
        if loaded.checked:
            case = loaded.checked.inputs.case
            kommune, aar = case.kommune, case.aar
            last = case.behandling[-1] if case.behandling else None
            decision = (last.organ, last.dato, last.udfald) if last else None
            status, indstilling = case.status, case.handleplan.indstilling
        else:
            kommune, aar = ws.kommune_aar(ref) or (None, None)
            decision = status = indstilling = None
        if not runtime.may_see(kommune):  # team mode: a user given some municipalities sees only their cases
            continue
        try:
            versions = ws.versions(ref, kommune, aar) if kommune and aar else []
        except Outside:  # its page says why
            versions = []
        rows.append(
            Row(
                ref.name,
                kommune,
                aar,
                status,
                indstilling,
                decision,
                (versions[-1].number, versions[-1].made) if versions else None,
                len(loaded.checked.warnings) if loaded.checked else 0,
                len(loaded.problems),
            )
        )
    rows.sort(key=lambda r: (r.kommune or r.name, -(r.aar or 0)))
    return render_template("oversigt.html.j2", rows=rows, root=ws.root, out=ws.out)
