"""`reportgen batch`: one packet per municipality of a statistics file, built by a pool of warm worker processes."""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import signal
import time
import traceback
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen.domain import danish, kommuner
from reportgen.domain.errors import InputError, Problem, shown_problems
from reportgen.domain.vocabulary import DRAFT, PREPARE
from reportgen.inputs import Inputs
from reportgen.inputs.case import Case, Handleplan
from reportgen.inputs.statistics import Statistics, load_statistics
from reportgen.lifecycle.build import BuildResult, history, make_packet, warm_up, write_packet
from reportgen.lifecycle.failures import EXIT_USER, failure, worker_died
from reportgen.lifecycle.reuse import Earlier
from reportgen.lifecycle.versions import BATCH_OWNER, FIGURES

if TYPE_CHECKING:
    from rich.progress import TaskID

GROUP_SIZE = 4
WARNINGS_SHOWN = 5  # per municipality at the end of a batch run; figurer.json in the packet has them all
# Python's default collects the youngest generation every 700 allocations; a packet allocates millions of
# short-lived objects (layout boxes, XML elements), so workers collect less often. The memory stays flat.
GC_THRESHOLD = (20_000, 20, 100)


@dataclass(frozen=True)
class BatchInputs(Inputs):
    """The inputs of one batch packet: a case without a folder of its own, read from the statistics only."""

    def files(self) -> dict[str, Path]:
        """The input files for the manifest: the statistics file alone."""
        return {self.case.statistik.name: self.case.statistik}


@dataclass(frozen=True)
class Outcome:
    """What became of one municipality: its build result or its error, with the worker's time and memory."""

    kommune: str
    result: BuildResult | None = None
    error: str | None = None
    internal: bool = False
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0
    pid: int = 0
    peak_kb: int = 0

    @property
    def status(self) -> str:
        """ "bygget", "uændret" or "fejlet"."""
        if self.result is None:
            return "fejlet"
        return "bygget" if self.result.created else "uændret"


@dataclass(frozen=True)
class BatchReport:
    """The outcome of a batch run, in the order of the municipalities, with its wall time."""

    aar: int
    out: Path
    outcomes: tuple[Outcome, ...]
    seconds: float
    workers: int

    def count(self, status: str) -> int:
        """The number of municipalities with that status."""
        return sum(o.status == status for o in self.outcomes)

    def peak_mb(self) -> dict[int, float]:
        """The peak resident memory of each worker process (by process id) in MB."""
        peaks: dict[int, int] = {}
        for o in self.outcomes:
            if o.pid:
                peaks[o.pid] = max(peaks.get(o.pid, 0), o.peak_kb)
        return {pid: kb / 1024 for pid, kb in peaks.items()}

    @property
    def exit_code(self) -> int:
        """0 when every packet is built or unchanged, 1 after an internal error, else 2 (invalid input)."""
        failed = [o for o in self.outcomes if o.result is None]
        if any(o.internal for o in failed):
            return 1
        return 2 if failed else 0


def comparison_group(stats: Statistics, kommune: str, aar: int, size: int = GROUP_SIZE) -> tuple[str, ...]:
    """The default comparison group, nearest first.

    The (up to) `size` municipalities of the same region whose number of realitetsbehandlede cases in the
    year is closest to the municipality's own, ties broken by name, among those with figures for the year.
    """
    regions = kommuner.regions()
    own = stats.get(kommune, aar)
    if own is None:
        return ()
    target = own.counts.realitetsbehandlede
    candidates = sorted(
        (abs(record.counts.realitetsbehandlede - target), name)
        for name in stats.kommuner()
        if name != kommune and regions.get(name) == regions.get(kommune) and (record := stats.get(name, aar))
    )
    return tuple(name for _, name in candidates[:size])


def batch_case(stats_path: Path, kommune: str, aar: int, group: tuple[str, ...], indstilling: str) -> Case:
    """The case a batch builds for one municipality: default texts, a draft, no folder of its own."""
    return Case(
        folder=stats_path.parent / f"{BATCH_OWNER}{kommuner.slug(kommune)}>",
        kommune=kommune,
        aar=aar,
        statistik=stats_path,
        handleplan=Handleplan(indstilling),
        sammenligning=group,
        status=DRAFT.code,
    )


def run(
    statistik: Path,
    aar: int,
    out: Path,
    names: list[str] | None = None,
    jobs: int | None = None,
    indstilling: str = PREPARE.code,
    progress: LineProgress | None = None,
) -> BatchReport:
    """Build a packet for every (or every named) municipality in the statistics file; raise InputError up front."""
    start = time.perf_counter()
    statistik = Path(statistik).resolve()
    stats = load_statistics(statistik, statistik.name)
    selected = _select(stats, aar, names)
    jobs = _check_jobs(jobs)
    outcomes = {k: _missing_year(stats, k, aar) for k in selected if stats.get(k, aar) is None}
    tasks = {k: comparison_group(stats, k, aar) for k in selected if k not in outcomes}
    workers = min(jobs, len(tasks))
    progress = progress or LineProgress(None)
    with _Pool(tasks, workers, (stats, statistik, aar, Path(out), indstilling)) as pool:
        progress.start(len(selected))  # after the workers are forked: the bar runs a thread
        try:
            for outcome in chain(list(outcomes.values()), pool.outcomes()):  # live, as each one finishes
                outcomes[outcome.kommune] = outcome
                progress.advance(outcome)
        finally:
            progress.stop()
    return BatchReport(aar, Path(out), tuple(outcomes[k] for k in selected), time.perf_counter() - start, workers)


