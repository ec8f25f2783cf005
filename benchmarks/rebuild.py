"""Time the builds people wait for (issue #27), on a copy of the example case, each side measured alternately.

    python benchmarks/rebuild.py [--runder N] [--json FILE]

From the command line, cold (`reportgen build` in a new process), in turn: "Byg" with nothing changed (the history
holds the version), a build after one changed text of the sagsfremstilling (the text alternates between two
wordings, so every such build makes a version), and a full build into an empty folder. In the browser, on a served
copy (`reportgen serve`'s app on waitress, its build thread warmed up as the server warms it): "Byg" with nothing
changed; after one text changed in the text editor (saved there, which prepares the build), "Byg" clicked at once
and two seconds later (the officer going to the Byg page); and after one text changed outside the browser (nothing
prepared) – each from the POST to the status that says the build has ended, asked every POLL seconds as the
Byg page's script asks in a build's first five seconds (a faster poll would share the server's Python with the build
more than any browser does).

Which reportgen is timed is the one Python imports: PYTHONPATH=<another checkout> times that one.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "eksempler" / "allerod-2024"
TEXT = "tekster/sagsbeskrivelse.md"
WORDINGS = ("Sagen er genoptaget efter tilbagesendelsen.", "Sagen er genoptaget efter byrådets tilbagesendelse.")


POLL = 0.1  # seconds between two questions for the build's status: app.js's "soon()" in a build's first 5 s


def calibrate() -> float:
    """Seconds for the benchmarks' fixed pure-Python loop (benchmarks/run.py): the machine's speed at the time."""
    start = time.perf_counter()
    sum(i * i for i in range(10**7))
    return time.perf_counter() - start


def rewrite(case: Path, wording: str) -> None:
    """Give the sagsfremstilling's case description a last sentence in one of the two wordings."""
    original = (EXAMPLE / TEXT).read_text(encoding="utf-8").rstrip()
    (case / TEXT).write_text(f"{original}\n\n{wording}\n", encoding="utf-8")


