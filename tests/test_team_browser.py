"""Team mode end to end in a real browser: `reportgen serve --adgang konti` driven by Playwright in Debian's
Chromium. The case officer logs in and writes a text; the secretariat logs in, sees in Historik who wrote it,
records the committee's decision and builds; the reviewer compares v1 and v2 and cannot build.

Screenshots go to $REPORTGEN_SHOTS (default: the test's temporary folder); team-login.png and team-historik.png
are the README's."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from casefactory import EXAMPLE
from test_web_browser import CHROMIUM, FLAGS, tab

CASE = "allerod-2024"
PASSWORD = "en lang og god adgangskode"
USERS = [
    ("karin", "sagsbehandler", "Karin Hansen"),
    ("ole", "sekretariat", "Ole Sekretær"),
    ("lis", "laeser", "Lis Læser"),
]
EXPLANATION = "Stigningen skyldes især hjemviste sager på voksenhandicapområdet efter ny praksis."
DECISION = "Byrådet godkender, at handleplanen videreføres."


def reportgen(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reportgen.cli", *args], input=stdin, capture_output=True, text=True, check=True
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A workspace with the example case, its version 1 and three users, served in team mode."""
    workspace = tmp_path_factory.mktemp("arbejdsmappe")
    shutil.copytree(EXAMPLE, workspace / CASE)
    reportgen("build", str(workspace / CASE), "--out", str(workspace / "output"))
    for name, role, display in USERS:
        reportgen(
            "bruger",
            "opret",
            name,
            "--rolle",
            role,
            "--fulde-navn",
            display,
            "--arbejdsmappe",
            str(workspace),
            stdin=PASSWORD + "\n",
        )
    command = [sys.executable, "-m", "reportgen.cli", "serve", str(workspace), "--port", "0", "--adgang", "konti"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert match and "token" not in line, f"{line!r} {process.stderr.read() if process.poll() is not None else ''}"
    yield match.group(0), workspace
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 0, errors
    assert "Intern fejl" not in errors
    requests = [line for line in errors.splitlines() if re.search(r" (GET|POST) /", line)]
    assert requests and not [line for line in requests if "karin" in line or "127.0.0.1" in line]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def log_in(browser, server, name: str, shots: Path | None = None):
    """A new browser context (its own cookies) logged in as name."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server[0] + f"/sag/{CASE}/")
    page.wait_for_url(re.compile(r"/login\?naeste="))
    assert page.locator("html").get_attribute("lang") == "da"
    page.get_by_label("Brugernavn").fill(name)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    if shots:
        page.screenshot(path=shots / "team-login.png")
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_url(re.compile(rf"/sag/{CASE}/$"))
    return context, page


def test_1_the_officer_logs_in_and_writes_a_text(browser, server, shots):
    context, page = log_in(browser, server, "karin", shots)
    assert "Logget ind som Karin Hansen (sagsbehandler)" in page.locator(".bruger").inner_text()
    tab(page, "Tekster")
    page.get_by_role("link", name=re.compile("Forvaltningens vurdering af udviklingen")).click()
    page.get_by_label("Forvaltningens tekst").fill(EXPLANATION)
    page.get_by_role("button", name="Gem teksten").click()
    assert "er gemt" in page.locator(".beskeder").inner_text()
    page.get_by_role("button", name="Log ud").click()
    assert "Du er logget ud." in page.locator("#login-besked").inner_text()
    context.close()


def test_2_the_secretariat_sees_who_wrote_it_records_the_decision_and_builds(browser, server, shots):
    context, page = log_in(browser, server, "ole")
    tab(page, "Historik")
    row = page.locator("table.historik tbody tr").first
    assert "Karin Hansen" in row.inner_text() and "tekst gemt" in row.inner_text()
    assert "»Forvaltningens vurdering af udviklingen«" in row.inner_text()  # the section, as the Tekster tab names it
    tab(page, "Beslutninger")
    page.get_by_label("Organ (udvalg, råd eller byråd)").first.fill("Allerød Byråd 2022-2025")
    page.get_by_label("Dato for mødet").first.fill("2025-11-04")
    page.get_by_label("Udfald").first.select_option("vedtaget")
    page.get_by_label("Beslutningen, som den står i protokollen").first.fill(DECISION)
    page.get_by_role("button", name="Tilføj beslutningen").click()
    assert "Beslutningen er gemt." in page.locator(".beskeder").inner_text()
    tab(page, "Byg og hent")
    page.get_by_role("button", name="Byg ny version").click()
    page.get_by_text("Version 2 er bygget.").wait_for(timeout=180_000)
    tab(page, "Historik")
    page.get_by_text("version 2 (ny)").wait_for()
    actions = page.locator("table.historik tbody tr td:nth-child(3)").all_inner_texts()
    assert actions[:3] == ["bygning", "beslutning gemt", "tekst gemt"]
    page.screenshot(path=shots / "team-historik.png", full_page=True)
    toml = (server[1] / CASE / "sag.toml").read_text(encoding="utf-8")
    assert 'registreret_af = "Ole Sekretær"' in toml
    context.close()


def test_3_the_reviewer_compares_v1_and_v2_and_cannot_build(browser, server, shots):
    context, page = log_in(browser, server, "lis")
    tab(page, "Byg og hent")
    assert page.get_by_role("button", name="Byg ny version").count() == 0
    assert "Din rolle som læser" in page.locator("#byg-rolle").inner_text()
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    status = page.evaluate(
        """async (token) => (await fetch(location.pathname.replace('versioner', 'byg'),
            {method: 'POST', headers: {'X-CSRF-Token': token}})).status""",
        token,
    )
    assert status == 403
    tab(page, "Sammenlign")
    page.get_by_label("Fra version").select_option("1")
    page.get_by_label("Til version").select_option("2")
    page.get_by_role("button", name="Sammenlign").click()
    page.frame_locator("#redline").locator("ins", has_text="voksenhandicapområdet").first.wait_for()
    page.screenshot(path=shots / "team-sammenligning.png")
    tab(page, "Historik")
    assert page.locator("table.historik tbody tr").first.locator("td").nth(2).inner_text() == "sammenligning"
    context.close()
