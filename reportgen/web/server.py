"""The HTTP server of `reportgen serve`: waitress on 127.0.0.1 by default with limits no client can exhaust (many
connections, none held long by a client that sends nothing or only a byte now and then), the address with the
token printed on one line, and a clean stop (exit status 0) on Ctrl-C or SIGTERM after the build in progress has
finished."""

from __future__ import annotations

import logging
import resource
import signal
import sys
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

from flask import Flask

from reportgen.inputs.limits import MAX_FORM_BYTES
from reportgen.lifecycle import preview
from reportgen.web.app import create_app, served_on
from reportgen.web.team.runtime import Team

THREADS = 4  # requests served at once; builds run one at a time in their own thread


@dataclass(frozen=True)
class Limits:
    """What the server allows its clients (the README's "Grænser for serveren"): every browser of a municipality's
    users connected at once, and no connection held long by a client that sends nothing, or only a byte now and
    then (a "slow loris")."""

    connections: int = 1_000  # open at once; a browser opens up to 6 to one server
    idle_seconds: int = 30  # a connection that has sent and received nothing for this long is closed
    sweep_seconds: int = 5  # how often idle connections are looked for
    request_seconds: int = 30  # a request may take this long to arrive, plus a second for every `rate` bytes in it
    rate: int = 10_000  # bytes a second (80 kbit/s): a request arriving slower than this is cut off
    body_bytes: int = 4 * MAX_FORM_BYTES  # waitress refuses a larger request unread; below, the app tells the limit
    files_reserved: int = 200  # open files kept free of connections for the app (case files, fonts, PDF processes)

    def too_slow(self, seconds: float, arrived: int) -> bool:
        """True for a request that has taken `seconds` so far to send `arrived` bytes: longer than it may."""
        return seconds > self.request_seconds + arrived / self.rate


LIMITS = Limits()


def _channel_class() -> Any:
    """waitress's connection, cut off when a request trickles in slower than Limits allows (imported late: waitress
    is only needed to serve)."""
    from waitress.channel import HTTPChannel

    class Channel(HTTPChannel):
        """A connection that knows when its current request began to arrive and how much of it has."""

        def __init__(self, server: Any, sock: Any, addr: Any, adj: Any, map: Any = None, *, limits: Limits) -> None:
            super().__init__(server, sock, addr, adj, map)
            self.limits, self.started, self.arrived = limits, 0.0, 0

        def received(self, data: bytes) -> bool:
            if self.request is None:  # these bytes begin a request
                self.started, self.arrived = time.monotonic(), 0
            self.arrived += len(data)
            return bool(super().received(data))

        def readable(self) -> bool:
            # asked on every turn of the server's loop (at least once a second)
            receiving = self.request is not None and not self.requests
            if receiving and self.limits.too_slow(time.monotonic() - self.started, self.arrived):
                self.will_close = True
            return bool(super().readable())

    return Channel


def make_server(app: Flask, host: str, port: int, limits: Limits = LIMITS) -> Any:
    """waitress serving app on host:port within the limits; the app learns the port bound (--port 0)."""
    from waitress import create_server
    from waitress.server import BaseWSGIServer

    connections = min(
        limits.connections, _open_files(limits.connections + limits.files_reserved) - limits.files_reserved
    )
    channels: dict[int, Any] = {}
    server = create_server(
        app,
        map=channels,
        host=host,
        port=port,
        threads=THREADS,
        ident="reportgen",
        connection_limit=connections,
        channel_timeout=limits.idle_seconds,
        cleanup_interval=limits.sweep_seconds,
        max_request_body_size=limits.body_bytes,
        asyncore_use_poll=True,  # select() cannot watch more than 1024 connections
    )
    channel = partial(_channel_class(), limits=limits)
    for listener in channels.values():
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = channel
    served_on(app, host, int(server.effective_port))
    return server


def _open_files(wanted: int) -> int:
    """Raise the process's limit of open files to wanted where the system allows; return the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        soft = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return wanted if soft == resource.RLIM_INFINITY else soft


def address(host: str, port: int, token: str) -> str:
    """http://H:P/?token=T, with an IPv6 host in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def serve(folder: Path, host: str = "127.0.0.1", port: int = 8000, team: Team | None = None) -> int:
    """Serve the workspace until Ctrl-C or SIGTERM (with team, to named users); return 0 after a clean stop."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    for chatty in (
        "weasyprint",
        "fontTools",
    ):  # their progress lines ("Step 5 - Creating layout") would bury the address
        logging.getLogger(chatty).setLevel(logging.WARNING)
    app = create_app(folder, port, host=host, team=team)
    server = make_server(app, host, port)
    bound = int(server.effective_port)
    keys = app.extensions["reportgen.keys"]

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=preview.warm_up, name="reportgen-opvarmning", daemon=True).start()
    app.extensions["reportgen.builds"].warm_up()
    if team is None:
        print(f"reportgen serve: åbn {address(host, bound, keys.token)}", flush=True)
    else:  # no token: the users log in
        shown = team.settings.offentlig_adresse or address(host, bound, "").split("/?")[0]
        print(f"reportgen serve: åbn {shown}/ (log ind: {team.mode})", flush=True)
    print(f"Arbejdsmappe: {Path(folder).resolve()} · Ctrl-C stopper serveren.", file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        builds = app.extensions["reportgen.builds"]
        if builds.busy():
            print("Stopper: venter på, at den igangværende bygning bliver færdig …", file=sys.stderr, flush=True)
        builds.stop()
        print("Serveren er stoppet.", file=sys.stderr, flush=True)
    return 0