def cold(case: Path, out: Path) -> float:
    """Wall time of `reportgen build` in a new process."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "reportgen.cli", "build", str(case), "--out", str(out)]
    # run outside any checkout: Python would import a checkout's reportgen instead of the installed one
    subprocess.run(command, check=True, capture_output=True, cwd=out.parent)
    return time.perf_counter() - start


def command_line(work: Path, rounds: int) -> dict[str, list[float]]:
    """Unchanged, one text changed and from scratch, in turn, `rounds` times."""
    case, out = work / "cli" / "allerod-2024", work / "cli-ud"
    shutil.copytree(EXAMPLE, case)
    rewrite(case, WORDINGS[0])
    cold(case, out)
    times: dict[str, list[float]] = {"uændret": [], "én tekst": [], "fuld": []}
    for i in range(rounds):
        times["uændret"].append(cold(case, out))
        rewrite(case, WORDINGS[(i + 1) % 2])
        times["én tekst"].append(cold(case, out))
        with tempfile.TemporaryDirectory(dir=work) as empty:
            times["fuld"].append(cold(case, Path(empty)))
    return times


def browser(work: Path, rounds: int) -> dict[str, list[float]]:
    """ "Byg" in the browser: unchanged and after one changed text, in turn, `rounds` times, on a warm server."""
    from reportgen.web.app import create_app
    from reportgen.web.server import make_server

    root = work / "web"
    case = root / "allerod-2024"
    shutil.copytree(EXAMPLE, case)
    rewrite(case, WORDINGS[0])
    app = create_app(root, port=0)
    server = make_server(app, "127.0.0.1", 0)
    threading.Thread(target=server.run, daemon=True).start()
    builds = app.extensions["reportgen.builds"]
    if hasattr(builds, "warm_up"):
        builds.warm_up()
    keys = app.extensions["reportgen.keys"]
    base = f"http://127.0.0.1:{server.effective_port}"
    cookies = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    opener.open(f"{base}/?token={keys.token}").read()
    posting = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies), _NoRedirect)

    def byg() -> float:
        """From the POST to the status saying the build has ended (the versions page the POST redirects to loads
        meanwhile in a browser, and is not timed)."""
        body = urllib.parse.urlencode({"csrf": keys.csrf}).encode()
        start = time.perf_counter()
        request = urllib.request.Request(f"{base}/sag/allerod-2024/byg", body, headers={"Origin": base})
        try:
            posting.open(request)
        except urllib.error.HTTPError as redirect:
            job = re.search(r"byg=([\w-]+)", redirect.headers["Location"]).group(1)
            redirect.close()
        while True:
            with opener.open(f"{base}/sag/allerod-2024/byg/{job}") as response:
                status = json.loads(response.read())
            if status["done"]:
                assert "version" in status, status
                return time.perf_counter() - start
            time.sleep(POLL)

    def save(wording: str) -> None:
        """Save the case description with a last sentence in one of the two wordings, as the text editor does."""
        page = opener.open(f"{base}/sag/allerod-2024/tekster/sagsbeskrivelse").read().decode("utf-8")
        state = re.search(r'name="version" value="([^"]+)"', page).group(1)
        original = (EXAMPLE / TEXT).read_text(encoding="utf-8").rstrip()
        form = {"csrf": keys.csrf, "version": state, "tekst": f"{original}\n\n{wording}\n"}
        request = urllib.request.Request(
            f"{base}/sag/allerod-2024/tekster/sagsbeskrivelse",
            urllib.parse.urlencode(form).encode(),
            headers={"Origin": base},
        )
        try:
            posting.open(request)
        except urllib.error.HTTPError as redirect:
            assert redirect.code == 303, redirect.code
            redirect.close()

    byg()  # v1, from scratch (after the warm-up, which waits in the same queue)
    times: dict[str, list[float]] = {
        "uændret": [],
        "én tekst gemt, Byg med det samme": [],
        "én tekst gemt, Byg 2 s efter": [],
        "én tekst ændret uden for browseren": [],
    }
    # each change a wording not used before: what was prepared for an earlier wording would otherwise be taken
    wordings = (f"{WORDINGS[1][:-1]} (ændring {n})." for n in itertools.count(1))
    for _ in range(rounds):
        times["uændret"].append(byg())
        save(next(wordings))
        times["én tekst gemt, Byg med det samme"].append(byg())
        save(next(wordings))
        time.sleep(2)
        times["én tekst gemt, Byg 2 s efter"].append(byg())
        rewrite(case, next(wordings))
        times["én tekst ændret uden for browseren"].append(byg())
    server.close()
    builds.stop()
    return times


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect instead of following it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runder", type=int, default=5)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--kun", choices=("kommandolinje", "browser"), help="time only one of the two")
    args = parser.parse_args()
    results: dict = {"kalibrering_foer_s": calibrate(), "kommandolinje": {}, "browser": {}}
    with tempfile.TemporaryDirectory() as folder:
        if args.kun != "browser":
            results["kommandolinje"] = command_line(Path(folder), args.runder)
        if args.kun != "kommandolinje":
            results["browser"] = browser(Path(folder), args.runder)
    results["kalibrering_efter_s"] = calibrate()
    for where, times in (("Kommandolinjen (kold)", results["kommandolinje"]), ("Browseren", results["browser"])):
        for what, seconds in times.items():
            print(
                f"{where}, {what}: median {statistics.median(seconds):.2f} s "
                f"(min {min(seconds):.2f}, max {max(seconds):.2f}; {len(seconds)} kørsler)"
            )
    if cli := results["kommandolinje"]:
        ratio = statistics.median(cli["én tekst"]) / statistics.median(cli["fuld"])
        print(f"Én tekst ændret i forhold til en fuld build (kommandolinjen): {ratio:.0%}")
    print(f"Kalibrering {results['kalibrering_foer_s']:.2f} s før og {results['kalibrering_efter_s']:.2f} s efter")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
