"""reportgen serve under attack (issue 24): paths that lead outside the workspace through links, saves over the
input limits, names the workspace uses, a full disk, a foreign Host, a form over the size limit, idle and
trickling connections, and document pages whose policy lets their own styles and fonts through."""

from __future__ import annotations

import errno
import io
import os
import re
import shutil
import socket
import threading
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from casefactory import EXAMPLE, dump_toml, patch_toml
from test_web import BASE, CASE, TOKEN, client_for, post, state, text_of
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from reportgen.inputs.limits import (
    MAX_FORM_BYTES,
    MAX_FORM_FIELD_BYTES,
    MAX_FORM_PARTS,
    MAX_TEXT_BYTES,
    MAX_TOML_BYTES,
)
from reportgen.lifecycle.build import build
from reportgen.web.app import create_app
from reportgen.web.guard import Addresses
from reportgen.web.server import LIMITS, Limits, make_server

# --- saves are held to the limits the files are read with (item 7) --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Forklaring. " * 150_000, "1,8 MB; højst 200 kB"),
        ("x" * MAX_TEXT_BYTES, "200.001 bytes; højst 200.000 bytes"),  # a text is saved with a final newline
        ("æ" * (MAX_TEXT_BYTES // 2 + 1), "200.003 bytes; højst 200.000 bytes"),  # two bytes a character
    ],
)
def test_a_text_over_the_limit_is_not_saved(web, text, shown):
    app, client, ws = web
    before = (ws / CASE / "tekster" / "forklaring.md").read_bytes()
    response = post(app, client, f"/sag/{CASE}/tekster/forklaring", {"tekst": text, "version": state(app)})
    page = text_of(response)
    assert response.status_code == 422 and f"ville få filen til at fylde {shown}" in page
    assert (ws / CASE / "tekster" / "forklaring.md").read_bytes() == before
    preview = post(
        app, client, f"/sag/{CASE}/forhaandsvisning/sagsfremstilling", {"afsnit": "forklaring", "tekst": text}
    )
    assert preview.status_code == 422 and shown in text_of(preview)


def test_a_decision_that_takes_sag_toml_over_the_limit_is_not_saved(web):
    app, client, ws = web
    toml = ws / CASE / "sag.toml"
    text = toml.read_text(encoding="utf-8") + "# "
    toml.write_text(text + "x" * (MAX_TOML_BYTES - 500 - len(text.encode("utf-8"))) + "\n", encoding="utf-8")
    before = toml.read_bytes()
    decision = {"organ": "Byrådet", "dato": "2025-12-01", "beslutning": "Godkendt. " * 100, "udfald": "vedtaget"}
    response = post(app, client, f"/sag/{CASE}/beslutninger", {**decision, "version": state(app)})
    page = text_of(response)
    assert response.status_code == 422 and "sag.toml: ændringen ville få filen til at fylde 1.000." in page
    assert "højst 1.000.000 bytes er tilladt" in page
    assert toml.read_bytes() == before
    assert "Intern fejl" not in text_of(client.get(f"/sag/{CASE}/"))
    tomllib.loads(toml.read_text(encoding="utf-8"))  # still the file it was


@pytest.fixture
def web(tmp_path):
    from test_web import make_workspace

    root = make_workspace(tmp_path / "arbejdsmappe")
    app, client = client_for(root)
    return app, client, root


# --- a form over the size limits is answered 413 with the limits (item 13) ------------------------------------------


def multipart(app, fields: dict[str, str], files: dict[str, bytes]):
    """A form as a browser sends it, the CSRF field first, encoded in memory (a large body is not spooled to a
    temporary file that the test client leaves open)."""
    values: dict = {"csrf": app.extensions["reportgen.keys"].csrf, **fields}
    values.update({name: FileStorage(io.BytesIO(content), f"{name}.csv") for name, content in files.items()})
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


@pytest.mark.parametrize(
    ("url", "fields", "files", "told"),
    [
        ("/ny", {}, {"statistik": b"x" * 40_000_000}, "fylder 40 MB; en formular må højst fylde 31 MB i alt"),
        ("/ny", {}, {"statistik": b"x" * MAX_FORM_BYTES}, "bytes; en formular må højst fylde 31.000.000 bytes i alt"),
        (f"/sag/{CASE}/data/statistik", {"version": "x"}, {"fil": b"x" * 40_000_000}, "fylder 40 MB"),
        (f"/sag/{CASE}/tekster/forklaring", {"tekst": "x" * (MAX_FORM_FIELD_BYTES + 1)}, {}, "er for stort; en"),
        (f"/sag/{CASE}/bilag", {f"felt{i}": "x" for i in range(MAX_FORM_PARTS + 1)}, {}, "højst have 200 felter"),
    ],
    ids=["40-mb-file", "one-byte-over", "40-mb-data-file", "text-field-over-2-mb", "too-many-fields"],
)
def test_a_form_over_the_limits_is_413_naming_them(web, url, fields, files, told):
    app, client, ws = web
    before = {p: p.read_bytes() for p in (ws / CASE).rglob("*") if p.is_file()}
    response = client.post(url, **multipart(app, fields, files))
    page = text_of(response)
    assert response.status_code == 413, page
    assert told in page and "Hver fil i den må højst fylde 10 MB og hvert tekstfelt 2 MB" in page
    assert "egne formularer" not in page
    assert {p: p.read_bytes() for p in (ws / CASE).rglob("*") if p.is_file()} == before


