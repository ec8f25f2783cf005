"""A build takes from the latest version every chart, map and document whose key is unchanged, and the result is
byte for byte what a build from scratch gives (for every corpus case, each after one change: test_reuse_corpus.py);
an unchanged case is known without drawing or laying out anything, a changed text lays out only its own document,
and a file edited by hand in the earlier version is rendered again."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import tomllib
from pathlib import Path

import pytest
from casefactory import dump_toml, make_case

from reportgen.documents import charts, maps
from reportgen.lifecycle.build import build
from reportgen.lifecycle.reuse import KEYS, Earlier
from reportgen.lifecycle.versions import MANIFEST, OWNER
from reportgen.writers import docx, html, pdf

SENTENCE = "Efter tilbagesendelsen er afsnittet suppleret med denne sætning."


def digests(folder: Path) -> dict[str, object]:
    """SHA-256 of every file of a version folder by name; the manifest as its content without the version number."""
    out: dict[str, object] = {}
    for path in sorted(folder.iterdir()):
        if path.name == MANIFEST:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            del manifest["version"]
            out[path.name] = manifest
        else:
            out[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _patch_sag(case: Path, change) -> None:
    """Rewrite sag.toml with change applied to its values."""
    sag = tomllib.loads((case / "sag.toml").read_text(encoding="utf-8"))
    change(sag)
    (case / "sag.toml").write_text(dump_toml(sag), encoding="utf-8")


def _append_text(case: Path, section: str) -> None:
    """Add a sentence to a text of the administration's (the text is created when the case has none)."""
    path = case / "tekster" / f"{section}.md"
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"{before.rstrip()}\n\n{SENTENCE}\n".lstrip(), encoding="utf-8")


def _smaller_group(sag: dict) -> None:
    """One comparison municipality fewer (the maps, tables and charts change), or one more name when alone."""
    group = sag["sammenligning"]
    sag["sammenligning"] = (
        group[:-1] if len(group) > 1 else [*group, "Hillerød" if "Hillerød" not in group else "Furesø"]
    )


CHANGES = {
    "uændret": lambda case: None,
    "sagsbeskrivelse": lambda case: _append_text(case, "sagsbeskrivelse"),
    "bilag 1's indledning": lambda case: _append_text(case, "bilag1"),
    "sagsnummer": lambda case: _patch_sag(case, lambda sag: sag.update(sagsnummer="25/00001")),
    "sammenligningsgruppe": lambda case: _patch_sag(case, _smaller_group),
    "forklaring": lambda case: _append_text(case, "forklaring"),
}


