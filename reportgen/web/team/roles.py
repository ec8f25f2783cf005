"""What each state-changing request needs: the one table of every POST endpoint of the app with the least role it
needs and the audit trail's word for it. A POST endpoint missing here is refused (403), and
tests/test_team.py fails for it, so a new form is classified when it is added."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request

from reportgen.web.workspace import SAG_TOML, Workspace

LAESER, SAGSBEHANDLER, SEKRETARIAT = "laeser", "sagsbehandler", "sekretariat"


def _case_value(key: str) -> object:
    """A top-level value of the requested case's sag.toml, or None."""
    ws: Workspace = current_app.extensions["reportgen.workspace"]
    ref = ws.case((request.view_args or {}).get("name", ""))
    if ref is None:
        return None
    try:
        return tomllib.loads((ref.folder / SAG_TOML).read_text(encoding="utf-8-sig")).get(key)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def status_changes() -> str | None:
    """Changing the case's status (draft ↔ final) is the secretariat's."""
    current = _case_value("status") or "udkast"
    return SEKRETARIAT if request.form.get("status", current) != current else None


def final_case() -> str | None:
    """Building a case marked final is the secretariat's; a draft build is the case officer's."""
    return SEKRETARIAT if _case_value("status") == "endelig" else None


def _comparison() -> str:
    return f"v{request.form.get('fra', '?')} og v{request.form.get('til', '?')}"


@dataclass(frozen=True)
class Need:
    """What one POST endpoint needs and what the trail calls it."""

    role: str | None  # the least role; None: no login needed (the login form itself)
    action: str | None = None  # the trail's word for it; None: the request changes nothing
    stricter: Callable[[], str | None] | None = None  # a higher role this particular request needs, if any
    details: Callable[[], str] | None = None  # recorded after a successful response (requests that do not save)


NEEDS: dict[str, Need] = {
    # team mode's own doors
    "team.login": Need(None),
    "team.log_ud": Need(LAESER),
    # reading: the live preview and comparing versions change no case
    "sag.live_forhaandsvisning": Need(LAESER),
    "handleplan.live_handleplan": Need(LAESER),
    "versioner.sammenlign_nu": Need(LAESER, "sammenligning", details=_comparison),
    # the case officer's work
    "ny.upload": Need(SAGSBEHANDLER),  # only checks the file; nothing is written before ny.create
    "ny.create": Need(SAGSBEHANDLER, "sag oprettet", details=lambda: request.form.get("kommune", "")),
    "sag.gem_tekst": Need(SAGSBEHANDLER, "tekst gemt"),
    "sag.gem_oplysninger": Need(SAGSBEHANDLER, "oplysninger gemt", stricter=status_changes),
    "sag.nyt_bilag": Need(SAGSBEHANDLER, "bilag tilføjet"),
    "sag.slet_bilag": Need(SAGSBEHANDLER, "bilag fjernet"),
    "sag.nyt_moede": Need(SAGSBEHANDLER, "møde tilføjet"),
    "sag.slet_moede": Need(SAGSBEHANDLER, "møde fjernet"),
    "sag.ny_datafil": Need(SAGSBEHANDLER, "datafil udskiftet"),
    "handleplan.gem_handleplan": Need(SAGSBEHANDLER, "handleplan gemt"),
    "versioner.byg": Need(SAGSBEHANDLER, "bygning", stricter=final_case),
    # the secretariat's: the committees' decisions and the send-back
    "sag.gem_beslutning": Need(SEKRETARIAT, "beslutning gemt"),
    "sag.slet_beslutning": Need(SEKRETARIAT, "beslutning slettet"),
    "sag.gem_tilbagesendt": Need(SEKRETARIAT, "tilbagesendelse registreret"),
}
PUBLIC_PAGES = {"static", "team.login_side", "team.sundhed", "team.oidc_start", "team.oidc_svar"}  # GET, no login
