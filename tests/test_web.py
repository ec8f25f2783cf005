"""reportgen serve through Flask's test client: every page and action, bad input, the token, CSRF, paths that
lead outside the workspace, a stale save, builds (same bytes as the command line, two at once) and comparisons."""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import threading
import time
import tomllib
from datetime import date
from pathlib import Path

import pytest
from casefactory import EXAMPLE, read_csv_rows, statistik_rows, to_csv, write_xlsx
from flask.testing import FlaskClient

from reportgen.inputs.case import TEXT_SECTIONS
from reportgen.lifecycle.build import build
from reportgen.lifecycle.versions import OWNER, claim, history_owner
from reportgen.web.app import create_app

TOKEN = "proevenoegle"
BASE = "http://127.0.0.1:8000"
CASE = "allerod-2024"
IDS = {cell for row in read_csv_rows(EXAMPLE / "klagesager.csv")[1:] for cell in row[:2]}  # sags_id, borger_id


def make_workspace(root: Path) -> Path:
    """A workspace with a copy of the example case."""
    shutil.copytree(EXAMPLE, root / CASE)
    return root


class LocalClient(FlaskClient):
    """A test client that reaches the app as a browser does, at the address it is started on (127.0.0.1:8000)."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("base_url", BASE)
        return super().open(*args, **kwargs)


def client_for(root: Path, token: bool = True):
    """The app on root and a test client that holds the access cookie (given for the token on a static file, so
    that no page loads the cases just to hand it out)."""
    app = create_app(root, token=TOKEN)
    app.test_client_class = LocalClient
    client = app.test_client()
    if token:
        with client.get(f"/static/app.css?token={TOKEN}") as response:
            assert response.status_code == 303  # redirected to the address without the token, with the cookie
        assert client.get_cookie(app.extensions["reportgen.keys"].cookie, domain="127.0.0.1") is not None
    return app, client


@pytest.fixture
def ws(tmp_path) -> Path:
    return make_workspace(tmp_path / "arbejdsmappe")


@pytest.fixture
def web(ws):
    app, client = client_for(ws)
    return app, client, ws


def csrf(app) -> str:
    return app.extensions["reportgen.keys"].csrf


def state(app, name: str = CASE) -> str:
    ws = app.extensions["reportgen.workspace"]
    return ws.state(ws.case(name))


def post(app, client, url: str, data: dict | None = None, **kwargs):
    data = {"csrf": csrf(app), **(data or {})}
    return client.post(url, data=data, **kwargs)


def text_of(response) -> str:
    return response.get_data(as_text=True)


# --- the doors ---------------------------------------------------------------------------------------------------


def test_without_token_401_danish_page(ws):
    _, client = client_for(ws, token=False)
    response = client.get("/")
    assert response.status_code == 401
    assert '<html lang="da">' in text_of(response) and "Adgang nægtet" in text_of(response)
    assert client.get("/static/app.css").status_code == 401
    assert client.get(f"/sag/{CASE}/").status_code == 401


def test_wrong_token_403_and_wrong_cookie_403(ws):
    _, client = client_for(ws, token=False)
    assert client.get("/?token=forkert").status_code == 403
    client.set_cookie("reportgen-8000", "forkert", domain="127.0.0.1")
    assert client.get("/").status_code == 403


def test_token_gives_cookie_then_overview_lists_cases(ws):
    _, client = client_for(ws, token=False)
    first = client.get(f"/?token={TOKEN}")
    cookie = first.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and cookie.startswith(f"reportgen-8000={TOKEN}")
    assert first.status_code == 303 and first.headers["Location"] == f"{BASE}/"  # the token leaves the address
    page = text_of(client.get("/"))  # the cookie alone now
    assert '<html lang="da">' in page
    assert "Allerød 2024" in page and "Udkast" in page and "videreføres" in page
    assert "Sundheds- og Beskæftigelsesudvalget 2022-2025" in page  # the latest decision


def test_security_headers(web):
    _, client, _ = web
    headers = client.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy and "unsafe" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Cache-Control"] == "no-store"
    preview = client.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling").headers["Content-Security-Policy"]
    assert "style-src 'sha256-" in preview and "script-src" not in preview and "default-src 'none'" in preview


@pytest.mark.parametrize("data", [{}, {"csrf": "forkert"}])
def test_state_changing_request_without_csrf_403(web, data):
    app, client, ws = web
    before = (ws / CASE / "sag.toml").read_bytes()
    response = client.post(f"/sag/{CASE}/oplysninger", data={**data, "status": "endelig", "version": state(app)})
    assert response.status_code == 403
    assert (ws / CASE / "sag.toml").read_bytes() == before
    assert client.post(f"/sag/{CASE}/byg", data=data).status_code == 403


def test_cross_site_origin_403(web):
    app, client, _ = web
    response = post(app, client, f"/sag/{CASE}/byg", headers={"Origin": "http://ondsindet.example"})
    assert response.status_code == 403


PAGES = [
    "/",
    "/ny",
    f"/sag/{CASE}/",
    f"/sag/{CASE}/tekster/forklaring",
    f"/sag/{CASE}/tekster/tema",
    f"/sag/{CASE}/tekster/begrundelse",
    f"/sag/{CASE}/tekster/genoptagelse",
    f"/sag/{CASE}/beslutninger",
    f"/sag/{CASE}/beslutninger?ret=2",
    f"/sag/{CASE}/tilbagesendt",
    f"/sag/{CASE}/oplysninger",
    f"/sag/{CASE}/versioner",
    f"/sag/{CASE}/sammenlign",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_danish_and_without_case_ids(web, url):
    _, client, _ = web
    response = client.get(url)
    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="da">' in page and "<h1" in page
    assert not [i for i in IDS if i in page]


def test_every_text_section_has_a_page(web):
    _, client, _ = web
    for section in TEXT_SECTIONS:
        assert client.get(f"/sag/{CASE}/tekster/{section}").status_code == 200, section
    assert "Grundlaget for beslutningen" in text_of(client.get(f"/sag/{CASE}/tekster/begrundelse"))


def test_unknown_page_404_in_danish(web):
    _, client, _ = web
    response = client.get("/findes-ikke")
    assert response.status_code == 404 and "Siden findes ikke" in text_of(response)


# --- paths outside the workspace ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/sag/../",
        "/sag/%2e%2e/",
        "/sag/..%2f..%2fetc/",
        f"/sag/{CASE}/v1/..%2fsag.toml",
        f"/sag/{CASE}/v1/%2fetc%2fpasswd",
        f"/sag/{CASE}/tekster/..%2f..%2fsag",
        f"/sag/{CASE}/sammenlign/v1-v2/..%2f..%2fsag.toml",
        "/sag/output/",
        "/sag/.skjult/",
    ],
)
def test_traversal_404(web, url):
    _, client, ws = web
    (ws / ".skjult").mkdir()
    (ws / ".skjult" / "sag.toml").write_text("kommune = 'Allerød'\n")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("value", ["/etc/passwd", "../../../../etc/passwd", "../../udenfor.csv"])
def test_data_file_outside_workspace_refused(tmp_path, value):
    root = make_workspace(tmp_path / "arbejdsmappe")
    (tmp_path / "udenfor.csv").write_text("hemmelig,linje\n")
    toml = root / CASE / "sag.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('statistik = "statistik.csv"', f'statistik = "{value}"'))
    _, client = client_for(root)
    page = text_of(client.get(f"/sag/{CASE}/"))
    assert "uden for arbejdsmappen" in page
    assert "root:" not in page and "hemmelig" not in page
    assert "Fejl i sagen" in text_of(client.get("/"))
    preview = client.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling")
    assert preview.status_code == 422 and "root:" not in text_of(preview)


def test_linked_text_and_linked_case_folder_refused(tmp_path):
    root = make_workspace(tmp_path / "arbejdsmappe")
    secret = tmp_path / "hemmelig.md"
    secret.write_text("HEMMELIGT INDHOLD")
    (root / CASE / "tekster" / "tema.md").symlink_to(secret)
    outside = make_workspace(tmp_path / "andet") / CASE
    (root / "genvej").symlink_to(outside)
    _, client = client_for(root)
    page = text_of(client.get(f"/sag/{CASE}/"))
    assert "tekster/tema.md" in page and "HEMMELIGT" not in page
    assert "HEMMELIGT" not in text_of(client.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling"))
    assert client.get("/sag/genvej/").status_code == 404
    assert "genvej" not in text_of(client.get("/"))


# --- Ny sag ------------------------------------------------------------------------------------------------------


def upload(app, client, url: str, files: dict[str, tuple[bytes, str]], **fields):
    data = {"csrf": csrf(app), **fields}
    data.update({k: (io.BytesIO(content), name) for k, (content, name) in files.items()})
    return client.post(url, data=data, content_type="multipart/form-data")


def start_new_case(app, client, content: bytes, name: str = "statistik.csv"):
    response = upload(app, client, "/ny", {"statistik": (content, name)})
    assert response.status_code == 303, text_of(response)
    return response.headers["Location"]


def test_new_case_from_the_statistics(tmp_path):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    step2 = start_new_case(app, client, (EXAMPLE / "statistik.csv").read_bytes())
    assert not list(root.iterdir())  # nothing written yet
    page = text_of(client.get(step2))
    assert "5 kommuner, 2021–2024" in page
    page = text_of(client.get(step2 + "?kommune=allerød&aar=2024"))
    for name in ("Hillerød", "Hørsholm", "Furesø", "Rudersdal"):
        assert name in page
    assert 'value="alleroed-2024"' in page
    response = upload(
        app,
        client,
        step2,
        {"forvaltningsomraader": ((EXAMPLE / "forvaltningsomraader.csv").read_bytes(), "tabel2.csv")},
        kommune="Allerød",
        aar="2024",
        sammenligning="Furesø\nHørsholm",
        indstilling="udarbejdes-ikke",
        sagsnummer="25/123",
        mappe="alleroed-2024",
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/sag/alleroed-2024/")
    folder = root / "alleroed-2024"
    data = tomllib.loads((folder / "sag.toml").read_text(encoding="utf-8"))
    assert data["kommune"] == "Allerød" and data["aar"] == 2024 and data["sammenligning"] == ["Furesø", "Hørsholm"]
    assert data["handleplan"] == {"indstilling": "udarbejdes-ikke"} and data["sagsnummer"] == "25/123"
    assert data["forvaltningsomraader"] == "forvaltningsomraader.csv"
    assert "# Danmarkskortet for Allerød 2024" in (folder / "sag.toml").read_text(encoding="utf-8")
    assert sorted(p.name for p in root.iterdir()) == ["alleroed-2024"]  # no staging folder left
    assert "Omgørelsesprocent: 63 % (41 af 65)" in text_of(client.get("/sag/alleroed-2024/"))


def test_new_case_from_xlsx(tmp_path):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    path = write_xlsx(tmp_path / "statistik.xlsx", statistik_rows())
    step2 = start_new_case(app, client, path.read_bytes(), "Ankestyrelsen 2024.xlsx")
    assert "Ankestyrelsen 2024.xlsx" in text_of(client.get(step2))


def test_bad_statistics_row_and_column_in_the_form_nothing_written(tmp_path):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    rows = statistik_rows()
    rows[4][0] = "Allerrød"
    rows[6][3] = "mange"
    response = upload(app, client, "/ny", {"statistik": (to_csv(rows).encode(), "../../statistik 2024.csv")})
    page = text_of(response)
    assert response.status_code == 422
    assert "statistik 2024.csv, række 5, kolonne &#39;kommune&#39;" in page and "Mente du &#39;Allerød&#39;?" in page
    assert "række 7, kolonne &#39;stadfaestet&#39;" in page
    assert not list(root.iterdir())


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00", "program.exe", "hverken en CSV- eller en XLSX-fil"),
        (b"kommune,aar\n", "tom.xlsx", "ikke en rigtig XLSX-fil"),
        (b"", "tom.csv", "filen er tom (0 byte)"),
        (b"\x00\x01\x02", "binaer.csv", "ikke en tekstfil"),
    ],
)
def test_wrong_file_types_refused(tmp_path, content, name, message):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    response = upload(app, client, "/ny", {"statistik": (content, name)})
    assert response.status_code == 422 and message in text_of(response)


def test_an_excel_file_named_csv_is_read_as_the_workbook_it_is(tmp_path):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    workbook = write_xlsx(tmp_path / "statistik.xlsx", statistik_rows()).read_bytes()
    step2 = start_new_case(app, client, workbook, "statistik.csv")
    response = upload(
        app, client, step2, {}, kommune="Allerød", aar="2024", sammenligning="", indstilling="udarbejdes", mappe="a"
    )
    assert response.status_code == 303, text_of(response)
    assert tomllib.loads((root / "a" / "sag.toml").read_text(encoding="utf-8"))["statistik"] == "statistik.xlsx"


def test_a_comparison_municipality_without_figures_is_refused_at_creation(tmp_path):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    step2 = start_new_case(app, client, (EXAMPLE / "statistik.csv").read_bytes())
    response = upload(
        app,
        client,
        step2,
        {},
        kommune="Allerød",
        aar="2024",
        sammenligning="Hillerød\nAarhus",
        indstilling="udarbejdes",
    )
    page = text_of(response)
    assert response.status_code == 422 and 'id="sammenligning-fejl"' in page
    assert "Statistikfilen har ingen tal for Aarhus" in page
    assert not list(root.iterdir())


def test_upload_over_the_cap_refused(tmp_path, monkeypatch):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(app, client, "/ny", {"statistik": (b"x" * 20_000, "stor.csv")})
    assert response.status_code == 413
    assert "fylder 20 kB; en formular må højst fylde 10 kB i alt" in text_of(response)


def test_wrong_municipality_suggests_the_nearest(tmp_path):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    step2 = start_new_case(app, client, (EXAMPLE / "statistik.csv").read_bytes())
    response = client.get(step2 + "?kommune=Allerrød&aar=2024")
    assert response.status_code == 422 and "Ukendt kommune &#39;Allerrød&#39;. Mente du &#39;Allerød&#39;?" in text_of(
        response
    )
    response = client.get(step2 + "?kommune=Gentofte&aar=2024")  # real, but not in the file
    assert "Statistikfilen har ingen tal for Gentofte" in text_of(response)
    response = client.get(step2 + "?kommune=Allerød&aar=2019")
    assert "ingen tal for Allerød 2019" in text_of(response)


def test_bad_klagesager_file_names_row_never_an_id(tmp_path):
    root = tmp_path / "tom"
    root.mkdir()
    app, client = client_for(root)
    step2 = start_new_case(app, client, (EXAMPLE / "statistik.csv").read_bytes())
    rows = read_csv_rows(EXAMPLE / "klagesager.csv")
    rows[3][5] = "vundet"
    rows[4][0] = rows[2][0]  # a duplicated sags_id
    response = upload(
        app,
        client,
        step2,
        {"klagesager": (to_csv(rows).encode(), "klagesager.csv")},
        kommune="Allerød",
        aar="2024",
        sammenligning="Furesø",
        indstilling="udarbejdes",
        mappe="alleroed-2024",
    )
    page = text_of(response)
    assert response.status_code == 422 and "række 4" in page
    assert not [i for i in IDS if i in page]
    assert not list(root.iterdir())


def test_new_case_needs_a_recommendation_and_a_free_folder(tmp_path):
    root = make_workspace(tmp_path / "arbejdsmappe")
    app, client = client_for(root)
    step2 = start_new_case(app, client, (EXAMPLE / "statistik.csv").read_bytes())
    response = upload(app, client, step2, {}, kommune="Furesø", aar="2024", sammenligning="Allerød", mappe=CASE)
    page = text_of(response)
    assert response.status_code == 422
    assert "Vælg forvaltningens indstilling" in page and "allerede en mappe" in page


# --- texts and the preview -----------------------------------------------------------------------------------------


def test_text_saved_and_returned_to_the_default(web):
    app, client, ws = web
    response = post(
        app, client, f"/sag/{CASE}/tekster/tema", {"tekst": "Vores tema.\r\n\r\n- punkt", "version": state(app)}
    )
    assert response.status_code == 303
    assert (ws / CASE / "tekster" / "tema.md").read_text(encoding="utf-8") == "Vores tema.\n\n- punkt\n"
    response = post(app, client, f"/sag/{CASE}/tekster/tema", {"tekst": "x", "standard": "1", "version": state(app)})
    assert response.status_code == 303 and not (ws / CASE / "tekster" / "tema.md").exists()


def test_default_text_shown_for_a_section_not_written(web):
    _, client, _ = web
    page = text_of(client.get(f"/sag/{CASE}/tekster/kompetence"))
    assert "Byrådet træffer beslutning i sagen." in page and "(bruges nu)" in page


def test_live_preview_uses_the_typed_text_and_saves_nothing(web):
    app, client, ws = web
    before = state(app)
    response = post(
        app,
        client,
        f"/sag/{CASE}/forhaandsvisning/sagsfremstilling",
        {"afsnit": "forklaring", "tekst": "Ny **forklaring**."},
    )
    page = text_of(response)
    assert response.status_code == 200 and "Ny <strong>forklaring</strong>." in page
    assert state(app) == before


def test_preview_is_safe_markdown(web):
    app, client, _ = web
    hostile = (
        "<script>alert(1)</script> [link](file:///etc/passwd) ![billede](http://eksempel.dk/x.png) "
        "<img src=x onerror=alert(1)>"
    )
    page = text_of(
        post(app, client, f"/sag/{CASE}/forhaandsvisning/sagsfremstilling", {"afsnit": "tema", "tekst": hostile})
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and "<img src=x" not in page
    assert "href=" not in page and 'src="http' not in page and 'src="file' not in page  # shown as text, never fetched


def test_bilag1_section_previews_bilag1(web):
    app, client, _ = web
    page = text_of(
        post(
            app,
            client,
            f"/sag/{CASE}/forhaandsvisning/bilag-1",
            {"afsnit": "bilag1", "tekst": "Indledning til bilaget."},
        )
    )
    assert "Indledning til bilaget." in page and "Bilag 1." in page


def test_stale_save_refused_text_kept(web):
    app, client, ws = web
    old = state(app)
    assert post(app, client, f"/sag/{CASE}/tekster/kvalitet", {"tekst": "Fane A", "version": old}).status_code == 303
    response = post(app, client, f"/sag/{CASE}/tekster/kvalitet", {"tekst": "Fane B skriver videre", "version": old})
    page = text_of(response)
    assert response.status_code == 409
    assert "ændret et andet sted" in page and "Fane B skriver videre" in page
    assert (ws / CASE / "tekster" / "kvalitet.md").read_text(encoding="utf-8") == "Fane A\n"
    decision = {"organ": "Byrådet", "dato": "2025-11-20", "beslutning": "Godkendt.", "version": old}
    assert post(app, client, f"/sag/{CASE}/beslutninger", decision).status_code == 409


# --- decisions and the send-back ------------------------------------------------------------------------------------


def test_decision_added_comments_and_order_kept(web):
    app, client, ws = web
    toml = ws / CASE / "sag.toml"
    before = toml.read_text(encoding="utf-8")
    decision = {
        "organ": "Allerød Byråd 2022-2025",
        "dato": "25-11-2025",
        "beslutning": "Godkendt.",
        "udfald": "vedtaget",
    }
    response = post(app, client, f"/sag/{CASE}/beslutninger", {**decision, "version": state(app)})
    assert response.status_code == 303
    after = toml.read_text(encoding="utf-8")
    assert after.startswith(before.split("[[bilag]]")[0])  # everything before the appendices untouched
    assert "# syntetiske sager på sagsniveau" in after
    data = tomllib.loads(after)
    assert data["behandling"][-1] == {
        "organ": "Allerød Byråd 2022-2025",
        "dato": date(2025, 11, 25),
        "beslutning": "Godkendt.",
        "udfald": "vedtaget",
    }
    assert len(data["bilag"]) == 2


@pytest.mark.parametrize(
    ("dato", "message"),
    [
        ("31-02-2025", "ikke en gyldig dato"),
        ("i morgen", "ikke en gyldig dato"),
        ("", "Skriv datoen"),
        ("2025-09-01", "før en tidligere beslutning"),
    ],
)
def test_bad_decision_shown_at_the_date_nothing_written(web, dato, message):
    app, client, ws = web
    before = (ws / CASE / "sag.toml").read_bytes()
    data = {"organ": "Byrådet", "dato": dato, "beslutning": "Min beslutning bevares.", "version": state(app)}
    response = post(app, client, f"/sag/{CASE}/beslutninger", data)
    page = text_of(response)
    assert response.status_code == 422
    assert re.search(r'id="dato-fejl">.*' + re.escape(message), page)
    assert 'aria-invalid="true"' in page and "Min beslutning bevares." in page
    assert (ws / CASE / "sag.toml").read_bytes() == before


def test_decision_edited_and_deleted(web):
    app, client, ws = web
    data = {
        "nr": "1",
        "organ": "Børne- og Skoleudvalget",
        "dato": "2025-09-23",
        "beslutning": "Rettet.",
        "udfald": "indstillet",
    }
    assert post(app, client, f"/sag/{CASE}/beslutninger", {**data, "version": state(app)}).status_code == 303
    first = tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))["behandling"][0]
    assert first["beslutning"] == "Rettet." and first["organ"] == "Børne- og Skoleudvalget"
    assert post(app, client, f"/sag/{CASE}/beslutninger/6/slet", {"version": state(app)}).status_code == 303
    assert len(tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))["behandling"]) == 5
    assert post(app, client, f"/sag/{CASE}/beslutninger/9/slet", {"version": state(app)}).status_code == 404


def test_send_back_is_one_action(web):
    app, client, ws = web
    response = upload(
        app,
        client,
        f"/sag/{CASE}/tilbagesendt",
        {"bilag_fil": (b"%PDF-1.7 notat", "../../Notat om tider.pdf")},
        organ="Allerød Byråd 2022-2025",
        dato="2025-11-04",
        beslutning="Byrådet sender sagen tilbage.",
        tekst="Sagen genoptages med et notat.",
        bilag_titel="Notat om sagsbehandlingstider",
        version=state(app),
    )
    assert response.status_code == 303, text_of(response)
    data = tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))
    assert data["behandling"][-1]["udfald"] == "tilbagesendt"
    assert data["bilag"][-1] == {  # marked new: Genoptagelse names it
        "titel": "Notat om sagsbehandlingstider",
        "fil": "bilag/Notat om tider.pdf",
        "ny": True,
    }
    assert (ws / CASE / "bilag" / "Notat om tider.pdf").read_bytes() == b"%PDF-1.7 notat"
    assert (ws / CASE / "tekster" / "genoptagelse.md").read_text(encoding="utf-8") == "Sagen genoptages med et notat.\n"


def test_send_back_with_a_bad_file_writes_nothing(web):
    app, client, ws = web
    before = {p: p.read_bytes() for p in (ws / CASE).rglob("*") if p.is_file()}
    response = upload(
        app,
        client,
        f"/sag/{CASE}/tilbagesendt",
        {"bilag_fil": (b"MZ", "virus.exe")},
        organ="Byrådet",
        dato="2025-11-04",
        beslutning="Tilbage.",
        tekst="Tekst",
        bilag_titel="Notat",
        version=state(app),
    )
    assert response.status_code == 422 and "Filtypen kan ikke vedlægges" in text_of(response)
    assert {p: p.read_bytes() for p in (ws / CASE).rglob("*") if p.is_file()} == before


# --- the case's details ----------------------------------------------------------------------------------------------


def details(app, **changes):
    data = {
        "status": "udkast",
        "indstilling": "videreføres",
        "plan_bilag": "Handleplan for kvalitetsudvikling på baggrund af Ankestyrelsens afgørelser",
        "sagsnummer": "22/15769",
        "kompetence": "Byrådet",
        "sammenligning": "Hillerød\nHørsholm\nFuresø\nRudersdal",
        "hoering": "Handicaprådet\nSeniorrådet",
        "version": state(app),
    }
    return {**data, **changes}


def test_status_changed_only_that_line(web):
    app, client, ws = web
    toml = ws / CASE / "sag.toml"
    before = toml.read_text(encoding="utf-8").splitlines()
    assert post(app, client, f"/sag/{CASE}/oplysninger", details(app, status="endelig")).status_code == 303
    after = toml.read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after, strict=True) if a != b] == [
        ('status = "udkast"', 'status = "endelig"')
    ]


def test_unknown_comparison_municipality_shown_at_the_field(web):
    app, client, ws = web
    before = (ws / CASE / "sag.toml").read_bytes()
    response = post(app, client, f"/sag/{CASE}/oplysninger", details(app, sammenligning="Hillerød\nFuresøe"))
    page = text_of(response)
    assert response.status_code == 422
    assert re.search(r'id="sammenligning-fejl">.*Ukendt kommune &#39;Furesøe&#39;. Mente du &#39;Furesø&#39;', page)
    assert "Hillerød\nFuresøe" in page
    assert (ws / CASE / "sag.toml").read_bytes() == before


def test_appendix_and_meeting_added_and_removed(web):
    app, client, ws = web
    response = upload(
        app,
        client,
        f"/sag/{CASE}/bilag",
        {"fil": (b"svar", "høringssvar.docx")},
        titel="Handicaprådets høringssvar",
        version=state(app),
    )
    assert response.status_code == 303
    data = tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))
    assert data["bilag"][-1] == {"titel": "Handicaprådets høringssvar", "fil": "bilag/høringssvar.docx"}
    assert post(app, client, f"/sag/{CASE}/bilag/3/slet", {"version": state(app)}).status_code == 303
    assert (
        post(
            app, client, f"/sag/{CASE}/moeder", {"organ": "Byrådet", "dato": "2025-12-10", "version": state(app)}
        ).status_code
        == 303
    )
    data = tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))
    assert len(data["bilag"]) == 2 and data["moede"][0]["organ"] == "Byrådet"
    assert post(app, client, f"/sag/{CASE}/moeder/1/slet", {"version": state(app)}).status_code == 303
    assert "moede" not in tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))


def test_data_file_replaced_only_when_valid(web):
    app, client, ws = web
    rows = statistik_rows()
    rows[5][3] = "-4"
    before = (ws / CASE / "statistik.csv").read_bytes()
    response = upload(
        app, client, f"/sag/{CASE}/data/statistik", {"fil": (to_csv(rows).encode(), "ny.csv")}, version=state(app)
    )
    assert response.status_code == 303
    assert "række 6" in text_of(client.get(response.headers["Location"]))
    assert (ws / CASE / "statistik.csv").read_bytes() == before
    path = write_xlsx(ws / "ny.xlsx", statistik_rows())
    response = upload(
        app, client, f"/sag/{CASE}/data/statistik", {"fil": (path.read_bytes(), "ny.xlsx")}, version=state(app)
    )
    assert "er udskiftet" in text_of(client.get(response.headers["Location"]))
    assert tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))["statistik"] == "statistik.xlsx"
    assert not [p for p in (ws / CASE).iterdir() if p.name.startswith(".")]


def test_every_setting_a_warning_asks_for_is_set_in_the_form(web):
    app, client, ws = web
    settings = {
        "punkttype": "orientering",
        "ministerium": "Social- og Boligministeriet",
        "forfatter": "Allerød Kommune, Center for Familie",
        "antal_aar": "3",
        "tabel2_naevner": "begge",
        "diskretion": "5",
    }
    response = post(app, client, f"/sag/{CASE}/oplysninger", details(app, **settings))
    assert response.status_code == 303, text_of(response)
    data = tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))
    assert {k: data[k] for k in settings} == {**settings, "antal_aar": 3, "diskretion": 5}
    page = text_of(client.get(f"/sag/{CASE}/oplysninger"))
    assert "Begge procenter" in page and "Orientering" in page  # the closed sets' own labels
    response = post(app, client, f"/sag/{CASE}/oplysninger", details(app, **settings | {"antal_aar": "11"}))
    assert response.status_code == 422 and 'id="antal_aar-fejl"' in text_of(response)
    assert tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))["antal_aar"] == 3


def test_the_national_extract_is_uploaded_and_checked_with_the_case(web):
    app, client, ws = web
    extract = (EXAMPLE / "landsudtraek-2024.csv").read_bytes()
    toml = ws / CASE / "sag.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('landsudtraek = "landsudtraek-2024.csv"', ""), "utf-8")
    (ws / CASE / "landsudtraek-2024.csv").unlink()
    assert "Blandt landets 98 kommuner" not in text_of(client.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling"))
    response = upload(
        app, client, f"/sag/{CASE}/data/landsudtraek", {"fil": (extract, "landstal.csv")}, version=state(app)
    )
    assert response.status_code == 303
    assert "er udskiftet" in text_of(client.get(response.headers["Location"]))
    assert tomllib.loads(toml.read_text(encoding="utf-8"))["landsudtraek"] == "landsudtraek.csv"
    assert "Blandt landets 98 kommuner" in text_of(client.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling"))


# --- internal errors -------------------------------------------------------------------------------------------------


def test_internal_error_has_a_reference_and_no_data_in_the_log(web, caplog, monkeypatch):
    app, client, _ = web
    from reportgen.lifecycle.preview import Checked

    def broken(*args, **kwargs):
        raise ValueError("BRG-0521 står i en celle")

    monkeypatch.setattr(Checked, "summary", broken)
    with caplog.at_level(logging.ERROR, logger="reportgen.web"):
        response = client.get(f"/sag/{CASE}/")
    page = text_of(response)
    assert response.status_code == 500 and "Intern fejl" in page
    reference = re.search(r'class="reference">([0-9A-F]{8})<', page).group(1)
    assert reference in caplog.text and "ValueError" in caplog.text
    assert "BRG-0521" not in caplog.text and "BRG-0521" not in page


# --- builds, versions, comparisons -----------------------------------------------------------------------------------


def wait(app, job_id: str, case: str = CASE):
    """The job once it has ended; only a build that hangs fails here (a busy machine may take minutes)."""
    builds = app.extensions["reportgen.builds"]
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        job = builds.job(case, job_id)
        if job.done:
            return job
        time.sleep(0.05)
    raise AssertionError("the build did not end")


def start_build(app, client, case: str = CASE) -> str:
    response = post(app, client, f"/sag/{case}/byg")
    assert response.status_code == 303
    return re.search(r"byg=([\w-]+)", response.headers["Location"]).group(1)


def manifest_outputs(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["output"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A workspace whose case was built twice from the browser: v1, then v2 after a send-back."""
    root = make_workspace(tmp_path_factory.mktemp("bygget"))
    app, client = client_for(root)
    first = wait(app, start_build(app, client))
    again = wait(app, start_build(app, client))
    response = post(
        app,
        client,
        f"/sag/{CASE}/tilbagesendt",
        {
            "organ": "Allerød Byråd 2022-2025",
            "dato": "2025-11-04",
            "beslutning": "Byrådet sender sagen tilbage igen.",
            "tekst": "Nyt notat.",
            "version": state(app),
        },
    )
    assert response.status_code == 303
    second = wait(app, start_build(app, client))
    return app, client, root, (first, again, second)


