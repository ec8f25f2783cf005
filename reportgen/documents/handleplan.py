"""The action plan in the documents: Bilag 2's template values and tables, and the sagsfremstilling's follow-up of
last year's plan ("Opfølgning på handleplanen"). Every value arrives computed (figures/plan.py) and leaves formatted.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

from reportgen.documents import tables
from reportgen.documents.model import Table, label_and_numbers
from reportgen.domain import danish as d
from reportgen.domain.areas import AREAS, BILAG_AREAS, GENERAL
from reportgen.domain.counts import Counts, whole_percent
from reportgen.domain.noegletal import KEY_FIGURES, STATUSES, KeyFigure
from reportgen.figures import klagesager as ks
from reportgen.figures import rates as f
from reportgen.figures.case import CaseFigures
from reportgen.figures.discretion import Suppression
from reportgen.figures.plan import FollowUp, InitiativeStatus, Measurement, Missing, Outcome, PlanFigures, Value
from reportgen.inputs import Inputs
from reportgen.inputs.plan import Indsats, Maal, Plan

OUTCOME_LABELS: dict[Outcome, str] = {
    "naaet": "Nået",
    "ikke-naaet": "Ikke nået",
    "kan-ikke-opgoeres": "Kan ikke opgøres",
}


# --- values ----------------------------------------------------------------------------------------------------


def scope_label(m: Maal) -> str:
    """The target's area or forvaltningsområde as a table cell."""
    return AREAS[m.omraade].label if m.omraade else f"{m.forvaltningsomraade} (forvaltningsområde)"


def scope_in_sentence(m: Maal) -> str:
    """The target's area or forvaltningsområde inside a sentence."""
    return AREAS[m.omraade].in_sentence if m.omraade else f"forvaltningsområdet {m.forvaltningsomraade}"


def _amount(x: Fraction, figure: KeyFigure) -> str:
    """A figure's amount: "52 %", "4,5 %" or "40 sager"."""
    if figure.unit == "antal":
        return d.sager(int(x))
    return f"{d.decimal(x, figure.decimals)}{d.NBSP}%"


def value_text(v: Value, figure: KeyFigure) -> str:
    """A value in a sentence: "52 % (31 af 60)", "60 sager"; "–" without a value."""
    if v.shown is None:
        return d.DASH
    if figure.unit == "antal" or v.numerator is None or v.denominator is None:
        return _amount(v.shown, figure)
    nb = d.NBSP  # the value and its counts stay on one line in a table cell
    return f"{_amount(v.shown, figure)}{nb}({d.count(v.numerator)}{nb}af{nb}{d.count(v.denominator)})"


def target_text(m: Maal) -> str:
    """The demand of a target as a table cell: "≤ 50 %", "under landsplan"."""
    if m.comparison.national or m.target is None:
        return "under landsplan"
    return f"{m.comparison.sign} {_amount(m.target, KEY_FIGURES[m.noegletal])}"


def target_sentence(m: Maal) -> str:
    """The target as a sentence: "Omgørelsesprocenten på socialområdet generelt skal være højst 50 % i 2025"."""
    figure = KEY_FIGURES[m.noegletal]
    demand = "ligge under landsplan" if m.target is None else f"være {m.comparison.words} {_amount(m.target, figure)}"
    text = f"{figure.in_sentence} på {scope_in_sentence(m)} skal {demand} i danmarkskortet for {m.aar}"
    return text[0].upper() + text[1:]


def change_text(m: Measurement) -> str:
    """The change since the plan's year as a table cell: "+19" (percentage points), "−3 sager", "0"; "–" without."""
    delta = m.change
    if delta is None:
        return d.DASH
    if m.figure.unit == "antal":
        return f"{d.signed(delta)} {'sag' if abs(delta) == 1 else 'sager'}"
    return d.signed(delta, m.figure.decimals)


def outcome_text(m: Measurement) -> str:
    """The verdict as a table cell; provisional when the target's year is still to come."""
    label = OUTCOME_LABELS[m.outcome]
    if m.outcome != "kan-ikke-opgoeres" and not m.due:
        return f"{label} foreløbig (målet gælder {m.maal.aar})"
    return label