def test_a_large_preview_sent_by_the_script_is_413(web):
    app, client, _ = web
    response = client.post(
        f"/sag/{CASE}/forhaandsvisning/sagsfremstilling",
        data={"afsnit": "forklaring", "tekst": "x" * 40_000_000},
        headers={"X-CSRF-Token": app.extensions["reportgen.keys"].csrf},
    )
    assert response.status_code == 413 and "fylder 40 MB" in text_of(response)


def test_a_large_form_without_the_token_is_still_401(tmp_path):
    from test_web import make_workspace

    _, client = client_for(make_workspace(tmp_path / "arbejdsmappe"), token=False)
    assert client.post("/ny", data=b"x" * 40_000_000, content_type="multipart/form-data").status_code == 401


# --- the Host a request is sent to, and the token out of the address (item 12) ---------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:8000",
        "127.0.0.1.evil.example:8000",
        "127.0.0.1:8001",  # another port
        "127.0.0.1",  # port 80
        "127.0.0.1:8000@evil.example",
        "[::ffff:7f00:1]:8000x",
        "",
    ],
)
def test_a_request_to_another_host_is_refused_with_cookie_and_csrf(web, host):
    app, client, ws = web
    before = (ws / CASE / "sag.toml").read_bytes()
    origin = {"Origin": f"http://{host}"}
    response = post(app, client, f"/sag/{CASE}/oplysninger", {"status": "endelig"}, headers={"Host": host, **origin})
    assert response.status_code == 400 and "et andet navn end det, serveren er startet på" in text_of(response)
    assert client.get(f"/sag/{CASE}/", headers={"Host": host}).status_code == 400
    assert client.get(f"/?token={TOKEN}", headers={"Host": host}).status_code == 400
    assert (ws / CASE / "sag.toml").read_bytes() == before


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "LOCALHOST:8000", "[::1]:8000"])
def test_the_addresses_the_server_is_started_on_are_answered(web, host):
    _, client, _ = web
    response = client.get(f"/?token={TOKEN}", headers={"Host": host})
    assert response.status_code == 303 and response.headers["Location"] == f"http://{host.lower()}/"


def test_every_address_of_the_machine_when_started_on_all():
    import socket

    every = Addresses.started_on("0.0.0.0", 8000)
    assert every.allow("10.20.30.40:8000") and every.allow("[fe80::1]:8000") and every.allow("localhost:8000")
    assert every.allow(f"{socket.gethostname()}:8000")
    assert not every.allow("evil.example:8000") and not every.allow("10.20.30.40:8001")
    one = Addresses.started_on("10.20.30.40", 8000)
    assert one.allow("10.20.30.40:8000") and not one.allow("10.20.30.41:8000") and not one.allow("localhost:8000")


@pytest.mark.parametrize(
    ("url", "location"),
    [
        (f"/?token={TOKEN}", "/"),
        (f"/sag/{CASE}/versioner?vis=1&token={TOKEN}&dok=bilag-1", f"/sag/{CASE}/versioner?vis=1&dok=bilag-1"),
    ],
)
def test_the_token_leaves_the_address_by_a_redirect(tmp_path, url, location):
    from test_web import make_workspace

    _, client = client_for(make_workspace(tmp_path / "arbejdsmappe"), token=False)
    response = client.get(url)
    assert response.status_code == 303 and response.headers["Location"] == f"{BASE}{location}"
    assert TOKEN not in response.headers["Location"] and f"reportgen-8000={TOKEN}" in response.headers["Set-Cookie"]
    assert client.get(location).status_code in (200, 404)  # the cookie is enough now


def test_the_redirect_stays_on_the_servers_own_host(tmp_path):
    from test_web import make_workspace

    _, client = client_for(make_workspace(tmp_path / "arbejdsmappe"), token=False)
    response = client.get(f"/?token={TOKEN}", environ_overrides={"PATH_INFO": "//evil.example/sti"})
    assert response.status_code == 303 and urlsplit(response.headers["Location"]).netloc == "127.0.0.1:8000"


# --- idle and trickling connections cannot stop the server (item 6) ------------------------------------------------


