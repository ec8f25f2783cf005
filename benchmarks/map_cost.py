"""CPU time of one danmarkskort in a warm process, as a batch worker draws them: 3 maps × 98 municipalities.

    python benchmarks/map_cost.py [--json FILE]

The process first parses the boundaries and draws one map (as a worker's warm-up does), then composes every
municipality's three maps from the synthetic national extract (benchmarks/synthetic.py) and measures each
map's CPU time (time.process_time: drawing, texts, PNG and alt text). Target (issue #13): under 0.1 s a map.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import extract  # noqa: E402

AAR = 2024
TARGET_S = 0.1


def measure(statistik: Path) -> dict:
    """Per-map CPU seconds over every municipality and map of the extract, after a warm-up."""
    from reportgen.documents import compose, maps
    from reportgen.domain.areas import MAP_AREAS
    from reportgen.figures.case import compute
    from reportgen.inputs.statistics import load_statistics
    from reportgen.lifecycle.batch import BatchInputs, batch_case, comparison_group

    stats = load_statistics(statistik, statistik.name)
    start = time.process_time()
    maps.geometries()
    parse_s = time.process_time() - start

    def inputs_for(kommune: str) -> BatchInputs:
        case = batch_case(statistik, kommune, AAR, comparison_group(stats, kommune, AAR), "udarbejdes")
        return BatchInputs(case, stats, None)

    first = inputs_for(stats.kommuner()[0])
    start = time.process_time()
    compose._map_figure(first, compute(first), MAP_AREAS[0], "opvarmning.png")
    first_map_s = time.process_time() - start
    seconds = []
    for kommune in stats.kommuner():
        inputs = inputs_for(kommune)
        cf = compute(inputs)
        for area in MAP_AREAS:
            start = time.process_time()
            drawn = compose._map_figure(inputs, cf, area, f"{area}.png")
            seconds.append(time.process_time() - start)
            assert drawn, f"no map for {kommune} {area}"
    ordered = sorted(seconds)
    return {
        "maps": len(seconds),
        "parse_geometry_s": parse_s,
        "first_map_s": first_map_s,
        "median_s": statistics.median(seconds),
        "p90_s": ordered[int(len(ordered) * 0.9)],
        "max_s": ordered[-1],
        "mean_s": statistics.mean(seconds),
    }


def report(result: dict) -> str:
    """The result as Danish lines."""
    ok = "ja" if result["median_s"] < TARGET_S else "nej"
    return (
        f"Danmarkskort i en varm proces ({result['maps']} kort): median {result['median_s'] * 1000:.0f} ms CPU, "
        f"90 %-fraktil {result['p90_s'] * 1000:.0f} ms, højst {result['max_s'] * 1000:.0f} ms "
        f"(mål < {TARGET_S * 1000:.0f} ms: {ok}); kommunegrænserne indlæses én gang pr. proces på "
        f"{result['parse_geometry_s'] * 1000:.0f} ms, første kort {result['first_map_s'] * 1000:.0f} ms."
    )


def main() -> None:
    """Measure and print; optionally save the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, metavar="FIL", help="gem tallene som JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        statistik = Path(work) / "landsudtraek.csv"
        statistik.write_text(extract(), encoding="utf-8")
        result = measure(statistik)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