def missing_sentence(m: Measurement) -> str:
    """Why a target cannot be measured, as a clause after "fordi"."""
    scope, aar = scope_in_sentence(m.maal), m.value.aar
    words: dict[Missing, str] = {
        "ingen-tal": f"udtrækket ikke har tal for {scope} i {aar}",
        "ingen-sager": f"Ankestyrelsen ikke realitetsbehandlede nogen sager på {scope} i {aar}",
        "ingen-tabel2": "sagen ikke har en opgørelse af klagesagerne på forvaltningsområder (Tabel 2)",
        "ikke-i-tabel2": f"{scope} ikke findes i Tabel 2 for {aar}",
        "ingen-afgoerelser": f"antallet af afgørelser i alt på {scope} ikke er oplyst for {aar}",
        "intet-landstal": f"udtrækket ikke har et landstal for {scope} i {aar}",
    }
    missing = m.missing
    assert missing is not None
    return words[missing]


def _landet_suffix(m: Measurement) -> str:
    """ ", landsplan 52 %" for a target compared with the national rate (after the value's own parenthesis)."""
    if m.landet is None or m.landet.shown is None:
        return ""
    return f", landsplan {_amount(m.landet.shown, m.figure)}"


def _number_word(n: int, neuter: bool = False) -> str:
    """A small number that is not a statistic, in words: 3 → "tre", 1 → "én" (or "ét")."""
    words = ("ingen", "ét" if neuter else "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti")
    return words[n] if 0 <= n < len(words) else d.count(n)


def _counted(n: int, singular: str, plural: str) -> str:
    """A small count of things that are not statistics, in words: "tre mål", "ét mål", "én indsats"."""
    return f"{_number_word(n, neuter=singular == 'mål')} {singular if n == 1 else plural}"


def status_summary(counts: dict[str, int]) -> str:
    """ "to gennemført, to igangsat og én udskudt" (initiatives, counted in words like the plan's other small
    counts) in the order of STATUSES, leaving out zeros."""
    return d.join([f"{d.in_words(counts[s])} {s}" for s in STATUSES if counts.get(s)])


# --- Bilag 2 ---------------------------------------------------------------------------------------------------


def plan_ctx(inputs: Inputs, cf: CaseFigures) -> dict:
    """Everything the Bilag 2 template receives."""
    pf = cf.plan
    assert pf is not None and pf.plan is not None
    plan = pf.plan
    return {
        "officielt_navn": inputs.case.official_name,
        "aar": cf.aar,
        "naeste_aar": cf.aar + 1,
        "kompetence": inputs.case.council,
        "viderefoerer": inputs.case.handleplan.recommendation.continues,
        "stk2": inputs.case.plan_decision,
        "har_indledning": bool(plan.indledning),
        "udgangspunkt": baseline_ctx(inputs, cf),
        "antal_maal": _counted(len(plan.maal), "mål", "mål"),
        "antal_indsatser": _counted(len(plan.indsatser), "indsats", "indsatser"),
        "maal": [
            {"id": m.maal.id, "tekst": target_sentence(m.maal), "siden": since}
            for m, since in zip(pf.targets, pf.target_since, strict=True)
        ],
        "har_maal": bool(plan.maal),
        "indsatser": [initiative_ctx(i, since) for i, since in zip(plan.indsatser, pf.initiative_since, strict=True)],
        "opfoelgning": [
            {"dato": d.long_date(o.dato), "organ": o.organ, "indhold": o.indhold} for o in plan.opfoelgning
        ],
        "forrige": None if pf.follow_up is None else carried_ctx(pf, pf.follow_up),
    }


def initiative_ctx(ind: Indsats, since: int | None) -> dict:
    """One initiative as template values."""
    return {
        "titel": ind.titel,
        "beskrivelse": ind.beskrivelse,
        "ansvarlig": ind.ansvarlig,
        "start": d.long_date(ind.start),
        "frist": d.long_date(ind.frist),
        "sigter": _serves(ind),
        "status": ind.status,
        "statusnote": sentence(ind.statusnote),
        "siden": since,
    }


def _serves(ind: Indsats) -> str:
    """ "målene M1 og M2 og temaet kompetenceudvikling", from the initiative's targets and theme."""
    parts = []
    if ind.maal:
        parts.append(("mål " if len(ind.maal) == 1 else "målene ") + d.join(list(ind.maal)))
    if ind.tema:
        parts.append(f"temaet {ind.tema}")
    return d.join(parts)


