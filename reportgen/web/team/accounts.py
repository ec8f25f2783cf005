"""Users and their roles: local accounts with argon2id password hashes (`reportgen bruger`), and the users the
identity provider logs in, kept with the role their groups gave them at their latest login."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from reportgen.domain import kommuner as kommunetabel
from reportgen.domain.errors import InputError, Problem, suggest
from reportgen.web.team.store import Store

ROLES = {  # the roles, each allowed what the one before it is, and more
    "laeser": "læser",
    "sagsbehandler": "sagsbehandler",
    "sekretariat": "sekretariat",
}
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
ROLE_DOES = {
    "laeser": "læse sagerne, hente dokumenterne og sammenligne versioner",
    "sagsbehandler": "også skrive tekster og rette plan, data og oplysninger og bygge udkast",
    "sekretariat": "også registrere beslutninger og tilbagesendelser, gøre sagen endelig og bygge den endelige",
}
MIN_PASSWORD = 12  # characters
_NAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
PASSWORD_HASHING = profiles.RFC_9106_LOW_MEMORY  # argon2id, RFC 9106's recommendation for little memory
_HASHER = PasswordHasher.from_parameters(PASSWORD_HASHING)
_DUMMY = _HASHER.hash("en adgangskode, som ingen har")  # verified against for an unknown name, costing the same


@dataclass(frozen=True)
class User:
    """A user as a request sees it: name, the name shown, role, municipalities (empty: all) and where from."""

    name: str
    display: str
    role: str
    kommuner: tuple[str, ...] = ()
    source: str = "konti"
    active: bool = True

    def at_least(self, role: str) -> bool:
        """True when the user's role includes what role may do."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    def may_see(self, kommune: str | None) -> bool:
        """True when the user may open a case of that municipality (a case whose municipality cannot be read is
        only for the users of every municipality)."""
        return not self.kommuner or kommune in self.kommuner

    @property
    def shown(self) -> str:
        """ "Karin Hansen (sagsbehandler)"."""
        return f"{self.display} ({ROLES[self.role]})"


def _user(row: sqlite3.Row) -> User:
    return User(
        row["name"],
        row["display"],
        row["role"],
        tuple(k for k in row["kommuner"].split("\n") if k),
        row["source"],
        bool(row["active"]),
    )


def check_name(name: str) -> str:
    """A login name: lower-case letters, digits and . _ @ -, at most 64 characters."""
    if not _NAME.match(name):
        raise InputError(
            [
                Problem(
                    "NAVN",
                    f"'{name}' kan ikke bruges som brugernavn.",
                    hint="Brug små bogstaver a-z, tal og . _ @ - (fx 'karin.hansen'), højst 64 tegn.",
                )
            ]
        )
    return name


def check_role(role: str) -> str:
    """One of the roles."""
    if role not in ROLES:
        hint = suggest(role, ROLES) or "Roller: " + ", ".join(ROLES) + "."
        raise InputError([Problem("--rolle", f"'{role}' er ikke en rolle.", hint=hint)])
    return role


def check_kommuner(names: list[str]) -> tuple[str, ...]:
    """Municipality names, spelled as the statistics spell them."""
    found, problems = [], []
    for name in names:
        canonical = kommunetabel.canonical(name)
        if canonical is None or canonical == kommunetabel.HELE_LANDET:
            problems.append(Problem("--kommune", f"ukendt kommune '{name}'.", hint=kommunetabel.hint_for(name)))
        else:
            found.append(canonical)
    if problems:
        raise InputError(problems)
    return tuple(dict.fromkeys(found))


def check_password(password: str) -> str:
    """A new password: at least MIN_PASSWORD characters, on one line."""
    if len(password) < MIN_PASSWORD or "\n" in password:
        raise InputError(
            [
                Problem(
                    "adgangskoden",
                    f"er for kort ({len(password)} tegn).",
                    hint=f"Brug mindst {MIN_PASSWORD} tegn, fx tre-fire ord med mellemrum.",
                )
            ]
        )
    return password