@pytest.fixture
def counted(monkeypatch):
    """Count every chart drawn and every document written, by writer, in this process (WeasyPrint loaded: the PDFs
    are laid out here, as in the server's build thread, not in PDF processes)."""
    import weasyprint  # noqa: F401

    calls: dict[str, list[str]] = {"chart": [], "html": [], "pdf": [], "docx": []}
    for chart in (charts.trend_chart, charts.outcome_bars, maps.danmarkskort):
        chart.cache_clear()  # type: ignore[attr-defined]  # drawn, not remembered from an earlier test

    def counting(name, real, slug_of):
        def wrapper(*args, **kwargs):
            calls[name].append(slug_of(*args))
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(charts, "render_png", counting("chart", charts.render_png, lambda *a: ""))
    for module, name in ((html, "html"), (pdf, "pdf"), (docx, "docx")):
        monkeypatch.setattr(module, "render", counting(name, module.render, lambda doc, *a: doc.slug))
    return calls


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example case built once: a case folder and its history with v1."""
    tmp = tmp_path_factory.mktemp("genbrug")
    case = make_case(tmp)
    build(case, tmp / "ud")
    return case, tmp / "ud"


def _copy(example, tmp_path) -> tuple[Path, Path]:
    """A copy of the built example case and its history, to change."""
    case, out = example
    shutil.copytree(case, tmp_path / "sag")
    shutil.copytree(out, tmp_path / "ud")
    return tmp_path / "sag", tmp_path / "ud"


def test_an_unchanged_case_is_known_without_drawing_or_laying_out(example, counted):
    case, out = example
    result = build(case, out)
    assert not result.created and result.version == 1
    assert counted == {"chart": [], "html": [], "pdf": [], "docx": []}


@pytest.mark.parametrize(
    "section, document",
    [("sagsbeskrivelse", "sagsfremstilling"), ("begrundelse", "sagsfremstilling"), ("bilag1", "bilag-1")],
)
def test_a_changed_text_lays_out_only_its_document(example, tmp_path, counted, section, document):
    case, out = _copy(example, tmp_path)
    _append_text(case, section)
    result = build(case, out)
    assert result.created and result.version == 2
    assert counted == {"chart": [], "html": [document], "pdf": [document], "docx": [document]}
    scratch = build(case, tmp_path / "frisk")
    assert digests(result.folder) == digests(scratch.folder)


def test_a_file_edited_by_hand_in_the_earlier_version_is_rendered_again(example, tmp_path, counted):
    case, out = _copy(example, tmp_path)
    v1 = out / "alleroed" / "2024" / "v1"
    original = (v1 / "bilag-1.pdf").read_bytes()
    (v1 / "bilag-1.pdf").write_bytes(original + b"% rettet i haanden\n")
    result = build(case, out)
    assert result.created and result.edited == ("bilag-1.pdf",)
    assert counted["pdf"] == ["bilag-1"] and counted["chart"] == []
    assert (result.folder / "bilag-1.pdf").read_bytes() == original


def test_the_manifest_records_the_key_of_every_chart_and_document(example):
    _, out = example
    manifest = json.loads((out / "alleroed" / "2024" / "v1" / MANIFEST).read_text(encoding="utf-8"))
    outputs = set(manifest["output"]) - {"figurer.json"}
    assert set(manifest[KEYS]) == outputs
    assert manifest[KEYS]["sagsfremstilling.pdf"] == manifest[KEYS]["sagsfremstilling.docx"]
    pngs = [name for name in outputs if name.endswith(".png")]
    assert len(pngs) >= 7 and len({manifest[KEYS][name] for name in pngs}) == len(pngs)


def test_a_new_tool_takes_nothing(example, tmp_path, counted, monkeypatch):
    """Another version of reportgen or of a library (the tool's part of every key) renders everything again."""
    case, out = _copy(example, tmp_path)
    monkeypatch.setattr("reportgen.documents.keys.tool", lambda: "en anden version")
    assert not build(case, out).created
    pngs = [p for p in (out / "alleroed" / "2024" / "v1").iterdir() if p.suffix == ".png"]
    assert len(counted["pdf"]) == 3 and len(counted["chart"]) == len(pngs)


def test_an_earlier_manifest_names_only_files_of_its_own_folder(tmp_path):
    secret = tmp_path / "hemmelig.txt"
    secret.write_bytes(b"hemmelig")
    digest = hashlib.sha256(b"hemmelig").hexdigest()
    base = tmp_path / "ud" / "alleroed" / "2024"
    (base / "v1").mkdir(parents=True)
    (base / "v1" / "link.png").symlink_to(secret)
    named = {"../../../../hemmelig.txt": "k1", "link.png": "k2"}
    recorded = {"../../../../hemmelig.txt": digest, "link.png": digest}
    (base / "v1" / MANIFEST).write_text(json.dumps({"output": recorded, KEYS: named}), encoding="utf-8")
    earlier = Earlier.latest(base)
    assert earlier.take("k1", ".txt") is None and earlier.take("k2", ".png") is None


BROWSER_BUILD = """
import sys
from pathlib import Path

from reportgen.web.builds import Builds
from reportgen.writers import pdf_processes


def no_process(*args, **kwargs):
    raise AssertionError("a PDF process was started")


pdf_processes.PdfProcesses.__init__ = no_process
builds = Builds(Path(sys.argv[2]))
job = builds.submit("sag", Path(sys.argv[1]))
builds.stop()
print(job.state, job.result.version if job.result else job.message())
"""


def test_a_browser_build_is_made_warm_in_the_server_process(example, tmp_path):
    """The server's build thread lays out every PDF itself, warm: no PDF process is started, even for a case built
    from scratch (a fresh server process, as `reportgen serve` starts)."""
    import subprocess
    import sys

    case, _ = example
    done = subprocess.run(
        [sys.executable, "-c", BROWSER_BUILD, str(case), str(tmp_path / "ud")], capture_output=True, text=True
    )
    assert done.stdout.split() == ["færdig", "1"], done.stderr


def test_after_a_new_tool_the_second_unchanged_build_takes_everything(example, tmp_path, counted, monkeypatch):
    """A build with a new tool that renders the latest version's bytes again makes no version, but records the new
    keys beside the versions, so the build after it renders nothing."""
    case, out = _copy(example, tmp_path)
    monkeypatch.setattr("reportgen.documents.keys.tool", lambda: "en anden version")
    assert not build(case, out).created
    assert counted["pdf"] and counted["chart"]
    counted["pdf"].clear(), counted["chart"].clear()
    again = build(case, out)
    assert not again.created and again.version == 1
    assert counted["pdf"] == [] and counted["chart"] == []
    assert sorted(p.name for p in (out / "alleroed" / "2024").iterdir()) == ["noegler.json", OWNER, "v1"]


def test_a_text_saved_in_the_browser_is_laid_out_before_byg_is_clicked(tmp_path, counted):
    """A save in the browser prepares the case's next build in the server's build thread: only the changed document
    is laid out, and "Byg" then renders nothing and gives the bytes of a build from scratch."""
    from test_web import CASE, client_for, make_workspace, post, start_build, state, wait

    root = make_workspace(tmp_path / "arbejdsmappe")
    app, client = client_for(root)
    builds = app.extensions["reportgen.builds"]
    assert wait(app, start_build(app, client)).result.version == 1
    for calls in counted.values():
        calls.clear()
    text = (root / CASE / "tekster" / "sagsbeskrivelse.md").read_text(encoding="utf-8")
    saved = post(
        app, client, f"/sag/{CASE}/tekster/sagsbeskrivelse", {"tekst": f"{text}\n{SENTENCE}", "version": state(app)}
    )
    assert saved.status_code == 303
    deadline = time.monotonic() + 600
    while not builds.settled():
        assert time.monotonic() < deadline, "the preparation did not end"
        time.sleep(0.02)
    assert counted == {
        "chart": [],
        "html": ["sagsfremstilling"],
        "pdf": ["sagsfremstilling"],
        "docx": ["sagsfremstilling"],
    }
    counted["html"].clear(), counted["pdf"].clear(), counted["docx"].clear()
    job = wait(app, start_build(app, client))
    assert job.result.created and job.result.version == 2
    assert counted == {"chart": [], "html": [], "pdf": [], "docx": []}
    assert digests(job.result.folder) == digests(build(root / CASE, tmp_path / "frisk").folder)


def test_a_waiting_build_goes_before_the_preparations_and_a_case_is_prepared_once_or_not_at_all(monkeypatch, tmp_path):
    import threading

    from reportgen.web import builds as queue

    done: list[str] = []
    started, release = threading.Event(), threading.Event()

    def fake_build(folder, out, progress):
        if folder.name == "forrest":
            started.set()
            release.wait(60)
        done.append(f"byg {folder.name}")
        return None

    monkeypatch.setattr(queue, "load_pdf_writer", lambda: None)
    monkeypatch.setattr(queue, "build", fake_build)
    monkeypatch.setattr(queue, "prepare", lambda folder, out: done.append(f"forbered {folder.name}"))
    builds = queue.Builds(tmp_path)
    builds.submit("forrest", tmp_path / "forrest")  # holds the thread while the rest is queued
    assert started.wait(60)
    builds.prepare(tmp_path / "a")
    builds.prepare(tmp_path / "b")
    builds.prepare(tmp_path / "a")  # saved again while waiting: prepared once, as it is then
    builds.submit("c", tmp_path / "c")
    builds.prepare(tmp_path / "d")
    builds.submit("d", tmp_path / "d")  # built right after the save: the build makes what a preparation would
    release.set()
    deadline = time.monotonic() + 60
    while not builds.settled():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    builds.stop()
    assert done == ["byg forrest", "byg c", "byg d", "forbered a", "forbered b"]
