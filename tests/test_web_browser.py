"""End to end in a real browser: `reportgen serve` driven by Playwright in Debian's Chromium, through the year
of a case as an officer does it: create it from the statistics (a second case for the same year is refused), write
a text that survives going away and back, write the action plan in the editor, upload the national extract, build
v1 and find Bilag 2 and the map in the downloaded PDFs, record a send-back, build v2 and compare, upload a broken
file, and a keyboard-only pass. axe-core checks every page for WCAG 2.1 A/AA violations. The test waits for
conditions, never for a time.

Screenshots of each step go to $REPORTGEN_SHOTS (default: the test's temporary folder)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import axe_playwright_python
import pytest
from casefactory import EXAMPLE, statistik_rows, to_csv
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
# Chromium on this closed network: no background connections (they are refused, many at a time), no sandbox as root.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# How long a step may take before it counts as hanging: the first preview of a case draws all its figures and a
# build lays out every document, which on a busy machine (a parallel test run, other builds) takes a minute or more.
WAIT = 180_000
SEND_BACK = "Byrådet sender sagen tilbage til fagudvalgene med ønske om et notat om sagsbehandlingstiderne."
EXPLANATION = "Stigningen skyldes især hjemviste sager på voksenhandicapområdet efter ny praksis."
QUALITY = "Teamlederne gennemgår hver måned et udsnit af de omgjorte sager."
AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
INITIATIVES = (
    ("Gennemgang af alle omgjorte sager", "Teamlederne", "2025-01-01", "2025-12-31"),
    ("Faglig koordinator ved genvurdering", "Myndighedschefen", "2025-02-01", "2026-01-31"),
    ("Undervisning i nye principafgørelser", "Juridisk team", "2025-03-01", "2025-09-30"),
)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """`reportgen serve` on a free port in an empty workspace; yields the printed address and the workspace."""
    workspace = tmp_path_factory.mktemp("arbejdsmappe")
    command = [sys.executable, "-m", "reportgen.cli", "serve", str(workspace), "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:\d+/\?token=\S+", line)
    assert match, f"no address printed: {line!r} {process.stderr.read() if process.poll() is not None else ''}"
    yield match.group(0), workspace
    process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=WAIT / 1000)  # a build still running is finished first
    assert process.returncode == 0, errors
    assert "Intern fejl" not in errors
    # the terminal: one Danish line per build, no layout engine's progress, no waiting when no build runs
    assert "Sagen alleroed-2024: Version 1 er bygget." in errors and "Step " not in errors
    assert "Stopper" not in errors


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's Chromium, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Chromium mangler: kør scripts/install-system-deps.sh (apt-get install chromium)"
    downloads = tmp_path_factory.mktemp("hentet")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, downloads_path=str(downloads))
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def console() -> list[str]:
    """Every error the browser's console shows on the way through the module's pages."""
    return []


@pytest.fixture(scope="module")
def page(server, browser, console):
    """A Chromium page that has visited the printed address (so it holds the access cookie)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="da-DK")
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and console.append(f"{page.url}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"{page.url}: {error}"))
    page.set_default_timeout(WAIT)
    expect.set_options(timeout=WAIT)
    page.goto(server[0])
    yield page
    context.close()


def accessible(page) -> None:
    """axe-core on the page as it is now: no WCAG 2.1 A or AA violation (the documents in frames are checked by
    their own tests)."""
    page.evaluate(AXE)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, iframes: false})", WCAG_21_AA
    )
    found = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert not found, f"{page.url}: {found}"


def tab(page, name: str) -> None:
    """Open one of the case's pages from its navigation."""
    page.get_by_role("navigation", name="Sagen").get_by_role("link", name=name, exact=True).click()


def base(server) -> str:
    return server[0].split("/?")[0]


