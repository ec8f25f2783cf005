"""The values the prose templates receive: every number already computed and formatted, every word chosen.

Templates in templates/prose/ only pick between sentences and insert these values; they never compute.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import cache

from markupsafe import Markup

from reportgen.documents import markdown, templating
from reportgen.documents.model import Block
from reportgen.domain import bodies, danmarkskort
from reportgen.domain import danish as d
from reportgen.domain.areas import AREAS, BILAG_AREAS, GENERAL
from reportgen.domain.counts import Counts, direction, round_half_up, whole_percent
from reportgen.domain.kommuner import HELE_LANDET
from reportgen.figures import klagesager as ks
from reportgen.figures import ranking
from reportgen.figures import rates as f
from reportgen.figures.case import AreaYear, CaseFigures
from reportgen.figures.discretion import Suppression
from reportgen.inputs.case import Case
from reportgen.resources import PROSE_TEMPLATES

BILAG1_TITLE = "Afgørelser på det generelle socialområde fordelt på områder"

# --- the templates ---------------------------------------------------------------------------------------------


@cache
def _env():
    return templating.environment(
        PROSE_TEMPLATES,
        autoescape=False,
        finalize=_escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


@cache
def _text_env():
    return templating.environment(
        PROSE_TEMPLATES, autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False
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
    placeable = markdown.placeable(templating.sources(_env(), name))
    return markdown.parse_with_placeholders(source(name, ctx), inserts, placeable)


def alt_text(name: str, ctx: dict) -> str:
    """Alternative text for a chart from its template, as one line."""
    return " ".join(_text_env().get_template(name).render(ctx).split())


# --- the values they receive ----------------------------------------------------------------------------------


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
    """The comparison group: who is in Tabel 1, who has figures for the year, the pooled rate, the rank of the
    municipality and how many rose or fell; counts of municipalities in words."""
    g = cf.group
    if g is None:
        return None
    n = len(g.navne)
    vist = [r.navn for r in cf.tabel1 if r.rolle == "sammenligning"]
    udeladte = [k for k in cf.udeladte_kommuner if k != HELE_LANDET]
    return {
        "vist": d.join(vist),
        "antal_vist": len(vist),
        "udeladte": d.join(udeladte),
        "antal_udeladte": len(udeladte),
        "navne": d.join(list(g.navne)),
        "antal": n,
        "antal_ord": d.in_words(n),
        "mangler": d.join(list(g.mangler)),
        "har_mangler": bool(g.mangler),
        "samlet": d.percent(f.omgoerelsesprocent(g.samlet)),
        "relativ": _relative(cf.current, g.samlet),
        "hoejest": n > 1 and g.lavere == n,
        "lavest": n > 1 and g.hoejere == n,
        "hoejere": g.hoejere,
        "hoejere_tekst": d.in_words(g.hoejere),
        "med_forrige": g.med_forrige,
        "med_forrige_ord": d.in_words(g.med_forrige),
        "alle_steg": g.med_forrige > 0 and g.stigning == g.med_forrige,
        "alle_faldt": g.med_forrige > 0 and g.fald == g.med_forrige,
        "uden_forrige_tekst": d.plural_in_words(n - g.med_forrige, "kommune", "kommuner") if g.med_forrige < n else "",
        "udvikling_tekst": d.join(
            [
                d.plural_in_words(k, "kommune", "kommuner") + " " + what
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


def _year_before(years: tuple[AreaYear, ...]) -> AreaYear | None:
    """The area in the year before the danmarkskort year, when that year is shown."""
    return next((a for a in years[1:] if a.aar == years[0].aar - 1), None)


def appendices(case: Case) -> list[tuple[int, str, bool]]:
    """The Bilag list as (number, title, added since the case was sent back): Bilag 1, the action plan when
    attached, then the case's own appendices."""
    items = [(BILAG1_TITLE, False)]
    if case.handleplan.attached:
        items.append((case.handleplan.title, False))
    items += [(b.titel, b.ny) for b in case.bilag]
    return [(number, title, ny) for number, (title, ny) in enumerate(items, start=1)]


def plan_ctx(case: Case) -> dict:
    """The recommendation and, when attached (Bilag 2), the action plan's appendix number and title."""
    plan = case.handleplan
    return {
        "indstilling": plan.indstilling,
        "vedlagt": plan.attached,
        "bilag": plan.title if plan.attached else None,
        "bilag_nr": 2 if plan.attached else None,
    }


