"""The server's doors: the access token, CSRF on every state-changing request, security headers, error pages."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import logging
import re
import secrets
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlencode

from flask import Flask, Response, current_app, redirect, render_template, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Response as WerkzeugResponse

from reportgen.domain import danish
from reportgen.domain.errors import InputError
from reportgen.inputs.files import size, sizes
from reportgen.inputs.limits import MAX_TEXT_BYTES, MAX_UPLOAD_BYTES
from reportgen.lifecycle.failures import cause
from reportgen.web.workspace import Outside

log = logging.getLogger("reportgen.web")

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# The app's own pages: scripts and styles only from the app itself; the charts of a preview are data: images.
APP_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
)
_STYLE = re.compile(rb"<style>(.*?)</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(rb'\sstyle="([^"]*)"')


@dataclass(frozen=True)
class Keys:
    """The secrets of one server start: the access token in the printed address and the CSRF token in forms."""

    token: str
    csrf: str
    cookie: str  # the cookie's name carries the port: two servers on one machine keep their own

    @classmethod
    def new(cls, port: int, token: str | None = None) -> Keys:
        """Fresh random keys (a given token is for tests)."""
        return cls(token or secrets.token_urlsafe(32), secrets.token_urlsafe(32), cookie_name(port))


def cookie_name(port: int) -> str:
    """The access cookie's name for a server on a port: two servers on one machine keep their own."""
    return f"reportgen-{port}"


WILDCARDS = ("0.0.0.0", "::", "")  # --host values that listen on every address of the machine
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class Addresses:
    """Where a server answers: the names and the port a browser reaches it by. Every request's Host header must
    name one of them, so a page of another site whose name has been pointed at this machine (DNS rebinding)
    gets no answer."""

    port: int
    names: frozenset[str]  # lower case; an IPv6 address without brackets
    any_ip: bool = False  # started on every address (0.0.0.0, ::): any IP address of the machine
    public: str | None = None  # behind a reverse proxy (team mode): the public address's host[:port], lower case

    @classmethod
    def started_on(cls, host: str, port: int, public: str | None = None) -> Addresses:
        """The addresses of a server started on host:port: the host and what it resolves to (a loopback address
        also as localhost), or for every address this machine's names and any IP address; and the public
        address a reverse proxy serves it under, when the app has one (PUBLIC_HOST)."""
        host = host.strip("[]").lower()
        public = public.lower() if public else None
        if host in WILDCARDS:
            return cls(port, LOOPBACK | {socket.gethostname().lower(), socket.getfqdn().lower()}, True, public)
        names = {host, *_resolved(host)}
        if any(_is_loopback(name) for name in names):
            names |= LOOPBACK
        return cls(port, frozenset(names), public=public)

    def allow(self, header: str | None) -> bool:
        """True for a Host header naming this server: one of its names with its port, or its public address."""
        if self.public is not None and (header or "").lower() == self.public:
            return True
        match = _HOST.fullmatch((header or "").lower())
        if match is None or int(match["port"] or 80) != self.port:
            return False
        name = match["ipv6"] or match["name"]
        return name in self.names or (self.any_ip and _is_ip(name))


_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::(?P<port>[0-9]{1,5}))?")


def _resolved(host: str) -> set[str]:
    """The IP addresses a host name resolves to (none when it does not)."""
    try:
        return {str(info[4][0]).lower() for info in socket.getaddrinfo(host, None)}
    except (OSError, UnicodeError):
        return set()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_loopback(name: str) -> bool:
    return name == "localhost" or (_is_ip(name) and ipaddress.ip_address(name).is_loopback)


def keys() -> Keys:
    """The running app's keys."""
    return current_app.extensions["reportgen.keys"]


@dataclass(frozen=True)
class Door:
    """Who may come in: admit() answers a request that may not go on (None lets it on), csrf() is the CSRF token
    of this request's forms. The token's door by default; team mode installs its own (web/team/access.py)."""

    admit: Callable[[], WerkzeugResponse | None]
    csrf: Callable[[], str]


DOOR = "reportgen.door"
PUBLIC_HOST = "reportgen.public-host"  # app.extensions: the public address's host[:port] behind a reverse proxy


def csrf_token() -> str:
    """The CSRF token the pages' forms carry."""
    return current_app.extensions[DOOR].csrf()


