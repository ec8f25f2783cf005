"""The HTTP server of `reportgen serve`: waitress on 127.0.0.1 by default, the address with the token printed
on one line, and a clean stop (exit status 0) on Ctrl-C or SIGTERM after the build in progress has finished."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from reportgen.web.app import create_app, served_on

THREADS = 4  # requests served at once; builds run one at a time in their own thread


def address(host: str, port: int, token: str) -> str:
    """http://H:P/?token=T, with an IPv6 host in brackets."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/?token={token}"


def warm_up() -> None:
    """Load what the first preview needs (prose and HTML templates, matplotlib and its fonts, the municipal
    boundaries) while the user opens the browser, so that it draws only the document's own figures."""
    from reportgen.documents import charts, compose
    from reportgen.writers import html

    compose.warm_up()
    charts.warm_up()
    html.warm_up()


def serve(folder: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve the workspace until Ctrl-C or SIGTERM; return 0 after a clean stop."""
    from waitress import create_server

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    app = create_app(folder, port, host=host)
    server = create_server(app, host=host, port=port, threads=THREADS, ident="reportgen")
    bound = int(server.effective_port)
    served_on(app, host, bound)  # --port 0: the system chose the port
    keys = app.extensions["reportgen.keys"]

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    threading.Thread(target=warm_up, name="reportgen-opvarmning", daemon=True).start()
    print(f"reportgen serve: åbn {address(host, bound, keys.token)}", flush=True)
    print(f"Arbejdsmappe: {Path(folder).resolve()} · Ctrl-C stopper serveren.", file=sys.stderr, flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        print("Stopper: venter på en igangværende bygning …", file=sys.stderr, flush=True)
        app.extensions["reportgen.builds"].stop()
        print("Serveren er stoppet.", file=sys.stderr, flush=True)
    return 0