@contextmanager
def running(root: Path, limits: Limits = LIMITS) -> Iterator[tuple[str, int]]:
    """The app served by make_server, as `reportgen serve` serves it, in a thread; yields its host and port."""
    from test_web import make_workspace

    app = create_app(make_workspace(root), token=TOKEN)
    server = make_server(app, "127.0.0.1", 0, limits)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", int(server.effective_port)
    finally:
        server.close()
        server.task_dispatcher.shutdown()
        app.extensions["reportgen.builds"].stop()


def answered(host: str, port: int) -> int:
    """The status of a new request (without the token: 401), or an error when none came within 10 seconds."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code


def closed_by_the_server(connection: socket.socket) -> bool:
    """True when the server has closed the connection (read within 0.1 s)."""
    connection.settimeout(0.1)
    try:
        return connection.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionError:
        return True


def test_300_idle_connections_leave_room_for_a_new_request(tmp_path):
    with running(tmp_path / "arbejdsmappe") as (host, port):
        idle = []
        try:
            for i in range(300):
                idle.append(socket.create_connection((host, port), timeout=10))
                if i % 2:
                    idle[-1].sendall(b"GET / HTTP/1.1\r\n")  # half of them begin a request and say no more
            assert answered(host, port) == 401
            assert not any(closed_by_the_server(c) for c in idle[:10])  # answered while they were all open
        finally:
            for connection in idle:
                connection.close()


def test_a_request_sent_a_byte_at_a_time_is_cut_off(tmp_path):
    with running(tmp_path / "arbejdsmappe", Limits(request_seconds=1, rate=100)) as (host, port):
        with socket.create_connection((host, port), timeout=10) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\n")
            for _ in range(100):  # a byte every 0.1 s: slower than 100 bytes a second after the first second
                if closed_by_the_server(slow):
                    break
                slow.sendall(b"X")
            else:
                pytest.fail("a request trickling in was never cut off")
            assert answered(host, port) == 401


def test_an_idle_connection_is_closed(tmp_path):
    with running(tmp_path / "arbejdsmappe", Limits(idle_seconds=1, sweep_seconds=1)) as (host, port):
        with socket.create_connection((host, port), timeout=10) as idle:
            assert any(closed_by_the_server(idle) for _ in range(100)), "an idle connection was never closed"


def test_the_limits_are_in_the_readme():
    from test_docs import README

    section = README.split("### Grænser for serveren", 1)[1].split("\n#", 1)[0]
    assert f"| {LIMITS.connections:,}".replace(",", ".") in section
    for seconds in (LIMITS.idle_seconds, LIMITS.sweep_seconds, LIMITS.request_seconds):
        assert f"| {seconds} sekunder" in section
    assert f"{LIMITS.rate // 1000} kB i sekundet" in section and f"{LIMITS.body_bytes // 1_000_000} MB" in section


# --- every path the server reads, serves or writes stays inside the workspace (items 2 and 4) ---------------------
#
# Each scenario puts something of its own (marked with MARKER) at one place the server reads or writes. As a
# control, placed inside the workspace, it is shown or written by the routes named; then the place is made a link
# to a folder or file outside the workspace (or, for sag.toml's paths, a path out of it), and every route of the
# app, walked from its url_map, is requested: the marker is never in an answer, nothing outside changes, and the
# routes named refuse.

MARKER = "HEMMELIGTUDENFOR"
BASE_DIR = Path("output") / "alleroed" / "2024"
# a value for each parameter a route may take; a route with another parameter fails the walk until it is added
PARAMETERS = {
    "name": CASE,
    "section": "forklaring",
    "document": "bilag-2",
    "number": 1,
    "filename": "sagsfremstilling.html",
    "pair": "v1-v2",
    "job_id": "x",
    "key": "x",
    "kind": "statistik",
}
NOT_THE_WORKSPACE = {
    "static": "the app's own script and stylesheet, from the package",
    "skrifter.font": "the house fonts, from the package",
}
FORM = {
    "tekst": "Ny tekst.",
    "fra": "1",
    "til": "1",
    "titel": "Notat",
    "organ": "Byrådet",
    "dato": "2025-12-01",
    "beslutning": "Godkendt.",
    "status": "udkast",
    "indstilling": "videreføres",
    "stil": "",
    "bilag_titel": "Notat",
}
VERSION_ROUTES = {
    "versioner.versioner",
    "versioner.fil",
    "versioner.byg",
    "versioner.sammenlign",
    "versioner.sammenlign_nu",
    "versioner.sammenligning",
    "versioner.sammenligning_fil",
}
SAG_TOML_WRITES = {
    "sag.gem_beslutning",
    "sag.slet_beslutning",
    "sag.gem_tilbagesendt",
    "sag.gem_oplysninger",
    "sag.nyt_bilag",
    "sag.slet_bilag",
    "sag.nyt_moede",
    "sag.slet_moede",
    "sag.ny_datafil",
    "sag.gem_tekst",
}


@dataclass(frozen=True)
class Place:
    """One place the server reads or writes, and how a control and an attack reach it."""

    id: str
    make: Callable[[Path, Path, bool], None]  # (workspace, outside, link): put MARKER's content there
    refused: frozenset[str]  # endpoints that must answer 403, 404 or 422 when it leads outside
    shows: tuple[str, ...] = ()  # GET addresses that show MARKER in the control
    writes: tuple[str, ...] = ()  # endpoints that write into it in the control
    parameters: dict = field(default_factory=dict)
    form: dict = field(default_factory=dict)


def _put(workspace: Path, outside: Path, link: bool, relative: Path, content: Callable[[Path], None]) -> None:
    """Make workspace/relative hold content: itself (control) or as a link to outside/<name> (attack)."""
    target = workspace / relative
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists() or target.is_symlink():
        target.unlink()
    real = outside / relative.name if link else target
    real.parent.mkdir(parents=True, exist_ok=True)
    content(real)
    if link:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(real)


def _marked_text(path: Path) -> None:
    path.write_text(f"Forvaltningens vurdering: {MARKER}.\n", encoding="utf-8")


def _marked_texts(folder: Path) -> None:
    shutil.copytree(EXAMPLE / "tekster", folder)
    _marked_text(folder / "forklaring.md")


def _marked_case(folder: Path) -> None:
    shutil.copytree(EXAMPLE, folder)
    _marked_text(folder / "tekster" / "forklaring.md")


def _marked_version(folder: Path) -> None:
    folder.mkdir(parents=True)
    for name in ("manifest.json", "sagsfremstilling.pdf"):
        (folder / name).write_text("{}" if name.endswith("json") else MARKER, encoding="utf-8")
    (folder / "sagsfremstilling.html").write_text(f"<p>{MARKER}</p>", encoding="utf-8")


def _marked_history(folder: Path) -> None:
    _marked_version(folder / "v1")
    _marked_version(folder / "v2")
    _marked_comparison(folder / "sammenligninger" / "v1-v2")


def _marked_output(folder: Path) -> None:
    _marked_history(folder / "alleroed" / "2024")


def _marked_comparison(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "hemmelig.html").write_text(f"<p>{MARKER}</p>", encoding="utf-8")


def _marked_comparisons(folder: Path) -> None:
    _marked_comparison(folder / "v1-v2")
    (folder / "v7-v8").mkdir()


def _marked_sag_toml(path: Path) -> None:
    data = tomllib.loads((EXAMPLE / "sag.toml").read_text(encoding="utf-8"))
    path.write_text(dump_toml(patch_toml(data, {"kompetence": MARKER})), encoding="utf-8")


def _marked_plan(path: Path, plan: Path = EXAMPLE / "handleplan-2023.toml") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(plan.read_text(encoding="utf-8").replace("Samarbejde med Task Force", MARKER), encoding="utf-8")


def _marked_last_year(folder: Path) -> None:
    """Last year's case folder, whose plan (followed up this year) names MARKER."""
    shutil.copytree(EXAMPLE, folder)
    toml = folder / "sag.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("aar = 2024", "aar = 2023"), encoding="utf-8")
    _marked_plan(folder / "handleplan.toml", EXAMPLE / "handleplan.toml")


