"""Behind a reverse proxy that terminates TLS: the client's address and the scheme are taken from
X-Forwarded-For and X-Forwarded-Proto only when the request comes from a trusted proxy, and the public address
(scheme and host) from the configuration, so redirects and the Origin check use what the browser sees."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

START = "reportgen.start"  # when the request arrived (for the request log)


class Proxied:
    """WSGI middleware: the request as the browser sent it to the proxy."""

    def __init__(self, app: Callable, trusted: Iterable[str], public: str | None) -> None:
        self.app, self.trusted = app, frozenset(trusted)
        parts = urlsplit(public) if public else None
        self.scheme = parts.scheme if parts else None
        self.host = parts.netloc if parts else None

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        environ[START] = time.perf_counter()
        if environ.get("REMOTE_ADDR") in self.trusted:
            forwarded = [a.strip() for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            while forwarded and forwarded[-1] in self.trusted:
                forwarded.pop()
            if forwarded:
                environ["REMOTE_ADDR"] = forwarded[-1]  # the address the nearest trusted proxy saw
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[-1].strip().lower()
            if proto in ("http", "https"):
                environ["wsgi.url_scheme"] = proto
        else:  # a client's own forwarding headers are not believed
            for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST"):
                environ.pop(header, None)
        if self.host:
            environ["HTTP_HOST"] = self.host
            environ["wsgi.url_scheme"] = self.scheme
        return self.app(environ, start_response)
