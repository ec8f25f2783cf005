"""Team mode of reportgen serve (--adgang konti) through Flask's test client: login, lockout, logout, idle and
absolute timeouts, the role every state-changing endpoint needs (a walk of the app's url_map), municipalities,
the audit trail written for each action and closed to the app, two users editing the same text, the decision
history naming who entered each decision, the reverse proxy, the health check and the request log; and the
`reportgen bruger` and `reportgen historik` commands."""

from __future__ import annotations

import io
import logging
import re
import shutil
import sqlite3
import time
import tomllib
from pathlib import Path

import pytest
from casefactory import EXAMPLE

from reportgen.cli import main
from reportgen.lifecycle.build import build
from reportgen.web.app import create_app
from reportgen.web.builds import Job
from reportgen.web.team.roles import NEEDS
from reportgen.web.team.runtime import Team
from reportgen.web.team.sessions import WAIT_LIMIT, WINDOW
from reportgen.web.team.settings import Settings


def served(root, **options):
    """The app as a browser reaches it at Flask's test client's address (http://localhost, port 80): the Host every
    request must name."""
    return create_app(root, port=80, host="localhost", **options)


CASE = "allerod-2024"
PASSWORD = "en lang og god adgangskode"
USERS = {
    "lis": ("laeser", "Lis Læser"),
    "karin": ("sagsbehandler", "Karin Hansen"),
    "ole": ("sekretariat", "Ole Sekretær"),
}
ROLE_USER = {role: name for name, (role, _) in USERS.items()}


class Clock:
    """A clock the test moves (sessions and failed logins are timed by it)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def make_team(root: Path, clock: Clock, settings: Settings | None = None) -> Team:
    team = Team("konti", settings or Settings(), Team.open("konti", Settings(), root).store, clock)
    for name, (role, display) in USERS.items():
        if team.accounts.get(name) is None:
            team.accounts.create(name, role, PASSWORD, display)
    return team


@pytest.fixture
def ws(tmp_path) -> Path:
    root = tmp_path / "arbejdsmappe"
    shutil.copytree(EXAMPLE, root / CASE)
    return root


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def team(ws, clock) -> Team:
    return make_team(ws, clock)


@pytest.fixture
def app(ws, team):
    return served(ws, team=team)


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def login(app, name: str, password: str = PASSWORD, client=None, **headers):
    """A client logged in as name (or the login's response when it fails)."""
    client = client or app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"csrf": csrf_of(page), "brugernavn": name, "adgangskode": password}, headers=headers
    )
    return client, response


def logged_in(app, name: str):
    client, response = login(app, name)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


def page_csrf(client, url: str = "/login") -> str:
    return csrf_of(client.get(url).get_data(as_text=True))


def state(app, name: str = CASE) -> str:
    ws = app.extensions["reportgen.workspace"]
    return ws.state(ws.case(name))


def post(client, url: str, data: dict | None = None, **kwargs):
    return client.post(url, data={"csrf": page_csrf(client), **(data or {})}, **kwargs)


def details_form(app, ws: Path, **changes) -> dict:
    """The Indstilling, bilag og data form as its page fills it from the case, with some values changed."""
    case = tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))
    form = {
        "status": case.get("status", "udkast"),
        "indstilling": case["handleplan"]["indstilling"],
        "plan_bilag": case["handleplan"].get("bilag", ""),
        "sagsnummer": case.get("sagsnummer", ""),
        "kompetence": case.get("kompetence", ""),
        "sammenligning": "\n".join(case.get("sammenligning", [])),
        "hoering": "\n".join(case.get("hoering", [])),
        "stil": case.get("stil", ""),
        "version": state(app),
    }
    return {**form, **changes}


def decisions(ws: Path) -> int:
    return len(tomllib.loads((ws / CASE / "sag.toml").read_text(encoding="utf-8"))["behandling"])


def events(team: Team, sag: str | None = None):
    return team.trail.events(sag)


# --- login, lockout, logout, timeouts -----------------------------------------------------------------------------