def _forrige(value: Callable[[Path, Path], str], make: Callable[[Path], None]) -> Callable[[Path, Path, bool], None]:
    """A place named by handleplan.forrige: last year's plan or case, made inside the case folder (control) or
    outside, and named by value(case folder, where it is)."""

    def place(workspace: Path, outside: Path, link: bool) -> None:
        where = (outside if link else workspace / CASE) / "sidste-aar"
        make(where)
        toml = workspace / CASE / "sag.toml"
        text = toml.read_text(encoding="utf-8")
        toml.write_text(text.replace('"handleplan-2023.toml"', f'"{value(workspace / CASE, where)}"'), encoding="utf-8")

    return place


def _forrige_link(workspace: Path, outside: Path, link: bool) -> None:
    """forrige names a folder of the case folder that is last year's case, or a link to it outside."""
    _put(workspace, outside, link, Path(CASE) / "sidste-aar", _marked_last_year)
    toml = workspace / CASE / "sag.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('"handleplan-2023.toml"', '"sidste-aar"'), encoding="utf-8"
    )


PREVIEWS = frozenset({"sag.forhaandsvisning", "sag.live_forhaandsvisning"})
PLACES = (
    Place(
        "case-folder",
        lambda ws, out, link: _put(ws, out, link, Path("genvej"), _marked_case),
        frozenset({"sag.overblik", "sag.tekst", "sag.gem_tekst", *PREVIEWS, *VERSION_ROUTES, *SAG_TOML_WRITES}),
        shows=("/sag/genvej/tekster/forklaring",),
        parameters={"name": "genvej"},
    ),
    Place(
        "output-folder",
        lambda ws, out, link: _put(ws, out, link, Path("output"), _marked_output),
        frozenset(VERSION_ROUTES),
        shows=(f"/sag/{CASE}/v1/sagsfremstilling.html",),
    ),
    Place(
        "history-folder",
        lambda ws, out, link: _put(ws, out, link, BASE_DIR, _marked_history),
        frozenset(VERSION_ROUTES),
        shows=(f"/sag/{CASE}/v1/sagsfremstilling.html", f"/sag/{CASE}/sammenlign/v1-v2/hemmelig.html"),
    ),
    Place(
        "version-folder",
        lambda ws, out, link: _put(ws, out, link, BASE_DIR / "v3", _marked_version),
        frozenset({"versioner.fil", "versioner.sammenligning", "versioner.sammenlign_nu"}),
        shows=(f"/sag/{CASE}/v3/sagsfremstilling.html",),
        parameters={"number": 3, "pair": "v1-v3"},
        form={"til": "3"},
    ),
    Place(
        "comparison-folder",
        lambda ws, out, link: _put(ws, out, link, BASE_DIR / "sammenligninger" / "v1-v2", _marked_comparison),
        frozenset({"versioner.sammenligning", "versioner.sammenligning_fil", "versioner.sammenlign_nu"}),
        shows=(f"/sag/{CASE}/sammenlign/v1-v2/hemmelig.html",),
        writes=("versioner.sammenlign_nu",),
        parameters={"filename": "hemmelig.html"},
        form={"til": "2"},
    ),
    Place(
        "comparisons-folder",
        lambda ws, out, link: _put(ws, out, link, BASE_DIR / "sammenligninger", _marked_comparisons),
        frozenset(
            {
                "versioner.sammenlign",
                "versioner.sammenligning",
                "versioner.sammenligning_fil",
                "versioner.sammenlign_nu",
            }
        ),
        shows=(f"/sag/{CASE}/sammenlign/v1-v2/hemmelig.html",),
        writes=("versioner.sammenlign_nu",),
        parameters={"filename": "hemmelig.html"},
        form={"til": "2"},
    ),
    Place(
        "text",
        lambda ws, out, link: _put(ws, out, link, Path(CASE) / "tekster" / "forklaring.md", _marked_text),
        frozenset({"sag.gem_tekst", *PREVIEWS}),
        shows=(f"/sag/{CASE}/tekster/forklaring",),
        writes=("sag.gem_tekst",),
        parameters={"document": "sagsfremstilling"},
    ),
    Place(
        "texts-folder",
        lambda ws, out, link: _put(ws, out, link, Path(CASE) / "tekster", _marked_texts),
        frozenset({"sag.gem_tekst", *PREVIEWS}),
        shows=(f"/sag/{CASE}/tekster/forklaring",),
        writes=("sag.gem_tekst",),
        parameters={"document": "sagsfremstilling"},
    ),
    Place(
        "appendix-folder",
        lambda ws, out, link: _put(ws, out, link, Path(CASE) / "bilag", lambda p: p.mkdir()),
        frozenset({"sag.nyt_bilag", "sag.gem_tilbagesendt"}),
        writes=("sag.nyt_bilag",),
    ),
    Place(
        "sag-toml",
        lambda ws, out, link: _put(ws, out, link, Path(CASE) / "sag.toml", _marked_sag_toml),
        frozenset({*SAG_TOML_WRITES, *PREVIEWS}),
        shows=(f"/sag/{CASE}/",),
        writes=("sag.nyt_moede",),
    ),
    *(
        Place(
            f"previous-{name}",
            make,
            frozenset({*PREVIEWS, "sag.gem_tekst", "sag.gem_oplysninger"}),
            shows=(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling",),
            parameters={"document": "sagsfremstilling"},
        )
        for name, make in (
            (
                "plan-absolute",
                _forrige(lambda case, where: str(where / "plan.toml"), lambda w: _marked_plan(w / "plan.toml")),
            ),
            (
                "plan-relative",
                _forrige(
                    lambda case, where: os.path.relpath(where / "plan.toml", case),
                    lambda w: _marked_plan(w / "plan.toml"),
                ),
            ),
            ("case-relative", _forrige(lambda case, where: os.path.relpath(where, case), _marked_last_year)),
            ("case-link", _forrige_link),
        )
    ),
)


@pytest.fixture(scope="module")
def built_workspace(tmp_path_factory) -> Path:
    """A workspace with the example case built twice: v1, and v2 with another explanation."""
    from test_web import make_workspace

    root = make_workspace(tmp_path_factory.mktemp("bygget") / "arbejdsmappe")
    build(root / CASE, root / "output")
    forklaring = root / CASE / "tekster" / "forklaring.md"
    original = forklaring.read_bytes()
    forklaring.write_text("Forvaltningens forklaring, skrevet om.\n", encoding="utf-8")
    build(root / CASE, root / "output")
    forklaring.write_bytes(original)
    return root


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry under a folder (links not followed): a file's bytes, None for a folder or link."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
        for p in sorted(folder.rglob("*"))
    }


