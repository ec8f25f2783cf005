"""The short Danish summary `reportgen check` prints: the year's key figures in a few lines, and the look."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields

from reportgen.domain import danish as d
from reportgen.domain.areas import AREAS
from reportgen.domain.noegletal import STATUSES
from reportgen.figures import ranking
from reportgen.figures import rates as f
from reportgen.figures.case import CaseFigures
from reportgen.figures.klagesager import TOTAL
from reportgen.figures.plan import OUTCOMES
from reportgen.inputs.style import Look, Tokens


def summary_lines(cf: CaseFigures) -> list[str]:
    """Lines describing the danmarkskort year, the change, the national and group comparison and Tabel 2."""
    c = cf.current
    lines = [
        f"{cf.kommune} {cf.aar} – danmarkskortet for socialområdet generelt",
        f"  Realitetsbehandlede sager: {d.sager(c.realitetsbehandlede)}: {d.count(c.stadfaestet)} stadfæstet, "
        f"{d.count(c.aendret_ophaevet)} ændret/ophævet, {d.count(c.hjemvist)} hjemvist "
        f"({d.count(c.afvist_henvist)} afvist/henvist tæller ikke med)",
        f"  Omgørelsesprocent: {d.percent(f.omgoerelsesprocent(c))} "
        f"({d.count(c.omgjorte)} af {d.count(c.realitetsbehandlede)})",
    ]
    change = cf.change
    if change and cf.previous:
        points = "" if change.points_delta is None else f", {d.points(change.points_delta)} ({change.points_direction})"
        lines.append(
            f"  {cf.aar - 1}: {d.percent(f.omgoerelsesprocent(cf.previous))} "
            f"({d.sager(cf.previous.realitetsbehandlede)}) – {d.sager(abs(change.cases_delta))} "
            f"({change.cases_direction}){points}"
        )
    else:
        lines.append(f"  {cf.aar - 1}: ingen tal")
    lines.append("  Hele landet: " + (d.percent(f.omgoerelsesprocent(cf.landet)) if cf.landet else "ingen tal"))
    if cf.group:
        lines.append(
            f"  Sammenligningskommuner samlet: {d.percent(f.omgoerelsesprocent(cf.group.samlet))} "
            f"({d.join(list(cf.group.navne))})"
        )
    if cf.tabel2_total:
        t = cf.tabel2_total
        lines.append(
            f"  Tabel 2: {d.sager(t.afgjorte)} i {len(cf.tabel2)} forvaltningsområder, "
            f"{d.percent(f.omgoerelsesprocent(t))} omgjort af de realitetsbehandlede, "
            f"{d.percent(f.omgoerelse_af_alle(t))} af alle afgjorte"
        )
    lines += _map_lines(cf)
    lines += _klagesager_lines(cf)
    lines += _plan_lines(cf)
    return lines


def _map_lines(cf: CaseFigures) -> list[str]:
    """Where the municipality ranks on each map, or how many municipalities the data covers."""
    lines = []
    for mf in cf.kort:
        if not ranking.drawn(mf):
            continue
        area = AREAS[mf.omraade].label
        r = mf.placering
        if r is None:
            lines.append(f"  Kort, {area}: {mf.med_tal} af {mf.i_alt} kommuner har tal; ingen placering")
            continue
        shared = f", delt med {r.delt_med}" if r.delt_med else ""
        above = "" if mf.over_landet is None else f"; {d.plural(mf.over_landet, 'kommune', 'kommuner')} over landet"
        lines.append(f"  Kort, {area}: nr. {r.plads} af {r.antal}{shared} (kvartil {r.kvartil}){above}")
    return lines


def _klagesager_lines(cf: CaseFigures) -> list[str]:
    """The case-level records' headline for the year, with exact counts (check is for the administration)."""
    records = cf.klagesager
    year = records.year(cf.aar) if records else None
    if records is None or year is None:
        return []
    a = year.area(TOTAL)
    line = (
        f"  Klagesager ({records.file}): {d.sager(a.counts.afgjorte)} fra {d.borgere(a.borgere)}, "
        f"{d.count(a.omgjorte)} omgjort"
    )
    if a.gentagere:
        line += f"; {d.borgere(a.gentagere)} med mere end én sag ({d.sager(a.gentager_sager)})"
    if a.delvist_hjemvist:
        line += f"; {d.count(a.delvist_hjemvist)} delvist hjemvist"
    return [line]


def look_line(look: Look) -> str | None:
    """What a case's style folder brings, for `reportgen check`; None without a style folder."""
    if look.folder is None:
        return None
    parts = []
    if look.reference_docx is not None:
        parts.append("Word-skabelon")
    if look.logo is not None:
        parts.append("logo (PNG og SVG)" if look.logo.svg is not None else "logo (PNG)")
    if look.fonts:
        parts.append(d.plural(len(look.fonts), "skriftfil", "skriftfiler"))
    tokens = [f.name for f in fields(Tokens) if getattr(look.tokens, f.name) is not None]
    if tokens:
        parts.append(f"stil.toml: {', '.join(tokens)}")
    return f"  Stilmappe {look.folder.name}: {'; '.join(parts) or 'tom – reportgens eget udseende'}"


OUTCOME_WORDS = {"naaet": "nået", "ikke-naaet": "ikke nået", "kan-ikke-opgoeres": "kan ikke opgøres"}


def _plan_lines(cf: CaseFigures) -> list[str]:
    """This year's plan (Bilag 2) and the verdicts on last year's, in one line each."""
    pf = cf.plan
    if pf is None:
        return []
    lines = []
    if pf.plan is not None:
        statuses = Counter(i.status for i in pf.plan.indsatser)
        lines.append(
            f"  Handleplan ({pf.plan.file}): {d.plural(len(pf.plan.maal), 'mål', 'mål')}, "
            f"{d.plural(len(pf.plan.indsatser), 'indsats', 'indsatser')} "
            f"({', '.join(f'{statuses[s]} {s}' for s in STATUSES if statuses[s])})"
        )
    fu = pf.follow_up
    if fu is not None:
        verdicts = fu.outcome_counts()
        lines.append(
            f"  Opfølgning på handleplanen for {fu.plan.aar} ({fu.plan.file}): "
            + (", ".join(f"{verdicts[o]} {OUTCOME_WORDS[o]}" for o in OUTCOMES if verdicts[o]) or "ingen mål")
            + "; indsatser: "
            + ", ".join(f"{n} {s}" for s, n in fu.status_counts().items() if n)
        )
    return lines
