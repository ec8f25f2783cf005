"""Team mode's configuration file (`--konfig FIL`, TOML): the public address behind the reverse proxy, the trusted
proxies, the session timeouts and the OpenID Connect provider with its group → role mapping."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reportgen.domain.errors import InputError, Problem, suggest
from reportgen.web.team.accounts import ROLES

SECRET_VARIABLE = "REPORTGEN_OIDC_HEMMELIGHED"  # the client secret may come from the environment instead of a file


@dataclass(frozen=True)
class Oidc:
    """The municipality's OpenID Connect provider and how its claims become a user of reportgen."""

    udsteder: str  # the issuer; its /.well-known/openid-configuration is read at start
    klient_id: str
    klient_hemmelighed: str | None = None  # None: a public client (PKCE only)
    scopes: tuple[str, ...] = ("openid", "profile")
    rollekrav: str = "groups"  # the claim holding the user's groups or roles (Entra ID: "groups" or "roles")
    brugernavnkrav: str = "preferred_username"
    navnekrav: str = "name"
    roller: dict[str, str] = field(default_factory=dict)  # a claim value → a role
    kommuner: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a claim value → municipalities (optional)


@dataclass(frozen=True)
class Settings:
    """Everything team mode can be told; every value has a default except the provider's."""

    offentlig_adresse: str | None = None  # e.g. https://danmarkskort.kommune.dk, as the users' browsers see it
    betroede_proxyer: tuple[str, ...] = ()  # addresses whose X-Forwarded-For/-Proto are believed
    inaktiv_minutter: int = 30  # a session ends after this long without a request
    hoejst_timer: int = 10  # and at the latest this long after the login
    oidc: Oidc | None = None

    @property
    def secure(self) -> bool:
        """True when the users reach the server over HTTPS (cookies are then marked Secure)."""
        return (self.offentlig_adresse or "").startswith("https://")


_TOP = {"server": ("offentlig_adresse", "betroede_proxyer"), "sessioner": ("inaktiv_minutter", "hoejst_timer")}
_OIDC = (
    "udsteder",
    "klient_id",
    "klient_hemmelighed_fil",
    "scopes",
    "rollekrav",
    "brugernavnkrav",
    "navnekrav",
    "roller",
    "kommuner",
)