def prepared(built: Path, tmp_path: Path, place: Place, link: bool):
    """A fresh copy of the built workspace with the place made, its app (builds queued, never run) and client."""
    root, outside = tmp_path / "arbejdsmappe", tmp_path / "udenfor"
    shutil.copytree(built, root, symlinks=True)
    outside.mkdir()
    place.make(root, outside, link)
    app, client = client_for(root)
    app.extensions["reportgen.builds"].stop()  # a build asked for is queued and never run
    return root, outside, app, client


def request(app, client, rule, place: Place):
    """Request a rule as a browser would (a form with the CSRF token and the case's state for a POST)."""
    values = {**PARAMETERS, **place.parameters}
    url = rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]
    if "POST" not in rule.methods:
        return client.get(url)
    ws = app.extensions["reportgen.workspace"]
    ref = ws.case(values["name"])
    data = {**FORM, **place.form, "csrf": app.extensions["reportgen.keys"].csrf}
    data["version"] = ws.state(ref) if ref else ""
    for field_name in ("fil", "bilag_fil", "statistik"):
        name = "statistik.csv" if field_name == "statistik" or rule.endpoint == "sag.ny_datafil" else "notat.txt"
        content = (EXAMPLE / "statistik.csv").read_bytes() if name.endswith(".csv") else b"Notat."
        data[field_name] = (io.BytesIO(content), name)
    return client.post(url, data=data, content_type="multipart/form-data")


