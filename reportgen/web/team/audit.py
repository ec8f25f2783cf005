"""The audit trail: who did what to which case and when – every login, save, build and comparison – with what
changed (a text's section and its old and new hash, a key's old and new value, a decision added). The app only
ever adds to it; the database's triggers refuse any change or deletion."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reportgen.web.team.accounts import User
from reportgen.web.team.store import Store

COMMAND_LINE = User("kommandolinjen", "Kommandolinjen", "sekretariat")  # the author of `reportgen bruger` changes
NO_FILE = "–"  # the hash shown for a file that did not exist (a section with the default text)


@dataclass(frozen=True)
class Event:
    """One line of the trail."""

    id: int
    at: datetime
    user: str
    display: str
    sag: str | None
    action: str
    details: str

    def line(self) -> str:
        """The event as one line of `reportgen historik`: time, user, case, action, what changed."""
        parts = [self.at.isoformat(timespec="seconds"), self.user, self.sag or "-", self.action]
        return "\t".join([*parts, self.details] if self.details else parts)


class Trail:
    """The audit trail of one workspace."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(
        self,
        user: User,
        action: str,
        sag: str | None = None,
        details: str = "",
        states: tuple[str, str] | None = None,
    ) -> None:
        """Add an event (states: the case's state before and after a save)."""
        before, after = states or (None, None)
        with self.store.connect() as db:
            db.execute(
                "INSERT INTO events (at, user, display, sag, action, details, state_before, state_after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (_now(), user.name, user.display, sag, action, details, before, after),
            )

    def events(self, sag: str | None = None, newest_first: bool = False) -> list[Event]:
        """The events of one case (None: all), oldest first."""
        query = "SELECT * FROM events" + (" WHERE sag = ?" if sag is not None else "")
        query += " ORDER BY id" + (" DESC" if newest_first else "")
        if not self.store.exists:
            return []
        with self.store.connect() as db:
            rows = db.execute(query, (sag,) if sag is not None else ()).fetchall()
        return [_event(r) for r in rows]

    def saved_since(self, sag: str, state: str) -> list[Event] | None:
        """The saves made to a case since it was in the given state, oldest first; None when the app never saw
        that state change (the case was changed outside the browser, e.g. in a text editor)."""
        with self.store.connect() as db:
            first = db.execute(
                "SELECT min(id) FROM events WHERE sag = ? AND state_before = ?", (sag, state)
            ).fetchone()[0]
            if first is None:
                return None
            rows = db.execute(
                "SELECT * FROM events WHERE sag = ? AND id >= ? AND state_after IS NOT NULL ORDER BY id", (sag, first)
            ).fetchall()
        return [_event(r) for r in rows]


def _event(row) -> Event:
    return Event(
        row["id"],
        datetime.fromisoformat(row["at"]),
        row["user"],
        row["display"],
        row["sag"],
        row["action"],
        row["details"],
    )


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def short_hash(data: bytes | None) -> str:
    """The first 12 hex digits of a file's SHA-256, or NO_FILE."""
    return hashlib.sha256(data).hexdigest()[:12] if data is not None else NO_FILE


def file_change(name: str, old: bytes | None, new: bytes | None) -> str | None:
    """ "tekster/forklaring.md: 3f2a9c1b0d4e → 9b1c22aa3e01", or None when the file is unchanged."""
    if old == new:
        return None
    return f"{name}: {short_hash(old)} → {short_hash(new)}"


def sag_toml_changes(old: str | None, new: str | None) -> list[str]:
    """What changed between two versions of sag.toml, key by key: "status: udkast → endelig", "behandling: +
    Allerød Byråd 2022-2025 2025-10-07 (tilbagesendt)", "sammenligning: Hillerød, Furesø → Hillerød"."""
    before, after = _parse(old), _parse(new)
    changes = []
    for key in dict.fromkeys([*before, *after]):
        a, b = before.get(key), after.get(key)
        if a == b:
            continue
        if isinstance(a, Mapping) or isinstance(b, Mapping):
            changes += [f"{key}.{line}" for line in _table_changes(a or {}, b or {})]
        elif _is_tables(a) or _is_tables(b):
            changes += _tables_changes(key, a or [], b or [])
        else:
            changes.append(f"{key}: {_shown(a)} → {_shown(b)}")
    return changes


def _parse(text: str | None) -> dict[str, Any]:
    try:
        return tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return {}


def _table_changes(a: Mapping, b: Mapping) -> list[str]:
    return [f"{k}: {_shown(a.get(k))} → {_shown(b.get(k))}" for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _tables_changes(key: str, a: list, b: list) -> list[str]:
    """[[key]] tables added, removed or changed, by position."""
    changes = []
    for i in range(max(len(a), len(b))):
        old, new = (a[i] if i < len(a) else None), (b[i] if i < len(b) else None)
        if old == new:
            continue
        if old is None:
            changes.append(f"{key} {i + 1}: + {_entry(new or {})}")
        elif new is None:
            changes.append(f"{key} {i + 1}: − {_entry(old)}")
        else:
            changes += [f"{key} {i + 1}.{line}" for line in _table_changes(old, new)]
    return changes


def _entry(table: Mapping) -> str:
    """A [[table]] in a few words: its organ or title, date and outcome."""
    words = [str(table[k]) for k in ("organ", "titel", "dato") if k in table]
    if "udfald" in table:
        words.append(f"({table['udfald']})")
    return " ".join(words) or "…"


def _shown(value: Any) -> str:
    if value is None:
        return NO_FILE
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or NO_FILE
    text = str(value).replace("\n", " ")
    return text if len(text) <= 80 else text[:79] + "…"