def _serves_cell(ind: Indsats) -> str:
    """ "M1, M2; kompetenceudvikling" for the initiatives table."""
    return "; ".join(p for p in (", ".join(ind.maal), ind.tema or "") if p)


def sentence(text: str | None) -> str | None:
    """A note as a sentence of its own: stripped, first letter capital, ending in a full stop."""
    if not text or not text.strip():
        return None
    text = " ".join(text.split())
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _definitions(targets: tuple[Measurement, ...]) -> str:
    """What the key figures in a table of targets are, in the order they first appear."""
    figures = dict.fromkeys(m.figure for m in targets)
    return " ".join(f"{k.label}: {k.definition}." for k in figures)


def carried_ctx(pf: PlanFigures, fu: FollowUp) -> dict:
    """Where last year's plan ended: which of its initiatives this plan holds (with their status now), which it does
    not, and how many are new."""
    held = [s for s in fu.initiatives if s.updated]
    left = [s for s in fu.initiatives if not s.updated]
    new = sum(1 for since in pf.initiative_since if since is None)
    return {
        "aar": fu.plan.aar,
        "antal": _counted(len(fu.initiatives), "indsats", "indsatser"),
        "alle": not left,
        "ingen": not held,
        "med": _number_word(len(held)),
        "med_status": status_summary(Counter(s.status for s in held)),
        "uden": [{"titel": s.indsats.titel, "status": s.status, "statusnote": sentence(s.note)} for s in left],
        "nye": new,
        "nye_tekst": _counted(new, "ny indsats", "nye indsatser"),
        "maal_resultat": outcome_summary(fu),
        "har_maal": bool(fu.targets),
    }


def outcome_summary(fu: FollowUp) -> str:
    """ "to nået og ét ikke nået" for the targets ("mål", counted in words) of last year's plan that could be
    measured ("" when none)."""
    n = fu.outcome_counts()
    words: dict[Outcome, str] = {"naaet": "nået", "ikke-naaet": "ikke nået"}
    return d.join([f"{d.in_words(n[o], neuter=True)} {w}" for o, w in words.items() if n[o]])


def _shown_rate(c: Counts | None) -> int | None:
    rate = f.omgoerelsesprocent(c) if c else None
    return None if rate is None else whole_percent(rate)


def _area_rows(cf: CaseFigures) -> list[tuple[str, Counts | None, Counts | None, Counts | None]]:
    """Socialområdet generelt and the Bilag 1 areas: (area, this year, last year, national this year)."""
    rows: list[tuple[str, Counts | None, Counts | None, Counts | None]] = [
        (GENERAL, cf.current, cf.previous, cf.landet)
    ]
    for a in BILAG_AREAS:
        years = cf.area(a)
        rows.append((a, years[0].counts, years[1].counts if len(years) > 1 else None, years[0].landet))
    return rows


def baseline_ctx(inputs: Inputs, cf: CaseFigures) -> dict:
    """What the plan starts from: the general rate against the national, the areas above it and rising, and the most
    frequent reasons and paragraphs where case-level data exists."""
    over, rising = [], []
    for area, now, before, landet in _area_rows(cf):
        own, national = _shown_rate(now), _shown_rate(landet)
        if area != GENERAL and own is not None and national is not None and own > national:
            over.append(f"{AREAS[area].in_sentence} ({d.count(own)}{d.NBSP}% mod {d.count(national)}{d.NBSP}%)")
        earlier = _shown_rate(before)
        if area != GENERAL and own is not None and earlier is not None and own > earlier:
            rising.append(AREAS[area].in_sentence)
    records = cf.klagesager.year(cf.aar) if cf.klagesager else None
    reason = None
    if records is not None:
        reason = _top_reason(records.area(ks.TOTAL), records.hidden)
    c = cf.current
    return {
        "realitet": d.sager(c.realitetsbehandlede),
        "rate": d.percent(f.omgoerelsesprocent(c)),
        "har_rate": f.omgoerelsesprocent(c) is not None,
        "landet": d.percent(f.omgoerelsesprocent(cf.landet)) if cf.landet else None,
        "over": d.join(over),
        "steg": d.join(rising),
        "forrige_aar": cf.aar - 1,
        "klagesager": records is not None,
        **_record_tables(cf, inputs),
        "aarsag": reason,
    }


