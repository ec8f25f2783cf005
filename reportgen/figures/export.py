"""`reportgen figures`: every computed figure of a case as JSON with a stable, documented schema."""

from __future__ import annotations

from dataclasses import asdict
from fractions import Fraction
from typing import overload

from reportgen.domain.areas import BILAG_AREAS
from reportgen.domain.counts import Counts, whole_percent
from reportgen.figures import klagesager as ks
from reportgen.figures import plan as p
from reportgen.figures import ranking
from reportgen.figures import rates as f
from reportgen.figures.case import CaseFigures
from reportgen.inputs import Inputs
from reportgen.inputs.plan import Indsats, Maal

SCHEMA_VERSION = 1


def rate_json(numerator: int, denominator: int) -> dict:
    """A rate as JSON: the counts it is made of, the shown whole percentage (half up) and the exact value."""
    s = f.share(numerator, denominator)
    return {
        "taeller": numerator,
        "naevner": denominator,
        "procent": None if s is None else whole_percent(s),
        "eksakt": None if s is None else float(s * 100),
    }


@overload
def counts_json(c: Counts, source: tuple[str, tuple[int, ...]] | None = None) -> dict: ...
@overload
def counts_json(c: None, source: tuple[str, tuple[int, ...]] | None = None) -> None: ...
@overload
def counts_json(c: Counts | None, source: tuple[str, tuple[int, ...]] | None = None) -> dict | None: ...
def counts_json(c: Counts | None, source: tuple[str, tuple[int, ...]] | None = None) -> dict | None:
    """Counts with their derived figures, and the file and rows they were read from."""
    if c is None:
        return None
    out = {
        "stadfaestet": c.stadfaestet,
        "aendret_ophaevet": c.aendret_ophaevet,
        "hjemvist": c.hjemvist,
        "afvist_henvist": c.afvist_henvist,
        "realitetsbehandlede": c.realitetsbehandlede,
        "omgjorte": c.omgjorte,
        "afgjorte": c.afgjorte,
        "omgoerelsesprocent": rate_json(c.omgjorte, c.realitetsbehandlede),
        "aendret_andel": rate_json(c.aendret_ophaevet, c.realitetsbehandlede),
        "hjemvist_andel": rate_json(c.hjemvist, c.realitetsbehandlede),
    }
    if source:
        out["kilde"] = {"fil": source[0], "raekker": list(source[1])}
    return out


def to_json(cf: CaseFigures, inputs: Inputs) -> dict:
    """The whole figure set as a JSON-ready dict (schema: docs/figurer.md)."""
    stats = inputs.statistik

    def src(kommune: str, aar: int, omraade: str = "socialomraadet"):
        record = stats.get(kommune, aar, omraade)
        return (stats.file, record.rows) if record else None

    change = cf.change
    out = {
        "schema": SCHEMA_VERSION,
        "kommune": cf.kommune,
        "aar": cf.aar,
        "aar_i_tabel1": list(cf.years),
        "udeladte_aar": list(cf.udeladte_aar),
        "udeladte_kommuner": list(cf.udeladte_kommuner),
        "danmarkskort": counts_json(cf.current, src(cf.kommune, cf.aar)),
        "forrige_aar": counts_json(cf.previous, src(cf.kommune, cf.aar - 1)),
        "aendring": None
        if change is None
        else {
            "sager": change.cases_delta,
            "sager_retning": change.cases_direction,
            "procentpoint": change.points_delta,
            "procentpoint_retning": change.points_direction,
        },
        "hele_landet": counts_json(cf.landet, src("Hele landet", cf.aar)),
        "tabel1": [
            {
                "navn": r.navn,
                "rolle": r.rolle,
                "aar": {str(y): counts_json(c, src(r.navn, y)) for y, c in zip(cf.years, r.counts, strict=True)},
            }
            for r in cf.tabel1
        ],
        "sammenligning": None
        if cf.group is None
        else {
            "kommuner": list(cf.group.navne),
            "mangler": list(cf.group.mangler),
            "samlet": counts_json(cf.group.samlet),
            "hoejere": cf.group.hoejere,
            "lavere": cf.group.lavere,
            "stigning": cf.group.stigning,
            "fald": cf.group.fald,
            "med_forrige_aar": cf.group.med_forrige,
        },
        "omraader": {
            omraade: [_area_json(a, src(cf.kommune, a.aar, omraade)) for a in cf.area(omraade)]
            for omraade in BILAG_AREAS
        },
        "tabel2": None if not cf.tabel2 else _tabel2_json(cf, inputs),
        "kilder": list(cf.kilder),
        "klagesager": None if cf.klagesager is None else _klagesager_json(cf.klagesager, inputs.case.diskretion),
        "kort": {mf.omraade: _map_json(mf, inputs.landstal.file) for mf in cf.kort},
        "handleplan": None if cf.plan is None or cf.plan.plan is None else _plan_json(cf.plan),
        "opfoelgning_paa_handleplan": None
        if cf.plan is None or cf.plan.follow_up is None
        else _follow_up_json(cf.plan.follow_up),
        "advarsler": [str(w) for w in cf.warnings],
    }
    return out