def _select(stats: Statistics, aar: int, names: list[str] | None) -> list[str]:
    """The municipalities to build, alphabetically; unknown names and a year the file lacks are input errors."""
    file = stats.file
    if not any(a == aar for (_, a, _) in stats.records):
        years = sorted({a for (_, a, _) in stats.records})
        raise InputError(
            [
                Problem(
                    file,
                    f"filen har ingen tal for {aar}.",
                    hint=f"Filen har årene {', '.join(map(str, years))}; ret --aar.",
                )
            ]
        )
    if not names:
        return stats.kommuner()
    chosen, problems = [], []
    for name in names:
        canonical = kommuner.canonical(name)
        if canonical is None or canonical == kommuner.HELE_LANDET:
            hint = kommuner.hint_for(name) if canonical is None else "Landstallet kommer med i hver pakke."
            problems.append(Problem("--kommuner", f"'{name}' er ikke en kommune.", hint=hint))
        elif canonical not in chosen:
            chosen.append(canonical)
    if problems:
        raise InputError(problems)
    return sorted(chosen)


def _check_jobs(jobs: int | None) -> int:
    """The number of worker processes: the given number, default one per CPU."""
    if jobs is not None and jobs < 1:
        raise InputError([Problem("--jobs", "skal være mindst 1.", hint="Udelad --jobs for én proces pr. CPU.")])
    return jobs or os.cpu_count() or 1


def _missing_year(stats: Statistics, kommune: str, aar: int) -> Outcome:
    """The failure of a municipality without figures for the year, naming the years the file has."""
    years = stats.years(kommune)
    found = (
        f"Filen har {kommune} for {', '.join(map(str, years))}." if years else f"Filen har ingen rækker for {kommune}."
    )
    problem = Problem(
        stats.file,
        f"der er ingen tal for {kommune} {aar} (socialomraadet).",
        hint=f"{found} Brug et udtræk med {aar}, eller udelad kommunen.",
    )
    return Outcome(kommune, error=str(problem))


class _Pool:
    """The worker processes with every task submitted; a crashed worker fails only its own tasks."""

    def __init__(self, tasks: dict[str, tuple[str, ...]], workers: int, shared: tuple) -> None:
        """Fork the workers (they inherit the loaded statistics instead of unpickling them) and submit the tasks."""
        self.executor = None
        self.futures: dict[Future, str] = {}
        if tasks:
            self.executor = ProcessPoolExecutor(workers, multiprocessing.get_context("fork"), _init_worker, shared)
            self.futures = {self.executor.submit(_build_one, k, group): k for k, group in tasks.items()}

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.executor:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def outcomes(self) -> Iterator[Outcome]:
        """The outcomes in the order they finish."""
        for future in as_completed(self.futures):
            yield _outcome_of(future, self.futures[future])


def _outcome_of(future: Future, kommune: str) -> Outcome:
    """The worker's outcome, or an internal failure when its process died."""
    try:
        return future.result()
    except BrokenProcessPool:
        return Outcome(kommune, error=str(worker_died()), internal=True)


# --- the worker processes --------------------------------------------------------------------------

_shared: tuple = ()


def _init_worker(stats: Statistics, statistik: Path, aar: int, out: Path, indstilling: str) -> None:
    """Keep the shared inputs, warm the heavy libraries once and tune the collector for this process."""
    global _shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the main process cancels the rest and reports it
    _shared = (stats, statistik, aar, out, indstilling)
    warm_up()  # and keeps what it loaded out of every later collection
    gc.set_threshold(*GC_THRESHOLD)


def _build_one(kommune: str, group: tuple[str, ...]) -> Outcome:
    """Build one municipality's packet in this worker; errors become the outcome's Danish message."""
    from reportgen.figures.case import compute

    stats, statistik, aar, out, indstilling = _shared
    start = time.perf_counter()
    try:
        inputs = BatchInputs(batch_case(statistik, kommune, aar, group, indstilling), stats, None)
        cf = compute(inputs)
        outputs, named = make_packet(inputs, cf, Earlier.latest(history(out, inputs)))
        result = write_packet(inputs, cf, outputs, out, named=named)
        return _measured(Outcome(kommune, result, warnings=tuple(str(w) for w in cf.warnings)), start)
    except InputError as exc:
        return _measured(Outcome(kommune, error="; ".join(shown_problems(exc.problems))), start)
    except Exception as exc:  # noqa: BLE001 – one failing municipality must not stop the others
        failed = failure(exc, out)
        if failed is not None:
            return _measured(Outcome(kommune, error=str(failed), internal=failed.exit_code != EXIT_USER), start)
        if os.environ.get("REPORTGEN_DEBUG"):
            traceback.print_exc()
        return _measured(Outcome(kommune, error=f"Intern fejl: {type(exc).__name__}: {exc}", internal=True), start)