def rules(app):
    """The app's routes, each a (rule, method) to request; the parameters are those the walk knows."""
    walked = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in NOT_THE_WORKSPACE:
            continue
        assert rule.arguments <= PARAMETERS.keys(), f"{rule.rule}: add its parameters to the walk"
        walked.append(rule)
    return walked


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.id)
def test_the_control_reaches_the_place(built_workspace, tmp_path, place):
    root, _, app, client = prepared(built_workspace, tmp_path, place, link=False)
    for url in place.shows:
        assert MARKER in text_of(client.get(url)), url
    by_endpoint = {rule.endpoint: rule for rule in rules(app)}
    for endpoint in place.writes:
        before = snapshot(root)
        response = request(app, client, by_endpoint[endpoint], place)
        assert response.status_code < 400 and snapshot(root) != before, endpoint


@pytest.mark.parametrize("place", PLACES, ids=lambda p: p.id)
def test_every_route_refuses_a_place_outside_the_workspace(built_workspace, tmp_path, place):
    _, outside, app, client = prepared(built_workspace, tmp_path, place, link=True)
    before = snapshot(outside)
    walked = rules(app)
    assert place.refused <= {rule.endpoint for rule in walked}
    for rule in walked:
        response = request(app, client, rule, place)
        body = response.get_data()
        assert MARKER.encode() not in body, rule.rule
        assert b"Intern fejl" not in body, rule.rule
        if rule.endpoint in place.refused:  # refused, or sent back to its page with the reason (a small form)
            assert response.status_code in (303, 403, 404, 422), (rule.rule, response.status_code)
            if response.status_code == 303:
                assert "besked-fejl" in text_of(client.get(response.headers["Location"])), rule.rule
    assert snapshot(outside) == before


def test_the_walk_covers_every_route_but_the_packages_own_files():
    app = create_app(Path("/nonexistent-workspace"))
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - {rule.endpoint for rule in rules(app)} == set(NOT_THE_WORKSPACE)


def test_last_years_case_in_the_workspace_leading_outside_is_refused_and_the_cli_still_reads_it(tmp_path):
    from test_web import make_workspace

    from reportgen.inputs import load_inputs

    root = make_workspace(tmp_path / "arbejdsmappe")
    last_year = root / "alleroed-2023"
    _marked_last_year(last_year)
    _marked_plan(tmp_path / "udenfor" / "plan-2022.toml")
    toml = last_year / "sag.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('"handleplan-2023.toml"', '"../../udenfor/plan-2022.toml"')
    )
    case_toml = root / CASE / "sag.toml"
    case_toml.write_text(case_toml.read_text(encoding="utf-8").replace('"handleplan-2023.toml"', '"../alleroed-2023"'))
    _, client = client_for(root)
    preview = client.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling")
    page = text_of(preview)
    assert preview.status_code == 422 and MARKER not in page
    assert (
        "../alleroed-2023/sag.toml, nøgle &#39;handleplan.forrige&#39;: &#39;../../udenfor/plan-2022.toml&#39;" in page
    )
    assert load_inputs(root / CASE).forrige is not None  # the command line follows it, as documented


def test_a_fifo_among_the_texts_hangs_no_page(web):
    _, client, ws = web
    (ws / CASE / "tekster" / "kvalitet.md").unlink()
    os.mkfifo(ws / CASE / "tekster" / "kvalitet.md")
    answers: list[int] = []
    asking = threading.Thread(target=lambda: answers.append(client.get(f"/sag/{CASE}/").status_code), daemon=True)
    asking.start()
    asking.join(120)
    assert answers == [200]


