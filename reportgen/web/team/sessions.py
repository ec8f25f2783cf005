"""Login sessions: a random value in a cookie (the database keeps only its hash), each with its own CSRF token,
ended by logout, after a time without requests and at the latest some hours after the login; and failed logins
slowed and then refused per account and per address."""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from reportgen.web.team.accounts import User, _user
from reportgen.web.team.store import Store

WINDOW = 15 * 60  # seconds in which failed logins are counted
FREE = 3  # failures in the window before the next attempt has to wait
WAIT_LIMIT = 10  # failures in the window after which the account is refused until the window has passed
ADDRESS_FACTOR = 4  # an address (many users behind one NAT) may fail this many times more than an account
TOUCH_EVERY = 30  # seconds: a session's last request is written at most this often


@dataclass(frozen=True)
class Session:
    """A logged-in user's session."""

    user: User
    csrf: str
    created: float


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class Sessions:
    """The sessions and failed logins of one workspace."""

    def __init__(self, store: Store, idle_seconds: int, max_seconds: int, clock: Callable[[], float] = time.time):
        self.store, self.idle, self.max, self.clock = store, idle_seconds, max_seconds, clock

    def open(self, user: User) -> str:
        """A new session for the user; returns the cookie's value."""
        value = secrets.token_urlsafe(32)
        now = self.clock()
        with self.store.connect() as db:
            db.execute(
                "INSERT INTO sessions (id, user, csrf, created, seen) VALUES (?, ?, ?, ?, ?)",
                (_hash(value), user.name, secrets.token_urlsafe(32), now, now),
            )
            db.execute("DELETE FROM sessions WHERE seen < ? OR created < ?", (now - self.idle, now - self.max))
        return value

    def find(self, value: str) -> tuple[Session | None, str | None]:
        """The session of a cookie's value and, when there is none, why ("udløbet" after a timeout)."""
        now = self.clock()
        with self.store.connect() as db:
            row = db.execute(
                "SELECT sessions.csrf, sessions.created, sessions.seen, users.* FROM sessions "
                "JOIN users ON users.name = sessions.user WHERE sessions.id = ?",
                (_hash(value),),
            ).fetchone()
            if row is None:
                return None, None
            if now - row["seen"] > self.idle or now - row["created"] > self.max or not row["active"]:
                db.execute("DELETE FROM sessions WHERE id = ?", (_hash(value),))
                return None, "udløbet" if row["active"] else None
            if now - row["seen"] > TOUCH_EVERY:
                db.execute("UPDATE sessions SET seen = ? WHERE id = ?", (now, _hash(value)))
        return Session(_user(row), row["csrf"], row["created"]), None

    def close(self, value: str) -> None:
        """End a session (logout)."""
        with self.store.connect() as db:
            db.execute("DELETE FROM sessions WHERE id = ?", (_hash(value),))

    # --- failed logins ---------------------------------------------------------------------------------------

    def wait(self, name: str, address: str) -> int:
        """Seconds before the next login for this name from this address may be tried (0: now)."""
        now = self.clock()
        longest = 0.0
        with self.store.connect() as db:
            db.execute("DELETE FROM failures WHERE at < ?", (now - WINDOW,))
            for key, factor in ((f"bruger:{name}", 1), (f"adresse:{address}", ADDRESS_FACTOR)):
                times = [r["at"] for r in db.execute("SELECT at FROM failures WHERE key = ? ORDER BY at", (key,))]
                if len(times) >= WAIT_LIMIT * factor:
                    longest = max(longest, times[-WAIT_LIMIT * factor] + WINDOW - now)
                elif len(times) >= FREE * factor:
                    delay = 2 ** (len(times) // factor - FREE + 1)  # 2, 4, 8 … seconds after the latest failure
                    longest = max(longest, times[-1] + delay - now)
        return max(0, int(longest + 0.999))

    def failed(self, name: str, address: str) -> None:
        """Count a failed login against the name and the address."""
        now = self.clock()
        with self.store.connect() as db:
            db.executemany(
                "INSERT INTO failures (key, at) VALUES (?, ?)", [(f"bruger:{name}", now), (f"adresse:{address}", now)]
            )

    def succeeded(self, name: str) -> None:
        """A successful login clears the account's failures (not the address's)."""
        with self.store.connect() as db:
            db.execute("DELETE FROM failures WHERE key = ?", (f"bruger:{name}",))
