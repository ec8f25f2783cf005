"""Team mode's pages: the login form (or the button to the municipality's login), logout, the provider's answer,
a case's Historik and the health check for monitoring."""

from __future__ import annotations

import logging
import re
import secrets
from importlib.metadata import version

from authlib.integrations.base_client.errors import OAuthError
from flask import Blueprint, Response, g, jsonify, redirect, render_template, request, url_for
from joserfc.errors import JoseError

from reportgen.web.team import oidc, runtime
from reportgen.web.team.access import LOGIN_CSRF_COOKIE, forbidden, next_page, session_cookie
from reportgen.web.team.accounts import User
from reportgen.web.team.runtime import Team

bp = Blueprint("team", __name__)
log = logging.getLogger("reportgen.web")


def _team() -> Team:
    team = runtime.current()
    assert team is not None
    return team


def _address() -> str:
    return request.remote_addr or "?"


def _login_page(status: int = 200, message: str | None = None, name: str = "", retry: int | None = None):
    """The login page with a fresh login CSRF token (the double-submit cookie is set with it)."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    g.login_csrf = token
    if message is None and request.args.get("udloebet"):
        message = "Du er blevet logget ud, fordi du ikke har brugt reportgen et stykke tid. Log ind igen."
    if message is None and request.args.get("logget_ud"):
        message = "Du er logget ud."
    page = render_template(
        "team/login.html.j2",
        mode=_team().mode,
        message=message,
        name=name,
        naeste=request.values.get("naeste", ""),
        error=status >= 400,
    )
    response = Response(page, status)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", secure=request.scheme == "https", path="/"
    )
    if retry is not None:
        response.headers["Retry-After"] = str(retry)
    return response


@bp.get("/login")
def login_side():
    """The login page: user name and password, or the button to the municipality's login."""
    return _login_page()


@bp.post("/login")
def login():
    """Log in with a local account; failures are counted per account and address, and refused (429) when too
    many come too fast."""
    team = _team()
    if team.mode != "konti":
        return _login_page(403, "Log ind med kommunens login (knappen nedenfor).")
    name = request.form.get("brugernavn", "").strip().lower()
    password = request.form.get("adgangskode", "")
    wait = team.sessions.wait(name, _address())
    if wait:
        minutes = (wait + 59) // 60
        when = f"{wait} sekunder" if wait < 120 else f"{minutes} minutter"
        message = f"For mange forkerte forsøg. Vent {when}, og prøv igen."
        return _login_page(429, message, name, retry=wait)
    user = team.accounts.verify(name, password) if name and password else None
    if user is None:
        team.sessions.failed(name, _address())
        known = team.accounts.get(name)
        who = known or User("?", "Ukendt brugernavn", "laeser")
        team.trail.record(who, "login mislykkedes", details="forkert adgangskode" if known else "ukendt brugernavn")
        return _login_page(401, "Forkert brugernavn eller adgangskode.", name)
    team.sessions.succeeded(name)
    return _logged_in(team, user, "adgangskode")