# --- the names the workspace uses are not case names (item 8) -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("output", "Navnet &#39;output&#39; bruger arbejdsmappen selv"),
        ("Output", "Navnet &#39;Output&#39; bruger arbejdsmappen selv"),
        (" OUTPUT. ", "Navnet &#39;OUTPUT&#39; bruger arbejdsmappen selv"),
        ("../output", "Navnet &#39;output&#39; bruger arbejdsmappen selv"),
        ("ALLEROD-2024", "allerede en mappe, der hedder &#39;allerod-2024&#39;"),
        ("genvej", "allerede en mappe, der hedder &#39;genvej&#39;"),  # a link that leads nowhere
    ],
)
def test_a_new_case_cannot_take_a_name_the_workspace_uses(tmp_path, name, message):
    from test_web import make_workspace, start_new_case, upload

    root = make_workspace(tmp_path / "arbejdsmappe")
    (root / "genvej").symlink_to(tmp_path / "findes-ikke")
    app, client = client_for(root)
    step2 = start_new_case(app, client, (EXAMPLE / "statistik.csv").read_bytes())
    form = {"kommune": "Hillerød", "aar": "2024", "sammenligning": "Furesø", "indstilling": "videreføres"}
    before = sorted(p.name for p in root.iterdir())
    response = upload(app, client, step2, {}, **form, mappe=name)
    assert response.status_code == 422 and message in text_of(response)
    assert sorted(p.name for p in root.iterdir()) == before


def test_the_output_folder_given_is_reserved_too(tmp_path):
    from test_web import make_workspace

    root = make_workspace(tmp_path / "arbejdsmappe")
    app = create_app(root, token=TOKEN, out=root / "byggede")
    assert "byggede" in app.extensions["reportgen.workspace"].reserved()
    assert app.extensions["reportgen.workspace"].new_folder_problem("Byggede")


# --- a full disk is told in Danish and leaves the case as it was (item 10, the browser) -----------------------------


@pytest.fixture
def full_disk(monkeypatch):
    """Every write of the server's fails as on a full disk, from when the fixture's function is called."""

    def fill() -> None:
        def no_space(fd: int, data) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", no_space)

    return fill


@pytest.mark.parametrize(
    ("url", "form", "status"),
    [
        (f"/sag/{CASE}/tekster/forklaring", {"tekst": "Ny forklaring."}, 507),
        (f"/sag/{CASE}/beslutninger", {"organ": "Byrådet", "dato": "2025-12-01", "beslutning": "Godkendt."}, 507),
        (
            f"/sag/{CASE}/tilbagesendt",
            {
                "organ": "Byrådet",
                "dato": "2025-12-01",
                "beslutning": "Sendt tilbage.",
                "tekst": "Notat.",
                "bilag_titel": "Notat",
                "bilag_fil": (io.BytesIO(b"Notat."), "notat.txt"),
            },
            507,
        ),
        (f"/sag/{CASE}/oplysninger", {"status": "endelig", "indstilling": "videreføres", "stil": ""}, 507),
        (f"/sag/{CASE}/moeder", {"organ": "Byrådet", "dato": "2025-12-01"}, 303),
        (f"/sag/{CASE}/bilag", {"titel": "Notat", "fil": (io.BytesIO(b"Notat."), "notat.txt")}, 303),
        (f"/sag/{CASE}/data/statistik", {"fil": (io.BytesIO((EXAMPLE / "statistik.csv").read_bytes()), "s.csv")}, 303),
    ],
    ids=["text", "decision", "send-back", "details", "meeting", "appendix", "data-file"],
)
def test_a_save_on_a_full_disk_is_told_and_changes_nothing(web, full_disk, url, form, status):
    app, client, ws = web
    before = snapshot(ws)
    full_disk()
    response = client.post(
        url,
        data={**form, "csrf": app.extensions["reportgen.keys"].csrf, "version": state(app)},
        content_type="multipart/form-data",
    )
    page = text_of(client.get(response.headers["Location"]) if response.status_code == 303 else response)
    assert response.status_code == status
    assert "ikke gemt: disken er fuld på serveren" in page and "Intern fejl" not in page
    assert snapshot(ws) == before  # not a byte, not a temporary file


def test_the_text_typed_stays_in_the_form_on_a_full_disk(web, full_disk):
    app, client, _ = web
    full_disk()
    response = post(
        app, client, f"/sag/{CASE}/tekster/forklaring", {"tekst": "Min nye forklaring.", "version": state(app)}
    )
    assert response.status_code == 507 and "Min nye forklaring." in text_of(response)


