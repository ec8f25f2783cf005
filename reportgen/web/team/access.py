"""Team mode's door: every request but the login page needs a session; a case of a municipality the user is not
given is not found; and a state-changing request needs the role roles.NEEDS gives its endpoint."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from reportgen.web.team import runtime
from reportgen.web.team.accounts import ROLE_DOES, ROLE_RANK, ROLES, User
from reportgen.web.team.roles import NEEDS, PUBLIC_PAGES

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
LOGIN_CSRF_COOKIE = "reportgen-login"


def session_cookie() -> str:
    """The session cookie's name: __Host- prefixed over HTTPS (the browser then requires Secure and Path=/)."""
    return (
        "__Host-reportgen"
        if request.scheme == "https"
        else f"reportgen-bruger-{request.environ.get('SERVER_PORT', '')}"
    )


def admit() -> WerkzeugResponse | None:
    """Let the request on (None), or answer it: to the login page, 401, 403 or 404."""
    team = runtime.current()
    assert team is not None
    unsafe = request.method not in SAFE_METHODS
    need = NEEDS.get(request.endpoint or "") if unsafe else None
    value = request.cookies.get(session_cookie())
    session, why = team.sessions.find(value) if value else (None, None)
    g.team_session = session
    if (not unsafe and request.endpoint in PUBLIC_PAGES) or (need is not None and need.role is None):
        return None
    if session is None:
        return _login_required(why)
    user = session.user
    name = (request.view_args or {}).get("name")
    if name is not None and not user.may_see(_kommune(name)):
        abort(404)
    if unsafe:
        if request.routing_exception is not None:  # no such address or method: Flask answers 404 or 405
            return None
        if need is None:  # a form no one has classified in roles.NEEDS: refused until it is
            return forbidden(user, None)
        roles = [r for r in (need.role, need.stricter() if need.stricter else None) if r]
        role = max(roles, key=lambda r: ROLE_RANK[r])
        if not user.at_least(role):
            return forbidden(user, role)
        if request.endpoint == "ny.create" and not user.may_see(request.form.get("kommune", "").strip()):
            return forbidden(user, None, "Du kan kun oprette sager for " + ", ".join(user.kommuner) + ".")
    return None


def csrf() -> str:
    """The CSRF token of this request's forms: the session's, or before login the login form's own."""
    session = g.get("team_session")
    if session is not None:
        return session.csrf
    return request.cookies.get(LOGIN_CSRF_COOKIE, "") or g.get("login_csrf", "")


def may(endpoint: str) -> bool:
    """True when the logged-in user's role may post to the endpoint (always in token mode), for hiding buttons."""
    who = runtime.user()
    if runtime.current() is None:
        return True
    need = NEEDS.get(endpoint)
    return who is not None and need is not None and (need.role is None or who.at_least(need.role))


def _kommune(name: str) -> str | None:
    from flask import current_app

    ws = current_app.extensions["reportgen.workspace"]
    ref = ws.case(name)
    found = ws.kommune_aar(ref) if ref else None
    return found[0] if found else None


def _login_required(why: str | None) -> WerkzeugResponse:
    """A page asked for without a session goes to the login page; anything else is answered 401."""
    if request.method == "GET" and "text/html" in request.headers.get("Accept", "text/html"):
        target = request.full_path.rstrip("?") if request.path != "/" else ""
        query = {"naeste": target} if target else {}
        if why:
            query["udloebet"] = "1"
        return redirect(url_for("team.login_side", **query), 303)  # type: ignore[arg-type]
    reason = "Du er ikke logget ind." if not why else "Du er blevet logget ud, fordi sessionen er udløbet."
    page = render_template("team/afvist.html.j2", status=401, reason=reason + " Log ind, og prøv igen.")
    response = Response(page, 401)
    response.headers["WWW-Authenticate"] = 'Session realm="reportgen", login="/login"'
    return response


def forbidden(user: User, role: str | None, reason: str | None = None) -> Response:
    """403 with the user's role and what the action needs, in Danish."""
    if reason is None and role is None:
        reason = "Handlingen er ikke givet til nogen rolle endnu, så den er afvist."
    elif reason is None:
        assert role is not None
        reason = (
            f"Du er logget ind som {ROLES[user.role]}, og handlingen kræver rollen {ROLES[role]} "
            f"(som kan {ROLE_DOES[role]}). Spørg den, der giver adgang til reportgen, hvis du skal have den."
        )
    return Response(render_template("team/afvist.html.j2", status=403, reason=reason), 403)


def next_page(target: str | None) -> str:
    """Where to go after the login: a path on this server, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return quote(target, safe="/?=&-_.~%")
    return url_for("oversigt.index")