def install(app: Flask, app_keys: Keys) -> None:
    """Require the server's own address in every request's Host (the app's Addresses), the token on every request
    and the CSRF token on every state-changing one; add the headers."""
    app.extensions["reportgen.keys"] = app_keys
    app.extensions[DOOR] = Door(_check_token, lambda: keys().csrf)
    app.before_request(_check_access)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Outside, _outside)
    app.register_error_handler(InputError, _input_error)
    app.register_error_handler(OSError, _machine_error)
    app.register_error_handler(Exception, _internal_error)


def _check_access() -> WerkzeugResponse | None:
    if not current_app.extensions["reportgen.addresses"].allow(request.headers.get("Host")):
        return _denied(
            400,
            "Forespørgslen er sendt til et andet navn end det, serveren er startet på. Brug adressen, som "
            "reportgen serve skrev, da den startede.",
            False,
        )
    door: Door = current_app.extensions[DOOR]
    if (denied := door.admit()) is not None:
        return denied
    if request.method not in SAFE_METHODS:
        origin = request.headers.get("Origin")
        cross_site = request.headers.get("Sec-Fetch-Site") == "cross-site"
        # a form over the size limits raises RequestEntityTooLarge here, answered 413 with the limits
        sent = None if cross_site else request.headers.get("X-CSRF-Token") or request.form.get("csrf")
        if cross_site or (origin and origin != request.host_url.rstrip("/")) or not sent:
            return _denied(403, "Forespørgslen kom ikke fra en af programmets egne formularer og er afvist.", False)
        if not secrets.compare_digest(sent.encode(), door.csrf().encode()):
            return _denied(
                403, "Formularen er fra en tidligere start af serveren. Genindlæs siden, og prøv igen.", False
            )
    return None


def _check_token() -> WerkzeugResponse | None:
    """The token's door: the token in the address on the first visit, then its cookie."""
    k = keys()
    supplied = request.args.get("token")
    if supplied is not None:
        if not secrets.compare_digest(supplied.encode(), k.token.encode()):
            return _denied(403, "Nøglen i adressen er forkert, eller serveren er startet igen med en ny nøgle.")
        request.environ["reportgen.set_cookie"] = True
        if request.method in ("GET", "HEAD"):  # the token leaves the address bar and the history
            return redirect(_without_token(), 303)
    else:
        cookie = request.cookies.get(k.cookie)
        if cookie is None:
            return _denied(401, "Siden kræver den adresse med nøgle, som reportgen serve skrev, da den startede.")
        if not secrets.compare_digest(cookie.encode(), k.token.encode()):
            return _denied(403, "Nøglen er ikke længere gyldig; serveren er startet igen med en ny nøgle.")
    return None


def _without_token() -> str:
    """The address of the request without its token, on the server's own host."""
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "token"]
    return request.base_url + (f"?{urlencode(kept)}" if kept else "")


