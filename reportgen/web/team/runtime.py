"""Team mode at run time: the parts of one server (settings, database, users, sessions, trail) and what the rest
of the web app asks of them – who is logged in, and what a save or a build is recorded as. Every function here
is a no-op answer (None) in token mode, so the pages need not know which mode they run in."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app, g, has_request_context, request

from reportgen.domain import danish
from reportgen.web.team import audit
from reportgen.web.team.accounts import Accounts, User
from reportgen.web.team.audit import Trail
from reportgen.web.team.roles import NEEDS
from reportgen.web.team.sessions import Sessions
from reportgen.web.team.settings import Settings
from reportgen.web.team.store import Store

EXTENSION = "reportgen.team"


@dataclass
class Team:
    """Team mode of one server: how users log in ("konti" or "oidc") and the workspace's team database."""

    mode: str
    settings: Settings
    store: Store
    clock: Callable[[], float] = time.time
    accounts: Accounts = field(init=False)
    sessions: Sessions = field(init=False)
    trail: Trail = field(init=False)
    oidc: Any = None  # the registered OpenID Connect client (oidc.py), in oidc mode

    def __post_init__(self) -> None:
        self.accounts = Accounts(self.store)
        self.sessions = Sessions(
            self.store, self.settings.inaktiv_minutter * 60, self.settings.hoejst_timer * 3600, self.clock
        )
        self.trail = Trail(self.store)

    @classmethod
    def open(cls, mode: str, settings: Settings, workspace: Path) -> Team:
        """Team mode for a workspace: its database is created on first start."""
        return cls(mode, settings, Store(workspace))


def current() -> Team | None:
    """The running app's team mode, or None in token mode (and outside a request)."""
    return current_app.extensions.get(EXTENSION) if has_request_context() else None


def user() -> User | None:
    """The logged-in user of this request, or None (token mode, or not logged in)."""
    session = g.get("team_session") if has_request_context() else None
    return session.user if session else None


def may_see(kommune: str | None) -> bool:
    """True when this request's user may see a case of that municipality (always in token mode)."""
    who = user()
    return who is None or who.may_see(kommune)


def author() -> str | None:
    """The name a decision entered now is registered with in sag.toml (None in token mode)."""
    who = user()
    return who.display if who else None


def before_save(folder: Path, names: list[str]) -> dict[str, bytes | None] | None:
    """The current contents of the files a save is about to write (None in token mode: nothing is recorded)."""
    if current() is None:
        return None
    return {name: _read(folder / name) for name in names}


def after_save(sag: str, folder: Path, old: dict[str, bytes | None] | None, states: tuple[str, str]) -> None:
    """Record a save with what changed in each file it wrote (called with the case's lock held)."""
    team, who = current(), user()
    if team is None or who is None or old is None:
        return
    details = []
    for name, before in old.items():
        after = _read(folder / name)
        if name == "sag.toml":
            details += audit.sag_toml_changes(_text(before), _text(after))
        elif (change := audit.file_change(name, before, after)) is not None:
            details.append(change)
    need = NEEDS.get(request.endpoint or "")
    team.trail.record(who, need.action if need and need.action else "gemt", sag, "; ".join(details), states)


def stale_message(sag: str, state: str) -> str | None:
    """Who saved the case since the form was made from it, for the refusal of a stale save (None in token mode)."""
    team = current()
    if team is None:
        return None
    events = team.trail.saved_since(sag, state)
    if not events:
        return (
            "Sagen er ændret uden for browseren (fx i en teksteditor), efter at du åbnede siden. Dine ændringer er "
            "ikke gemt, men står stadig i formularen. Kopiér det, du vil beholde, og åbn siden igen."
        )
    who = ", ".join(
        dict.fromkeys(f"{e.display} ({e.action} kl. {e.at:%H.%M} {danish.short_date(e.at.date())})" for e in events)
    )
    return (
        f"Sagen er gemt af {who}, efter at du åbnede siden. Dine ændringer er ikke gemt, men står stadig i "
        "formularen. Kopiér det, du vil beholde, og åbn siden igen for at se den nye udgave."
    )


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


def _text(data: bytes | None) -> str | None:
    return data.decode("utf-8-sig", errors="replace") if data is not None else None