def test_a_new_case_on_a_full_disk_is_not_created(tmp_path, full_disk):
    from test_web import start_new_case, upload

    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    step2 = start_new_case(app, client, (EXAMPLE / "statistik.csv").read_bytes())
    full_disk()
    form = {"kommune": "Allerød", "aar": "2024", "sammenligning": "Furesø", "indstilling": "videreføres"}
    response = upload(app, client, step2, {}, **form, mappe="alleroed-2024")
    assert response.status_code == 422 and "Sagen er ikke oprettet: disken er fuld på serveren" in text_of(response)
    assert list(root.iterdir()) == []


def test_the_build_message_on_a_full_disk_says_it_once():
    from reportgen.lifecycle.failures import failure
    from reportgen.web.builds import Job

    job = Job("x", CASE, state="fejl", failed=str(failure(OSError(errno.ENOSPC, "fuld"), Path("/ud"))))
    assert job.message().count("Versionen blev ikke bygget") == 1 and "disken er fuld" in job.message()


def test_the_real_server_tells_a_write_the_system_refuses(built_workspace, tmp_path):
    """`reportgen serve` where the system refuses files over 64 kB (ulimit -f): a save, a comparison and an upload
    meet a real EFBIG from the kernel, and each is told in Danish, never as an internal error."""
    import resource
    import signal
    import subprocess
    import sys
    from http.cookiejar import CookieJar

    root = tmp_path / "arbejdsmappe"
    shutil.copytree(built_workspace, root, symlinks=True)
    before = snapshot(root / CASE)

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))

    command = [sys.executable, "-m", "reportgen.cli", "serve", str(root), "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limited
    ) as server:
        try:
            address = re.search(r"http://\S+", server.stdout.readline()).group(0)
            base = address.split("/?")[0]
            browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            browser.open(address).close()

            def send(path: str, fields: dict, files: dict | None = None) -> str:
                page = browser.open(f"{base}/sag/{CASE}/tekster/forklaring").read().decode("utf-8")
                values = {"csrf": re.search(r'name="csrf-token" content="([^"]+)"', page).group(1), **fields}
                values["version"] = re.search(r'name="version" value="([^"]+)"', page).group(1)
                values.update({k: FileStorage(io.BytesIO(v), "fil.csv") for k, v in (files or {}).items()})
                boundary, body = encode_multipart(values)
                asked = urllib.request.Request(
                    base + path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": base}
                )
                try:
                    with browser.open(asked) as answer:
                        return answer.read().decode("utf-8")
                except urllib.error.HTTPError as exc:
                    with exc:
                        return exc.read().decode("utf-8")

            limit = "en fil blev større end den grænse, systemet tillader"
            saved = send(f"/sag/{CASE}/tekster/forklaring", {"tekst": "Forklaring. " * 9_000})
            assert f"Ændringen er ikke gemt: {limit}" in saved
            compared = send(f"/sag/{CASE}/sammenlign", {"fra": "1", "til": "2"})
            assert f"Sammenligningen blev ikke skrevet: {limit}" in compared
            # kept in memory by waitress and werkzeug (under 500 kB), written to a temporary file to be read
            uploaded = send("/ny", {}, {"statistik": b"kommune,aar\n" * 25_000})
            assert f"fordi {limit}" in uploaded
        finally:
            server.send_signal(signal.SIGTERM)
            _, errors = server.communicate(timeout=60)
    assert "Intern fejl" not in errors and "Intern fejl" not in saved + compared + uploaded
    assert snapshot(root / CASE) == before


# --- the document pages' policy lets their own styles and fonts through, and nothing else ------------------------


def test_a_document_page_allows_exactly_its_styles_and_the_house_fonts():
    from reportgen.web.guard import _hash, document_policy

    html = b'<style>p{}</style><img style="width: 16.00cm"><p style="color: &quot;red&quot;">'
    policy = document_policy(html)
    red, width = _hash(b'color: "red"'), _hash(b"width: 16.00cm")  # an attribute's value as the browser reads it
    assert f"style-src {_hash(b'p{}')} 'unsafe-hashes' {red} {width};" in policy
    assert "font-src 'self';" in policy and "script-src" not in policy and "default-src 'none'" in policy
    assert "unsafe-hashes" not in document_policy(b"<style>p{}</style><p>")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/sag/{CASE}/forhaandsvisning/fonts/Carlito-Regular.ttf", 200),
        (f"/sag/{CASE}/v1/fonts/Carlito-Bold.ttf", 200),
        (f"/sag/{CASE}/forhaandsvisning/fonts/LICENSE-Carlito.txt", 404),
        (f"/sag/{CASE}/forhaandsvisning/fonts/..%2fstyle.css", 404),
        (f"/sag/{CASE}/fonts/sag.toml", 404),
    ],
)
def test_only_the_house_fonts_are_served_beside_the_documents(web, url, status):
    _, client, _ = web
    with client.get(url) as response:
        assert response.status_code == status
        if status == 200:
            assert response.mimetype == "font/ttf" and response.data[:4] == b"\x00\x01\x00\x00"