def _denied(status: int, reason: str, token: bool = True) -> Response:
    response = Response(render_template("adgang.html.j2", status=status, reason=reason, token=token), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Token realm="reportgen"'
    return response


def _headers(response: Response) -> Response:
    k = keys()
    if request.environ.get("reportgen.set_cookie"):
        # Lax, not Strict: the redirect that takes the token out of the address must carry the cookie also when
        # the address was opened from a link on another site (webmail, a chat); every change still needs the
        # CSRF token and a request from the app's own pages
        response.set_cookie(k.cookie, k.token, httponly=True, samesite="Lax", path="/")
    headers = response.headers
    headers.setdefault("Content-Security-Policy", APP_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"  # the address with the token is never sent to another site
    headers["X-Frame-Options"] = "SAMEORIGIN"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Cache-Control"] = "no-store"  # the pages hold case data
    return response


def document_policy(html: bytes) -> str:
    """The policy for a document page of our own writers (preview, a version's HTML, a redline): no scripts, its
    images as data: URLs, the house fonts from the app (fonts.py), and only the exact <style> blocks and style
    attributes it carries, allowed by their hashes."""
    blocks = sorted(set(_STYLE.findall(html)))
    attributes = sorted({unescape(value.decode()).encode() for value in _STYLE_ATTRIBUTE.findall(html)})
    hashes = [_hash(css) for css in blocks] + (
        ["'unsafe-hashes'"] + [_hash(css) for css in attributes] if attributes else []
    )
    return (
        f"default-src 'none'; style-src {' '.join(hashes) or repr('none')}; img-src data:; font-src 'self'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    )


def _hash(css: bytes) -> str:
    """A CSP source allowing exactly this style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css).digest()).decode() + "'"


def document_response(html: bytes, status: int = 200) -> Response:
    """HTML from the document writers, served under document_policy."""
    response = Response(html, status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = document_policy(html)
    return response


def _http_error(exc: HTTPException) -> Response:
    if isinstance(exc, RequestEntityTooLarge):
        return Response(render_template("fejl.html.j2", title="Det sendte er for stort", reason=_too_large()), 413)
    titles = {404: "Siden findes ikke", 405: "Handlingen er ikke tilladt her", 400: "Forkert forespørgsel"}
    title = titles.get(exc.code or 500, "Fejl")
    reason = {404: "Tjek adressen, eller gå tilbage til oversigten over sagerne."}.get(exc.code or 500, "")
    return Response(render_template("fejl.html.j2", title=title, reason=reason), exc.code or 500)


def _outside(exc: Outside) -> Response:
    """A path that leads outside the workspace, refused unread and unwritten."""
    reason = (
        f"'{exc.shown}' i arbejdsmappen er en genvej (et link) til et sted uden for arbejdsmappen. Serveren læser "
        "og skriver kun i arbejdsmappen, så intet er læst eller gemt. Erstat genvejen med en almindelig mappe "
        "eller fil."
    )
    log.warning("Afvist: %s fører uden for arbejdsmappen", exc.shown)
    return Response(render_template("fejl.html.j2", title="Uden for arbejdsmappen", reason=reason), 403)


def _input_error(exc: InputError) -> Response:
    """A case file that cannot be read where a page needed it (its problems; nothing is written)."""
    reason = "Sagen kan ikke læses: " + " ".join(str(p) for p in exc.problems) + " Intet er gemt."
    return Response(render_template("fejl.html.j2", title="Sagen kan ikke læses", reason=reason), 422)


def _machine_error(exc: OSError) -> Response:
    """An error of the machine met anywhere (a full disk, e.g. while a large upload is received): said so, in
    Danish; any other OSError is an internal error."""
    found = cause(exc, machine=True)
    if found is None:
        return _internal_error(exc)
    log.error("Serveren kunne ikke skrive: %s (errno %s)", found, exc.errno)
    reason = (
        f"Serveren kunne ikke gennemføre handlingen, fordi {found} på serveren. Bed den, der driver serveren, om "
        "at rette det, og prøv så igen."
    )
    return Response(render_template("fejl.html.j2", title="Serveren kan ikke skrive", reason=reason), 507)


def _too_large() -> str:
    """Why a form was refused as too large: its size when it was sent with one, and the limits."""
    config = current_app.config
    limit, sent = config["MAX_CONTENT_LENGTH"], request.content_length
    shown, most = sizes(sent, limit) if sent is not None and sent > limit else (None, size(limit))
    told = f"fylder {shown}" if shown else "er for stort"
    return (
        f"Det, der blev sendt, {told}; en formular må højst fylde {most} i alt. Hver fil i den må højst fylde "
        f"{size(MAX_UPLOAD_BYTES)} og hvert tekstfelt {size(config['MAX_FORM_MEMORY_SIZE'])} (en tekst i sagen "
        f"{size(MAX_TEXT_BYTES)}), og den må højst have {danish.count(config['MAX_FORM_PARTS'])} felter og filer. "
        "Intet er gemt. Gå tilbage, og vælg en mindre fil."
    )


def internal_reference(exc: BaseException) -> str:
    """Log an internal error with a reference and without personal data (the exception's message can hold a
    value from a file, so only its type and the code locations are logged); return the reference."""
    reference = secrets.token_hex(4).upper()
    frames = " < ".join(
        f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in traceback.extract_tb(exc.__traceback__)[::-1]
    )
    log.error("Intern fejl %s: %s i %s", reference, type(exc).__name__, frames or "?")
    return reference


def _internal_error(exc: Exception) -> Response:
    reference = internal_reference(exc)
    return Response(render_template("fejl.html.j2", title="Intern fejl", reference=reference), 500)
