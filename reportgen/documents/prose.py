"""The values the prose templates receive: every number already computed and formatted, every word chosen.

Templates in templates/prose/ only pick between sentences and insert these values; they never compute.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import cache

from markupsafe import Markup

from reportgen.documents import markdown
from reportgen.documents.model import Block
from reportgen.domain import danish as d
from reportgen.domain.areas import AREAS, BILAG_AREAS
from reportgen.domain.counts import Counts, direction, round_half_up, whole_percent
from reportgen.figures import klagesager as ks
from reportgen.figures import ranking
from reportgen.figures import rates as f
from reportgen.figures.case import AreaYear, CaseFigures
from reportgen.inputs.case import Case
from reportgen.resources import PROSE_TEMPLATES

# --- the templates ---------------------------------------------------------------------------------------------


@cache
def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROSE_TEMPLATES),
        autoescape=False,
        finalize=_escape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


@cache
def _text_env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROSE_TEMPLATES),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def warm_up() -> None:
    """Compile every prose template once, so that a process's first document does not wait for it."""
    for template in PROSE_TEMPLATES.iterdir():
        if template.name.endswith(".j2"):
            (_text_env() if template.name.endswith(".txt.j2") else _env()).get_template(template.name)


def _escape(value: object) -> object:
    """Every value a prose template prints is literal text, except a macro's output marked |safe."""
    return value if isinstance(value, Markup) else markdown.escape(value)


def source(name: str, ctx: dict) -> str:
    """A prose template rendered as Markdown, with its "@@name@@" placeholder lines."""
    return _env().get_template(name).render(ctx)


def render(name: str, ctx: dict, inserts: dict[str, tuple[Block, ...]]) -> tuple[Block, ...]:
    """Render a prose template and parse it into blocks, inserting tables, charts and texts."""
    return markdown.parse_with_placeholders(source(name, ctx), inserts)


def alt_text(name: str, ctx: dict) -> str:
    """Alternative text for a chart from its template, as one line."""
    return " ".join(_text_env().get_template(name).render(ctx).split())


# --- the values they receive ----------------------------------------------------------------------------------


def counts_ctx(c: Counts) -> dict:
    """A group of counts as template values: counts with their noun, shares as percentages."""
    return {
        "realitet": d.sager(c.realitetsbehandlede),
        "realitet_tal": d.count(c.realitetsbehandlede),
        "stadfaestet": d.sager(c.stadfaestet),
        "stadfaestet_tal": d.count(c.stadfaestet),
        "aendret": d.sager(c.aendret_ophaevet),
        "aendret_tal": d.count(c.aendret_ophaevet),
        "hjemvist": d.sager(c.hjemvist),
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
    }


def _relative(own: Counts, other: Counts | None) -> dict | None:
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


def change_ctx(cf: CaseFigures) -> dict | None:
    """The change from the previous year in cases and in percentage points."""
    ch, prev = cf.change, cf.previous
    if ch is None or prev is None:
        return None
    return {
        "aar": cf.aar - 1,
        "realitet": d.sager(prev.realitetsbehandlede),
        "realitet_tal": d.count(prev.realitetsbehandlede),
        "rate": d.percent(f.omgoerelsesprocent(prev)),
        "sager_retning": ch.cases_direction,
        "sager_noun": d.direction_noun(ch.cases_direction),
        "sager_forskel": d.sager(abs(ch.cases_delta)),
        "pp_retning": ch.points_direction,
        "pp_noun": d.direction_noun(ch.points_direction) if ch.points_direction else "",
        "pp_forskel": d.points(ch.points_delta or 0),
    }


