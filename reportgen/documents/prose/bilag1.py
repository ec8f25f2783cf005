"""The values the Bilag 1 template receives: the general map per area of the danmarkskort year."""

from __future__ import annotations

from fractions import Fraction

from reportgen.documents.prose.counts import counts_ctx, few_ctx, relative_ctx, trend_ctx
from reportgen.documents.prose.klagesager import klagesager_ctx
from reportgen.documents.prose.maps import maps_ctx
from reportgen.domain import danish as d
from reportgen.domain import danmarkskort
from reportgen.domain.areas import AREAS, BILAG_AREAS
from reportgen.figures import rates as f
from reportgen.figures.case import AreaYear, CaseFigures
from reportgen.inputs import Inputs

BILAG1_TITLE = "Afgørelser på det generelle socialområde fordelt på områder"


def bilag1_ctx(inputs: Inputs, cf: CaseFigures) -> dict:
    """Everything the Bilag 1 template receives."""
    case = inputs.case
    return {
        "officielt_navn": case.official_name,
        "aar": case.aar,
        "boernehandicap_paragraffer": danmarkskort.boernehandicap_provisions(case.aar),
        "n": counts_ctx(cf.current),
        "omraader": {a: area_ctx(cf.area(a)[0], year_before(cf.area(a))) for a in BILAG_AREAS},
        "udvikling": {a: trend_ctx(cf.years, tuple(y.counts for y in cf.area(a))) for a in BILAG_AREAS},
        "flere_aar": {a: sum(y.counts is not None for y in cf.area(a)) > 1 for a in BILAG_AREAS},
        "klagesager": klagesager_ctx(case, cf),
        "kort": maps_ctx(cf, case.sammenligning),
    }


def area_ctx(a: AreaYear, previous: AreaYear | None) -> dict:
    """One Bilag 1 area in the danmarkskort year: counts, rate, national rate, change, fragility, shares."""
    out: dict = {
        "navn": AREAS[a.omraade].label,
        "i_saetning": AREAS[a.omraade].in_sentence,
        "aar": a.aar,
        "mangler": a.counts is None,
        "forrige": None,
        "andel": None,
    }
    if a.counts is None:
        return out
    c = a.counts
    out.update(counts_ctx(c))
    out["landet"] = relative_ctx(c, a.landet)
    few = few_ctx(c)
    out["skroebelig"] = few is not None
    out["pp_pr_sag"] = few["pp"] if few else ""
    if previous is not None and previous.counts is not None:
        ch = f.change(previous.counts, c)
        out["forrige"] = {
            "aar": previous.aar,
            "rate": d.percent(f.omgoerelsesprocent(previous.counts)),
            "realitet": d.sager(previous.counts.realitetsbehandlede),
            "pp_retning": ch.points_direction,
            "pp_forskel": d.points(ch.points_delta or 0),
        }
    if a.afgoerelser_i_alt:
        out["andel"] = {
            "afgoerelser": d.count(a.afgoerelser_i_alt),
            "afgoerelser_tekst": d.plural(a.afgoerelser_i_alt, "afgørelse", "afgørelser"),
            "paaklaget": d.count(c.afgjorte),
            **_approx("paaklaget", Fraction(c.afgjorte, a.afgoerelser_i_alt)),
            "omgjort": d.count(c.omgjorte),
            **_approx("omgjort", Fraction(c.omgjorte, a.afgoerelser_i_alt)),
        }
    return out


def _approx(key: str, s: Fraction) -> dict:
    """A share as a whole percentage, and whether "ca." belongs in front (the exact value is not whole)."""
    return {f"{key}_pct": d.percent(s), f"{key}_ca": (s * 100).denominator != 1}


def year_before(years: tuple[AreaYear, ...]) -> AreaYear | None:
    """The area in the year before the danmarkskort year, when that year is shown."""
    return next((a for a in years[1:] if a.aar == years[0].aar - 1), None)
