"""The team database: users, sessions, failed logins and the audit trail in one SQLite file in the workspace
(.reportgen/team.sqlite), created on first use; the audit trail refuses UPDATE and DELETE by trigger."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FOLDER = ".reportgen"  # hidden: the workspace lists no case or style folder whose name starts with a dot
FILE = "team.sqlite"

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    display TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('laeser', 'sagsbehandler', 'sekretariat')),
    kommuner TEXT NOT NULL DEFAULT '',          -- one municipality a line; empty: every municipality
    password TEXT,                              -- argon2id; NULL for a user of the identity provider
    source TEXT NOT NULL CHECK (source IN ('konti', 'oidc')),
    active INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,                        -- SHA-256 of the cookie's value, never the value itself
    user TEXT NOT NULL REFERENCES users (name),
    csrf TEXT NOT NULL,
    created REAL NOT NULL,
    seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    key TEXT NOT NULL,                          -- 'bruger:<name>' or 'adresse:<ip>'
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,                           -- local time with its offset, to the second
    user TEXT NOT NULL,
    display TEXT NOT NULL,
    sag TEXT,                                   -- the case folder's name; NULL for a login
    action TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    state_before TEXT,                          -- the case's state (Workspace.state) before and after a save
    state_after TEXT
);
CREATE INDEX IF NOT EXISTS events_sag ON events (sag, id);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'historikken kan ikke ændres'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'historikken kan ikke slettes'); END;
"""


class Store:
    """The team database of one workspace."""

    def __init__(self, workspace: Path) -> None:
        self.path = Path(workspace).resolve() / FOLDER / FILE
        self._ready = False  # the schema has been made (or checked) by this process

    @property
    def exists(self) -> bool:
        """True when the database has been created."""
        return self.path.is_file()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A connection in one transaction (committed on success); the database is created on first use, readable
        only by the server's own user."""
        if not self.path.parent.is_dir():
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        new = not self.path.exists()
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA busy_timeout = 10000")
            if new:
                os.chmod(self.path, 0o600)
                connection.execute("PRAGMA journal_mode = WAL")
            if new or not self._ready:
                connection.executescript(SCHEMA)
                self._ready = True
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        finally:
            connection.close()
