"""reportgen serve --adgang oidc end to end against a real OpenID Connect provider: the oidc-provider package
(tests/oidc/, installed by `make test` with npm ci) run by Node.js on 127.0.0.1. The browser's part – following
the redirects and filling in the provider's login form – is played by requests; the app is Flask's test client.
Covered: a login with PKCE and a mapped group, a wrong audience, an expired ID token and a user without a role."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from casefactory import EXAMPLE

from reportgen.web.app import create_app
from reportgen.web.team.runtime import Team
from reportgen.web.team.settings import Oidc, Settings


def served(root, **options):
    """The app as a browser reaches it at Flask's test client's address (http://localhost, port 80): the Host every
    request must name."""
    return create_app(root, port=80, host="localhost", **options)


PROVIDER = Path(__file__).parent / "oidc"
CALLBACK = "http://localhost/login/oidc/svar"  # where the app (Flask's test client: host "localhost") takes the answer
CASE = "allerod-2024"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    """The provider on a free port of 127.0.0.1; yields its issuer address."""
    assert (PROVIDER / "node_modules" / "oidc-provider").is_dir(), (
        "the test provider is not installed: run `make test` (it runs npm ci in tests/oidc)"
    )
    node = shutil.which("node")
    assert node, "Node.js mangler: apt-get install nodejs npm (scripts/install-system-deps.sh)"
    process = subprocess.Popen(
        [node, "provider.js", CALLBACK], cwd=PROVIDER, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    line = process.stdout.readline()
    match = re.match(r"klar (http://127\.0\.0\.1:\d+)", line)
    assert match, f"the provider did not start: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
    yield match.group(1)
    process.terminate()
    process.communicate(timeout=30)


@pytest.fixture
def app(tmp_path, issuer):
    root = tmp_path / "arbejdsmappe"
    shutil.copytree(EXAMPLE, root / CASE)
    provider = Oidc(
        udsteder=issuer,
        klient_id="reportgen",
        klient_hemmelighed="hemmelighed",
        scopes=("openid", "profile", "groups"),
        roller={"dmk-sagsbehandlere": "sagsbehandler", "dmk-sekretariat": "sekretariat"},
    )
    team = Team.open("oidc", Settings(oidc=provider), root)
    return served(root, team=team)


def log_in_at_provider(app, client, account: str):
    """Start the login in the app, log in at the provider as account, and hand its answer back to the app."""
    start = client.get("/login/oidc")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["nonce"]
    browser = requests.Session()
    form = browser.get(authorize, timeout=30)  # the provider redirects to its login page
    assert form.status_code == 200 and "Kommunens login" in form.text
    action = urljoin(form.url, re.search(r'action="([^"]+)"', form.text).group(1))
    answer = browser.post(action, data={"login": account, "password": "kode"}, allow_redirects=False, timeout=30)
    for _ in range(10):  # the provider's own redirects, until it sends the browser back to the app
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith(CALLBACK):
            break
        answer = browser.get(location, allow_redirects=False, timeout=30)
    assert location.startswith(CALLBACK), location
    return client.get(location.removeprefix("http://localhost"))


def events(app):
    return [(e.user, e.action, e.details) for e in app.extensions["reportgen.team"].trail.events()]


def test_login_page_offers_the_municipality_login(app):
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "Log ind med kommunens login" in page and 'name="adgangskode"' not in page


def test_login_through_the_provider_gives_the_role_of_the_users_group(app):
    client = app.test_client()
    response = log_in_at_provider(app, client, "karin")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Logget ind som <strong>Karin Hansen</strong> (sagsbehandler)" in page
    assert events(app) == [("karin", "logget ind", "kommunens login")]
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert client.post(f"/sag/{CASE}/beslutninger", data={"csrf": csrf}).status_code == 403  # the secretariat's


def test_the_highest_role_of_the_users_groups_wins(app):
    client = app.test_client()
    assert log_in_at_provider(app, client, "ole").status_code == 303
    assert "(sekretariat)" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("account", ["forkertmodtager", "udloebet"])
def test_an_id_token_for_another_audience_or_expired_is_refused(app, account):
    client = app.test_client()
    response = log_in_at_provider(app, client, account)
    assert response.status_code == 401
    assert "kunne ikke godkendes" in response.get_data(as_text=True)
    assert client.get("/").status_code == 303  # no session
    [(user, action, details)] = events(app)
    assert user == "?" and action == "login mislykkedes" and details.startswith("ugyldigt svar fra udbyderen")


def test_a_user_without_a_mapped_role_is_refused(app):
    client = app.test_client()
    response = log_in_at_provider(app, client, "udenrolle")
    assert response.status_code == 403
    assert "ikke givet adgang til reportgen" in response.get_data(as_text=True)
    assert client.get("/").status_code == 303
    assert events(app) == [("udenrolle", "login mislykkedes", "ingen rolle i reportgen")]


def test_a_replayed_answer_is_refused(app):
    client = app.test_client()
    start = client.get("/login/oidc").headers["Location"]
    state = parse_qs(urlsplit(start).query)["state"][0]
    response = client.get(f"/login/oidc/svar?code=opdigtet&state={state}x")
    assert response.status_code == 401 and client.get("/").status_code == 303