def _measured(outcome: Outcome, start: float) -> Outcome:
    """The outcome with this packet's time, this process's id and its peak resident memory so far."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    return Outcome(
        outcome.kommune,
        outcome.result,
        outcome.error,
        outcome.internal,
        outcome.warnings,
        time.perf_counter() - start,
        os.getpid(),
        peak,
    )


# --- progress and summary --------------------------------------------------------------------------


class LineProgress:
    """Progress as one plain line per finished municipality (for logs and pipes); silent without a stream."""

    def __init__(self, stream) -> None:
        """Write to stream (None: print nothing)."""
        self.stream, self.total, self.done = stream, 0, 0

    def start(self, total: int) -> None:
        """Begin counting towards total."""
        self.total = total

    def advance(self, outcome: Outcome) -> None:
        """Record one finished municipality."""
        self.done += 1
        if self.stream:
            print(
                f"[{self.done:>{len(str(self.total))}}/{self.total}] {outcome_line(outcome)}",
                file=self.stream,
                flush=True,
            )

    def stop(self) -> None:
        """End the progress display."""


class BarProgress(LineProgress):
    """A rich progress bar on the terminal's stderr; failures are printed above it as they happen."""

    def __init__(self) -> None:
        """Prepare the bar (it starts with start())."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        super().__init__(None)
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
        )
        self.task: TaskID | None = None

    def start(self, total: int) -> None:
        """Show the bar."""
        self.bar.start()
        self.task = self.bar.add_task("Danmarkskort", total=total)

    def advance(self, outcome: Outcome) -> None:
        """Move the bar; print a failure above it."""
        if outcome.result is None:
            self.bar.console.print(outcome_line(outcome), markup=False, highlight=False)
        assert self.task is not None, "start() comes first"
        self.bar.update(self.task, advance=1, description=outcome.kommune)

    def stop(self) -> None:
        """Remove the bar's live display (the last state stays on the terminal)."""
        self.bar.stop()


def progress_for(stream) -> LineProgress:
    """A progress bar when stream is a terminal, else plain lines."""
    return BarProgress() if stream.isatty() else LineProgress(stream)


def outcome_line(outcome: Outcome) -> str:
    """One municipality's outcome as a Danish line."""
    if outcome.result is None:
        return f"{outcome.kommune}: fejlet – {outcome.error}"
    verb = "bygget" if outcome.result.created else "uændret"
    if outcome.result.edited:
        verb += f" (version {outcome.result.version - 1} var ændret i hånden og er ladt urørt)"
    seconds = danish.decimal(Fraction(outcome.seconds), 2)
    return f"{outcome.kommune}: version {outcome.result.version} {verb} ({seconds} s)"


def summary_lines(report: BatchReport) -> list[str]:
    """The final summary: counts, time per packet, memory per worker and where the packets are."""
    built = [o for o in report.outcomes if o.result is not None and o.pid]
    lines = [
        f"Danmarkskortet {report.aar}: {danish.plural(len(report.outcomes), 'kommune', 'kommuner')} – "
        f"{report.count('bygget')} bygget, "
        f"{report.count('uændret')} uændret, {report.count('fejlet')} fejlet."
    ]
    if built:
        per_packet = sum(o.seconds for o in built) / len(built)
        peak = max(report.peak_mb().values())
        lines.append(
            f"Tid: {danish.decimal(Fraction(report.seconds), 1)} s med "
            f"{danish.plural(report.workers, 'proces', 'processer')} "
            f"({danish.decimal(Fraction(per_packet), 2)} s pr. pakke); "
            f"hukommelse højst {peak:.0f} MB pr. proces."
        )
        lines.append(f"Pakkerne ligger i {report.out / '<kommune>' / str(report.aar)}/v<N>/.")
    return lines


def problem_lines(report: BatchReport) -> list[str]:
    """The failures, then the warnings: at most WARNINGS_SHOWN per municipality, the rest counted (for stderr)."""
    lines = []
    failed = [o for o in report.outcomes if o.result is None]
    if failed:
        lines.append(f"Fejlet ({len(failed)}):")
        lines += [f"  - {o.kommune}: {o.error}" for o in failed]
    warned = [o for o in report.outcomes if o.warnings]
    if warned:
        lines.append(f"Advarsler ({sum(len(o.warnings) for o in warned)}):")
        for o in warned:
            lines += [f"  - {o.kommune}: {w}" for w in o.warnings[:WARNINGS_SHOWN]]
            if len(o.warnings) > WARNINGS_SHOWN:
                rest = len(o.warnings) - WARNINGS_SHOWN
                lines.append(
                    f"  - {o.kommune}: … og {danish.plural(rest, 'advarsel', 'advarsler')} mere "
                    f"(alle står i {FIGURES} i pakken)."
                )
    return lines
