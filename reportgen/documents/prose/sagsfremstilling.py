"""The values the sagsfremstilling template receives: the year against the year before, the country and the
comparison group, what the § 79 b decision rests on, the recommendation and the route it follows, the planned
meetings, the send-backs and Tabel 2."""

from __future__ import annotations

from fractions import Fraction

from reportgen.documents import handleplan
from reportgen.documents.prose.bilag1 import BILAG1_TITLE, year_before
from reportgen.documents.prose.counts import counts_ctx, few_ctx, relative_ctx, trend_ctx
from reportgen.documents.prose.klagesager import klagesager_ctx
from reportgen.documents.prose.maps import maps_ctx
from reportgen.domain import bodies, danmarkskort
from reportgen.domain import danish as d
from reportgen.domain.areas import AREAS, BILAG_AREAS, GENERAL
from reportgen.domain.kommuner import HELE_LANDET
from reportgen.figures import rates as f
from reportgen.figures.case import CaseFigures
from reportgen.inputs import Inputs
from reportgen.inputs.case import Case


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
        "relativ": relative_ctx(cf.current, g.samlet),
        "forhold": _against(cf.kommune, relative_ctx(cf.current, g.samlet)),
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


def _against(kommune: str, relative: dict | None) -> str:
    """A single comparison municipality's rate against the municipality's, seen from the comparison municipality:
    ", 2 procentpoint lavere end Allerød", ", det samme som Allerød" ("" without both rates)."""
    if relative is None:
        return ""
    if relative["lig"]:
        return f", det samme som {kommune}"
    return f", {relative['afstand']} {'lavere' if relative['position'] == 'over' else 'højere'} end {kommune}"


def appendices(case: Case) -> list[tuple[int, str, bool]]:
    """The Bilag list as (number, title, added since the case was sent back): Bilag 1, the action plan when
    attached, then the case's own appendices."""
    items = [(BILAG1_TITLE, False)]
    if case.handleplan.attached:
        items.append((case.handleplan.title, False))
    items += [(b.titel, b.ny) for b in case.bilag]
    return [(number, title, ny) for number, (title, ny) in enumerate(items, start=1)]


def plan_ctx(case: Case) -> dict:
    """The recommendation's point on a plan (none before the 2021 map when it is not to prepare one) and, when
    attached (Bilag 2), the action plan's appendix number and title."""
    plan, point = case.handleplan, case.plan_point
    return {
        "ordlyd": point.wording if point else None,
        "vedlagt": plan.attached,
        "bilag": plan.title if plan.attached else None,
        "bilag_nr": 2 if plan.attached else None,
    }


def _sent_back(case: Case) -> list[int]:
    """The positions in the decision history of the treatments that sent the case back."""
    return [i for i, b in enumerate(case.behandling) if b.outcome and b.outcome.sent_back]


def resumed_ctx(case: Case) -> dict | None:
    """The send-backs and what is new since the last of them."""
    sent_back = _sent_back(case)
    if not sent_back:
        return None
    nye = [f"bilag {number}, {title}" for number, title, ny in appendices(case) if ny]
    return {
        "tilbagesendt": [
            {"organ": bodies.in_sentence(case.behandling[i].organ), "dato": d.long_date(case.behandling[i].dato)}
            for i in sent_back
        ],
        "nye": d.join(nye),
    }


def missing_ctx(case: Case) -> tuple[str, ...]:
    """The text sections a draft lacks where the decision needs them, each shown as a visible placeholder: the
    administration's reasons for a recommendation that calls for them (a final case cannot lack them)."""
    reason = case.handleplan.recommendation.reason and case.plan_decision
    return ("begrundelse",) if case.draft and reason and case.text("begrundelse") is None else ()


def route_ctx(case: Case) -> dict:
    """Whom the Indstilling addresses, along the route the case passes (its decisions and planned meetings): the
    committees that treat it first – after a send-back those that resume it – recommend to Økonomiudvalget (when it
    treats the case) and the council; without committees Økonomiudvalget recommends to the council; else the
    administration recommends to the council directly."""
    planned = [m.organ for m in case.moeder]
    held = [b.organ for b in case.behandling]

    def committees(organs: list[str]) -> list[str]:
        names = [bodies.in_sentence(o) for o in organs]
        names = [n for n in names if not bodies.is_council(n, case.council) and not bodies.is_finance_committee(n)]
        return list(dict.fromkeys(names))

    if sent_back := _sent_back(case):
        last = sent_back[-1]
        udvalg = committees(held[last + 1 :] + planned) or committees(held[:last])
    else:
        udvalg = committees(held + planned)
    finance = [bodies.in_sentence(o) for o in held + planned if bodies.is_finance_committee(o)][:1]
    if not udvalg:
        udvalg, finance = finance, []
    return {"udvalg": d.join(udvalg), "videre": d.join([*finance, case.council])}


def meetings_ctx(case: Case) -> list[dict]:
    """The planned meetings not yet held (no decision recorded for that body on that date), in date order."""
    held = {(bodies.in_sentence(b.organ).casefold(), b.dato) for b in case.behandling}
    planned = sorted(
        (m for m in case.moeder if (bodies.in_sentence(m.organ).casefold(), m.dato) not in held), key=lambda m: m.dato
    )
    return [{"organ": bodies.in_sentence(m.organ), "dato": d.long_date(m.dato)} for m in planned]