def _record_tables(cf: CaseFigures, inputs: Inputs) -> dict:
    """Which of Bilag 2's tables from the records are shown ("tabeller") and which discretion leaves out
    ("skjulte": every row would be hidden), as the words the text names them with."""
    year = cf.klagesager.year(cf.aar) if cf.klagesager else None
    if year is None or year.area(ks.TOTAL).omgjorte == 0:
        return {"tabeller": [], "skjulte": []}
    tables_ = (
        ("årsagerne til omgørelse", reasons_table(cf, inputs)),
        ("paragrafferne med flest omgjorte sager", paragraphs_table(cf, inputs)),
    )
    return {
        "tabeller": [what for what, table in tables_ if table is not None],
        "skjulte": [what for what, table in tables_ if table is None],
    }


def _top_reason(a: ks.AreaFigures, hidden: Suppression) -> dict | None:
    """The most frequent registered reason for reversal, with its count unless diskretion hides it."""
    given = [(reason, n) for reason, n in a.aarsager if reason != ks.NOT_GIVEN]
    if not given or a.omgjorte == 0:
        return None
    reason, n = given[0]
    tied = sum(1 for _, m in given if m == n) > 1
    shown = hidden.shown(("aarsag", ks.TOTAL, reason)) and hidden.shown(("aarsag", ks.TOTAL, ks.TOTAL))
    return {
        "navn": reason[0].lower() + reason[1:] if len(reason) > 1 and reason[1].islower() else reason,
        "antal": d.count(n) if shown else None,
        "omgjorte": d.count(a.omgjorte),
        "delt": tied,
    }


def baseline_table(cf: CaseFigures, inputs: Inputs) -> Table:
    """Bilag 2: the rate per area last year and this year, the change, and the national rate."""
    header = ("Område", str(cf.aar - 1), str(cf.aar), "Ændring", f"Hele landet {cf.aar}")
    rows = []
    for area, now, before, landet in _area_rows(cf):
        own, earlier = _shown_rate(now), _shown_rate(before)
        change = d.DASH if own is None or earlier is None else d.signed(own - earlier)
        rows.append(
            (
                AREAS[area].label,
                d.rate_cell(
                    f.omgoerelsesprocent(before) if before else None, before.realitetsbehandlede if before else None
                ),
                d.rate_cell(f.omgoerelsesprocent(now) if now else None, now.realitetsbehandlede if now else None),
                change,
                d.percent(f.omgoerelsesprocent(landet)) if landet else d.DASH,
            )
        )
    keys = [
        (k, y, a)
        for k in (cf.kommune, "Hele landet")
        for y in (cf.aar - 1, cf.aar)
        for a in ("socialomraadet", "boernehandicap", "voksenhandicap")
    ]
    kilder = [r.kilde for key in keys if (r := inputs.statistik.get(*key)) is not None]
    return Table(
        caption=f"Omgørelsesprocent pr. område {cf.aar - 1}–{cf.aar} og på landsplan",
        header=header,
        rows=tuple(rows),
        align=label_and_numbers(len(header) - 1),
        source=tables.source_line(kilder, tables.statistics_source(inputs.statistik)),
        notes=(
            "Procent (antal realitetsbehandlede sager). Ændringen er i procentpoint mellem de viste procenter. "
            "Øvrige er socialområdet generelt fratrukket børne- og voksenhandicapområdet.",
        ),
    )


def _records_label(year: ks.YearFigures) -> str:
    """The areas case-level records of a year cover: "Alle områder", or the covered areas by name."""
    if year.complete:
        return "Alle områder"
    return d.upper_first(d.join([AREAS[area].in_sentence for area in year.covered]))


def reasons_table(cf: CaseFigures, inputs: Inputs) -> Table | None:
    """Bilag 2: the reasons for reversal in all areas, from the case-level records (as Bilag 1 shows them per area)."""
    records = cf.klagesager
    year = records.year(cf.aar) if records else None
    if records is None or year is None or year.area(ks.TOTAL).omgjorte == 0:
        return None
    if not any(year.hidden.shown(("aarsag", ks.TOTAL, reason)) for reason, _ in year.area(ks.TOTAL).aarsager):
        return None  # discretion hides every reason: a table of "x" tells the reader nothing
    return tables.klagesager_reasons(year.area(ks.TOTAL), year.hidden, _records_label(year), inputs.case.diskretion)