def resumed_ctx(case: Case) -> dict | None:
    """The send-backs, what is new since the last of them, and whom the resumed recommendation addresses:
    the committees, which recommend to Økonomiudvalget (when it treats the case) and the council."""
    sent_back = [i for i, b in enumerate(case.behandling) if b.udfald == "tilbagesendt"]
    if not sent_back:
        return None
    last = sent_back[-1]

    def committees(items) -> list[str]:
        names = [bodies.in_sentence(b.organ) for b in items]
        names = [n for n in names if not bodies.is_council(n, case.council) and not bodies.is_finance_committee(n)]
        return list(dict.fromkeys(names))

    udvalg = committees(case.behandling[last + 1 :]) or committees(case.behandling[:last])
    finance = [bodies.in_sentence(b.organ) for b in case.behandling if bodies.is_finance_committee(b.organ)]
    nye = [f"bilag {number}, {title}" for number, title, ny in appendices(case) if ny]
    return {
        "tilbagesendt": [
            {"organ": bodies.in_sentence(case.behandling[i].organ), "dato": d.long_date(case.behandling[i].dato)}
            for i in sent_back
        ],
        "udvalg": d.join(udvalg),
        "videre": d.join([*finance[:1], case.council]),
        "nye": d.join(nye),
    }


def basis_ctx(cf: CaseFigures) -> dict:
    """What the § 79 b decision rests on, in neutral words: the areas above their own national rate and the
    largest change from the year before (of the general map and the three areas of Bilag 1)."""
    over, compared = [], 0
    for omraade in BILAG_AREAS:
        a = cf.area(omraade)[0]
        relative = _relative(a.counts, a.landet) if a.counts else None
        if relative is None:
            continue
        compared += 1
        if relative["position"] == "over":
            assert a.counts is not None
            rate = d.percent(f.omgoerelsesprocent(a.counts))
            over.append(f"{AREAS[omraade].in_sentence} ({rate} mod {relative['rate']})")
    pairs = [(GENERAL, cf.previous, cf.current)] + [
        (o, before.counts, cf.area(o)[0].counts) for o in BILAG_AREAS if (before := _year_before(cf.area(o)))
    ]
    changes = [
        (abs(ch.points_delta), omraade, ch, after)
        for omraade, before, after in pairs
        if before is not None and after is not None and (ch := f.change(before, after)).points_delta is not None
    ]
    largest = max(changes, key=lambda item: item[0], default=None)  # max keeps the first of equals
    stoerst = None
    if largest is not None and largest[0] > 0:
        _, omraade, ch, after = largest
        stoerst = {
            "navn": AREAS[omraade].in_sentence,
            "retning": ch.points_direction,
            "forskel": d.points(ch.points_delta or 0),
            "fra": d.percent(Fraction(ch.percent_before or 0, 100)),
            "til": d.percent(Fraction(ch.percent_after or 0, 100)),
            "sager": d.sager(after.realitetsbehandlede),
            "skroebelig": f.is_fragile(after),
        }
    return {
        "over": d.join(over),
        "ingen_over": compared == len(BILAG_AREAS) and not over,
        "stoerst": stoerst,
        "uaendret": bool(changes) and largest is not None and largest[0] == 0,
    }


def case_ctx(case: Case, cf: CaseFigures) -> dict:
    """Everything the sagsfremstilling and Bilag 1 templates receive."""
    areas = {a: area_ctx(cf.area(a)[0], _year_before(cf.area(a))) for a in BILAG_AREAS}
    return {
        "kommune": case.kommune,
        "aar": case.aar,
        "forrige_aar": case.aar - 1,
        "foerste_aar": case.aar == danmarkskort.FIRST_YEAR,
        "stk2": danmarkskort.plan_decision_required(case.aar),
        "periode": d.period(cf.years + cf.udeladte_aar),
        "flere_aar": len(cf.years) > 1,
        "forfatter": case.author,
        "kompetence": case.council,
        "ministerium": case.ministry,
        "love": d.join(list(danmarkskort.laws(case.aar))),
        "boernehandicap_paragraffer": danmarkskort.boernehandicap_provisions(case.aar),
        "titel": case.titel,
        "naevner": case.tabel2_naevner,
        "n": counts_ctx(cf.current),
        "aendring": change_ctx(cf),
        "landet": _relative(cf.current, cf.landet),
        "gruppe": group_ctx(cf),
        "omraader": areas,
        "har_omraader": not any(areas[a]["mangler"] for a in BILAG_AREAS),
        "fordeling": _split_ctx(cf),
        "handleplan": plan_ctx(case),
        "grundlag": basis_ctx(cf),
        "hoering": d.join(list(case.hoering)),
        "har_hoering": bool(case.hoering),
        "genoptagelse": resumed_ctx(case),
        "klagesager": klagesager_ctx(case, cf),
        "tabel2": tabel2_ctx(cf),
        "kort": {mf.omraade: map_ctx(mf, case.sammenligning) for mf in cf.kort if ranking.drawn(mf)},
    }