def test_passwords_are_hashed_with_the_parameters_rfc_9106_recommends(monkeypatch):
    from argon2 import profiles

    from reportgen.web.team import accounts

    monkeypatch.undo()  # the product's hasher, not the quick one of the other tests (conftest.py)
    assert accounts.PASSWORD_HASHING == profiles.RFC_9106_LOW_MEMORY
    assert accounts._HASHER.hash("en lang adgangskode").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts._DUMMY.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_without_a_session_pages_go_to_login_and_the_rest_is_401(app):
    client = app.test_client()
    response = client.get(f"/sag/{CASE}/tekster/forklaring")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?naeste=/sag/allerod-2024/tekster/forklaring")
    assert client.get("/").headers["Location"] == "/login"
    assert client.post(f"/sag/{CASE}/byg", data={"csrf": "x"}).status_code == 401
    assert client.get(f"/sag/{CASE}/byg/abc", headers={"Accept": "application/json"}).status_code == 401
    assert client.get("/?token=noget").status_code == 303  # no token in team mode


def test_login_page_is_a_danish_form_with_the_three_fields(app):
    page = app.test_client().get("/login").get_data(as_text=True)
    assert '<html lang="da">' in page and "<h1>Log ind</h1>" in page
    for field in ('name="brugernavn"', 'name="adgangskode"', 'name="csrf"', 'type="password"'):
        assert field in page