def test_build_from_the_browser(built):
    app, client, root, (first, again, second) = built
    assert first.result.created and first.result.version == 1 and first.steps
    assert not again.result.created and "Uændret" in again.message()
    assert second.result.created and second.result.version == 2
    base = root / "output" / "alleroed" / "2024"
    assert sorted(p.name for p in base.glob("v*")) == ["v1", "v2"]
    assert history_owner(base) == (root / CASE).resolve()  # the history records the case folder that made it
    status = client.get(f"/sag/{CASE}/byg/{first.id}").get_json()
    assert status["done"] and status["version"] == 1 and status["message"] == "Version 1 er bygget."


def test_browser_build_has_the_same_bytes_as_the_command_line(built, tmp_path):
    _, _, root, _ = built
    copy = tmp_path / CASE
    shutil.copytree(root / CASE, copy)
    cli = build(copy, tmp_path / "output")
    assert manifest_outputs(cli.folder) == manifest_outputs(root / "output" / "alleroed" / "2024" / "v2")


def test_versions_page_downloads_and_pdf_view(built):
    _, client, _, _ = built
    page = text_of(client.get(f"/sag/{CASE}/versioner"))
    assert "Version 2" in page and "Version 1" in page and "Sagsfremstilling" in page and "Bilag 1" in page
    with client.get(f"/sag/{CASE}/v1/sagsfremstilling.pdf") as response:
        assert response.data.startswith(b"%PDF") and "attachment" in response.headers["Content-Disposition"]
        assert "alleroed-2024-v1-sagsfremstilling.pdf" in response.headers["Content-Disposition"]  # named for the case
    with client.get(f"/sag/{CASE}/v2/sagsfremstilling.html") as response:  # HTML opens in the browser
        disposition = response.headers["Content-Disposition"]
        assert disposition == 'inline; filename="alleroed-2024-v2-sagsfremstilling.html"'
    assert 'href="/sag/allerod-2024/v1/sagsfremstilling.html" target="_blank"' in page
    with client.get(f"/sag/{CASE}/v1/sagsfremstilling.pdf?vis=1") as response:
        assert "attachment" not in response.headers.get("Content-Disposition", "inline")
    with client.get(f"/sag/{CASE}/v2/bilag-1.docx") as docx:
        assert docx.data.startswith(b"PK") and docx.mimetype.endswith("wordprocessingml.document")
    assert client.get(f"/sag/{CASE}/v2/findes-ikke.pdf").status_code == 404
    assert client.get(f"/sag/{CASE}/v9/sagsfremstilling.pdf").status_code == 404
    assert 'title="Sagsfremstilling, version 1, PDF"' in text_of(client.get(f"/sag/{CASE}/versioner?vis=1"))