def basis_ctx(cf: CaseFigures) -> dict:
    """What the § 79 b decision rests on, in neutral words: the year's rate, the areas above their own national
    rate and the largest change from the year before (of the general map and the three areas of Bilag 1), each
    rate on few cases with its caveat."""
    over, compared = [], 0
    for omraade in BILAG_AREAS:
        a = cf.area(omraade)[0]
        relative = relative_ctx(a.counts, a.landet) if a.counts else None
        if relative is None:
            continue
        compared += 1
        if relative["position"] == "over":
            assert a.counts is not None
            over.append(
                {
                    "navn": AREAS[omraade].in_sentence,
                    "rate": d.percent(f.omgoerelsesprocent(a.counts)),
                    "landet": relative["rate"],
                    "faa": few_ctx(a.counts),
                }
            )
    pairs = [(GENERAL, cf.previous, cf.current)] + [
        (o, before.counts, cf.area(o)[0].counts) for o in BILAG_AREAS if (before := year_before(cf.area(o)))
    ]
    changes = [
        (abs(ch.points_delta), omraade, ch, before, after)
        for omraade, before, after in pairs
        if before is not None and after is not None and (ch := f.change(before, after)).points_delta is not None
    ]
    largest = max(changes, key=lambda item: item[0], default=None)  # max keeps the first of equals
    stoerst = None
    if largest is not None and largest[0] > 0:
        _, omraade, ch, was, after = largest
        stoerst = {
            "navn": AREAS[omraade].in_sentence,
            "retning": ch.points_direction,
            "forskel": d.points(ch.points_delta or 0),
            "fra": d.percent(Fraction(ch.percent_before or 0, 100)),
            "til": d.percent(Fraction(ch.percent_after or 0, 100)),
            "faa_fra": few_ctx(was),
            "faa_til": few_ctx(after),
        }
    return {
        "faa": few_ctx(cf.current),
        "over": over,
        "ingen_over": compared == len(BILAG_AREAS) and not over,
        "stoerst": stoerst,
        "uaendret": bool(changes) and largest is not None and largest[0] == 0,
    }


def sagsfremstilling_ctx(inputs: Inputs, cf: CaseFigures) -> dict:
    """Everything the sagsfremstilling template receives, with the follow-up of last year's plan."""
    case = inputs.case
    return {
        "kommune": case.kommune,
        "officielt_navn": case.official_name,
        "aar": case.aar,
        "forrige_aar": case.aar - 1,
        "foerste_aar": case.aar == danmarkskort.FIRST_YEAR,
        "stk2": case.plan_decision,
        "periode": d.period(cf.years + cf.udeladte_aar),
        "flere_aar": len(cf.years) > 1,
        "udvikling": trend_ctx(cf.years, cf.tabel1[0].counts),
        "kompetence": case.council,
        "ministerium": case.ministry,
        "love": d.join(list(danmarkskort.laws(case.aar))),
        "boernehandicap_paragraffer": danmarkskort.boernehandicap_provisions(case.aar),
        "naevner": case.denominator.code,
        "n": counts_ctx(cf.current),
        "aendring": change_ctx(cf),
        "landet": relative_ctx(cf.current, cf.landet),
        "gruppe": group_ctx(cf),
        "har_omraader": all(cf.area(a)[0].counts is not None for a in BILAG_AREAS),
        "fordeling": split_ctx(cf),
        "handleplan": plan_ctx(case),
        "grundlag": basis_ctx(cf),
        "hoering": d.join(list(case.hoering)),
        "har_hoering": bool(case.hoering),
        "genoptagelse": resumed_ctx(case),
        "mangler": missing_ctx(case),
        "rute": route_ctx(case),
        "moeder": meetings_ctx(case),
        "har_beslutninger": bool(case.behandling),
        "klagesager": klagesager_ctx(case, cf),
        "tabel2": tabel2_ctx(cf),
        "kort": maps_ctx(cf, case.sammenligning),
        "opfoelgning": handleplan.follow_up_ctx(inputs, cf),
    }


def split_ctx(cf: CaseFigures) -> dict:
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
    """Tabel 2's totals, and how the year's decided appeals split into three parts that do not overlap: the
    realitetsbehandlede cases of the map's areas, the realitetsbehandlede cases of the areas outside the map, and
    every case that was rejected or referred (the "Afvist/henvist" total of Tabel 2)."""
    t2, inside, outside = cf.tabel2_total, cf.tabel2_danmarkskort, cf.tabel2_uden_for
    if t2 is None or inside is None or outside is None:
        return None
    uden_for, afvist = outside.realitetsbehandlede, t2.afvist_henvist
    rest = t2.afgjorte - cf.current.realitetsbehandlede
    parts = []
    if uden_for:
        examined = d.plural(uden_for, "realitetsbehandlet sag", "realitetsbehandlede sager")
        parts.append(f"{examined} fra områder uden for danmarkskortet")
    if afvist:
        parts.append(f"{d.sager(afvist)}, der blev afvist eller henvist")
    return {
        "afgjorte": d.sager(t2.afgjorte),
        "afgjorte_tal": d.count(t2.afgjorte),
        "i_kortet": d.count(cf.current.realitetsbehandlede),
        "rest": d.sager(rest) if rest > 0 else None,
        "rest_dele": d.join(parts)
        if rest > 0 and inside.realitetsbehandlede == cf.current.realitetsbehandlede
        else None,
        "dele": d.join(parts),
        "antal_omraader": len(cf.tabel2),
        "rate": d.percent(f.omgoerelsesprocent(t2)),
        "rate_alle": d.percent(f.omgoerelse_af_alle(t2)),
    }
