"""Write the example case's national extract for 2024: its own rows, the other 93 municipalities synthetic.

The rows of the example's five municipalities and Hele landet are copied from its statistik.csv. Every other
municipality gets synthetic counts (fixed seed, marked so in `kilde`) that add up, outcome by outcome and area
by area, to Hele landet minus the copied rows, so the whole extract is consistent. The handicap areas never
exceed the general area. Run it again to regenerate the file; a test checks that the file is what it writes.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportgen.domain.counts import OUTCOMES  # noqa: E402
from reportgen.domain.kommuner import HELE_LANDET, regions  # noqa: E402

CASE = ROOT / "data" / "eksempler" / "allerod-2024"
TARGET = CASE / "landsudtraek-2024.csv"
YEAR = 2024
SEED = 2024
AREAS = ("socialomraadet", "boernehandicap", "voksenhandicap")
HEADER = ("kommune", "aar", "omraade", *OUTCOMES, "afgoerelser_i_alt", "kilde")
KILDE = (
    "Syntetisk, ikke Ankestyrelsens tal: kommunerne uden for eksemplet er opdigtet, så de tilsammen giver Hele landet"
)
Row = dict[str, str]


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split total over the keys in proportion to the weights, by largest remainder (ties by name)."""
    whole = sum(weights.values())
    exact = {k: Fraction(total) * Fraction(w) / Fraction(whole) for k, w in weights.items()}
    shares = {k: int(v) for k, v in exact.items()}
    left = total - sum(shares.values())
    for k in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[k] += 1
    return shares


def _own_rows() -> list[Row]:
    """The example's rows for the year, as written in its statistik.csv."""
    with open(CASE / "statistik.csv", encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if int(row["aar"]) == YEAR]


def _synthetic(own: list[Row], rng: random.Random) -> dict[tuple[str, str], dict[str, int]]:
    """Counts per (kommune, area) for every municipality without an own row, adding up to Hele landet."""
    given = {(r["kommune"], r["omraade"]): {o: int(r[o]) for o in OUTCOMES} for r in own}
    country = list(regions())
    size = {k: rng.lognormvariate(0, 0.7) for k in country}
    out: dict[tuple[str, str], dict[str, int]] = {}
    for area in AREAS:
        missing = [k for k in country if (k, area) not in given]
        for o in OUTCOMES:
            rest = given[(HELE_LANDET, area)][o] - sum(given[(k, area)][o] for k in country if (k, area) in given)
            if area == "socialomraadet":
                weights = {k: size[k] * rng.uniform(0.6, 1.4) for k in missing}
            else:  # in proportion to the municipality's general counts, so the handicap maps stay inside it
                weights = {
                    k: (out.get((k, AREAS[0])) or given[(k, AREAS[0])])[o] * rng.uniform(0.5, 1.5) for k in missing
                }
                if not any(weights.values()):
                    weights = {k: 1.0 for k in missing}
            for k, n in _allocate(rest, weights).items():
                out.setdefault((k, area), {})[o] = n
    _keep_inside_general(out, given, country)
    return out


def _keep_inside_general(out: dict, given: dict, country: list[str]) -> None:
    """Move units of a handicap area from a municipality where the two exceed the general map to one with room."""

    def counts(k: str, area: str) -> dict[str, int]:
        return out[(k, area)] if (k, area) in out else given[(k, area)]

    for o in OUTCOMES:
        for k in country:
            while counts(k, "boernehandicap")[o] + counts(k, "voksenhandicap")[o] > counts(k, AREAS[0])[o]:
                area = (
                    "voksenhandicap"
                    if (k, "voksenhandicap") in out and out[(k, "voksenhandicap")][o]
                    else "boernehandicap"
                )
                room = [
                    m
                    for m in country
                    if (m, area) in out
                    and counts(m, "boernehandicap")[o] + counts(m, "voksenhandicap")[o] < counts(m, AREAS[0])[o]
                ]
                out[(k, area)][o] -= 1
                out[(max(room, key=lambda m: (counts(m, AREAS[0])[o], m)), area)][o] += 1


def extract(seed: int = SEED) -> str:
    """The whole extract as CSV text: the example's rows as they are, the rest synthetic."""
    own = _own_rows()
    synthetic = _synthetic(own, random.Random(seed))
    given = {(r["kommune"], r["omraade"]): r for r in own}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for area in AREAS:
        for kommune in [*regions(), HELE_LANDET]:
            if (kommune, area) in given:
                writer.writerow([given[(kommune, area)][h] for h in HEADER])
            else:
                counts = synthetic[(kommune, area)]
                writer.writerow([kommune, YEAR, area, *(counts[o] for o in OUTCOMES), "", KILDE])
    return buffer.getvalue()


def main() -> None:
    """Write the extract (default: into the example case)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=TARGET)
    args = parser.parse_args()
    args.out.write_text(extract(), encoding="utf-8")
    print(f"Skrevet: {args.out}")


if __name__ == "__main__":
    main()