def test_compare_writes_its_own_folder_never_a_version(built):
    app, client, root, _ = built
    base = root / "output" / "alleroed" / "2024"
    versions_before = {p: p.read_bytes() for p in base.glob("v*/*")}
    response = post(app, client, f"/sag/{CASE}/sammenlign", {"fra": "1", "til": "2"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/sammenlign/v1-v2")
    assert {p: p.read_bytes() for p in base.glob("v*/*")} == versions_before
    folder = base / "sammenligninger" / "v1-v2"
    names = sorted(p.name for p in folder.iterdir())
    assert "sagsfremstilling-aendringer.docx" in names and any(n.endswith(".html") for n in names)
    page = text_of(client.get(response.headers["Location"]))
    assert "Genoptagelse" in page and "sagsfremstilling-aendringer.docx" in page
    redline = next(n for n in names if n.endswith(".html"))
    shown = client.get(f"/sag/{CASE}/sammenlign/v1-v2/{redline}?vis=1")
    assert "sender sagen tilbage igen" in text_of(shown) and "<ins>" in text_of(shown)
    assert "style-src 'sha256-" in shown.headers["Content-Security-Policy"]
    assert client.get(f"/sag/{CASE}/sammenlign/v1-v7").status_code == 404


def test_two_concurrent_builds_make_one_version(tmp_path):
    root = make_workspace(tmp_path / "arbejdsmappe")
    app, client = client_for(root)
    results = []
    cli = threading.Thread(target=lambda: results.append(build(root / CASE, root / "output")))  # the command line's way
    ids = [start_build(app, client), start_build(app, client)]
    cli.start()
    jobs = [wait(app, i) for i in ids]
    cli.join()
    outcomes = [j.result.created for j in jobs] + [results[0].created]
    assert sorted(outcomes) == [False, False, True]
    assert sorted(p.name for p in (root / "output" / "alleroed" / "2024").glob("v*")) == ["v1"]


def test_build_of_an_invalid_case_shows_the_problems(tmp_path):
    root = make_workspace(tmp_path / "arbejdsmappe")
    toml = root / CASE / "sag.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("aar = 2024", "aar = 2019"), encoding="utf-8")
    app, client = client_for(root)
    job = wait(app, start_build(app, client))
    assert job.state == "fejl" and any("2019" in p for p in job.problems)
    assert not (root / "output").exists() or not list((root / "output").rglob("v*"))


def test_serve_prints_the_address_and_stops_on_ctrl_c(ws):
    import signal
    import subprocess
    import sys
    import urllib.error
    import urllib.request
    from http.cookiejar import CookieJar

    def ctrl_c_as_in_a_terminal() -> None:
        """A test runner started in the background (as a CI job may be) passes on SIGINT ignored; a server started
        in a terminal has it as Python sets it up, which is what Ctrl-C reaches."""
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    command = [sys.executable, "-m", "reportgen.cli", "serve", str(ws), "--port", "0"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=ctrl_c_as_in_a_terminal
    ) as process:
        try:
            line = process.stdout.readline()
            address = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)", line)
            assert address, line
            with pytest.raises(urllib.error.HTTPError) as denied:
                urllib.request.urlopen(f"http://127.0.0.1:{address.group(1)}/", timeout=600)
            assert denied.value.code == 401
            denied.value.close()
            browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            with browser.open(address.group(0), timeout=600) as response:  # redirected without the token
                page = response.read().decode("utf-8")
                assert response.url == f"http://127.0.0.1:{address.group(1)}/"
            assert '<html lang="da">' in page and "Allerød 2024" in page
            process.send_signal(signal.SIGINT)
            _, errors = process.communicate(timeout=600)
        finally:
            process.kill()  # nothing once it has stopped; after a failure above, the test ends instead of waiting
    assert process.returncode == 0, errors


# --- the look ------------------------------------------------------------------------------------------------------

STYLE = EXAMPLE.parent / "kommunestil"


def test_case_page_chooses_a_style_folder_of_the_workspace_and_the_preview_wears_it(web):
    app, client, ws = web
    shutil.copytree(STYLE, ws / "husstil")
    page = text_of(client.get(f"/sag/{CASE}/oplysninger"))
    assert "Stilmappen husstil" in page and "Reportgens eget udseende" in page
    assert post(app, client, f"/sag/{CASE}/oplysninger", details(app, stil="../husstil")).status_code == 303
    assert tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))["stil"] == "../husstil"
    preview = text_of(client.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling"))
    assert 'alt="Allerød Kommunes logo"' in preview and "#00594F" in preview
    assert post(app, client, f"/sag/{CASE}/oplysninger", details(app, stil="")).status_code == 303
    assert "stil" not in tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))