def group_ctx(cf: CaseFigures) -> dict | None:
    """The comparison group: names, pooled rate, rank of the municipality, how many rose or fell."""
    g = cf.group
    if g is None:
        return None
    n = len(g.navne)
    return {
        "navne": d.join(list(g.navne)),
        "antal": n,
        "antal_tekst": d.plural(n, "kommune", "kommuner"),
        "mangler": d.join(list(g.mangler)),
        "har_mangler": bool(g.mangler),
        "tom": n == 0,
        "samlet": d.percent(f.omgoerelsesprocent(g.samlet)),
        "relativ": _relative(cf.current, g.samlet),
        "hoejest": n > 0 and g.lavere == n,
        "lavest": n > 0 and g.hoejere == n,
        "hoejere": g.hoejere,
        "hoejere_tekst": d.plural(g.hoejere, "kommune", "kommuner"),
        "med_forrige": g.med_forrige,
        "alle_steg": g.med_forrige > 0 and g.stigning == g.med_forrige,
        "alle_faldt": g.med_forrige > 0 and g.fald == g.med_forrige,
        "uden_forrige_tekst": d.plural(n - g.med_forrige, "kommune", "kommuner") if g.med_forrige < n else "",
        "udvikling_tekst": d.join(
            [
                d.plural(k, "kommune", "kommuner") + " " + what
                for k, what in (
                    (g.stigning, "en stigning"),
                    (g.fald, "et fald"),
                    (g.med_forrige - g.stigning - g.fald, "en uændret omgørelsesprocent"),
                )
                if k
            ]
        ),
        "kommunens_retning": cf.change.points_direction if cf.change else None,
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
    out["landet"] = _relative(c, a.landet)
    per_case = f.points_per_case(c)
    out["skroebelig"] = f.is_fragile(c)
    out["pp_pr_sag"] = d.points(int(round_half_up(per_case))) if per_case is not None else ""
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


def case_ctx(case: Case, cf: CaseFigures) -> dict:
    """Everything the sagsfremstilling and Bilag 1 templates receive."""
    tilbagesendt = [b for b in case.behandling if b.udfald == "tilbagesendt"]
    areas = {a: area_ctx(cf.area(a)[0], cf.area(a)[1] if len(cf.years) > 1 else None) for a in BILAG_AREAS}
    t2 = cf.tabel2_total
    return {
        "kommune": case.kommune,
        "aar": case.aar,
        "forrige_aar": case.aar - 1,
        "forfatter": case.author,
        "kompetence": case.kompetence,
        "titel": case.titel,
        "naevner": case.tabel2_naevner,
        "n": counts_ctx(cf.current),
        "aendring": change_ctx(cf),
        "landet": _relative(cf.current, cf.landet),
        "gruppe": group_ctx(cf),
        "omraader": areas,
        "har_omraader": not any(areas[a]["mangler"] for a in BILAG_AREAS),
        "indstilling": case.handleplan.indstilling,
        "handleplan_vedlagt": case.handleplan.attached,
        "hoering": d.join(list(case.hoering)),
        "har_hoering": bool(case.hoering),
        "tilbagesendt": [{"organ": b.organ, "dato": d.long_date(b.dato)} for b in tilbagesendt],
        "klagesager": klagesager_ctx(case, cf),
        "kort": {mf.omraade: map_ctx(mf, case.sammenligning) for mf in cf.kort if ranking.drawn(mf)},
        "tabel2": None
        if t2 is None
        else {
            "afgjorte": d.sager(t2.afgjorte),
            "antal_omraader": len(cf.tabel2),
            "uden_for": d.sager(sum(r.counts.afgjorte for r in cf.tabel2 if not r.i_danmarkskort)),
            "har_uden_for": any(not r.i_danmarkskort for r in cf.tabel2),
            "afviste": d.sager(t2.afvist_henvist),
            "har_afviste": t2.afvist_henvist > 0,
            "rate": d.percent(f.omgoerelsesprocent(t2)),
            "rate_alle": d.percent(f.omgoerelse_af_alle(t2)),
        },
    }


# --- the danmarkskort as a map ----------------------------------------------------------------------------------

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


def map_ctx(mf: ranking.MapFigures, gruppe: tuple[str, ...]) -> dict:
    """A danmarkskort as sentence values: the municipality's rate, class and rank, the country, the group."""
    own = mf.procent(mf.kommune)
    spaend = mf.spaend()
    r = mf.placering
    compared = [p for k in gruppe if (p := mf.procent(k)) is not None]
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
        "uden_procent": d.plural(len(mf.uden_procent()), "kommune", "kommuner") if mf.uden_procent() else None,
        "laveste": None
        if spaend is None
        else {"procent": d.percent_int(spaend[0][0]), "navne": d.join(list(spaend[0][1]))},
        "hoejeste": None
        if spaend is None
        else {"procent": d.percent_int(spaend[1][0]), "navne": d.join(list(spaend[1][1]))},
        "landet": None if mf.landet is None else d.percent_int(mf.landet),
        "over_landet": None if mf.over_landet is None else d.plural(mf.over_landet, "kommune", "kommuner"),
        "placering": None
        if r is None
        else {
            "plads": _place(r),
            "blandt": f"landets {d.count(r.antal)} kommuner"
            if r.antal == mf.i_alt
            else f"de {d.count(r.antal)} af landets {d.count(mf.i_alt)} kommuner, der havde realitetsbehandlede sager",
            "delt": r.delt_med > 0,
            "delt_med": d.plural(r.delt_med, "anden kommune", "andre kommuner"),
            "kvartil": QUARTER_WORDS[r.kvartil - 1],
        },
        "gruppe": [
            {"navn": k, "procent": "ingen tal" if k in mf.mangler else _rate_text(mf.procent(k))} for k in gruppe
        ],
        "gruppe_antal": d.plural(len(compared), "sammenligningskommune", "sammenligningskommuner"),
        "gruppe_forhold": _group_relation(mf.kommune, higher, lower, same),
    }