def test_1_create_a_case_by_uploading_the_statistics(page, server, shots):
    assert page.locator("html").get_attribute("lang") == "da"
    assert "token=" not in page.url  # the script takes the token out of the address bar
    accessible(page)
    page.get_by_role("link", name="Opret en ny sag").click()
    accessible(page)
    page.get_by_label("Ankestyrelsens statistik").set_input_files(str(EXAMPLE / "statistik.csv"))
    page.get_by_role("button", name="Indlæs og kontrollér filen").click()
    page.get_by_role("combobox", name="Kommune").fill("Allerød")
    page.get_by_label("Danmarkskortets år").select_option("2024")
    page.get_by_role("button", name="Videre").click()
    group = page.get_by_label("Sammenligningskommuner")
    assert sorted(group.input_value().split("\n")) == ["Furesø", "Hillerød", "Hørsholm", "Rudersdal"]
    page.get_by_label("Der udarbejdes en handleplan", exact=True).check()
    page.get_by_label("Tabel 2: alle klagesager").set_input_files(str(EXAMPLE / "forvaltningsomraader.csv"))
    accessible(page)
    page.screenshot(path=shots / "1-ny-sag.png", full_page=True)
    page.get_by_role("button", name="Opret sagen").click()
    page.wait_for_url(re.compile(r"/sag/alleroed-2024/$"))
    assert "Sagen for Allerød 2024 er oprettet" in page.locator(".beskeder").inner_text()
    assert "Omgørelsesprocent: 63 % (41 af 65)" in page.locator(".noegletal").inner_text()
    warning = page.get_by_role("link", name="Tilføj handleplanen under Handleplan")
    expect(warning).to_be_visible()  # the warning in the interface's words, with its link
    accessible(page)
    page.screenshot(path=shots / "1-sagen-oprettet.png", full_page=True)
    assert (server[1] / "alleroed-2024" / "sag.toml").is_file()


def test_2_a_second_case_for_the_same_year_is_refused_and_the_first_offered(page, server):
    page.get_by_role("link", name="Ny sag").click()
    page.get_by_label("Ankestyrelsens statistik").set_input_files(str(EXAMPLE / "statistik.csv"))
    page.get_by_role("button", name="Indlæs og kontrollér filen").click()
    page.get_by_role("combobox", name="Kommune").fill("Allerød")
    page.get_by_label("Danmarkskortets år").select_option("2024")
    page.get_by_role("button", name="Videre").click()
    expect(page.locator("#kommune-fejl")).to_contain_text("allerede en sag for Allerød 2024")
    assert page.get_by_role("button", name="Opret sagen").count() == 0
    accessible(page)
    page.get_by_role("link", name="Åbn den eksisterende sag (alleroed-2024)").click()
    page.wait_for_url(re.compile(r"/sag/alleroed-2024/$"))
    assert sorted(p.name for p in server[1].iterdir() if not p.name.startswith(".")) == ["alleroed-2024"]


def test_3_a_typed_text_survives_going_away_and_back(page, shots):
    page.on("dialog", _no_dialog)  # within the app the draft is kept: going to another page asks nothing
    tab(page, "Tekster")
    page.get_by_role("link", name=re.compile("Forvaltningens vurdering af udviklingen")).click()
    page.get_by_label("Forvaltningens tekst").fill(EXPLANATION)
    preview = page.frame_locator("#preview")
    preview.get_by_text(EXPLANATION).wait_for()
    assert preview.get_by_role("heading", name="Forvaltningens vurdering af udviklingen").count() == 1
    accessible(page)
    page.screenshot(path=shots / "2-tekst-og-forhaandsvisning.png")
    tab(page, "Beslutninger")  # away, without saving
    page.wait_for_url(re.compile(r"/beslutninger$"))
    tab(page, "Tekster")
    page.get_by_role("link", name=re.compile("Forvaltningens vurdering af udviklingen")).click()
    expect(page.get_by_label("Forvaltningens tekst")).to_have_value(EXPLANATION)
    expect(page.locator(".kladde")).to_contain_text("hentet frem igen")
    preview.get_by_text(EXPLANATION).wait_for()  # the preview shows the draft too
    page.get_by_role("button", name="Gem teksten").click()
    assert "er gemt" in page.locator(".beskeder").inner_text()
    preview.get_by_text(EXPLANATION).wait_for()  # the saved text, in the document as build will make it
    tab(page, "Overblik")
    tab(page, "Tekster")
    page.get_by_role("link", name=re.compile("Forvaltningens vurdering af udviklingen")).click()
    expect(page.get_by_label("Forvaltningens tekst")).to_have_value(EXPLANATION + "\n")  # as saved: one final newline
    assert page.locator(".kladde").count() == 0  # saved: no draft left
    page.remove_listener("dialog", _no_dialog)


def _no_dialog(dialog) -> None:
    raise AssertionError(f"unexpected {dialog.type} dialog: {dialog.message}")


