"""Builds under stress: a failed build never reports success, versions stay exact under concurrency and by hand.

Covers the environment (a file size limit, a killed PDF process, an --out that cannot be written), parallel
builds of one case into one folder (with a slowed rename), edited versions and staging folders left behind.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import pytest
from casefactory import make_case, run_cli

from reportgen.figures.case import compute
from reportgen.inputs import load_inputs
from reportgen.lifecycle import build as build_module
from reportgen.lifecycle.build import write_packet
from reportgen.lifecycle.failures import BuildFailed, failure
from reportgen.lifecycle.versions import MANIFEST, STAGING_PREFIX, versions


def reportgen(*args: object, limit_kb: int | None = None, slow_rename: float = 0.0) -> subprocess.Popen:
    """Start the command line in its own process, optionally under `ulimit -f` or with every rename slowed."""
    code = "import sys; from reportgen.cli import main; sys.exit(main(sys.argv[1:]))"
    if slow_rename:
        code = (
            f"import os, time; _rename = os.rename\n"
            f"os.rename = lambda a, b: (time.sleep({slow_rename}), _rename(a, b))[1]\n" + code
        )
    command = [sys.executable, "-c", code, *map(str, args)]
    if limit_kb is not None:
        command = ["bash", "-c", f'ulimit -f {limit_kb}; exec "$@"', "bash", *command]
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_DEBUG"}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def version_folders(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("v*") if p.is_dir() and (p / MANIFEST).exists())


# --- a failed build exits non-zero and names the cause ------------------------------------------------------


def test_file_size_limit_fails_with_a_danish_message(tmp_path):
    """`ulimit -f 100`: the PDF process cannot write its fonts; exit 2, the cause named, no version, no traceback."""
    out = tmp_path / "ud"
    proc = reportgen("build", make_case(tmp_path), "--out", out, limit_kb=100)
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 2, stderr
    assert "Versionen blev ikke bygget" in stderr and "ulimit -f" in stderr and "Intet er skrevet" in stderr
    assert "Traceback" not in stderr and stdout == ""
    assert version_folders(out) == []


def test_killed_pdf_process_fails_with_a_danish_message(tmp_path):
    """A PDF process killed at its start: exit 1 with a message, never 0; no version."""
    out = tmp_path / "ud"
    proc = reportgen("build", make_case(tmp_path), "--out", out)
    killed = False
    deadline = time.monotonic() + 120
    while not killed and time.monotonic() < deadline and proc.poll() is None:
        try:
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        except FileNotFoundError:
            children = []
        if children:
            os.kill(int(children[0]), signal.SIGKILL)
            killed = True
        time.sleep(0.005)
    stdout, stderr = proc.communicate(timeout=300)
    assert killed, "the build finished before its PDF process could be killed"
    assert proc.returncode == 1, stderr
    assert "en arbejdsproces stoppede uventet" in stderr and "Traceback" not in stderr
    assert version_folders(out) == []


@pytest.fixture
def fast_render(monkeypatch):
    """build() with the documents replaced by one small file: what is tested here happens after rendering."""
    monkeypatch.setattr(
        build_module, "make_packet", lambda inputs, cf, earlier=None, pdfs=None: ({"sagsfremstilling.html": b"<p>"}, {})
    )
    monkeypatch.setattr(build_module, "_Pdfs", lambda at_once: nullcontext())


@pytest.mark.parametrize(
    "where, words",
    [
        ("file", "en del af stien er en fil, ikke en mappe"),
        ("proc", "mappen kan ikke oprettes"),
    ],
)
def test_out_that_cannot_be_written_is_the_users_to_fix(where, words, tmp_path, capsys, fast_render):
    """--out that is a file or cannot be created: exit 2 naming the folder and the fix, not "Intern fejl"."""
    out = tmp_path / "en-fil" if where == "file" else Path("/proc/reportgen-findes-ikke")
    if where == "file":
        out.write_text("", encoding="utf-8")
    result = run_cli(capsys, "build", make_case(tmp_path), "--out", out)
    assert result.code == 2, result.err
    assert words in result.err and str(out) in result.err and "--out" in result.err
    assert "Intern fejl" not in result.err


def test_full_disk_is_the_users_to_fix(tmp_path, capsys, fast_render, monkeypatch):
    """A full disk while the version is written: exit 2, 'disken er fuld', and nothing of the version is left."""
    real = Path.write_bytes

    def full(path: Path, data: bytes) -> int:
        if STAGING_PREFIX in str(path):
            raise OSError(28, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    out = tmp_path / "ud"
    result = run_cli(capsys, "build", make_case(tmp_path), "--out", out)
    assert result.code == 2, result.err
    assert "disken er fuld" in result.err and "Frigør plads" in result.err
    assert [p.name for p in (out / "alleroed" / "2024").iterdir()] == []


def test_failure_classification():
    """The same causes read the same way in build, batch and the web app; unknown errors stay internal."""
    for number, words in ((28, "disken er fuld"), (27, "ulimit"), (30, "skrivebeskyttet")):
        failed = failure(OSError(number, "x", "/ud/alleroed/2024"), Path("/ud"))
        assert isinstance(failed, BuildFailed) and words in str(failed) and failed.exit_code == 2
    assert failure(ValueError("x"), Path("/ud")) is None
    assert failure(OSError(5, "EIO"), Path("/ud")) is None
    assert failure(OSError(2, "No such file", "/usr/lib/reportgen/templates/x.j2"), Path("/ud")) is None


# --- concurrency: one version for one content ------------------------------------------------------------------


def _write_slowly(inputs, cf, out: Path, delay: float) -> None:
    """In a forked process: write the same packet with every rename slowed."""
    rename = os.rename
    os.rename = lambda a, b: (time.sleep(delay), rename(a, b))[1]
    write_packet(inputs, cf, {"sagsfremstilling.html": b"<p>samme</p>"}, out)


def test_parallel_writes_of_the_same_packet_make_one_version(tmp_path):
    """Six processes writing the same packet into one folder with a slowed rename: exactly one version."""
    inputs = load_inputs(make_case(tmp_path))
    cf = compute(inputs)
    out = tmp_path / "ud"
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_write_slowly, args=(inputs, cf, out, 0.3)) for _ in range(6)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(60)
        assert p.exitcode == 0
    assert versions(out / "alleroed" / "2024") == [1]


def test_two_builds_in_parallel_never_make_two_versions_with_the_same_content(tmp_path):
    """Two real builds of one case into one output folder, renames slowed: both succeed, and no two version
    folders hold the same content (normally v1 and "Ingen ændringer")."""
    case, out = make_case(tmp_path), tmp_path / "ud"
    procs = [reportgen("build", case, "--out", out, slow_rename=1.0) for _ in range(2)]
    results = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    recorded = [json.loads((v / MANIFEST).read_text(encoding="utf-8"))["output"] for v in version_folders(out)]
    assert recorded and all(a != b for i, a in enumerate(recorded) for b in recorded[i + 1 :])
    printed = "".join(stdout for stdout, _ in results)
    assert printed.count("Version 1 er bygget") == 1


# --- versions edited by hand, staging folders of killed builds -------------------------------------------------


def test_edited_latest_version_gives_a_new_version_and_says_so(tmp_path):
    inputs = load_inputs(make_case(tmp_path))
    cf = compute(inputs)
    out = tmp_path / "ud"
    first = write_packet(inputs, cf, {"sagsfremstilling.html": b"<p>a</p>"}, out)
    (first.folder / "sagsfremstilling.html").write_bytes(b"<p>rettet i haanden</p>")
    second = write_packet(inputs, cf, {"sagsfremstilling.html": b"<p>a</p>"}, out)
    assert second.created and second.version == 2 and second.edited == ("sagsfremstilling.html",)
    assert (first.folder / "sagsfremstilling.html").read_bytes() == b"<p>rettet i haanden</p>"  # left alone
    third = write_packet(inputs, cf, {"sagsfremstilling.html": b"<p>a</p>"}, out)
    assert not third.created and third.version == 2


def test_staging_folders_of_killed_builds_are_removed(tmp_path):
    inputs = load_inputs(make_case(tmp_path))
    cf = compute(inputs)
    base = tmp_path / "ud" / "alleroed" / "2024"
    stale = base / f"{STAGING_PREFIX}dræbt"
    stale.mkdir(parents=True)
    (stale / "sagsfremstilling.pdf").write_bytes(b"halv")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    write_packet(inputs, cf, {"sagsfremstilling.html": b"<p>a</p>"}, tmp_path / "ud")
    assert sorted(p.name for p in base.iterdir()) == ["sagsmappe.json", "v1"]


# --- the printout cannot be written ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "figures", "build", "diff"])
def test_a_full_standard_output_is_an_environment_error(command, tmp_path):
    """With standard output on /dev/full every command says in Danish that the printout could not be written (exit
    2), never "Intern fejl" and never a traceback; what it saves in files is saved."""
    case = make_case(tmp_path)
    out = tmp_path / "ud"
    args = {"check": [case], "figures": [case], "build": [case, "--out", out]}.get(command)
    if args is None:
        from reportgen.lifecycle.build import build

        build(case, out)
        (case / "tekster" / "kvalitet.md").write_text("Ny tekst om kvalitetsarbejdet.", encoding="utf-8")
        build(case, out)
        args = [out / "alleroed" / "2024" / "v1", out / "alleroed" / "2024" / "v2", "--out", tmp_path / "diff"]
    code = "import sys; from reportgen.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_DEBUG"}
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-c", code, command, *map(str, args)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("Udskriften kunne ikke skrives til standard output: disken eller enheden er fuld.")
    assert "Intern fejl" not in done.stderr and "Traceback" not in done.stderr and "Exception" not in done.stderr
    if command == "build":
        assert version_folders(out)
    if command == "diff":
        assert any((tmp_path / "diff").iterdir())


def test_the_web_builds_full_disk_message_says_it_once():
    """The browser shows a failed build's cause once: "Versionen blev ikke bygget: disken er fuld …"."""
    from reportgen.web.builds import Job

    job = Job("id", "sag")
    job.failed = str(failure(OSError(28, "No space left on device"), Path("/ud")))
    job.state = "fejl"
    assert job.message().count("Versionen blev ikke bygget") == 1
    assert job.message().startswith("Versionen blev ikke bygget: disken er fuld")
