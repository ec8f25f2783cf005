"""What the workers of a parallel run share (`make test`: pytest-xdist, one worker per core).

`make test` hands out whole modules (`--dist loadscope`): a module's tests run on one worker in the file's order,
so a module-scoped fixture (the corpus and its LibreOffice conversion, a case built through its versions, the
browser and its server) is made once, and the next module goes to whichever worker is free. What several modules
need – the example case and the following year's, and each corpus shape, built – is built once for the whole run,
by the first worker that asks. Every worker lays out the PDFs of its builds itself; every test starts with nothing
prepared in its process, stops the build queues of the web apps it made, and hashes passwords quickly (the fixtures
below say why)."""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from casefactory import EXAMPLE, NEXT_YEAR
from corpus import make

from reportgen.inputs import statistics
from reportgen.lifecycle import build as build_module
from reportgen.lifecycle.batch import GC_THRESHOLD
from reportgen.lifecycle.build import build, load_pdf_writer
from reportgen.lifecycle.reuse import PREPARED


def made_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """The folder `name` of this run, which make(folder) fills once: the first worker to ask makes it while the
    others wait for it. A make that fails leaves nothing behind, and the next worker to ask tries again."""
    base = tmp_path_factory.getbasetemp()
    run = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # the workers' folders lie in the run's
    folder, done = run / name, run / f"{name}.færdig"
    with open(run / f"{name}.lås", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            done.touch()
    return folder


@pytest.fixture(scope="session")
def examples_built(tmp_path_factory) -> dict[int, Path]:
    """The example case (2024) and the following year's (2025) built into one output folder, once for the whole
    run: their v1 version folders by year. Shared by every worker, so read only; copy the output folder first to
    build more into it."""

    def build_both(out: Path) -> None:
        build(EXAMPLE, out)
        build(NEXT_YEAR, out)

    out = made_once(tmp_path_factory, "eksempler-bygget", build_both)
    return {year: out / "alleroed" / str(year) / "v1" for year in (2024, 2025)}


@pytest.fixture(scope="session", autouse=True)
def pdf_writer_loaded() -> None:
    """Every worker loads the PDF writer once, so that the builds its tests run lay out their PDFs in it, warm, as the
    server's build thread and the batch's workers do – not in two PDF processes per build, each loading WeasyPrint
    again. The cold path is tested where it is the subject: tests/test_pdfprocesses.py and the tests that run
    `reportgen build` as a command of its own."""
    load_pdf_writer()


@pytest.fixture(autouse=True)
def nothing_prepared() -> None:
    """Every test starts with nothing prepared in this process (a server's saves prepare builds, `reuse.PREPARED`),
    no statistics parsed (`statistics.PARSED`) and no file known to be clean of ids (`build.refuse_published`), so
    that no test takes what an earlier test in the same worker prepared, parsed or checked."""
    PREPARED.clear()
    statistics.PARSED.clear()
    build_module.FOUND_CLEAN.clear()


@pytest.fixture(autouse=True)
def build_queues_stopped(monkeypatch) -> Iterator[None]:
    """The build queue of every web app a test makes (not its module's) is stopped as the test ends: a save
    prepares the case's next build in the queue's thread, and preparations left running would slow the tests after
    it in the same worker."""
    from reportgen.web import builds

    made: list[builds.Builds] = []
    start = builds.Builds.__init__

    def recorded(self, *args, **kwargs) -> None:
        start(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(builds.Builds, "__init__", recorded)
    yield
    for queue in made:
        queue.stop()


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch) -> None:
    """Passwords hashed in the test processes with argon2id at its smallest cost: the team tests log in some two
    hundred times, at 0.15 s each with the parameters the product uses. Those parameters are checked by a test of
    their own (test_team), and the servers and commands the tests start as processes use them."""
    from reportgen.web.team import accounts

    hasher, dummy = _quick_hasher()
    monkeypatch.setattr(accounts, "_HASHER", hasher)
    monkeypatch.setattr(accounts, "_DUMMY", dummy)


@cache
def _quick_hasher() -> tuple[PasswordHasher, str]:
    """The quick hasher and its hash of the password an unknown name is checked against."""
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    return hasher, hasher.hash("en adgangskode, som ingen har")


@dataclass(frozen=True)
class CorpusCase:
    """One corpus shape, built once for the whole run: a folder holding its case folder (`case`) and the output
    folder it was built into (`out`), with the version that build made and the warnings it printed. Shared by every
    worker, so read only; copy `root` to build more into it (the history names its case folder relative to itself)."""

    root: Path
    case: Path
    out: Path
    version: Path
    warnings: tuple[str, ...]


@pytest.fixture(scope="session")
def corpus_case(tmp_path_factory) -> Callable[[str], CorpusCase]:
    """The corpus shape of a name (tests/corpus.py), built by the first worker that asks for it."""

    def made(folder: Path, name: str) -> None:
        case = make(folder / "sager", name)
        result = build(case, folder / "ud")
        record = {
            "sag": str(case.relative_to(folder)),
            "version": str(result.folder.relative_to(folder)),
            "advarsler": [str(w) for w in result.warnings],
        }
        (folder / "bygget.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")

    def corpus_case(name: str) -> CorpusCase:
        root = made_once(tmp_path_factory, f"korpus-{name}", lambda folder: made(folder, name))
        record = json.loads((root / "bygget.json").read_text(encoding="utf-8"))
        return CorpusCase(root, root / record["sag"], root / "ud", root / record["version"], tuple(record["advarsler"]))

    return corpus_case


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """The folder a browser test's screenshots go to: $REPORTGEN_SHOTS, or the test's temporary folder."""
    folder = Path(os.environ.get("REPORTGEN_SHOTS") or tmp_path_factory.mktemp("skaermbilleder"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pytest_collection_finish(session: pytest.Session) -> None:
    """After collection, what a worker holds – the libraries, the collected tests – is never garbage: it is moved
    out of the collector's way, and the youngest generation is collected less often, as the batch's workers do (a
    build allocates millions of short-lived objects). Collections took some 5–10 % of a worker's time."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