def _split_ctx(cf: CaseFigures) -> dict:
    """How the year's cases split on the areas of Bilag 1: "12 sager børnehandicapområdet …" for the areas with
    cases, and the areas without any."""
    counts = {a: c.realitetsbehandlede for a in BILAG_AREAS if (c := cf.area(a)[0].counts) is not None}
    with_cases = [a for a, n in counts.items() if n]
    return {
        "med": d.join([f"{d.sager(counts[a])} {AREAS[a].in_sentence}" for a in with_cases]),
        "alle": AREAS[with_cases[0]].in_sentence if len(with_cases) == 1 else None,
        "uden": d.join([AREAS[a].in_sentence for a, n in counts.items() if not n], "eller"),
    }


def tabel2_ctx(cf: CaseFigures) -> dict | None:
    """Tabel 2's totals, and how the year's decided appeals relate to the cases the map counts."""
    t2 = cf.tabel2_total
    if t2 is None:
        return None
    outside = sum(r.counts.afgjorte for r in cf.tabel2 if not r.i_danmarkskort)
    rejected_inside = sum(r.counts.afvist_henvist for r in cf.tabel2 if r.i_danmarkskort)
    rest = t2.afgjorte - cf.current.realitetsbehandlede
    parts = [
        text
        for n, text in (
            (outside, f"{d.sager(outside)} fra områder uden for danmarkskortet"),
            (rejected_inside, f"{d.sager(rejected_inside)}, der blev afvist eller henvist"),
        )
        if n
    ]
    return {
        "afgjorte": d.sager(t2.afgjorte),
        "afgjorte_tal": d.count(t2.afgjorte),
        "i_kortet": d.count(cf.current.realitetsbehandlede),
        "rest": d.sager(rest) if rest > 0 else None,
        "rest_dele": d.join(parts) if rest > 0 and outside + rejected_inside == rest else None,
        "antal_omraader": len(cf.tabel2),
        "uden_for": d.sager(outside),
        "har_uden_for": outside > 0,
        "afviste": d.sager(t2.afvist_henvist),
        "har_afviste": t2.afvist_henvist > 0,
        "rate": d.percent(f.omgoerelsesprocent(t2)),
        "rate_alle": d.percent(f.omgoerelse_af_alle(t2)),
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


# --- case-level records (klagesager) ---------------------------------------------------------------------------

Shown = Callable[[tuple, str], "str | None"]  # a cell's text, or None when discretion hides the cell

# What a hjemvist case ended with, after "endte 3 …"; "verserer" and "not given" get sentences of their own.
FOLLOW_UP_ENDINGS = {
    "til-fordel": "med en ny afgørelse til borgerens fordel",
    "fastholdt": "med en ny afgørelse med samme resultat",
    "tilbagetrukket": "med, at ansøgningen blev trukket tilbage",
}


def klagesager_ctx(case: Case, cf: CaseFigures) -> dict | None:
    """The case-level figures of the danmarkskort year, for all areas and per Bilag 1 area; None without them."""
    year = cf.klagesager.year(cf.aar) if cf.klagesager else None
    if year is None:
        return None
    official = {a: cf.area(a)[0].counts for a in year.covered}
    areas = {a: records_ctx(year.area(a), year.hidden, a) for a in year.covered}
    afviger = [
        AREAS[a].in_sentence for a in year.covered if official[a] is not None and official[a] != year.area(a).counts
    ]
    # all areas together are a column of the overview table when it covers every area; one covered area is itself
    total_column = ks.TOTAL if year.complete else year.covered[0] if len(year.covered) == 1 else None
    total = records_ctx(year.area(ks.TOTAL), year.hidden, total_column)
    return {
        "omgjort_paragraffer": _reversed_paragraphs(year),
        "delvis": not year.complete,
        "omfatter": d.join([AREAS[a].in_sentence for a in year.covered]),
        "antal_omraader": len(year.covered),
        "i_alt": total,
        "omraader": areas,
        "afviger": d.join(afviger),
        "diskretion": case.diskretion,
        "skjult_som": f"<{d.NBSP}{case.diskretion}" if case.diskretion else None,
    }


def _reversed_paragraphs(year: ks.YearFigures, most: int = 3) -> str | None:
    """What the reversed cases concerned: the (up to three) paragraphs with most of them (two or more), each with
    its count as Bilag 1's paragraph table shows it; a paragraph whose count is hidden there is not named."""
    shown = [
        (c.omgjorte, name, area)
        for area in year.covered
        for name, c in year.area(area).paragraffer
        if c.omgjorte > 1 and year.hidden.shown(("paragraf", area, name, "omgjort"))
    ]
    top = sorted(shown, key=lambda item: (-item[0], ks.natural(item[1])))[:most]
    return d.join([f"{d.lower_first(name)} ({d.sager(n)})" for n, name, _ in top]) or None


def records_ctx(a: ks.AreaFigures, hidden: Suppression, column: str | None = None) -> dict:
    """One area's case-level figures as sentence values; a count the tables hide for discretion is None (left out
    of the sentence), so that a sentence never shows more than the tables. `column` is the overview table's
    column that holds the area's counts (None: no column does, so only the public counts may be used)."""

    def shown(key: tuple, text: str) -> str | None:
        return text if hidden.shown(key) else None

    def cell(row: str, text: str) -> str | None:
        if column is None:  # counts no table shows: only without discretion
            return text if hidden == Suppression() else None
        return shown(("oversigt", row, column), text)

    c = a.counts
    return {
        "ingen": c.afgjorte == 0,
        "en_sag": c.afgjorte == 1,
        "sager": cell("sager", d.sager(c.afgjorte)),
        "borgere": cell("borgere", d.borgere(a.borgere)),
        "gentagere": cell("gentagere", d.borgere(a.gentagere)) if a.gentagere else None,
        "ingen_gentagere": a.gentagere == 0 and hidden.shown(("oversigt", "gentagere", a.omraade)),
        "gentager_sager": cell("gentager_sager", d.count(a.gentager_sager)) if a.gentagere else None,
        "omgjorte": cell("omgjorte", d.plural(a.omgjorte, "omgjort sag", "omgjorte sager")),
        "flere_omgjorte": a.omgjorte > 1,
        "borgere_omgjort": cell("borgere_omgjort", d.borgere(a.borgere_omgjort)),
        "hjemvist": cell("hjemvist", d.count(c.hjemvist)),
        "en_hjemvist": c.hjemvist == 1,
        "delvist": cell("delvist", d.count(a.delvist_hjemvist)) if a.delvist_hjemvist else None,
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
        return {"alle": True, "navne": d.lower_first(top[0][0]), "flere": False, "sager": None, "omgjort": None}
    omgjort = top[0][1].omgjorte
    every = all(shown(("paragraf", a.omraade, name, "sager"), "") is not None for name, _ in top)
    return {
        "alle": False,
        "navne": d.join([d.lower_first(name) for name, _ in top]),
        "flere": len(top) > 1,
        "sager": d.sager(most) if every else None,
        "omgjort": shown(
            ("paragraf", a.omraade, top[0][0], "omgjort"),
            "ingen" if omgjort == 0 else "alle" if omgjort == most else d.count(omgjort),
        ),
    }


def _top_reason(a: ks.AreaFigures, shown: Shown) -> dict | None:
    """The most frequent registered reason(s) for reversal."""
    given = [(reason, n) for reason, n in a.aarsager if reason != ks.NOT_GIVEN]
    if not given:
        return None
    most = given[0][1]
    top = [reason for reason, n in given if n == most]
    every = all(shown(("aarsag", a.omraade, reason), "") is not None for reason in top)
    return {
        "navne": d.join([d.lower_first(reason) for reason in top]),
        "flere": len(top) > 1,
        "alle": 1 < len(top) == len(given),
        "en_omgjort": a.omgjorte == 1,
        "sager": d.sager(most) if every else None,
        "antal": d.count(most) if every else None,
        "omgjorte": shown(("aarsag", a.omraade, ks.TOTAL), d.count(a.omgjorte)),
    }


def _follow_up(a: ks.AreaFigures, shown: Shown) -> dict | None:
    """What became of the hjemviste cases: the endings as one list (the maintained decisions with those appealed
    again as a part of them), the pending and the unknown."""
    if a.counts.hjemvist == 0:
        return None
    one = a.counts.hjemvist == 1
    n = a.follow_up
    again = n[ks.APPEALED_AGAIN]

    def cell(value: str, text: str) -> str | None:
        return shown(("opfoelgning", a.omraade, value), text)

    endings = []
    for value, ending in FOLLOW_UP_ENDINGS.items():
        if not n[value]:
            continue
        text = cell(value, ("" if one else f"{d.count(n[value])} ") + ending)
        if text and value == "fastholdt" and again:
            if one:
                text += ", som borgeren har påklaget igen"
            elif again == n[value] and cell(ks.APPEALED_AGAIN, "") is not None:
                text += f" ({'begge' if again == 2 else 'alle'} påklaget igen)"
            elif (part := cell(ks.APPEALED_AGAIN, d.count(again))) is not None:
                text += f" (heraf {part} påklaget igen)"
        endings.append(text)
    return {
        "en": one,
        "endte": d.join([e for e in endings if e]),
        "verserer": cell("verserer", d.count(n["verserer"])) if n["verserer"] else None,
        "alle_verserer": n["verserer"] == a.counts.hjemvist,
        "ikke_oplyst": cell(ks.NOT_GIVEN, d.count(n[ks.NOT_GIVEN])) if n[ks.NOT_GIVEN] else None,
        "alle_ikke_oplyst": n[ks.NOT_GIVEN] == a.counts.hjemvist,
    }