def _area_json(a, source) -> dict:
    """One Bilag 1 area-year, with the share of all first-instance decisions where known."""
    out = {
        "aar": a.aar,
        "kommune": counts_json(a.counts, source if a.omraade != "oevrige" else None),
        "hele_landet": counts_json(a.landet),
        "afgoerelser_i_alt": a.afgoerelser_i_alt,
        "paaklaget_andel": None,
        "omgjort_andel_af_alle_afgoerelser": None,
        "procentpoint_pr_sag": None,
        "faa_sager": False,
    }
    if a.counts is not None:
        per_case = f.points_per_case(a.counts)
        out["procentpoint_pr_sag"] = None if per_case is None else float(per_case)
        out["faa_sager"] = f.is_fragile(a.counts)
        if a.afgoerelser_i_alt:
            out["paaklaget_andel"] = rate_json(a.counts.afgjorte, a.afgoerelser_i_alt)
            out["omgjort_andel_af_alle_afgoerelser"] = rate_json(a.counts.omgjorte, a.afgoerelser_i_alt)
    return out


def _tabel2_json(cf: CaseFigures, inputs: Inputs) -> dict:
    """Tabel 2 with both denominators per row and for "I alt"."""

    def row(navn: str, c: Counts, flag: bool | None) -> dict:
        return {
            "forvaltningsomraade": navn,
            "i_danmarkskort": flag,
            **counts_json(c),
            "omgjort_af_afgjorte": rate_json(c.omgjorte, c.afgjorte),
        }

    assert inputs.forvaltning is not None and cf.tabel2_total is not None
    return {
        "fil": inputs.forvaltning.file,
        "raekker": [row(r.navn, r.counts, r.i_danmarkskort) for r in cf.tabel2],
        "i_alt": row("I alt", cf.tabel2_total, None),
        "i_danmarkskort": counts_json(cf.tabel2_danmarkskort),
    }


def _map_json(mf: ranking.MapFigures, file: str) -> dict:
    """One danmarkskort: every municipality's shown rate, the classes and, with full coverage, the rank."""
    own = mf.procent(mf.kommune)
    r = mf.placering
    return {
        "fil": file,
        "tegnes": ranking.drawn(mf),
        "kommuner_i_alt": mf.i_alt,
        "kommuner_med_tal": mf.med_tal,
        "mangler": list(mf.mangler),
        "uden_sager": list(mf.uden_procent()),
        "klassegraenser": list(ranking.BREAKS),
        "klasser": [
            {"fra": low, "til": high, "kommuner": n}
            for (low, high), n in zip(map(ranking.class_bounds, range(ranking.CLASSES)), mf.klasse_antal(), strict=True)
        ],
        "hele_landet_procent": mf.landet,
        "kommune": {"procent": own, "klasse": ranking.rate_class(own)},
        "placering": None if r is None else asdict(r),
        "over_landsgennemsnittet": mf.over_landet,
        "procenter": dict(mf.procenter),
    }


def _klagesager_json(k: ks.KlagesagerFigures, diskretion: int | None) -> dict:
    """The case-level figures per year (newest first) and area, exact (diskretion applies to the documents only)."""
    return {
        "fil": k.file,
        "diskretion": diskretion,
        "aar": [{"aar": y.aar, "omraader": {a.omraade: _klagesager_area_json(a) for a in y.areas}} for y in k.years],
    }