def paragraphs_table(cf: CaseFigures, inputs: Inputs) -> Table | None:
    """Bilag 2: the paragraphs with the most reversed cases, from the case-level records."""
    records = cf.klagesager
    year = records.year(cf.aar) if records else None
    if records is None or year is None:
        return None
    top = ks.top_paragraphs(year)
    if not any(year.hidden.shown(("paragraf", ks.TOTAL, name, "sager")) for name, _ in top):
        return None  # no paragraphs, or discretion hides every one
    cell = tables.CaseCounts(year.hidden, inputs.case.diskretion)
    rows = tuple(
        (
            d.upper_first(d.provision(name)),
            cell(("paragraf", ks.TOTAL, name, "sager"), c.afgjorte),
            cell(("paragraf", ks.TOTAL, name, "omgjort"), c.omgjorte),
        )
        for name, c in top
    )
    where = "alle områder" if year.complete else d.join([AREAS[area].in_sentence for area in year.covered])
    return Table(
        caption=f"Paragraffer med flest omgjorte sager, {cf.aar}",
        header=("Paragraf", "Sager", "Heraf omgjort"),
        rows=rows,
        align=("left", "right", "right"),
        source=tables.RECORDS_SOURCE,
        notes=cell.notes(f"De {_counted(len(top), 'paragraf', 'paragraffer')} med flest omgjorte sager, {where}."),
    )


def plan_name(plan: Plan) -> str:
    """A plan as the reader knows it, by the map year it was made on: "handleplanen for 2024" (never its file)."""
    return f"handleplanen for {plan.aar}"


def _plan_source(plan: Plan, inputs: Inputs, targets: tuple[Measurement, ...]) -> str:
    """The source of a table of targets: the plan and the data its values are computed from, as the reader knows
    them, and the `kilde` texts of the figures as written."""
    data = [tables.STATISTICS]
    if inputs.forvaltning and any(m.maal.forvaltningsomraade for m in targets):
        data.append(d.lower_first(tables.FORVALTNING_SOURCE))
    kilder = [m.baseline.kilde for m in targets if m.baseline and m.baseline.kilde]
    computed = f"{plan_name(plan)}; værdierne er beregnet af {d.join(data)}."
    return tables.source_line([computed, *kilder], computed)


def targets_table(pf: PlanFigures, inputs: Inputs, aar: int) -> Table:
    """Bilag 2: the plan's targets with each target's value in the danmarkskort year."""
    assert pf.plan is not None
    carried = any(pf.target_since)
    header = ["Mål", "Målsætning", f"Værdi {aar}"]
    if carried:
        header.append("I planen siden")
    rows = []
    for m, since in zip(pf.targets, pf.target_since, strict=True):
        row = [
            f"{m.maal.id}: {m.figure.label}, {scope_in_sentence(m.maal)}",
            f"{target_text(m.maal)} i {m.maal.aar}",
            value_text(m.value, m.figure) + _landet_suffix(m),
        ]
        if carried:
            row.append(str(since) if since else "ny")
        rows.append(tuple(row))
    notes = [
        _definitions(pf.targets),
        "Procenter er afrundet halvt op og vises med tæller og nævner; et mål bedømmes på den viste værdi.",
    ]
    if carried:
        notes.append("I planen siden: det første år, målet har været i handleplanen; ny: nyt i år.")
    return Table(
        caption=f"Handleplanens mål og deres værdi i {aar}",
        header=tuple(header),
        rows=tuple(rows),
        align=("left", "left", "right", *(("right",) if carried else ())),
        source=_plan_source(pf.plan, inputs, pf.targets),
        notes=tuple(notes),
    )


def initiatives_table(pf: PlanFigures) -> Table:
    """Bilag 2: the initiatives at a glance; those carried over say since when."""
    plan = pf.plan
    assert plan is not None
    rows = tuple(
        (
            ind.titel + (f" (i planen siden {since})" if since else ""),
            _serves_cell(ind),
            ind.ansvarlig,
            d.long_date(ind.frist),
            ind.status,
        )
        for ind, since in zip(plan.indsatser, pf.initiative_since, strict=True)
    )
    return Table(
        caption="Handleplanens indsatser",
        header=("Indsats", "Mål/tema", "Ansvarlig", "Frist", "Status"),
        rows=rows,
        align=("left", "left", "left", "left", "left"),
        source=f"{plan_name(plan)}.",
    )