def test_login_opens_a_session_with_safe_cookie_and_goes_on(app, team):
    client, response = login(app, "karin")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("reportgen-bruger"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http here
    page = client.get("/").get_data(as_text=True)
    assert "Logget ind som <strong>Karin Hansen</strong> (sagsbehandler)" in page
    assert [(e.user, e.action) for e in events(team)] == [("karin", "logget ind")]


def test_login_goes_back_to_the_page_asked_for_but_never_to_another_site(app):
    client = app.test_client()
    page = client.get("/login?naeste=/sag/allerod-2024/versioner").get_data(as_text=True)
    assert 'name="naeste" value="/sag/allerod-2024/versioner"' in page
    data = {"csrf": csrf_of(page), "brugernavn": "lis", "adgangskode": PASSWORD}
    response = client.post("/login", data={**data, "naeste": "/sag/allerod-2024/versioner"})
    assert response.headers["Location"] == "/sag/allerod-2024/versioner"
    other = app.test_client()
    page = other.get("/login").get_data(as_text=True)
    response = other.post("/login", data={**data, "csrf": csrf_of(page), "naeste": "//ondsindet.example/"})
    assert response.headers["Location"] == "/"


def test_wrong_password_sets_no_session_and_is_recorded(app, team):
    client, response = login(app, "karin", "forkert adgangskode")
    assert response.status_code == 401
    assert "Forkert brugernavn eller adgangskode." in response.get_data(as_text=True)
    assert not any(c.startswith("reportgen-bruger") for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/").status_code == 303
    _, unknown = login(app, "findes.ikke")
    assert unknown.status_code == 401
    assert [(e.user, e.action, e.details) for e in events(team)] == [
        ("karin", "login mislykkedes", "forkert adgangskode"),
        ("?", "login mislykkedes", "ukendt brugernavn"),  # what was typed is not kept: it may be a password
    ]


def test_login_without_its_csrf_field_is_refused(app):
    client = app.test_client()
    client.get("/login")
    response = client.post("/login", data={"brugernavn": "karin", "adgangskode": PASSWORD})
    assert response.status_code == 403
    response = client.post("/login", data={"csrf": "forkert", "brugernavn": "karin", "adgangskode": PASSWORD})
    assert response.status_code == 403


def test_failed_logins_are_slowed_then_refused_429_per_account(app, clock):
    for attempt in range(3):  # the first few are answered at once
        assert login(app, "karin", "forkert")[1].status_code == 401, attempt
    for failures in range(3, WAIT_LIMIT):  # then each try waits twice as long as the one before …
        slowed = login(app, "karin", PASSWORD)[1]  # … even with the right password
        assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) == 2 ** (failures - 2)
        assert "For mange forkerte forsøg. Vent" in slowed.get_data(as_text=True)
        clock.now += 2 ** (failures - 2)
        assert login(app, "karin", "forkert")[1].status_code == 401
    refused = login(app, "karin", PASSWORD)[1]  # ten in a quarter of an hour: refused for the rest of it
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == WINDOW - (2**8 - 2)
    assert "minutter" in refused.get_data(as_text=True)
    assert login(app, "ole")[1].status_code == 303  # another account from the same address is not locked
    clock.now += WINDOW
    assert login(app, "karin")[1].status_code == 303


def test_failed_logins_from_one_address_are_slowed_across_accounts(app, clock):
    for i in range(12):
        clock.now += 60
        assert login(app, f"gaet{i}", "forkert")[1].status_code == 401
    response = login(app, "lis")[1]  # a new account, the same address
    assert response.status_code == 429 and int(response.headers["Retry-After"]) == 2


def test_logout_ends_the_session(app, team):
    client = logged_in(app, "karin")
    cookie = client.get_cookie("reportgen-bruger-80")
    response = post(client, "/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/login?logget_ud=1"
    assert client.get("/").status_code == 303
    replay = app.test_client()
    replay.set_cookie(cookie.key, cookie.value)  # the old cookie's value is worth nothing now
    assert replay.get("/").status_code == 303
    assert [e.action for e in events(team)] == ["logget ind", "logget ud"]
    assert "Du er logget ud." in client.get("/login?logget_ud=1").get_data(as_text=True)


def test_idle_timeout(app, clock):
    client = logged_in(app, "karin")
    clock.now += 29 * 60
    assert client.get("/").status_code == 200  # a request keeps the session alive …
    clock.now += 29 * 60
    assert client.get("/").status_code == 200
    clock.now += 31 * 60  # … and half an hour without one ends it
    response = client.get("/")
    assert response.status_code == 303 and response.headers["Location"] == "/login?udloebet=1"
    assert "ikke har brugt reportgen et stykke tid" in client.get("/login?udloebet=1").get_data(as_text=True)


def test_absolute_timeout(app, clock):
    client = logged_in(app, "karin")
    started = clock.now
    for _ in range(40):  # busy all day: a request every 20 minutes, never idle for long
        clock.now += 20 * 60
        response = client.get("/")
        if response.status_code != 200:
            break
    assert response.status_code == 303 and response.headers["Location"] == "/login?udloebet=1"
    assert 10 * 3600 < clock.now - started <= 10 * 3600 + 20 * 60


def test_deactivated_user_is_logged_out_at_once(app, team):
    client = logged_in(app, "karin")
    team.accounts.change("karin", active=False)
    assert client.get("/").status_code == 303
    assert login(app, "karin")[1].status_code == 401


# --- roles on every state-changing endpoint ----------------------------------------------------------------------

ARGS = {"name": CASE, "section": "forklaring", "document": "sagsfremstilling", "number": 1, "kind": "statistik"}


def post_endpoints(app) -> dict[str, str]:
    """Every endpoint of the app that takes a POST, with an address for it."""
    found = {}
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            values = {arg: ARGS.get(arg, "ukendt") for arg in rule.arguments}
            found[rule.endpoint] = rule.build(values)[1]
    return found


def test_every_post_endpoint_is_classified_in_the_table(app):
    endpoints = post_endpoints(app)
    unclassified = sorted(set(endpoints) - set(NEEDS))
    assert not unclassified, f"give these a role in reportgen/web/team/roles.py (NEEDS): {unclassified}"
    assert not sorted(set(NEEDS) - set(endpoints)), "NEEDS names an endpoint the app does not have"


def test_an_unclassified_post_route_is_refused_and_caught_by_the_walk(ws, team):
    app = served(ws, team=team)

    @app.post("/ny-formular")
    def ny_formular():
        return "gemt"

    assert "ny_formular" in set(post_endpoints(app)) - set(NEEDS)
    client = logged_in(app, "ole")
    response = post(client, "/ny-formular")
    assert response.status_code == 403 and "ikke givet til nogen rolle" in response.get_data(as_text=True)


RANK = {"laeser": 0, "sagsbehandler": 1, "sekretariat": 2}


@pytest.mark.parametrize("role", list(RANK))
def test_each_role_may_post_exactly_what_the_table_gives_it(ws, team, role):
    app = served(ws, team=team)
    builds = app.extensions["reportgen.builds"]
    builds.submit = lambda case, folder, user=None: Job("stub", case, "færdig")  # no real build needed here
    client = logged_in(app, ROLE_USER[role])
    before = (ws / CASE / "sag.toml").read_bytes()
    for endpoint, url in sorted(post_endpoints(app).items()):
        need = NEEDS[endpoint]
        if endpoint == "team.log_ud":
            continue  # would end the session the walk goes on with (tested above)
        response = post(client, url)
        allowed = need.role is None or RANK[role] >= RANK[need.role]
        assert (response.status_code != 403) == allowed, (endpoint, response.status_code)
        if not allowed:
            assert "handlingen kræver rollen" in response.get_data(as_text=True)
    assert (ws / CASE / "sag.toml").read_bytes() == before  # no form carried the case's state: nothing saved


def test_laeser_sees_no_build_button_and_a_post_is_403(app, ws):
    client = logged_in(app, "lis")
    page = client.get(f"/sag/{CASE}/versioner").get_data(as_text=True)
    assert 'id="byg"' not in page and "Din rolle som læser" in page
    assert post(client, f"/sag/{CASE}/byg").status_code == 403


def test_status_change_needs_the_secretariat(app, ws):
    karin = logged_in(app, "karin")
    response = post(karin, f"/sag/{CASE}/oplysninger", details_form(app, ws, status="endelig"))
    assert response.status_code == 403 and "rollen sekretariat" in response.get_data(as_text=True)
    assert post(karin, f"/sag/{CASE}/oplysninger", details_form(app, ws, sagsnummer="25/1")).status_code == 303
    ole = logged_in(app, "ole")
    assert post(ole, f"/sag/{CASE}/oplysninger", details_form(app, ws, status="endelig")).status_code == 303
    assert tomllib.loads((ws / CASE / "sag.toml").read_text())["status"] == "endelig"
    assert post(karin, f"/sag/{CASE}/byg").status_code == 403  # a final case is built by the secretariat


def test_a_user_given_one_municipality_sees_only_its_cases(ws, clock):
    other = ws / "hilleroed-2024"
    shutil.copytree(EXAMPLE, other)
    text = (other / "sag.toml").read_text()
    text = text.replace('kommune = "Allerød"', 'kommune = "Hillerød"').replace('"Hillerød", ', '"Allerød", ')
    (other / "sag.toml").write_text(text)
    team = make_team(ws, clock)
    team.accounts.create("hanne", "sekretariat", PASSWORD, "Hanne Hillerød", ("Hillerød",))
    app = served(ws, team=team)
    client = logged_in(app, "hanne")
    overview = client.get("/").get_data(as_text=True)
    assert "Hillerød 2024" in overview and "Allerød 2024" not in overview
    assert client.get("/sag/hilleroed-2024/").status_code == 200
    assert client.get(f"/sag/{CASE}/").status_code == 404
    assert post(client, f"/sag/{CASE}/byg").status_code == 404
    everyone = logged_in(app, "ole")
    assert "Allerød 2024" in everyone.get("/").get_data(as_text=True)


# --- the audit trail ----------------------------------------------------------------------------------------------


def test_every_action_is_recorded_with_who_and_what_changed(app, ws, team):
    karin, ole = logged_in(app, "karin"), logged_in(app, "ole")
    post(karin, f"/sag/{CASE}/tekster/forklaring", {"tekst": "Karins tekst.", "version": state(app)})
    post(karin, f"/sag/{CASE}/oplysninger", details_form(app, ws, indstilling="udarbejdes"))
    csv = (ws / CASE / "statistik.csv").read_bytes().replace(b"\r\n", b"\n") + b"\n"
    upload = {"fil": (io.BytesIO(csv), "statistik.csv"), "version": state(app)}
    assert post(karin, f"/sag/{CASE}/data/statistik", upload, content_type="multipart/form-data").status_code == 303
    n = decisions(ws)
    decision = {
        "organ": "Allerød Byråd 2022-2025",
        "dato": "2025-11-04",
        "beslutning": "Godkendt.",
        "udfald": "vedtaget",
    }
    assert post(ole, f"/sag/{CASE}/beslutninger", {**decision, "version": state(app)}).status_code == 303
    sendback = {**decision, "beslutning": "Sendt tilbage.", "tekst": "Notat.", "version": state(app)}
    assert post(ole, f"/sag/{CASE}/tilbagesendt", {**sendback, "dato": "2025-11-05"}).status_code == 303
    assert post(ole, f"/sag/{CASE}/oplysninger", details_form(app, ws, status="endelig")).status_code == 303
    trail = [(e.user, e.action, e.details) for e in events(team, CASE)]
    assert trail[0][:2] == ("karin", "tekst gemt")
    assert re.fullmatch(r"tekster/forklaring\.md: [0-9a-f]{12} → [0-9a-f]{12}", trail[0][2])
    assert trail[1] == ("karin", "oplysninger gemt", "handleplan.indstilling: videreføres → udarbejdes")
    assert trail[2][:2] == ("karin", "datafil udskiftet")
    assert re.fullmatch(r"statistik\.csv: [0-9a-f]{12} → [0-9a-f]{12}", trail[2][2])
    assert trail[3] == (
        "ole",
        "beslutning gemt",
        f"behandling {n + 1}: + Allerød Byråd 2022-2025 2025-11-04 (vedtaget)",
    )
    assert trail[4][:2] == ("ole", "tilbagesendelse registreret")
    assert f"behandling {n + 2}: + Allerød Byråd 2022-2025 2025-11-05 (tilbagesendt)" in trail[4][2]
    assert re.search(r"tekster/genoptagelse\.md: (–|\w+) → \w+", trail[4][2])
    assert trail[5] == ("ole", "oplysninger gemt", "status: udkast → endelig")


def test_builds_and_comparisons_are_recorded(ws, team):
    app = served(ws, team=team)
    karin = logged_in(app, "karin")
    build(ws / CASE, ws / "output")  # v1 from the command line
    (ws / CASE / "tekster" / "forklaring.md").write_text("En ny forklaring.\n", encoding="utf-8")
    response = post(karin, f"/sag/{CASE}/byg")
    job_id = re.search(r"byg=([^&]+)", response.headers["Location"]).group(1)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not any(e.action == "bygning" for e in events(team, CASE)):
        time.sleep(0.2)
    assert app.extensions["reportgen.builds"].job(CASE, job_id).result.version == 2
    lis = logged_in(app, "lis")
    assert post(lis, f"/sag/{CASE}/sammenlign", {"fra": "1", "til": "2"}).status_code == 303
    trail = [(e.user, e.action, e.details) for e in events(team, CASE)]
    assert ("karin", "bygning", "version 2 (ny)") in trail
    assert trail[-1] == ("lis", "sammenligning", "v1 og v2")
    page = lis.get(f"/sag/{CASE}/historik").get_data(as_text=True)
    assert "Historik" in page and "Karin Hansen" in page and "version 2 (ny)" in page


def test_the_trail_cannot_be_changed_through_the_app_or_the_database(app, ws, team):
    karin = logged_in(app, "karin")
    post(karin, f"/sag/{CASE}/tekster/forklaring", {"tekst": "Tekst.", "version": state(app)})
    assert karin.post(f"/sag/{CASE}/historik", data={"csrf": page_csrf(karin)}).status_code == 405
    assert karin.delete(f"/sag/{CASE}/historik").status_code in (403, 405)  # no CSRF header, no such method
    team_posts = {e for e in post_endpoints(app) if e.startswith("team.")}
    assert team_posts == {"team.login", "team.log_ud"}  # the trail has no form of its own
    db = sqlite3.connect(team.store.path)
    with pytest.raises(sqlite3.IntegrityError, match="historikken kan ikke ændres"):
        db.execute("UPDATE events SET user = 'en anden'")
    with pytest.raises(sqlite3.IntegrityError, match="historikken kan ikke slettes"):
        db.execute("DELETE FROM events")
    db.close()
    assert [e.user for e in events(team, CASE)] == ["karin"]


def test_historik_tab_lists_the_case_events_newest_first(app):
    karin = logged_in(app, "karin")
    for text in ("Første.", "Anden."):
        post(karin, f"/sag/{CASE}/tekster/dialog", {"tekst": text, "version": state(app)})
    page = karin.get(f"/sag/{CASE}/historik").get_data(as_text=True)
    assert 'aria-current="page">Historik</a>' in page
    rows = re.findall(r"<tr><td>.*?</tr>", page)
    assert len(rows) == 2 and all("»Dialog/høring«: " in r and "Karin Hansen" in r for r in rows)  # the section
    assert "– → " in rows[1] and "– → " not in rows[0]  # the oldest replaced the default text


# --- two users, one text -----------------------------------------------------------------------------------------


def test_two_users_editing_the_same_text_the_second_is_told_who_saved(app, ws, team):
    karin, ole = logged_in(app, "karin"), logged_in(app, "ole")
    url = f"/sag/{CASE}/tekster/forklaring"
    opened = state(app)  # both open the page now
    assert post(karin, url, {"tekst": "Karins udgave.", "version": opened}).status_code == 303
    response = post(ole, url, {"tekst": "Oles udgave.", "version": opened})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Sagen er gemt af Karin Hansen (tekst gemt kl." in page and "Dine ændringer er ikke gemt" in page
    assert "Oles udgave." in page  # kept in the form
    assert (ws / CASE / "tekster" / "forklaring.md").read_text() == "Karins udgave.\n"


def test_a_save_over_an_edit_outside_the_browser_says_so(app, ws):
    karin = logged_in(app, "karin")
    opened = state(app)
    (ws / CASE / "tekster" / "kvalitet.md").write_text("Rettet i en teksteditor.\n")
    response = post(karin, f"/sag/{CASE}/tekster/forklaring", {"tekst": "Ny.", "version": opened})
    assert response.status_code == 409 and "ændret uden for browseren" in response.get_data(as_text=True)


# --- who entered a decision, in sag.toml and the documents ----------------------------------------------------------


def test_decision_entered_in_team_mode_names_who_in_sag_toml_and_the_document(app, ws):
    ole = logged_in(app, "ole")
    decision = {
        "organ": "Allerød Byråd 2022-2025",
        "dato": "2025-11-04",
        "beslutning": "Godkendt.",
        "version": state(app),
    }
    assert post(ole, f"/sag/{CASE}/beslutninger", decision).status_code == 303
    last = tomllib.loads((ws / CASE / "sag.toml").read_text())["behandling"][-1]
    assert last["registreret_af"] == "Ole Sekretær"
    preview = ole.get(f"/sag/{CASE}/forhaandsvisning/sagsfremstilling").get_data(as_text=True)
    assert "Registreret af Ole Sekretær." in preview
    assert preview.count("Registreret af") == 1  # the example's earlier decisions were not entered here


def test_token_mode_writes_no_author(ws):
    app = served(ws, token="proeve")
    client = app.test_client()
    client.get("/?token=proeve")
    csrf = app.extensions["reportgen.keys"].csrf
    decision = {"organ": "Allerød Byråd 2022-2025", "dato": "2025-11-04", "beslutning": "Godkendt."}
    response = client.post(f"/sag/{CASE}/beslutninger", data={**decision, "csrf": csrf, "version": state(app)})
    assert response.status_code == 303
    assert "registreret_af" not in (ws / CASE / "sag.toml").read_text()
    assert "Historik" not in client.get(f"/sag/{CASE}/").get_data(as_text=True)
    assert client.get("/sundhed").status_code == 404  # team mode's pages are not there
    assert not (ws / ".reportgen").exists()


# --- behind the reverse proxy; health; the request log ------------------------------------------------------------


def test_behind_a_trusted_proxy_cookies_are_secure_and_redirects_public(ws, clock):
    settings = Settings(offentlig_adresse="https://dmk.kommune.dk", betroede_proxyer=("10.0.0.5",))
    team = make_team(ws, clock, settings)
    app = served(ws, team=team)
    proxied = {"REMOTE_ADDR": "10.0.0.5"}
    client = app.test_client()
    response = client.get("/", environ_base=proxied, headers={"X-Forwarded-For": "192.0.2.7"})
    assert response.headers["Location"] == "/login"
    page = client.get("/login", environ_base=proxied).get_data(as_text=True)
    headers = {"X-Forwarded-For": "192.0.2.7", "X-Forwarded-Proto": "https", "Origin": "https://dmk.kommune.dk"}
    data = {"csrf": csrf_of(page), "brugernavn": "karin", "adgangskode": PASSWORD}
    response = client.post("/login", data=data, environ_base=proxied, headers=headers)
    assert response.status_code == 303
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "reportgen" in c and "login" not in c)
    assert cookie.startswith("__Host-reportgen=") and "Secure" in cookie and "HttpOnly" in cookie
    foreign = {**headers, "Origin": "http://127.0.0.1:8000"}  # the form must come from the public address
    assert client.post("/logout", data={"csrf": "x"}, environ_base=proxied, headers=foreign).status_code == 403


def test_forwarded_addresses_are_believed_only_from_a_trusted_proxy(ws, clock):
    settings = Settings(betroede_proxyer=("10.0.0.5",))
    app = served(ws, team=make_team(ws, clock, settings))
    for i in range(12):  # twelve failures from one client, each behind the proxy …
        clock.now += 60
        client = app.test_client()
        login(app, f"gaet{i}", "forkert", client, **{"X-Forwarded-For": "192.0.2.7"})
    behind = app.test_client()
    page = behind.get("/login").get_data(as_text=True)
    data = {"csrf": csrf_of(page), "brugernavn": "lis", "adgangskode": PASSWORD}
    # … count against that client when the proxy says so, not against the proxy …
    response = behind.post(
        "/login", data=data, environ_base={"REMOTE_ADDR": "10.0.0.5"}, headers={"X-Forwarded-For": "192.0.2.8"}
    )
    assert response.status_code == 303
    # … and a client's own X-Forwarded-For is not believed: it counts against its real address
    assert login(app, "lis", **{"X-Forwarded-For": "192.0.2.99"})[1].status_code == 429


def test_health_endpoint_answers_without_login(app):
    response = app.test_client().get("/sundhed")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


def test_one_log_line_per_request_without_personal_data(app, caplog):
    caplog.set_level(logging.INFO, logger="reportgen.web.requests")
    client, _ = login(app, "karin")
    client.get(f"/sag/{CASE}/?naeste=karin")
    lines = [r.getMessage() for r in caplog.records if r.name == "reportgen.web.requests"]
    assert len(lines) == 3
    assert re.fullmatch(r"POST /login 303 \d+ ms", lines[1])
    assert re.fullmatch(rf"GET /sag/{CASE}/ 200 \d+ ms", lines[2])
    assert not [line for line in lines if "karin" in line or "127.0.0.1" in line]


# --- the commands -------------------------------------------------------------------------------------------------


def run_cli(monkeypatch, capsys, argv: list[str], stdin: str = ""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_bruger_opret_reads_the_password_from_stdin(tmp_path, monkeypatch, capsys):
    code, out, _ = run_cli(
        monkeypatch,
        capsys,
        [
            "bruger",
            "opret",
            "karin",
            "--rolle",
            "sagsbehandler",
            "--arbejdsmappe",
            str(tmp_path),
            "--kommune",
            "allerød",
        ],
        PASSWORD + "\n",
    )
    assert code == 0 and "Brugeren karin er oprettet med rollen sagsbehandler." in out
    team = Team.open("konti", Settings(), tmp_path)
    assert team.accounts.verify("karin", PASSWORD).kommuner == ("Allerød",)
    stored = sqlite3.connect(team.store.path).execute("SELECT password FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert (tmp_path / ".reportgen" / "team.sqlite").stat().st_mode & 0o077 == 0
    code, out, _ = run_cli(monkeypatch, capsys, ["bruger", "liste", "--arbejdsmappe", str(tmp_path)])
    assert out == "karin\tkarin\tsagsbehandler\tAllerød\tkonti\n"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["karin", "--rolle", "sagsbehandlr"], PASSWORD, "Mente du 'sagsbehandler'?"),
        (["karin", "--rolle", "laeser"], "kort", "for kort (4 tegn)"),
        (["Karin Hansen", "--rolle", "laeser"], PASSWORD, "kan ikke bruges som brugernavn"),
        (["karin", "--rolle", "laeser", "--kommune", "Alerød"], PASSWORD, "ukendt kommune 'Alerød'"),
    ],
)
def test_bruger_opret_bad_input_exit_2(tmp_path, monkeypatch, capsys, argv, stdin, message):
    code, _, err = run_cli(monkeypatch, capsys, ["bruger", "opret", *argv, "--arbejdsmappe", str(tmp_path)], stdin)
    assert code == 2 and message in err and "Traceback" not in err


def test_bruger_ret_deactivates_changes_role_and_password(ws, team, app, monkeypatch, capsys):
    client = logged_in(app, "karin")
    code, out, _ = run_cli(monkeypatch, capsys, ["bruger", "ret", "karin", "--deaktiver", "--arbejdsmappe", str(ws)])
    assert code == 0 and "deaktiveret" in out
    assert client.get("/").status_code == 303
    argv = [
        "bruger",
        "ret",
        "karin",
        "--aktiver",
        "--rolle",
        "sekretariat",
        "--ny-adgangskode",
        "--arbejdsmappe",
        str(ws),
    ]
    code, out, _ = run_cli(monkeypatch, capsys, argv, "en helt ny adgangskode\n")
    assert code == 0 and "rolle: sagsbehandler → sekretariat" in out
    assert login(app, "karin")[1].status_code == 401
    assert login(app, "karin", "en helt ny adgangskode")[1].status_code == 303
    assert [e.action for e in events(team) if e.user == "kommandolinjen"] == ["bruger ændret", "bruger ændret"]


def test_historik_prints_one_event_a_line(app, ws, monkeypatch, capsys):
    karin = logged_in(app, "karin")
    post(karin, f"/sag/{CASE}/tekster/forklaring", {"tekst": "Ny.", "version": state(app)})
    code, out, _ = run_cli(monkeypatch, capsys, ["historik", str(ws)])
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert re.fullmatch(r"\S+\tkarin\t-\tlogget ind\tadgangskode", lines[0])
    assert re.fullmatch(rf"\S+\tkarin\t{CASE}\ttekst gemt\ttekster/forklaring\.md: \w+ → \w+", lines[1])
    code, out, _ = run_cli(monkeypatch, capsys, ["historik", str(ws), CASE])
    assert out.splitlines() == lines[1:]


def test_serve_in_team_mode_without_users_or_with_a_bad_config_exit_2(tmp_path, monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, ["serve", str(tmp_path), "--adgang", "konti"])
    assert code == 2 and "ingen aktive brugere" in err and "reportgen bruger opret" in err
    config = tmp_path / "team.toml"
    config.write_text('[server]\noffentlig_adrese = "https://x.dk"\n[sessioner]\ninaktiv_minutter = 0\n')
    code, _, err = run_cli(monkeypatch, capsys, ["serve", str(tmp_path), "--adgang", "konti", "--konfig", str(config)])
    assert code == 2 and "server.offentlig_adrese" in err and "Mente du 'offentlig_adresse'?" in err
    assert "sessioner.inaktiv_minutter" in err and "fra 1 til 1440" in err
    code, _, err = run_cli(monkeypatch, capsys, ["serve", str(tmp_path), "--adgang", "oidc"])
    assert code == 2 and "--konfig" in err


def test_the_sample_configuration_in_docs_is_valid(monkeypatch):
    from reportgen.web.team.settings import SECRET_VARIABLE, load

    monkeypatch.setenv(SECRET_VARIABLE, "hemmelighed-fra-miljoeet")
    settings = load(Path(__file__).parents[1] / "docs" / "it" / "team.toml", need_oidc=True)
    assert settings.secure and settings.betroede_proxyer == ("127.0.0.1",)
    assert settings.oidc is not None and settings.oidc.klient_hemmelighed == "hemmelighed-fra-miljoeet"
    assert sorted(settings.oidc.roller.values()) == ["laeser", "sagsbehandler", "sekretariat"]
    unit = (Path(__file__).parents[1] / "docs" / "it" / "reportgen.service").read_text()
    assert "--adgang oidc --konfig /etc/reportgen/team.toml" in unit and "--host 127.0.0.1" in unit


def test_a_case_created_in_the_browser_is_recorded_and_a_restricted_user_only_creates_their_own(ws, clock):
    team = make_team(ws, clock)
    team.accounts.create("hanne", "sagsbehandler", PASSWORD, "Hanne Hillerød", ("Hillerød",))
    app = served(ws, team=team)
    karin, hanne = logged_in(app, "karin"), logged_in(app, "hanne")
    form = {"kommune": "Furesø", "aar": "2024", "sammenligning": "Hillerød", "indstilling": "udarbejdes"}
    for client, folder, status in ((hanne, "hannes-sag", 403), (karin, "ny-sag", 303)):
        upload = {"statistik": (io.BytesIO((EXAMPLE / "statistik.csv").read_bytes()), "statistik.csv")}
        staged = post(client, "/ny", upload, content_type="multipart/form-data")
        assert staged.status_code == 303
        response = post(client, staged.headers["Location"], {**form, "mappe": folder})
        assert response.status_code == status
    assert (ws / "ny-sag" / "sag.toml").is_file() and not (ws / "hannes-sag").exists()
    assert [(e.user, e.sag, e.action, e.details) for e in events(team, "ny-sag")] == [
        ("karin", "ny-sag", "sag oprettet", "Furesø")
    ]
