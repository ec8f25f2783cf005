"""Counts and rates as sentence values, shared by the documents: the outcomes with their nouns, the rate, and how a
rate lies against another."""

from __future__ import annotations

from reportgen.domain import danish as d
from reportgen.domain.counts import Counts, direction, round_half_up, whole_percent
from reportgen.figures import rates as f


def counts_ctx(c: Counts) -> dict:
    """A group of counts as template values: counts with their noun, shares as percentages."""
    return {
        "realitet": d.sager(c.realitetsbehandlede),
        "realitet_tal": d.count(c.realitetsbehandlede),
        "stadfaestet": d.sager(c.stadfaestet) if c.stadfaestet else "ingen af sagerne",
        "stadfaestet_tal": d.count(c.stadfaestet),
        "aendret": d.sager(c.aendret_ophaevet) if c.aendret_ophaevet else "ingen af sagerne",
        "aendret_tal": d.count(c.aendret_ophaevet),
        "hjemvist": d.sager(c.hjemvist) if c.hjemvist else "ingen af sagerne",
        "udfald": d.join(
            [
                f"{d.count(n)} {word}"
                for n, word in (
                    (c.stadfaestet, "stadfæstet"),
                    (c.aendret_ophaevet, "ændret eller ophævet"),
                    (c.hjemvist, "hjemvist"),
                )
                if n
            ]
        ),
        "eneste_udfald": next(
            (
                w
                for n, w in (
                    (c.stadfaestet, "stadfæstet"),
                    (c.aendret_ophaevet, "ændret eller ophævet"),
                    (c.hjemvist, "hjemvist"),
                )
                if n
            ),
            "",
        ),
        "hjemvist_tal": d.count(c.hjemvist),
        "afvist": d.sager(c.afvist_henvist),
        "afvist_tal": c.afvist_henvist and d.count(c.afvist_henvist),
        "omgjorte": d.sager(c.omgjorte),
        "omgjorte_tal": d.count(c.omgjorte),
        "afgjorte": d.sager(c.afgjorte),
        "rate": d.percent(f.omgoerelsesprocent(c)),
        "har_rate": f.omgoerelsesprocent(c) is not None,
        "aendret_pct": d.percent(f.aendret_andel(c)),
        "hjemvist_pct": d.percent(f.hjemvist_andel(c)),
        "afvist_en": c.afvist_henvist == 1,
        "ingen": c.realitetsbehandlede == 0,
        "en_sag": c.realitetsbehandlede == 1,
        "begge_slags": c.aendret_ophaevet > 0 and c.hjemvist > 0,
    }


def relative_ctx(own: Counts, other: Counts | None) -> dict | None:
    """How the municipality's shown rate lies against another rate: over/under/på niveau med, by how much."""
    own_rate, other_rate = f.omgoerelsesprocent(own), f.omgoerelsesprocent(other) if other else None
    if own_rate is None or other_rate is None:
        return None
    delta = whole_percent(own_rate) - whole_percent(other_rate)
    return {
        "rate": d.percent(other_rate),
        "position": {"stigning": "over", "fald": "under", "uændret": "på niveau med"}[direction(delta)],
        "afstand": d.points(delta),
        "lig": delta == 0,
    }


def few_ctx(c: Counts | None) -> dict | None:
    """A rate on few cases (one case moves it more than a few percentage points), for the caveat next to it: its
    cases and how far one case moves it; None for a rate on enough cases, or no rate."""
    per_case = f.points_per_case(c) if c is not None else None
    if c is None or per_case is None or not f.is_fragile(c):
        return None
    return {
        "sager": d.sager(c.realitetsbehandlede),
        "pp": d.points(int(round_half_up(per_case))),
        "en": c.realitetsbehandlede == 1,
    }


def trend_ctx(years: tuple[int, ...], counts: tuple[Counts | None, ...]) -> dict:
    """Whether a series of a municipality's counts (one per year) is drawn as a trend chart – with a rate in two years
    at least – and, when it has a rate in one year only, that year, for the sentence said instead of the chart."""
    rated = sorted(y for y, c in zip(years, counts, strict=True) if c is not None and c.realitetsbehandlede)
    return {"figur": len(rated) > 1, "et_aar": rated[0] if len(rated) == 1 else None}