def test_4_write_the_action_plan_in_the_editor(page, shots):
    tab(page, "Handleplan")
    page.get_by_label("Indledning").fill("Planen skal nedbringe omgørelserne på det generelle socialområde.")
    first = page.get_by_role("group", name="Nyt mål")
    first.get_by_label("Område eller forvaltningsområde").select_option(label="Socialområdet generelt")
    first.get_by_label("Nøgletal").select_option(label="Omgørelsesprocent")
    first.get_by_label("Sammenligning").select_option(label="højst (≤)")
    first.get_by_label("Værdi").fill("50")
    first.get_by_label("Skal være nået i").fill("2025")
    expect(first.locator(".nu")).to_have_text("I 2024: 63 % (41 af 65), ikke nået endnu")  # beside it, as typed
    page.get_by_role("button", name="Tilføj et mål mere").click()
    second = page.get_by_role("group", name="Nyt mål").nth(1)
    second.get_by_label("Område eller forvaltningsområde").select_option(label="Børnehandicapområdet")
    second.get_by_label("Nøgletal").select_option(label="Omgørelsesprocent")
    second.get_by_label("Sammenligning").select_option(label="under landsplan")
    second.get_by_label("Skal være nået i").fill("2025")
    expect(second.locator(".nu")).to_contain_text("landsplan")
    for n, (titel, ansvarlig, start, frist) in enumerate(INITIATIVES):
        if n:
            page.get_by_role("button", name="Tilføj en indsats mere").click()
        row = page.get_by_role("group", name="Ny indsats").nth(n)
        row.get_by_label("Titel").fill(titel)
        row.get_by_label("Beskrivelse").fill(f"{titel} – sådan gør vi.")
        row.get_by_label("Eller et tema").fill("kvalitet i sagsbehandlingen")
        row.get_by_label("Ansvarlig").fill(ansvarlig)
        row.get_by_label("Start").fill(start)
        row.get_by_label("Frist").fill(frist)
        row.get_by_label("Status", exact=True).select_option(label="Igangsat")
    page.frame_locator("#preview").get_by_text(INITIATIVES[2][0]).first.wait_for()  # Bilag 2 as typed
    accessible(page)
    page.get_by_role("button", name="Gem handleplanen").click()
    expect(page.locator(".beskeder")).to_contain_text("Handleplanen er gemt")
    targets = page.locator("fieldset.maal")
    expect(targets.filter(has_text="I 2024: 63 % (41 af 65)")).to_have_count(1)
    initiative = page.get_by_role("group", name="Indsats 1")
    initiative.get_by_label("M1").check()  # the targets saved, each initiative can now name them
    page.get_by_role("button", name="Gem handleplanen").click()
    expect(page.locator(".beskeder")).to_contain_text("Handleplanen er gemt")
    expect(page.get_by_role("group", name="Indsats 1").get_by_label("M1")).to_be_checked()
    page.frame_locator("#preview").get_by_text(INITIATIVES[0][0]).first.wait_for()
    accessible(page)
    page.screenshot(path=shots / "3-handleplan.png")