def _group_relation(kommune: str, higher: int, lower: int, same: int) -> str:
    """ "ligger 3 lavere og 1 højere end Allerød, og 1 har samme procent" ("" without any to compare)."""
    apart = d.join([f"{d.count(n)} {word}" for n, word in ((higher, "højere"), (lower, "lavere")) if n])
    if apart and same:
        return f"ligger {apart} end {kommune}, og {d.count(same)} har samme procent"
    if apart:
        return f"ligger {apart} end {kommune}"
    return f"har {d.count(same)} samme procent som {kommune}" if same else ""


# --- case-level records (klagesager) ---------------------------------------------------------------------------

Shown = Callable[[int, str], "str | None"]  # a count's text, or None when diskretion leaves it out

# What a hjemvist case ended with, after "endte 3 …"; "verserer" and "not given" get sentences of their own.
FOLLOW_UP_ENDINGS = {
    "til-fordel": "med en ny afgørelse til borgerens fordel",
    "fastholdt": "med en ny afgørelse med samme resultat",
    "tilbagetrukket": "med at ansøgningen blev trukket tilbage",
    "paaklaget-igen": "med en ny afgørelse, som borgeren har påklaget igen",
}


def klagesager_ctx(case: Case, cf: CaseFigures) -> dict | None:
    """The case-level figures of the danmarkskort year, for all areas and per Bilag 1 area; None without them."""
    year = cf.klagesager.year(cf.aar) if cf.klagesager else None
    if year is None:
        return None
    official = {a: cf.area(a)[0].counts for a in BILAG_AREAS}
    areas = {a: records_ctx(year.area(a), case.diskretion) for a in BILAG_AREAS}
    afviger = [
        AREAS[a].in_sentence for a in BILAG_AREAS if official[a] is not None and official[a] != year.area(a).counts
    ]
    total = records_ctx(year.area(ks.TOTAL), case.diskretion)
    return {
        "i_alt": total,
        "omraader": areas,
        "afviger": d.join(afviger),
        "diskretion": case.diskretion,
        "skjult_som": f"<{d.NBSP}{case.diskretion}" if case.diskretion else None,
    }


