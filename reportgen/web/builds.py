"""Builds started from the browser: one build thread in the server's process, warmed up as the server starts, so
the documents are made one at a time with warm writers and no process to start, each build going through
`reportgen build`'s own code (taking from the latest version what is unchanged) and the version lock the command
line takes. Between builds the thread prepares the cases saved since (`build.prepare`): it lays out the documents
a save changed, so that "Byg" afterwards finds them ready; a build waiting in the queue goes first."""

from __future__ import annotations

import logging
import queue
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportgen.domain.errors import InputError
from reportgen.lifecycle.build import BuildResult, build, load_pdf_writer, prepare, warm_up
from reportgen.lifecycle.failures import BuildFailed
from reportgen.lifecycle.versions import HistoryTaken, describe_owner
from reportgen.web.guard import internal_reference

log = logging.getLogger("reportgen.web")
WARM_UP = "opvarmning"  # in the build queue: warm the thread up
PREPARE = "forbered"  # in the build queue: prepare the next of the cases saved since
PREPARE_AFTER = 0.5  # seconds after a save: a "Byg" clicked at once goes first, and the case is not prepared at all


@dataclass
class Job:
    """One build: where it is, what it has done so far and how it ended."""

    id: str
    case: str
    state: str = "venter"  # venter, i gang, færdig, fejl
    steps: list[str] = field(default_factory=list)
    result: BuildResult | None = None
    problems: list[str] = field(default_factory=list)
    reference: str | None = None
    failed: str | None = None  # why the version could not be written (a full disk, a folder that cannot be written)
    user: Any = None  # who started it, in team mode (recorded in the audit trail when it ends)

    @property
    def done(self) -> bool:
        """True when the build has ended, well or not."""
        return self.state in ("færdig", "fejl")

    def message(self) -> str:
        """What happened, in one Danish sentence."""
        if self.state == "venter":
            return "Venter på, at en anden bygning eller forberedelse bliver færdig."
        if self.state == "i gang":
            return (self.steps[-1] if self.steps else "Starter") + " …"
        if self.result is not None:
            if self.result.edited:
                return (
                    f"Version {self.result.version} er bygget, fordi filer i den forrige version var ændret i hånden "
                    f"({', '.join(self.result.edited)})."
                )
            if self.result.created:
                return f"Version {self.result.version} er bygget."
            return f"Uændret: ingen ændringer siden version {self.result.version}, så der er ikke lavet en ny version."
        if self.reference:
            return f"Intern fejl under bygningen (reference {self.reference}). Intet er skrevet."
        if self.failed:
            return self.failed  # BuildFailed's message says itself that the version was not built, and why
        return "Sagen kan ikke bygges, før fejlene nedenfor er rettet. Intet er skrevet."


class Builds:
    """The build queue of one server."""

    KEEP = 50  # finished jobs remembered for their pages

    def __init__(self, out: Path) -> None:
        self.out = out
        self.finished: Callable[[Job], None] | None = None  # told of every build that has ended (team mode's trail)
        self._jobs: dict[str, Job] = {}
        self._queue: queue.Queue[tuple[Job, Path] | str | None] = queue.Queue()
        self._lock = threading.Lock()
        self._saved: dict[Path, None] = {}  # the case folders saved since they were last prepared, oldest first
        self._preparing = False  # true while the thread prepares a case
        self._stopping = False
        self._thread = threading.Thread(target=self._work, name="reportgen-byg", daemon=True)
        self._thread.start()

    def submit(self, case: str, folder: Path, user: Any = None) -> Job:
        """Queue a build of the case folder (started by user, in team mode)."""
        job = Job(secrets.token_urlsafe(8), case, user=user)
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[: max(0, len(self._jobs) - self.KEEP)]:
                if self._jobs[old].done:
                    del self._jobs[old]
            self._saved.pop(folder, None)  # the build makes what a preparation would
        self._queue.put((job, folder))
        return job

    def prepare(self, folder: Path) -> None:
        """Prepare the case folder's next build shortly after a save, when the thread has no build to make."""
        with self._lock:
            if folder in self._saved:
                return  # still waiting: it will be prepared as it is by then
            self._saved[folder] = None
        timer = threading.Timer(PREPARE_AFTER, self._queue.put, (PREPARE,))
        timer.daemon = True
        timer.start()

    def warm_up(self) -> None:
        """Warm the build thread up before the first build (as the server starts): every build after it is made warm,
        in this process, with no process to start."""
        self._queue.put(WARM_UP)

    def job(self, case: str, job_id: str) -> Job | None:
        """A job of that case, or None."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.case == case else None

    def running(self, case: str) -> Job | None:
        """The case's build that has not ended yet, if any."""
        return next((j for j in list(self._jobs.values()) if j.case == case and not j.done), None)

    def busy(self) -> bool:
        """True while a build is running or waiting."""
        return any(not j.done for j in list(self._jobs.values()))

    def settled(self) -> bool:
        """True when no build runs or waits, and no case is being prepared or waits to be."""
        with self._lock:
            return not self._saved and not self._preparing and not self.busy()

    def stop(self, timeout: float = 120.0) -> None:
        """Let the build in progress finish (a version is never left half-made), and a preparation in progress, then
        end the thread; with neither there is nothing to wait for (the thread may still be loading the PDF writer).
        The cases still waiting to be prepared are not."""
        self._stopping = True
        self._queue.put(None)
        if self.busy() or self._preparing:
            self._thread.join(timeout)

    def _work(self) -> None:
        load_pdf_writer()  # every build lays out its PDFs in this thread, never in PDF processes
        while (item := self._queue.get()) is not None:
            if item == WARM_UP:
                warm_up()
                continue
            if item == PREPARE:
                self._prepare_next()
                continue
            assert not isinstance(item, str)
            job, folder = item
            job.state = "i gang"
            try:
                job.result = build(folder, self.out, job.steps.append)
                job.state = "færdig"
                log.info("Sagen %s: %s", job.case, job.message())
            except HistoryTaken as exc:
                job.failed = (
                    f"Versionen blev ikke bygget: versionerne for sagens kommune og år i {exc.base} er lavet af "
                    f"{describe_owner(exc.owner)}, og en sag har sin egen versionshistorik. Intet er skrevet. "
                    "Arbejd videre i den sag, eller flyt dens versioner væk."
                )
                job.state = "fejl"
            except InputError as exc:
                job.problems = [str(p) for p in exc.problems]
                job.state = "fejl"
            except BuildFailed as exc:
                job.failed = str(exc)
                job.state = "fejl"
            except Exception as exc:  # noqa: BLE001 – shown as "Intern fejl" with a reference, logged without data
                job.reference = internal_reference(exc)
                job.state = "fejl"
            if job.state == "fejl":
                log.info("Sagen %s: ikke bygget, se siden Byg og hent.", job.case)
            if self.finished is not None:
                try:
                    self.finished(job)
                except Exception as exc:  # noqa: BLE001 – a build is never undone by its record; logged without data
                    internal_reference(exc)

    def _prepare_next(self) -> None:
        """Prepare the case saved longest ago; with a build waiting, let the build go first and prepare after it."""
        with self._lock:
            if not self._saved or self._stopping:
                return
            if any(job.state == "venter" for job in self._jobs.values()):
                self._queue.put(PREPARE)  # behind the builds waiting in the queue
                return
            folder = next(iter(self._saved))
            del self._saved[folder]
            self._preparing = True
        try:
            prepare(folder, self.out)
        except Exception:  # noqa: BLE001 – an invalid case is not prepared; its build will say why
            log.debug("Sagen i %s blev ikke forberedt.", folder.name)
        finally:
            self._preparing = False