def test_4_an_answer_that_arrives_late_never_replaces_the_latest(server, browser):
    """A target's current value, asked for while it is typed: on a busy server the answer to an earlier request can
    arrive after the answer to the latest one, and must not replace it. (A page of its own, so that what it types
    is not kept as a draft of the module's page.)"""
    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    page.set_default_timeout(WAIT)
    page.goto(server[0])
    page.goto(base(server) + "/sag/alleroed-2024/handleplan")
    page.get_by_role("button", name="Tilføj et mål mere").click()
    row = page.get_by_role("group", name="Nyt mål").last
    held = []

    def hold_the_first(route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/handleplan/maal?*", hold_the_first)
    row.get_by_label("Område eller forvaltningsområde").select_option(label="Socialområdet generelt")
    row.get_by_label("Nøgletal").select_option(label="Omgørelsesprocent")
    while not held:  # the first request, for what is typed so far, is on its way and held there
        page.wait_for_timeout(50)
    row.get_by_label("Sammenligning").select_option(label="højst (≤)")
    row.get_by_label("Værdi").fill("50")
    row.get_by_label("Skal være nået i").fill("2025")
    latest = "I 2024: 63 % (41 af 65), ikke nået endnu"
    expect(row.locator(".nu")).to_have_text(latest)
    with page.expect_response(lambda r: "/handleplan/maal?" in r.url) as late:
        held.pop().continue_()
    assert late.value.json()["tekst"] != latest  # the late answer says something else …
    page.evaluate("() => new Promise((done) => setTimeout(done, 200))")
    expect(row.locator(".nu")).to_have_text(latest)  # … and the latest stays
    context.close()


def test_5_upload_the_national_extract(page, shots):
    tab(page, "Indstilling, bilag og data")
    accessible(page)
    form = page.locator("form").filter(has=page.get_by_label("Ny fil til landsudtræk"))
    form.get_by_label("Ny fil til landsudtræk").set_input_files(str(EXAMPLE / "landsudtraek-2024.csv"))
    form.get_by_role("button", name="Indlæs").click()
    expect(page.locator(".beskeder")).to_contain_text("er udskiftet med landsudtraek-2024.csv")
    tab(page, "Overblik")
    expect(page.get_by_role("link", name="Tilføj handleplanen under Handleplan")).to_have_count(0)
    accessible(page)
    page.screenshot(path=shots / "4-overblik.png", full_page=True)


def test_6_a_text_typed_before_the_preview_has_loaded_is_shown(page, server):
    """The live preview answered before the frame's own document (the saved text) has arrived, as when the
    server is busy: the frame ends up showing the typed text, not the saved one that arrived last."""
    held = []

    def hold_the_frame(route) -> None:
        """The frame's own document (GET) waits; the live preview (POST) goes through."""
        if route.request.method == "GET":
            held.append(route)
        else:
            route.continue_()

    page.route("**/forhaandsvisning/*", hold_the_frame)
    try:
        page.goto(base(server) + "/sag/alleroed-2024/tekster/kvalitet", wait_until="domcontentloaded")
        with page.expect_response(lambda r: r.request.method == "POST" and "/forhaandsvisning/" in r.url) as live:
            page.get_by_label("Forvaltningens tekst").fill(QUALITY)
        assert live.value.ok and live.value.finished() is None
        assert len(held) == 1, "the frame's own document should still be on its way"
        held.pop().continue_()
        page.wait_for_load_state("load")  # the page's load waits for the frame's
        page.frame_locator("#preview").get_by_text(QUALITY).wait_for()
    finally:
        page.unroute("**/forhaandsvisning/*", hold_the_frame)
    assert "Forhåndsvisningen er opdateret" in page.locator("#preview-status").inner_text()


def _build(page, version: int) -> None:
    tab(page, "Byg og hent")
    page.get_by_role("button", name="Byg ny version").click()
    page.get_by_text(f"Version {version} er bygget.").wait_for()


def _pdf_text(page, link: str) -> str:
    """The text of a PDF downloaded from the build page (pdftotext), with its whitespace folded."""
    with page.expect_download() as download:
        page.get_by_role("link", name=link, exact=True).click()
    path = download.value.path()
    assert Path(path).read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True).stdout
    return download.value.suggested_filename, " ".join(text.split())


def test_7_build_and_find_bilag2_and_the_map_in_the_pdfs(page, shots):
    _build(page, 1)
    accessible(page)
    name, text = _pdf_text(page, "PDF – Sagsfremstilling, version 1")
    assert name == "alleroed-2024-v1-sagsfremstilling.pdf"  # named for the case and version
    assert "Danmarkskortet 2024: omgørelsesprocenten på socialområdet generelt i landets kommuner" in text  # the map
    assert "Blandt landets 98 kommuner havde Allerød" in text  # and the rank it gives
    assert "Bilag 2. Handleplan for kvalitetsudvikling" in text  # in the Bilag list
    name, text = _pdf_text(page, "PDF – Bilag 2 (handleplan), version 1")
    assert name == "alleroed-2024-v1-bilag-2.pdf"
    assert "Bilag 2. Handleplan for kvalitetsudvikling" in text
    for titel, _, _, _ in INITIATIVES:
        assert titel in text
    page.get_by_role("link", name="Vis PDF – Sagsfremstilling, version 1").click()
    assert page.locator("iframe.pdf").is_visible()
    page.screenshot(path=shots / "5-version-1.png")