def test_a_look_not_offered_is_refused_and_nothing_written(web):
    app, client, ws = web
    before = (ws / CASE / "sag.toml").read_bytes()
    response = post(app, client, f"/sag/{CASE}/oplysninger", details(app, stil="/etc"))
    assert response.status_code == 422 and "Vælg et udseende på listen." in text_of(response)
    assert (ws / CASE / "sag.toml").read_bytes() == before


def test_a_bad_style_folder_is_shown_at_the_form_and_nothing_written(web):
    app, client, ws = web
    shutil.copytree(STYLE, ws / "husstil")
    (ws / "husstil" / "stil.toml").write_text('farve_tabelhoved_tekst = "#2A7A70"\n', encoding="utf-8")
    before = (ws / CASE / "sag.toml").read_bytes()
    response = post(app, client, f"/sag/{CASE}/oplysninger", details(app, stil="../husstil"))
    assert response.status_code == 422 and "WCAG AA kræver mindst 4,5:1" in text_of(response)
    assert (ws / CASE / "sag.toml").read_bytes() == before


@pytest.mark.parametrize("value", ["/etc", "../../..", "../../udenfor"])
def test_a_style_folder_outside_the_workspace_is_refused_unread(tmp_path, value):
    root = make_workspace(tmp_path / "arbejdsmappe")
    shutil.copytree(STYLE, tmp_path / "udenfor")
    toml = root / CASE / "sag.toml"
    toml.write_text(f'stil = "{value}"\n' + toml.read_text(encoding="utf-8"), encoding="utf-8")
    _, client = client_for(root)
    page = text_of(client.get(f"/sag/{CASE}/"))
    assert f"mappen &#39;{value}&#39; ligger uden for arbejdsmappen" in page
    preview = client.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling")
    assert preview.status_code == 422 and "Kommunes logo" not in text_of(preview)


