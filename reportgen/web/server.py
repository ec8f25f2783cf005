"""The HTTP server of `reportgen serve`: waitress on 127.0.0.1 by default, the address with the token printed
on one line, and a clean stop (exit status 0) on Ctrl-C or SIGTERM after the build in progress has finished."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import replace
from pathlib import Path
from types import FrameType

from reportgen.lifecycle import preview
from reportgen.web.app import create_app

THREADS = 4  # requests served at once; builds run one at a time in their own thread


def address(host: str, port: int, token: str) -> str:
    """http://H:P/?token=T, with an IPv6 host in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def serve(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the workspace until Ctrl-C or SIGTERM; return 0 after a clean stop."""
    from waitress import create_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    for chatty in (
        "weasyprint",
        "fontTools",
    ):  # their progress lines ("Step 5 - Creating layout") would bury the address
        logging.getLogger(chatty).setLevel(logging.WARNING)
    app = create_app(folder, port)
    server = create_server(app, host=host, port=port, threads=THREADS, ident="reportgen")
    bound = int(server.effective_port)
    keys = app.extensions["reportgen.keys"]
    if bound != port:  # --port 0: the system chose one; the cookies are named after the port actually used
        keys = app.extensions["reportgen.keys"] = replace(keys, cookie=f"reportgen-{bound}")
        app.config["SESSION_COOKIE_NAME"] = f"reportgen-besked-{bound}"

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=preview.warm_up, name="reportgen-opvarmning", daemon=True).start()
    print(f"reportgen serve: åbn {address(host, bound, keys.token)}", flush=True)
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