def _klagesager_area_json(a: ks.AreaFigures) -> dict:
    """One area's (or all areas') case-level figures."""
    return {
        "sager": counts_json(a.counts),
        "borgere": a.borgere,
        "borgere_med_omgjorte_sager": a.borgere_omgjort,
        "borgere_med_flere_sager": a.gentagere,
        "sager_fra_borgere_med_flere_sager": a.gentager_sager,
        "delvist_hjemvist": a.delvist_hjemvist,
        "opfoelgning": {(value or "ikke_oplyst"): n for value, n in a.opfoelgning},
        "fastholdt_i_alt": a.follow_up["fastholdt"],
        "paragraffer": [
            {
                "paragraf": p,
                "sager": c.afgjorte,
                "stadfaestet": c.stadfaestet,
                "aendret_ophaevet": c.aendret_ophaevet,
                "hjemvist": c.hjemvist,
                "afvist_henvist": c.afvist_henvist,
                "omgjorte": c.omgjorte,
            }
            for p, c in a.paragraffer
        ],
        "aarsager": [{"aarsag": reason or None, "sager": n} for reason, n in a.aarsager],
    }


def _value_json(v: p.Value | None) -> dict | None:
    """A key figure's value: the shown value (percent half up, or a count), the exact value and what it is made of;
    `mangler` says why there is no value."""
    if v is None:
        return None
    return {
        "aar": v.aar,
        "vaerdi": None if v.shown is None else float(v.shown),
        "eksakt": None if v.exact is None else float(v.exact),
        "taeller": v.numerator,
        "naevner": v.denominator,
        "mangler": v.missing,
        "kilde": v.kilde,
    }


def _number(x: Fraction | None) -> int | float | None:
    """An exact number as JSON: a whole number as an integer."""
    if x is None:
        return None
    return int(x) if x.denominator == 1 else float(x)


def _target_json(m: Maal) -> dict:
    """A target as the plan file states it."""
    return {
        "id": m.id,
        "omraade": m.omraade,
        "forvaltningsomraade": m.forvaltningsomraade,
        "noegletal": m.noegletal,
        "sammenligning": m.comparison.code,
        "vaerdi": _number(m.target),
        "aar": m.aar,
    }


def _measurement_json(m: p.Measurement) -> dict:
    """A target measured: the value, the national value, the baseline, the change and the verdict."""
    return {
        **_target_json(m.maal),
        "maalt": _value_json(m.value),
        "hele_landet": _value_json(m.landet),
        "udgangspunkt": _value_json(m.baseline),
        "aendring": None if m.change is None else float(m.change),
        "resultat": m.outcome,
        "endeligt": m.due,
    }


def _initiative_json(i: Indsats) -> dict:
    """An initiative as the plan file states it."""
    return {
        "titel": i.titel,
        "maal": list(i.maal),
        "tema": i.tema,
        "ansvarlig": i.ansvarlig,
        "start": i.start.isoformat(),
        "frist": i.frist.isoformat(),
        "status": i.status,
        "statusnote": i.statusnote,
    }


def _plan_json(pf: p.PlanFigures) -> dict:
    """This year's plan (Bilag 2): each target with its value in the danmarkskort year, each initiative, the
    follow-up dates; `siden` is the first plan year an unbroken line of plans held the target or initiative."""
    plan = pf.plan
    assert plan is not None
    return {
        "fil": plan.file,
        "aar": plan.aar,
        "maal": [
            {**_measurement_json(m), "siden": since} for m, since in zip(pf.targets, pf.target_since, strict=True)
        ],
        "indsatser": [
            {**_initiative_json(i), "siden": since}
            for i, since in zip(plan.indsatser, pf.initiative_since, strict=True)
        ],
        "opfoelgning": [{"dato": o.dato.isoformat(), "organ": o.organ, "indhold": o.indhold} for o in plan.opfoelgning],
    }


def _follow_up_json(fu: p.FollowUp) -> dict:
    """Last year's plan against this year's figures, and its initiatives' status now."""
    return {
        "fil": fu.plan.file,
        "aar": fu.plan.aar,
        "maalt_aar": fu.aar,
        "resultater": fu.outcome_counts(),
        "maal": [_measurement_json(m) for m in fu.targets],
        "indsatser": [
            {
                **_initiative_json(s.indsats),
                "status_nu": s.status,
                "statusnote_nu": s.note,
                "status_fra": fu.status_source if s.updated else fu.plan.file,
            }
            for s in fu.initiatives
        ],
    }
