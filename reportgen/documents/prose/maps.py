"""The danmarkskort as sentence values, shared by the documents and the maps' alternative texts: the
municipality's rate, class and rank, the country, the comparison group."""

from __future__ import annotations

from reportgen.domain import danish as d
from reportgen.domain.areas import AREAS
from reportgen.figures import ranking
from reportgen.figures.case import CaseFigures

QUARTER_WORDS = (
    "den fjerdedel af kommunerne med de højeste omgørelsesprocenter",
    "den næsthøjeste fjerdedel",
    "den næstlaveste fjerdedel",
    "den fjerdedel af kommunerne med de laveste omgørelsesprocenter",
)


def class_label(klasse: int) -> str:
    """A colour class as the legend names it: "Under 30 %", "30–39 %", "60 % og derover"."""
    low, high = ranking.class_bounds(klasse)
    if low is None:
        return f"Under {d.percent_int(ranking.BREAKS[0])}"
    if high is None:
        return f"{d.percent_int(low)} og derover"
    return f"{d.count(low)}–{d.percent_int(high)}"


def _rate_text(p: int | None) -> str:
    return d.DASH if p is None else d.percent_int(p)


def _place(r: ranking.Rank) -> str:
    """ "den 5. højeste", "den højeste", "den 3. laveste"."""
    place, word = (r.plads, "højeste") if r.fra_toppen else (r.plads_fra_bund, "laveste")
    return f"den {word}" if place == 1 else f"den {d.ordinal(place)} {word}"


def maps_ctx(cf: CaseFigures, gruppe: tuple[str, ...]) -> dict:
    """The danmarkskort drawn for the case, by area, as sentence values."""
    return {mf.omraade: map_ctx(mf, gruppe) for mf in cf.kort if ranking.drawn(mf)}


def map_ctx(mf: ranking.MapFigures, gruppe: tuple[str, ...]) -> dict:
    """A danmarkskort as sentence values: the municipality's rate, class and rank, the country, the group."""
    own = mf.procent(mf.kommune)
    spaend = mf.spaend()
    r = mf.placering
    rated = [(k, p) for k in gruppe if (p := mf.procent(k)) is not None]  # the members with a rate
    compared = [p for _, p in rated]
    higher = lower = same = 0
    if own is not None:
        higher, lower = sum(1 for p in compared if p > own), sum(1 for p in compared if p < own)
        same = len(compared) - higher - lower
    return {
        "omraade": AREAS[mf.omraade].in_sentence,
        "aar": mf.aar,
        "kommune": mf.kommune,
        "procent": _rate_text(own),
        "har_procent": own is not None,
        "har_tal": mf.kommune not in mf.mangler,
        "klasse": None if own is None else class_label(ranking.rate_class(own) or 0).lower(),
        "fuld": mf.fuld,
        "med_tal": d.count(mf.med_tal),
        "i_alt": d.count(mf.i_alt),
        "mangler": d.plural(len(mf.mangler), "kommune", "kommuner"),
        "klasser": d.join(
            [f"{class_label(k).lower()}: {d.plural(n, 'kommune', 'kommuner')}" for k, n in enumerate(mf.klasse_antal())]
        ),
        "uden_procent": d.count(len(mf.uden_procent())) if mf.uden_procent() else None,
        "laveste": None
        if spaend is None
        else {"procent": d.percent_int(spaend[0][0]), "navne": d.join(list(spaend[0][1]))},
        "hoejeste": None
        if spaend is None
        else {"procent": d.percent_int(spaend[1][0]), "navne": d.join(list(spaend[1][1]))},
        "landet": None if mf.landet is None else d.percent_int(mf.landet),
        "over_landet": None if mf.over_landet is None else d.plural(mf.over_landet, "kommune", "kommuner"),
        "over_landet_tal": d.count(mf.over_landet) if mf.over_landet else None,
        "placering": None
        if r is None
        else {
            "plads": _place(r),
            "blandt": f"landets {d.count(r.antal)} kommuner"
            if r.antal == mf.i_alt
            else f"de {d.count(r.antal)} af landets {d.count(mf.i_alt)} kommuner, der havde realitetsbehandlede sager",
            "bisaetning": r.antal != mf.i_alt,  # "… kommuner, der havde realitetsbehandlede sager," ends in a comma
            "delt": r.delt_med > 0,
            "delt_med": d.plural_in_words(r.delt_med, "anden kommune", "andre kommuner"),
            "kvartil": QUARTER_WORDS[r.kvartil - 1],
        },
        "gruppe": [
            {"navn": k, "procent": "ingen tal" if k in mf.mangler else _rate_text(mf.procent(k))} for k in gruppe
        ],
        "gruppe_antal": d.plural_in_words(len(compared), "sammenligningskommune", "sammenligningskommuner"),
        "gruppe_forhold": _group_relation(mf.kommune, higher, lower, same),
        "gruppe_eneste": _relation(mf.kommune, rated[0][0], higher, lower) if len(rated) == 1 else None,
        "gruppe_alle": _all_relation(mf.kommune, len(compared), len(gruppe), higher, lower, same),
    }


def _relation(kommune: str, subject: str, higher: int, lower: int) -> str:
    """ "Hillerød ligger lavere end Allerød" (or "Begge sammenligningskommuner …"): where the subject lies."""
    if higher:
        return f"{subject} ligger højere end {kommune}"
    return f"{subject} ligger lavere end {kommune}" if lower else f"{subject} har samme procent som {kommune}"


def _all_relation(kommune: str, compared: int, members: int, higher: int, lower: int, same: int) -> str | None:
    """ "Alle fire sammenligningskommuner ligger lavere end Allerød" ("Begge …"; "… med en procent" when a member
    has none) when two or more compared municipalities all lie the same way; None otherwise."""
    if compared < 2 or compared not in (higher, lower, same):
        return None
    subject = "Begge" if compared == 2 else f"Alle {d.in_words(compared)}"
    subject += " sammenligningskommuner" + (" med en procent" if compared < members else "")
    return _relation(kommune, subject, higher, lower)


def _group_relation(kommune: str, higher: int, lower: int, same: int) -> str:
    """ "ligger 3 lavere og 1 højere end Allerød, og 1 har samme procent" ("" without any to compare)."""
    apart = d.join([f"{d.in_words(n)} {word}" for n, word in ((higher, "højere"), (lower, "lavere")) if n])
    if apart and same:
        return f"ligger {apart} end {kommune}, og {d.in_words(same)} har samme procent"
    if apart:
        return f"ligger {apart} end {kommune}"
    return f"har {d.in_words(same)} samme procent som {kommune}" if same else ""
