"""Team mode put into the app: its door instead of the token's, its pages, the proxy's view of each request,
one log line per request without personal data, and builds and comparisons in the audit trail."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from flask import Flask, Response, request

from reportgen.web import guard
from reportgen.web.team import access, oidc, pages, runtime
from reportgen.web.team.accounts import ROLES
from reportgen.web.team.proxy import START, Proxied
from reportgen.web.team.roles import NEEDS
from reportgen.web.team.runtime import Team

log = logging.getLogger("reportgen.web.requests")


def install(app: Flask, team: Team) -> None:
    """Put team mode into an app made by create_app."""
    app.extensions[runtime.EXTENSION] = team
    app.extensions[guard.DOOR] = guard.Door(access.admit, access.csrf)
    app.register_blueprint(pages.bp)
    if team.settings.offentlig_adresse:  # the proxy sends the public name as Host (Proxied sets it in any case)
        app.extensions[guard.PUBLIC_HOST] = urlsplit(team.settings.offentlig_adresse).netloc
    app.wsgi_app = Proxied(app.wsgi_app, team.settings.betroede_proxyer, team.settings.offentlig_adresse)  # type: ignore[method-assign]
    app.config.update(
        SESSION_COOKIE_SAMESITE="Lax",  # the one-time messages and the login's state survive the provider's redirect
        SESSION_COOKIE_SECURE=team.settings.secure,
    )
    if team.mode == "oidc":
        assert team.settings.oidc is not None
        team.oidc = oidc.register(app, team.settings.oidc)
    app.jinja_env.globals.update(team_user=runtime.user, may=access.may, team_mode=team.mode, role_labels=ROLES)
    app.after_request(_record_and_log)
    app.extensions["reportgen.builds"].finished = lambda job: _built(team, job)


def _record_and_log(response: Response) -> Response:
    """Record a successful request that its endpoint's Need records afterwards; log the request in one line:
    method, path (no query string, which may hold a name), status and milliseconds – never who or from where."""
    team = runtime.current()
    need = NEEDS.get(request.endpoint or "") if request.method == "POST" else None
    who = runtime.user()
    if team is not None and who is not None and need is not None and need.details and response.status_code < 400:
        sag = (request.view_args or {}).get("name") or _case_of(response.headers.get("Location", ""))
        team.trail.record(who, need.action or "", sag, need.details())
    started = request.environ.get(START)
    ms = int((time.perf_counter() - started) * 1000) if started else -1
    log.info("%s %s %d %d ms", request.method, request.path, response.status_code, ms)
    return response


def _case_of(location: str) -> str | None:
    """The case a redirect goes to (/sag/<name>/…), for a case just created."""
    parts = urlsplit(location).path.split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "sag" else None


def _built(team: Team, job) -> None:
    """Record a finished build with who started it and how it ended."""
    if job.user is None:
        return
    if job.result is not None:
        version = job.result.version
        details = f"version {version}" + (" (ny)" if job.result.created else " (uændret, ingen ny version)")
    elif job.reference:
        details = f"mislykkedes: intern fejl {job.reference}"
    else:
        details = "mislykkedes: " + (job.failed or "fejl i sagen")
    team.trail.record(job.user, "bygning", job.case, details)