def _logged_in(team: Team, user: User, how: str):
    """Open the session, record the login and go on to the page asked for."""
    value = team.sessions.open(user)
    team.trail.record(user, "logget ind", details=how)
    response = redirect(next_page(request.values.get("naeste") or _pop_next()), 303)
    secure = request.scheme == "https"
    response.set_cookie(session_cookie(), value, httponly=True, samesite="Lax", secure=secure, path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


def _pop_next() -> str | None:
    from flask import session

    return session.pop("naeste", None)


@bp.post("/logout")
def log_ud():
    """End the session and go to the login page."""
    team = _team()
    user = runtime.user()
    team.sessions.close(request.cookies.get(session_cookie(), ""))
    if user:
        team.trail.record(user, "logget ud")
    response = redirect(url_for("team.login_side", logget_ud=1), 303)
    response.delete_cookie(session_cookie(), path="/", secure=request.scheme == "https", samesite="Lax")
    return response


@bp.get("/login/oidc")
def oidc_start():
    """Send the browser to the municipality's login (authorization code with PKCE)."""
    team = _team()
    if team.oidc is None:
        return _login_page(404, "Serveren bruger ikke kommunens login.")
    from flask import session

    session["naeste"] = request.args.get("naeste", "")
    try:
        return team.oidc.authorize_redirect(url_for("team.oidc_svar", _external=True))
    except (OSError, OAuthError, ValueError) as exc:
        log.warning("Kommunens login svarer ikke: %s", type(exc).__name__)
        return _login_page(502, "Kommunens login svarer ikke lige nu. Prøv igen om lidt, eller kontakt IT.")


@bp.get("/login/oidc/svar")
def oidc_svar():
    """The provider's answer: the code exchanged, the ID token validated, the user's role from their groups."""
    team = _team()
    if team.oidc is None or team.settings.oidc is None:
        return _login_page(404, "Serveren bruger ikke kommunens login.")
    unknown = User("?", "Kommunens login", "laeser")
    if request.args.get("error"):
        team.trail.record(unknown, "login mislykkedes", details=f"udbyderen: {request.args['error'][:60]}")
        return _login_page(401, "Kommunens login blev afbrudt eller afvist. Prøv igen.")
    try:
        token = team.oidc.authorize_access_token(claims_options=oidc.claims_options(team.oidc, team.settings.oidc))
        claims = token.get("userinfo")
        if not claims:
            raise OAuthError(description="no id_token")
    except (OAuthError, JoseError, KeyError, ValueError) as exc:
        reason = getattr(exc, "error", None) or type(exc).__name__
        team.trail.record(unknown, "login mislykkedes", details=f"ugyldigt svar fra udbyderen ({reason})")
        return _login_page(
            401,
            "Svaret fra kommunens login kunne ikke godkendes (det er udløbet eller til en anden tjeneste). "
            "Prøv igen; sker det igen, så kontakt IT.",
        )
    person = oidc.person(dict(claims), team.settings.oidc)
    if person.role is None or (team.settings.oidc.kommuner and not person.kommuner):
        user = User(person.name, person.display, "laeser")
        team.trail.record(user, "login mislykkedes", details="ingen rolle i reportgen")
        return forbidden(
            user,
            None,
            f"Du er logget ind hos kommunen som {person.display}, men din bruger er ikke givet adgang til reportgen "
            "(ingen af dine grupper har en rolle her). Spørg den, der giver adgang til reportgen.",
        )
    user = team.accounts.from_provider(person.name, person.display, person.role, person.kommuner)
    return _logged_in(team, user, "kommunens login")


@bp.get("/sag/<name>/historik")
def historik(name: str):
    """The case's audit trail, newest first: who did what and when, and what changed."""
    from reportgen.web.context import case_page, case_ref, load

    loaded = load(case_ref(name))
    events = _team().trail.events(loaded.ref.name, newest_first=True)
    return case_page("team/historik.html.j2", loaded, "historik", events=events, shown=shown_change)


_TEXT = re.compile(r"^tekster/(\w+)\.md: ")
_KEYS = {  # the trail's keys as the pages name them; the trail itself (and `reportgen historik`) keeps the keys
    "behandling": "beslutning",
    "moede": "møde",
    "handleplan.toml": "handleplanen",
}


def shown_change(part: str) -> str:
    """One change of the trail in the interface's words: a text by its section's heading ("Forvaltningens vurdering
    af udviklingen: 92f3… → 88a6…"), a decision as "beslutning 7: …"; anything else as recorded."""
    from reportgen.web.context import SECTION_LABELS

    if (m := _TEXT.match(part)) and m.group(1) in SECTION_LABELS:
        return f"»{SECTION_LABELS[m.group(1)]}«: {part[m.end() :]}"
    key, space, rest = part.partition(" ")
    name = key.rstrip(":")
    return _KEYS[name] + key[len(name) :] + space + rest if name in _KEYS else part


@bp.get("/sundhed")
def sundhed():
    """For monitoring: 200 and {"status": "ok"} when the server answers and its database can be read."""
    try:
        with _team().store.connect() as db:
            db.execute("SELECT count(*) FROM users").fetchone()
    except Exception as exc:  # noqa: BLE001 – any failure is "not healthy", logged by type only
        log.error("Sundhedstjek: databasen kan ikke læses (%s)", type(exc).__name__)
        return jsonify(status="fejl", database="kan ikke læses"), 503
    return jsonify(status="ok", adgang=_team().mode, version=version("reportgen"))