def test_8_send_back_build_v2_compare(page, shots):
    tab(page, "Beslutninger")
    accessible(page)
    page.get_by_role("link", name="Sagen er sendt tilbage …").click()
    page.get_by_label("Organ, der sendte sagen tilbage").fill("Allerød Byråd 2022-2025")
    page.get_by_label("Dato for mødet").fill("2025-10-07")
    page.get_by_label("Beslutningen, som den står i protokollen").fill(SEND_BACK)
    page.get_by_label("Hvorfor sagen genoptages").fill("Forvaltningen har udarbejdet det ønskede notat.")
    page.get_by_label("Bilagets titel").fill("Notat om sagsbehandlingstider")
    accessible(page)
    page.screenshot(path=shots / "6-sagen-sendt-tilbage.png", full_page=True)
    page.get_by_role("button", name="Registrér tilbagesendelsen").click()
    assert "Tilbagesendelsen er registreret" in page.locator(".beskeder").inner_text()
    _build(page, 2)
    tab(page, "Sammenlign")
    page.get_by_label("Fra version").select_option("1")
    page.get_by_label("Til version").select_option("2")
    page.get_by_role("button", name="Sammenlign").click()
    redline = page.frame_locator("#redline")
    inserted = redline.locator("ins", has_text="sagsbehandlingstiderne")
    inserted.first.wait_for()
    assert page.get_by_role("link", name="sagsfremstilling-aendringer.docx").count() == 1
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page.locator("main").inner_text())  # dates in Danish, no ISO dates
    accessible(page)
    page.locator("#redline").scroll_into_view_if_needed()
    page.screenshot(path=shots / "6-sammenligning.png", full_page=True)


def test_9_a_broken_file_names_its_row_and_column(page, shots, tmp_path):
    rows = statistik_rows()
    rows[4][0] = "Allerrød"
    broken = tmp_path / "statistik-2024.csv"
    broken.write_text(to_csv(rows), encoding="utf-8")
    page.get_by_role("link", name="Ny sag").click()
    page.get_by_label("Ankestyrelsens statistik").set_input_files(str(broken))
    page.get_by_role("button", name="Indlæs og kontrollér filen").click()
    message = page.locator("#statistik-fejl").inner_text()
    assert "statistik-2024.csv, række 5, kolonne 'kommune'" in message
    assert "Mente du 'Allerød'?" in message
    accessible(page)
    page.screenshot(path=shots / "7-fejl-i-filen.png", full_page=True)


def test_10_the_address_opened_from_a_link_on_another_site(server, browser):
    """The printed address clicked in webmail or a chat: the token leaves the address and the cookie holds."""
    context = browser.new_context()
    page = context.new_page()
    link = f'<a href="{server[0]}">Åbn sagerne</a>'
    page.route(
        "http://webmail.example/", lambda route: route.fulfill(body=link, content_type="text/html; charset=utf-8")
    )
    page.goto("http://webmail.example/")
    page.get_by_role("link", name="Åbn sagerne").click()
    page.wait_for_url(base(server) + "/")
    assert page.get_by_role("heading", level=1).inner_text() != "Adgang nægtet"
    assert page.get_by_role("link", name="Ny sag", exact=True).count() == 1
    context.close()


def test_11_keyboard_only_through_the_case_page(page, server, shots):
    page.goto(base(server) + "/sag/alleroed-2024/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Spring til indholdet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", f"no visible focus on {reached[-1]!r}"
        if reached[-1].startswith("Byg en ny version"):
            break
    assert "Tekster" in reached and "Beslutninger" in reached and "Sammenlign" in reached
    page.screenshot(path=shots / "8-tastatur.png")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/versioner$"))
    page.keyboard.press("Tab")  # the skip link again, then straight to the build button through the content
    page.keyboard.press("Enter")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "byg":
            break
    assert page.evaluate("document.activeElement.id") == "byg"


def test_12_the_console_stays_clean(page, server, console):
    """No page or document of the way through broke its policy or missed a file: the documents' styles, style
    attributes and fonts are allowed by their policy, also in the live preview; nothing failed to load."""
    for path in ("/sag/alleroed-2024/v1/sagsfremstilling.html?vis=1", "/sag/alleroed-2024/forhaandsvisning/bilag-1"):
        page.goto(base(server) + path)
        page.wait_for_load_state("networkidle")
    fonts = page.evaluate("Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)")
    assert '"Reportgen Carlito"' in fonts or "Reportgen Carlito" in fonts  # the PDF's typeface, from the app
    refused = re.compile(
        re.escape(base(server)) + r"(/ny(/[\w-]+\?[^:]*)?|/sag/alleroed-2024/handleplan): Failed to load resource: the "
        r"server responded with a status of 422 \(UNPROCESSABLE ENTITY\)"
    )  # refused on purpose: the second case for the same year, the broken file, the plan's preview while incomplete
    unexpected = [error for error in console if not refused.fullmatch(error)]
    assert unexpected == [], "\n".join(unexpected)
