"""Generate a synthetic national statistics extract (98 municipalities and Hele landet) as CSV, with a fixed seed."""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.domain.kommuner import HELE_LANDET, regions  # noqa: E402

YEARS = (2021, 2022, 2023, 2024)
SEED = 2024
HEADER = (
    "kommune",
    "aar",
    "omraade",
    "stadfaestet",
    "aendret_ophaevet",
    "hjemvist",
    "afvist_henvist",
    "afgoerelser_i_alt",
    "kilde",
)
KILDE = f"Syntetisk udtræk (benchmarks/synthetic.py, frø {SEED}); ikke Ankestyrelsens tal"
Counts = tuple[int, int, int, int]


def _general(rng: random.Random, size: float) -> Counts:
    """Outcome counts for the general map: about `size` decided cases, a plausible outcome mix."""
    total = max(3, round(rng.gauss(size, size * 0.15)))
    changed, remitted, rejected = rng.uniform(0.08, 0.2), rng.uniform(0.12, 0.35), rng.uniform(0.02, 0.1)
    aendret, hjemvist, afvist = (round(total * share) for share in (changed, remitted, rejected))
    return max(0, total - aendret - hjemvist - afvist), aendret, hjemvist, afvist


def _part(rng: random.Random, whole: Counts, low: float, high: float) -> Counts:
    """A handicap area's counts: a random share of each outcome, never more than the whole."""
    share = rng.uniform(low, high)
    return tuple(min(n, round(n * rng.uniform(share * 0.7, share * 1.3))) for n in whole)  # type: ignore[return-value]


def _municipality_rows(rng: random.Random, kommune: str) -> list[tuple[str, int, str, Counts, int]]:
    """Rows for one municipality: three areas per year, the handicap areas inside the general map."""
    size = rng.lognormvariate(4.5, 0.8)  # median about 90 decided cases a year
    rows = []
    for aar in YEARS:
        general = _general(rng, size)
        boern = _part(rng, general, 0.08, 0.2)
        rest = tuple(g - b for g, b in zip(general, boern, strict=True))
        voksen = _part(rng, rest, 0.12, 0.3)  # type: ignore[arg-type]
        decisions = round(sum(general) * rng.uniform(25, 60))
        rows += [
            (kommune, aar, "socialomraadet", general, decisions),
            (kommune, aar, "boernehandicap", boern, 0),
            (kommune, aar, "voksenhandicap", voksen, 0),
        ]
        size *= rng.uniform(0.85, 1.2)
    return rows


def extract(seed: int = SEED) -> str:
    """The whole extract as CSV text: every municipality of kommuner.csv, then Hele landet as their sum."""
    rng = random.Random(seed)
    rows = [row for kommune in regions() for row in _municipality_rows(rng, kommune)]
    totals: dict[tuple[int, str], list[int]] = {}
    for _, aar, omraade, counts, _decisions in rows:
        slot = totals.setdefault((aar, omraade), [0, 0, 0, 0])
        slot[:] = [a + b for a, b in zip(slot, counts, strict=True)]
    rows += [(HELE_LANDET, aar, omraade, tuple(c), 0) for (aar, omraade), c in sorted(totals.items())]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for kommune, aar, omraade, counts, decisions in rows:
        writer.writerow((kommune, aar, omraade, *counts, decisions or "", KILDE))
    return out.getvalue()


def main() -> None:
    """Write the extract to the given file (default: stdout)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, help="CSV-fil (standard: stdout)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    text = extract(args.seed)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
