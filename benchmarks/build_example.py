"""Time a cold `reportgen build` of the example case (median of several runs) and each stage of one build."""

from __future__ import annotations

import compileall
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "eksempler" / "allerod-2024"
RUNS = 5


def cold_builds() -> list[tuple[float, float]]:
    """Wall time and CPU time (user + system, all its processes) of `reportgen build` in a fresh process,
    each into an empty folder.

    reportgen's modules are compiled to bytecode first, as pip does when it installs the wheel: a checkout run
    with PYTHONDONTWRITEBYTECODE set (as some CI machines and containers do) would otherwise compile every
    module from source in every run, some 0.15 s of CPU that an installed reportgen never spends.
    """
    compileall.compile_dir(ROOT / "reportgen", quiet=1)
    times = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as out:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "reportgen.cli", "build", str(EXAMPLE), "--out", out],
                check=True,
                capture_output=True,
            )
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append((wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime))
    return times


def stages() -> list[tuple[str, float]]:
    """Time of each stage of one build in this (cold) process, imports included where they happen."""
    marks: list[tuple[str, float]] = []

    def mark(name: str, start: float) -> float:
        now = time.perf_counter()
        marks.append((name, now - start))
        return now

    t = time.perf_counter()
    from reportgen.documents.compose import compose
    from reportgen.figures.case import compute
    from reportgen.inputs import load_inputs
    from reportgen.lifecycle.build import write_packet

    t = mark("import reportgen", t)
    inputs = load_inputs(EXAMPLE)
    t = mark("indlæs og valider", t)
    cf = compute(inputs)
    t = mark("beregn tal", t)
    packet = compose(inputs, cf)
    t = mark("sammensæt dokumenter og figurer", t)
    from reportgen.writers import docx, html, pdf

    outputs: dict[str, bytes] = {}
    for doc in (packet.sagsfremstilling, packet.bilag1):
        outputs[f"{doc.slug}.html"] = html.render(doc)
    t = mark("HTML", t)
    for doc in (packet.sagsfremstilling, packet.bilag1):
        outputs[f"{doc.slug}.pdf"] = pdf.render(doc, outputs[f"{doc.slug}.html"])
    t = mark("PDF (inkl. import af WeasyPrint)", t)
    for doc in (packet.sagsfremstilling, packet.bilag1):
        outputs[f"{doc.slug}.docx"] = docx.render(doc)
    t = mark("DOCX", t)
    with tempfile.TemporaryDirectory() as out:
        write_packet(inputs, cf, outputs, Path(out))
    mark("skriv version og manifest", t)
    return marks


def main() -> None:
    """Print the cold build times and the stage times."""
    runs = cold_builds()
    times = [wall for wall, _ in runs]
    print(
        f"Kold build af eksemplet ({RUNS} kørsler): median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f} s, max {max(times):.2f} s; CPU-tid median "
        f"{statistics.median(cpu for _, cpu in runs):.2f} s)"
    )
    result = subprocess.run([sys.executable, __file__, "--stages"], check=True, capture_output=True, text=True)
    print(result.stdout, end="")


if __name__ == "__main__":
    if sys.argv[1:] == ["--stages"]:
        for name, seconds in stages():
            print(f"  {name:<40} {seconds:6.3f} s")
    else:
        main()