class Accounts:
    """The users of one workspace."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, role: str, password: str, display: str | None = None, kommuner=()) -> User:
        """A new local account; refused when the name is taken."""
        check_name(name)
        check_role(role)
        check_password(password)
        with self.store.connect() as db:
            if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise InputError(
                    [Problem("NAVN", f"brugeren '{name}' findes allerede.", hint="Ret den med reportgen bruger ret.")]
                )
            db.execute(
                "INSERT INTO users (name, display, role, kommuner, password, source, created) "
                "VALUES (?, ?, ?, ?, ?, 'konti', ?)",
                (name, display or name, role, "\n".join(kommuner), _HASHER.hash(password), _now()),
            )
        return User(name, display or name, role, tuple(kommuner))

    def get(self, name: str) -> User | None:
        """A user by name, or None."""
        with self.store.connect() as db:
            row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return _user(row) if row else None

    def all(self) -> list[User]:
        """Every user, by name."""
        with self.store.connect() as db:
            return [_user(row) for row in db.execute("SELECT * FROM users ORDER BY name")]

    def change(
        self,
        name: str,
        role: str | None = None,
        display: str | None = None,
        kommuner: tuple[str, ...] | None = None,
        active: bool | None = None,
        password: str | None = None,
    ) -> list[str]:
        """Change a user; a deactivated user or a new password ends the user's sessions. Returns what changed."""
        user = self.get(name)
        if user is None:
            hint = "Se listen: reportgen bruger liste."
            raise InputError([Problem("NAVN", f"brugeren '{name}' findes ikke.", hint=hint)])
        changes: list[tuple[str, object, str]] = []
        if role is not None and role != user.role:
            changes.append(("role", check_role(role), f"rolle: {user.role} → {role}"))
        if display is not None and display != user.display:
            changes.append(("display", display, f"navn: {user.display} → {display}"))
        if kommuner is not None and tuple(kommuner) != user.kommuner:
            shown = ", ".join(kommuner) or "alle"
            changes.append(("kommuner", "\n".join(kommuner), f"kommuner: {shown}"))
        if active is not None and active != user.active:
            changes.append(("active", int(active), "aktiveret" if active else "deaktiveret"))
        if password is not None:
            changes.append(("password", _HASHER.hash(check_password(password)), "ny adgangskode"))
        with self.store.connect() as db:
            for column, value, _ in changes:
                db.execute(f"UPDATE users SET {column} = ? WHERE name = ?", (value, name))  # column from the list above
            if active is False or password is not None or role is not None:
                db.execute("DELETE FROM sessions WHERE user = ?", (name,))
        return [text for _, _, text in changes]

    def verify(self, name: str, password: str) -> User | None:
        """The active local user with that name and password, or None; an unknown name costs as much as a known
        one, and a hash made with older parameters is renewed."""
        with self.store.connect() as db:
            row = db.execute("SELECT * FROM users WHERE name = ? AND source = 'konti'", (name,)).fetchone()
        stored = row["password"] if row and row["password"] else _DUMMY
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not row["active"] or stored is _DUMMY:
            return None
        if _HASHER.check_needs_rehash(stored):
            with self.store.connect() as db:
                db.execute("UPDATE users SET password = ? WHERE name = ?", (_HASHER.hash(password), name))
        return _user(row)

    def from_provider(self, name: str, display: str, role: str, kommuner: tuple[str, ...]) -> User:
        """Record a user the identity provider logged in, with the role and municipalities of this login."""
        with self.store.connect() as db:
            db.execute(
                "INSERT INTO users (name, display, role, kommuner, source, created) VALUES (?, ?, ?, ?, 'oidc', ?) "
                "ON CONFLICT (name) DO UPDATE SET display = excluded.display, role = excluded.role, "
                "kommuner = excluded.kommuner",
                (name, display, role, "\n".join(kommuner), _now()),
            )
            row = db.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        return _user(row)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