def records_ctx(a: ks.AreaFigures, diskretion: int | None) -> dict:
    """One area's case-level figures as sentence values; a count diskretion hides is None (left out)."""

    def shown(n: int, text: str) -> str | None:
        return None if ks.hidden(n, diskretion) else text

    c = a.counts
    return {
        "ingen": c.afgjorte == 0,
        "en_sag": c.afgjorte == 1,
        "sager": shown(c.afgjorte, d.sager(c.afgjorte)),
        "borgere": shown(a.borgere, d.borgere(a.borgere)),
        "gentagere": shown(a.gentagere, d.borgere(a.gentagere)) if a.gentagere else None,
        "ingen_gentagere": a.gentagere == 0,
        "gentager_sager": shown(a.gentager_sager, d.count(a.gentager_sager)) if a.gentagere else None,
        "omgjorte": shown(a.omgjorte, d.plural(a.omgjorte, "omgjort sag", "omgjorte sager")),
        "flere_omgjorte": a.omgjorte > 1,
        "borgere_omgjort": shown(a.borgere_omgjort, d.borgere(a.borgere_omgjort)),
        "hjemvist": shown(c.hjemvist, d.count(c.hjemvist)),
        "en_hjemvist": c.hjemvist == 1,
        "delvist": shown(a.delvist_hjemvist, d.count(a.delvist_hjemvist)) if a.delvist_hjemvist else None,
        "paragraf": _top_paragraph(a, shown),
        "aarsag": _top_reason(a, shown),
        "opfoelgning": _follow_up(a, shown),
    }


def _top_paragraph(a: ks.AreaFigures, shown: Shown) -> dict | None:
    """The most frequent paragraph(s) and their counts."""
    if not a.paragraffer:
        return None
    most = a.paragraffer[0][1].afgjorte
    top = [(name, c) for name, c in a.paragraffer if c.afgjorte == most]
    if len(a.paragraffer) == 1:
        return {"alle": True, "navne": top[0][0], "flere": False, "sager": None, "omgjort": None}
    omgjort = top[0][1].omgjorte
    return {
        "alle": False,
        "navne": d.join([name for name, _ in top]),
        "flere": len(top) > 1,
        "sager": shown(most, d.sager(most)),
        "omgjort": shown(omgjort, "ingen" if omgjort == 0 else d.count(omgjort)),
    }


def _top_reason(a: ks.AreaFigures, shown: Shown) -> dict | None:
    """The most frequent registered reason(s) for reversal."""
    given = [(reason, n) for reason, n in a.aarsager if reason != ks.NOT_GIVEN]
    if not given:
        return None
    most = given[0][1]
    top = [_in_sentence(reason) for reason, n in given if n == most]
    return {
        "navne": d.join(top),
        "flere": len(top) > 1,
        "alle": 1 < len(top) == len(given),
        "en_omgjort": a.omgjorte == 1,
        "sager": shown(most, d.sager(most)),
        "antal": shown(most, d.count(most)),
        "omgjorte": shown(a.omgjorte, d.count(a.omgjorte)),
    }


def _in_sentence(text: str) -> str:
    """A label inside a sentence: "Skøn" → "skøn"; acronyms ("KL-vejledning") keep their capitals."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def _follow_up(a: ks.AreaFigures, shown: Shown) -> dict | None:
    """What became of the hjemviste cases: the endings as one list, the pending and the unknown."""
    if a.counts.hjemvist == 0:
        return None
    one = a.counts.hjemvist == 1
    n = dict(a.opfoelgning)
    endings = [
        shown(n[v], ("" if one else f"{d.count(n[v])} ") + ending) for v, ending in FOLLOW_UP_ENDINGS.items() if n[v]
    ]
    return {
        "en": one,
        "endte": d.join([e for e in endings if e]),
        "verserer": shown(n["verserer"], d.count(n["verserer"])) if n["verserer"] else None,
        "alle_verserer": n["verserer"] == a.counts.hjemvist,
        "ikke_oplyst": shown(n[ks.NOT_GIVEN], d.count(n[ks.NOT_GIVEN])) if n[ks.NOT_GIVEN] else None,
        "alle_ikke_oplyst": n[ks.NOT_GIVEN] == a.counts.hjemvist,
    }
