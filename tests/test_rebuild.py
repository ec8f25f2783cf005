"""The case's life: a send-back makes v2 and leaves v1 untouched, an unchanged rebuild makes nothing, and
builds in separate processes give byte-identical files."""

import hashlib
import os
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
from casefactory import dump_toml, make_case

from reportgen.lifecycle.build import build
from reportgen.lifecycle.versions import versions

NEW_BILAG = "Notat om sagsbehandlingstider på børneområdet"
SENDBACK = {
    "organ": "Allerød Byråd 2022-2025",
    "dato": date(2025, 11, 6),
    "beslutning": "Byrådet sender sagen tilbage til fagudvalgene.",
    "udfald": "tilbagesendt",
}


def hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in a folder, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def life(tmp_path_factory):
    """Build v1, send the case back (a decision and a bilag more), build v2, then build again unchanged."""
    tmp = tmp_path_factory.mktemp("rebuild")
    case, out = make_case(tmp), tmp / "out"
    first = build(case, out)
    v1_before = hashes(first.folder)
    sag = tomllib.loads((case / "sag.toml").read_text(encoding="utf-8"))
    sag["behandling"].append(SENDBACK)
    sag["bilag"] = [*sag.get("bilag", []), {"titel": NEW_BILAG}]
    (case / "sag.toml").write_text(dump_toml(sag), encoding="utf-8")
    second = build(case, out)
    again = build(case, out)
    return first, v1_before, second, again


def test_sendback_makes_v2(life):
    first, _, second, _ = life
    assert (first.version, first.created) == (1, True)
    assert (second.version, second.created) == (2, True)
    assert second.folder == first.folder.parent / "v2"


def test_v1_is_untouched(life):
    first, v1_before, _, _ = life
    assert hashes(first.folder) == v1_before


def test_v2_has_the_new_decision_and_bilag(life):
    from docx import Document

    _, _, second, _ = life
    text = "\n".join(p.text for p in Document(str(second.folder / "sagsfremstilling.docx")).paragraphs)
    assert "Beslutning Allerød Byråd 2022-2025 den 06-11-2025" in text
    assert NEW_BILAG in text


def test_unchanged_rebuild_makes_no_v3(life):
    _, _, second, again = life
    assert (again.version, again.created) == (2, False)
    assert versions(second.folder.parent) == [1, 2]


def test_no_letter_unless_the_recommendation_is_no_plan(life):
    first, _, _, _ = life
    assert not list(first.folder.glob("orientering-ankestyrelsen.*"))


def test_builds_in_two_processes_are_byte_identical(tmp_path):
    """Two processes with different hash seeds, time zones and output folders give the same bytes everywhere."""
    case = make_case(tmp_path, sag_toml_patch={"handleplan.indstilling": "udarbejdes-ikke"})  # with the letter
    runs = []
    for seed, zone in (("1", "UTC"), ("2", "America/Los_Angeles")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": zone}
        out = tmp_path / f"out-{seed}"
        runs.append(
            (
                out,
                subprocess.Popen(
                    [sys.executable, "-m", "reportgen.cli", "build", str(case), "--out", str(out)],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                ),
            )
        )
    folders = []
    for out, process in runs:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, stderr.decode()
        folders.append(out / "alleroed" / "2024" / "v1")
    first, second = (hashes(f) for f in folders)
    assert "orientering-ankestyrelsen.pdf" in first and "manifest.json" in first
    assert first == second


def test_a_process_forked_while_a_version_lock_is_held_does_not_keep_it(tmp_path):
    """A build's PDF processes forked while another thread holds a case's version lock (the web app building one
    case while the command line or a batch builds another) do not keep that lock once the thread releases it."""
    import fcntl
    import multiprocessing
    import os

    from reportgen.lifecycle.versions import version_lock

    context = multiprocessing.get_context("fork")
    running, release = context.Event(), context.Event()
    with version_lock(tmp_path):
        child = context.Process(target=_run_until, args=(running, release))
        child.start()
    assert running.wait(60)
    try:
        folder = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError while the child holds a copy
        finally:
            os.close(folder)
    finally:
        release.set()
        child.join()


def _run_until(running, release) -> None:
    """A forked process that says it runs, then waits to be released."""
    running.set()
    release.wait(60)
