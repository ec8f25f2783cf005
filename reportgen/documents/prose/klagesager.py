"""The case-level records (klagesager) as sentence values, shared by the sagsfremstilling and Bilag 1; a count the
tables hide for discretion is left out of every sentence."""

from __future__ import annotations

from collections.abc import Callable

from reportgen.domain import danish as d
from reportgen.domain.areas import AREAS
from reportgen.figures import klagesager as ks
from reportgen.figures.case import CaseFigures
from reportgen.figures.discretion import Suppression
from reportgen.inputs.case import Case

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


def _reversed_paragraphs(year: ks.YearFigures, most: int = 3) -> dict | None:
    """What the reversed cases concerned: the (up to three) paragraphs with most of them (two or more), each with
    its count as Bilag 1's paragraph table shows it; a paragraph whose count is hidden there is not named. `alle`
    when they are every reversed case, so that "oftest" introduces only a strict subset."""
    shown = [
        (c.omgjorte, name, area)
        for area in year.covered
        for name, c in year.area(area).paragraffer
        if c.omgjorte > 1 and year.hidden.shown(("paragraf", area, name, "omgjort"))
    ]
    top = sorted(shown, key=lambda item: (-item[0], ks.natural(item[1])))[:most]
    if not top:
        return None
    return {
        "navne": d.join([f"{d.provision(name)} ({d.sager(n)})" for n, name, _ in top]),
        "alle": sum(n for n, _, _ in top) == year.area(ks.TOTAL).omgjorte,
    }


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
    """The most frequent paragraph(s) and their counts; of a single paragraph, only when its count is shown ("Sagen
    vedrørte …" tells that there is one case, "Alle sagerne vedrørte …" that there are more)."""
    if not a.paragraffer:
        return None
    most = a.paragraffer[0][1].afgjorte
    top = [(name, c) for name, c in a.paragraffer if c.afgjorte == most]
    if len(a.paragraffer) == 1:
        if shown(("paragraf", a.omraade, top[0][0], "sager"), "") is None:
            return None
        return {"alle": True, "navne": d.provision(top[0][0]), "flere": False, "sager": None, "omgjort": None}
    omgjort = top[0][1].omgjorte
    every = all(shown(("paragraf", a.omraade, name, "sager"), "") is not None for name, _ in top)
    return {
        "alle": False,
        "navne": d.join([d.provision(name) for name, _ in top]),
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