def test_a_case_nested_too_deep_is_shown_broken_beside_the_others(web):
    """A sag.toml with thousands of nested lists breaks its own case only: the overview lists it as broken and the
    other case as it is, and its own pages say what is wrong."""
    _, client, ws = web
    shutil.copytree(ws / CASE, ws / "dyb")
    (ws / "dyb" / "sag.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    overview = client.get("/")
    assert overview.status_code == 200
    page = text_of(overview)
    assert "Allerød 2024" in page and "dyb" in page and "Fejl i sagen (1)" in page
    case_page = client.get("/sag/dyb/")
    assert case_page.status_code == 200 and "lagt mere end 20 lag inden i hinanden" in text_of(case_page)


@pytest.mark.parametrize(
    "bad, message",
    [
        ("aar = 1" + "0" * 5000, "linje 5 har et heltal med mere end 4.300 cifre"),
        ("aar = = 2024", "ugyldig TOML"),
    ],
)
def test_a_sag_toml_that_cannot_be_read_is_named_on_every_page(web, bad, message):
    """A number too long to read (or any other TOML the app cannot read) in sag.toml: the case's pages, the
    details page with its form too, say what is wrong instead of failing."""
    _, client, ws = web
    toml = ws / CASE / "sag.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("aar = 2024", bad, 1), encoding="utf-8")
    assert client.get("/").status_code == 200
    for page in ("", "oplysninger", "beslutninger", "tilbagesendt"):
        response = client.get(f"/sag/{CASE}/{page}")
        assert response.status_code == 200 and message in text_of(response), page


# --- one case, one version history --------------------------------------------------------------------------------


def test_a_second_case_for_the_same_year_is_refused_and_the_first_offered(ws):
    app, client = client_for(ws)
    step2 = start_new_case(app, client, (EXAMPLE / "statistik.csv").read_bytes())
    page = client.get(step2 + "?kommune=Allerød&aar=2024")
    assert page.status_code == 422
    assert "allerede en sag for Allerød 2024 (mappen allerod-2024)" in text_of(page)
    assert f'href="/sag/{CASE}/"' in text_of(page)  # offered to open it
    assert 'name="indstilling"' not in text_of(page)  # step 3 is not offered
    response = upload(
        app, client, step2, {}, kommune="Allerød", aar="2024", sammenligning="", indstilling="udarbejdes", mappe="ny"
    )
    assert response.status_code == 409 and f'href="/sag/{CASE}/"' in text_of(response)
    assert sorted(p.name for p in ws.iterdir()) == [CASE]  # nothing created
    assert client.get(step2 + "?kommune=Furesø&aar=2024").status_code == 200  # another municipality is fine


def test_a_case_whose_history_another_folder_made_shows_and_builds_none_of_it(ws):
    shutil.copytree(ws / CASE, ws / "kopi")  # two cases for one year, as made before the refusal existed
    base = ws / "output" / "alleroed" / "2024"
    (base / "v1").mkdir(parents=True)
    claim(base, ws / CASE)
    app, client = client_for(ws)
    assert "Version 1" in text_of(client.get(f"/sag/{CASE}/versioner"))
    page = text_of(client.get("/sag/kopi/versioner"))
    assert "Version 1" not in page and "Sagen er ikke bygget endnu" in page
    assert f'href="/sag/{CASE}/versioner"' in page and "sagen i mappen allerod-2024" in page
    job = wait(app, start_build(app, client, "kopi"), "kopi")
    assert job.state == "fejl" and "sagsmappen" in job.message() and "Intet er skrevet" in job.message()
    assert sorted(p.name for p in base.glob("v*")) == ["v1"]


def test_an_old_history_without_its_record_is_shown_to_its_case(ws):
    base = ws / "output" / "alleroed" / "2024"
    (base / "v1").mkdir(parents=True)
    app, client = client_for(ws)
    assert "Version 1" in text_of(client.get(f"/sag/{CASE}/versioner"))
    assert not (base / OWNER).exists()  # adopted by the first build, not by looking