# --- the follow-up in the sagsfremstilling ----------------------------------------------------------------------


def follow_up_ctx(inputs: Inputs, cf: CaseFigures) -> dict | None:
    """The sagsfremstilling's "Opfølgning på handleplanen" values, or None without last year's plan."""
    fu = cf.plan.follow_up if cf.plan else None
    if fu is None:
        return None
    n = fu.outcome_counts()
    provisional = [m for m in fu.targets if not m.due and m.outcome != "kan-ikke-opgoeres"]
    stale = fu.stale()
    return {
        "aar": fu.aar,
        "plan_aar": fu.plan.aar,
        "antal_maal": _counted(len(fu.targets), "mål", "mål"),
        "antal_indsatser": _counted(len(fu.initiatives), "indsats", "indsatser"),
        "har_maal": bool(fu.targets),
        "maal_resultat": outcome_summary(fu),
        "kan_ikke_antal": d.in_words(n["kan-ikke-opgoeres"], neuter=True) if n["kan-ikke-opgoeres"] else None,
        "alle_kan_ikke": n["kan-ikke-opgoeres"] == len(fu.targets),
        "foreloebige": d.join([m.maal.id for m in provisional]),
        "en_foreloebig": len(provisional) == 1,
        "kan_ikke": [{"id": m.maal.id, "grund": missing_sentence(m)} for m in fu.targets if m.missing],
        "status": status_summary(fu.status_counts()),
        "opdateret": fu.status_source is not None,
        "ikke_opdateret": d.join([d.quoted(s.indsats.titel) for s in stale]),
        "en_ikke_opdateret": len(stale) == 1,
        "alle_ikke_opdateret": not any(s.updated for s in fu.initiatives),
        "bilag2": inputs.case.handleplan.recommendation.plan and inputs.plan is not None,
    }


def follow_up_targets_table(fu: FollowUp, inputs: Inputs) -> Table:
    """The follow-up: each target of last year's plan in the plan's year and now, the change and the verdict."""
    header = ("Mål", str(fu.plan.aar), str(fu.aar), "Ændring", "Resultat")
    rows = tuple(
        (
            f"{m.maal.id}: {m.figure.label} på {scope_in_sentence(m.maal)} {target_text(m.maal)} i {m.maal.aar}",
            value_text(m.baseline, m.figure) if m.baseline else d.DASH,
            value_text(m.value, m.figure) + _landet_suffix(m),
            change_text(m),
            outcome_text(m),
        )
        for m in fu.targets
    )
    return Table(
        caption=f"Målene i handleplanen for {fu.plan.aar} opgjort med tallene for {fu.aar}",
        header=header,
        rows=rows,
        align=("left", "right", "right", "right", "left"),
        source=_plan_source(fu.plan, inputs, fu.targets),
        notes=(
            _definitions(fu.targets),
            "Ændringen er i procentpoint mellem de viste procenter (for antal: i sager). Et mål bedømmes på den viste "
            "(afrundede) værdi; foreløbig betyder, at målet gælder et senere danmarkskort.",
        ),
    )


def follow_up_initiatives_table(fu: FollowUp) -> Table:
    """The follow-up: each initiative of last year's plan with its status now, its deadline and the status note."""

    def status(s: InitiativeStatus) -> str:
        text = s.status if s.updated else f"{s.status} (som i {fu.plan.aar})"
        return f"{text}, frist {d.long_date((s.current or s.indsats).frist)}"

    source = plan_name(fu.plan)
    if fu.status_source:
        source += f" og årets status i handleplanen for {fu.aar}"
    return Table(
        caption=f"Indsatserne i handleplanen for {fu.plan.aar} og deres status",
        header=("Indsats", "Status", "Bemærkning"),
        rows=tuple((s.indsats.titel, status(s), sentence(s.note) or "") for s in fu.initiatives),
        align=("left", "left", "left"),
        source=source + ".",
    )