def load(path: Path | None, need_oidc: bool = False) -> Settings:
    """Read and check a configuration file (None: the defaults); every problem names the file, the key and a fix."""
    if path is None:
        if need_oidc:
            raise InputError(
                [Problem("--konfig", "mangler.", hint="--adgang oidc kræver en konfigurationsfil: se README, Til IT.")]
            )
        return Settings()
    name = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError([Problem(name, "filen findes ikke.", hint="Tjek stien efter --konfig.")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise InputError([Problem(name, f"kan ikke læses som TOML ({exc}).")]) from None
    reader = _Reader(name)
    for table in data:
        if table not in (*_TOP, "oidc"):
            reader.unknown(table, (*_TOP, "oidc"))
    values: dict[str, Any] = {}
    for table, keys in _TOP.items():
        section = reader.table(data, table)
        for key in section:
            if key not in keys:
                reader.unknown(f"{table}.{key}", keys)
        values.update({key: section[key] for key in keys if key in section})
    settings = Settings(
        offentlig_adresse=reader.url(values.get("offentlig_adresse"), "server.offentlig_adresse"),
        betroede_proxyer=reader.addresses(values.get("betroede_proxyer", []), "server.betroede_proxyer"),
        inaktiv_minutter=reader.number(values.get("inaktiv_minutter", 30), "sessioner.inaktiv_minutter", 1, 24 * 60),
        hoejst_timer=reader.number(values.get("hoejst_timer", 10), "sessioner.hoejst_timer", 1, 24 * 7),
        oidc=reader.oidc(reader.table(data, "oidc"), Path(path).parent) if "oidc" in data else None,
    )
    if need_oidc and settings.oidc is None:
        reader.problem("oidc", "tabellen [oidc] mangler.", "Skriv udbyderens udsteder, klient_id og [oidc.roller].")
    if reader.problems:
        raise InputError(reader.problems)
    return settings


class _Reader:
    """Checks the values of one configuration file, collecting its problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, key: str, message: str, hint: str | None = None) -> None:
        """Record a problem at a key."""
        self.problems.append(Problem(self.file, message, column=key, hint=hint))

    def unknown(self, key: str, known: tuple[str, ...]) -> None:
        """Record an unknown key with the nearest known one."""
        last = key.rsplit(".", 1)[-1]
        self.problem(key, "ukendt nøgle.", suggest(last, known) or "Gyldige nøgler: " + ", ".join(known) + ".")

    def table(self, data: dict, key: str) -> dict:
        """A table of the file ({} when absent or not a table)."""
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(key, "skal være en tabel.", f"Skriv [{key}] på sin egen linje.")
            return {}
        return value

    def text(self, value: Any, key: str, required: bool = False) -> str | None:
        """A text value."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(key, "mangler.")
            return None
        if not isinstance(value, str):
            self.problem(key, "skal være en tekst i anførselstegn.")
            return None
        return value.strip()

    def url(self, value: Any, key: str) -> str | None:
        """An http(s) address without a path beyond '/'."""
        text = self.text(value, key)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
            self.problem(key, f"'{text}' er ikke en adresse som https://danmarkskort.kommune.dk.")
            return None
        return text.rstrip("/")

    def addresses(self, value: Any, key: str) -> tuple[str, ...]:
        """A list of IP addresses."""
        if not isinstance(value, list):
            self.problem(key, 'skal være en liste, fx ["127.0.0.1"].')
            return ()
        found = []
        for item in value:
            try:
                found.append(str(ip_address(str(item))))
            except ValueError:
                self.problem(key, f"'{item}' er ikke en IP-adresse.", 'Skriv proxyens adresse, fx "127.0.0.1".')
        return tuple(found)

    def number(self, value: Any, key: str, low: int, high: int) -> int:
        """A whole number between low and high."""
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problem(key, f"skal være et helt tal fra {low} til {high}.")
            return low
        return value

    def oidc(self, data: dict, folder: Path) -> Oidc | None:
        """The [oidc] table."""
        for key in data:
            if key not in _OIDC:
                self.unknown(f"oidc.{key}", _OIDC)
        udsteder = self.url_with_path(data.get("udsteder"), "oidc.udsteder")
        klient_id = self.text(data.get("klient_id"), "oidc.klient_id", required=True)
        secret = os.environ.get(SECRET_VARIABLE)
        secret_file = self.text(data.get("klient_hemmelighed_fil"), "oidc.klient_hemmelighed_fil")
        if secret_file and not secret:
            path = folder / secret_file
            try:
                secret = path.read_text(encoding="utf-8").strip()
            except OSError:
                self.problem("oidc.klient_hemmelighed_fil", f"filen '{path}' kan ikke læses.")
        roles: dict[str, str] = {}
        for claim, role in self.table(data, "roller").items():
            if role not in ROLES:
                self.problem(f"oidc.roller.{claim}", f"'{role}' er ikke en rolle.", "Roller: " + ", ".join(ROLES) + ".")
            else:
                roles[str(claim)] = role
        if not roles:
            self.problem("oidc.roller", "ingen grupper er knyttet til en rolle.", 'Skriv fx "dmk-laesere" = "laeser".')
        kommuner: dict[str, tuple[str, ...]] = {}
        for claim, names in self.table(data, "kommuner").items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                self.problem(f"oidc.kommuner.{claim}", "skal være en liste af kommunenavne.")
            else:
                kommuner[str(claim)] = tuple(names)
        scopes = data.get("scopes", ["openid", "profile"])
        if not isinstance(scopes, list) or "openid" not in scopes:
            self.problem("oidc.scopes", 'skal være en liste, der indeholder "openid".')
            scopes = ["openid", "profile"]
        claims = {k: self.text(data.get(k), f"oidc.{k}") for k in ("rollekrav", "brugernavnkrav", "navnekrav")}
        if not udsteder or not klient_id:
            return None
        return Oidc(
            udsteder,
            klient_id,
            secret,
            tuple(scopes),
            claims["rollekrav"] or "groups",
            claims["brugernavnkrav"] or "preferred_username",
            claims["navnekrav"] or "name",
            roles,
            kommuner,
        )

    def url_with_path(self, value: Any, key: str) -> str | None:
        """The issuer: an http(s) address, which may have a path (Entra ID: …/<tenant>/v2.0)."""
        text = self.text(value, key, required=True)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.problem(
                key,
                f"'{text}' er ikke en adresse.",
                "Skriv udbyderens udsteder (issuer), fx https://login.microsoftonline.com/<tenant>/v2.0.",
            )
            return None
        return text.rstrip("/")
