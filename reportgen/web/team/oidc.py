"""Login through the municipality's identity provider: OpenID Connect, authorization code with PKCE, by Authlib
(its Flask client: discovery, state, nonce, the code exchange and the ID token's signature, issuer, audience and
expiry); the user's role and municipalities come from a group or role claim mapped in the configuration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_client import OAuth
from flask import Flask

from reportgen.web.team.accounts import ROLE_RANK
from reportgen.web.team.settings import Oidc

NAME = "kommune"


def register(app: Flask, settings: Oidc) -> Any:
    """The provider's client, registered on the app (its metadata is read at the first login)."""
    oauth = OAuth(app)
    return oauth.register(
        NAME,
        client_id=settings.klient_id,
        client_secret=settings.klient_hemmelighed,
        server_metadata_url=settings.udsteder + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": " ".join(settings.scopes),
            "code_challenge_method": "S256",  # PKCE
            "token_endpoint_auth_method": "client_secret_basic" if settings.klient_hemmelighed else "none",
            "timeout": 10,
        },
    )


def claims_options(client: Any, settings: Oidc) -> dict[str, dict[str, Any]]:
    """What the ID token must say beyond its signature, nonce and expiry: issued by the configured provider (as its
    metadata names itself) and to this client as an audience – Authlib's default checks only the azp claim when the
    audience differs."""
    issuer = client.load_server_metadata().get("issuer")
    if issuer != settings.udsteder:
        raise ValueError("the provider's metadata names another issuer")
    return {"iss": {"essential": True, "value": issuer}, "aud": {"essential": True, "value": settings.klient_id}}


@dataclass(frozen=True)
class Person:
    """What the provider's ID token says about the user, mapped to reportgen."""

    name: str
    display: str
    role: str | None  # None: none of the user's groups gives a role
    kommuner: tuple[str, ...]


def person(claims: dict[str, Any], settings: Oidc) -> Person:
    """The user of validated claims: the highest role any of their groups gives, and the municipalities their
    groups give (all when the configuration maps none)."""
    name = str(claims.get(settings.brugernavnkrav) or claims["sub"]).lower()
    display = str(claims.get(settings.navnekrav) or name)
    values = claims.get(settings.rollekrav) or []
    groups = [str(v) for v in (values if isinstance(values, list) else [values])]
    roles = [settings.roller[g] for g in groups if g in settings.roller]
    kommuner = tuple(dict.fromkeys(k for g in groups for k in settings.kommuner.get(g, ())))
    return Person(name, display, max(roles, key=ROLE_RANK.__getitem__) if roles else None, kommuner)
