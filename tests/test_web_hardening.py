"""reportgen serve under attack (issue 24): paths that lead outside the workspace through links, saves over the
input limits, names the workspace uses, a full disk, a foreign Host, a form over the size limit, idle and
trickling connections, and document pages whose policy lets their own styles and fonts through."""

from __future__ import annotations

import io
import socket
import threading
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
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
    assert response.status_code in (409, 422) and "sag.toml: ændringen ville få filen til at fylde 1.000." in page
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
