"""The action plan measured: each target's key figure in a year, whether it is met, what became of last year's plan.

Pure functions of the validated inputs: exact values, no formatting. A target is judged on the value as the
documents show it (rounded half up), so the verdict always agrees with the number beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from typing import Literal

from reportgen.domain import danish as d
from reportgen.domain.areas import HANDICAP_AREAS, OEVRIGE
from reportgen.domain.counts import Counts, round_half_up
from reportgen.domain.errors import Problem
from reportgen.domain.kommuner import HELE_LANDET
from reportgen.domain.noegletal import KEY_FIGURES, STAGES, STATUSES, KeyFigure, Stage
from reportgen.domain.vocabulary import RECOMMENDATIONS
from reportgen.figures import rates as f
from reportgen.inputs import Inputs
from reportgen.inputs.forvaltning import Forvaltning
from reportgen.inputs.load import Previous
from reportgen.inputs.plan import Indsats, Maal, Plan, same_title
from reportgen.inputs.statistics import Statistics

Outcome = Literal["naaet", "ikke-naaet", "kan-ikke-opgoeres"]
OUTCOMES: tuple[Outcome, ...] = ("naaet", "ikke-naaet", "kan-ikke-opgoeres")

# Why a value cannot be computed; the documents word each reason.
Missing = Literal[
    "ingen-tal",  # the statistics have no row for the area and year
    "ingen-sager",  # no realitetsbehandlede cases: the rate is undefined
    "ingen-tabel2",  # the case has no forvaltningsområder file
    "ikke-i-tabel2",  # the forvaltningsområde is not in Tabel 2 for the year
    "ingen-afgoerelser",  # afgoerelser_i_alt is not given for the area and year
    "intet-landstal",  # no national figure to compare with
]


@dataclass(frozen=True)
class Value:
    """A key figure in one year: exact and as shown (percent rounded half up to the figure's decimals, or a count),
    with the counts it is computed from; or the reason it cannot be computed."""

    aar: int
    exact: Fraction | None
    shown: Fraction | None
    numerator: int | None = None
    denominator: int | None = None
    missing: Missing | None = None
    kilde: str | None = None  # the data file, when it is not this case's own (last year's Tabel 2)


@dataclass(frozen=True)
class Measurement:
    """A target against one year's figures: the value, the national value (for "under landsplan"), the value in the
    plan's own year (the baseline) and the verdict."""

    maal: Maal
    value: Value
    landet: Value | None
    baseline: Value | None
    outcome: Outcome

    @property
    def figure(self) -> KeyFigure:
        """The target's key figure."""
        return KEY_FIGURES[self.maal.noegletal]

    @property
    def missing(self) -> Missing | None:
        """Why the target cannot be judged, or None."""
        if self.value.missing:
            return self.value.missing
        if self.landet is not None and self.landet.missing:
            return "intet-landstal"
        return None

    @property
    def change(self) -> Fraction | None:
        """The change in the shown value since the baseline (percentage points or cases), or None."""
        if self.baseline is None or self.baseline.shown is None or self.value.shown is None:
            return None
        return self.value.shown - self.baseline.shown

    @property
    def due(self) -> bool:
        """True when the measured year is the target's year or later (the verdict is final, not provisional)."""
        return self.value.aar >= self.maal.aar


@dataclass(frozen=True)
class InitiativeStatus:
    """One initiative of last year's plan and its status now: from this year's plan when it holds the same title,
    else as last year's plan left it (not updated)."""

    indsats: Indsats
    current: Indsats | None

    @property
    def status(self) -> str:
        """The latest known status."""
        return (self.current or self.indsats).status

    @property
    def stage(self) -> Stage:
        """The latest known status's record."""
        return (self.current or self.indsats).stage

    @property
    def note(self) -> str | None:
        """The latest status note."""
        return (self.current or self.indsats).statusnote

    @property
    def updated(self) -> bool:
        """True when this year's plan gives the status."""
        return self.current is not None


@dataclass(frozen=True)
class FollowUp:
    """Last year's plan measured against this year's figures, and its initiatives' status."""

    plan: Plan
    aar: int  # this year's danmarkskort
    targets: tuple[Measurement, ...]
    initiatives: tuple[InitiativeStatus, ...]
    status_source: str | None  # the file this year's statuses come from, or None when none was given

    def outcome_counts(self) -> dict[Outcome, int]:
        """How many targets were met, missed or could not be measured."""
        n = Counter(m.outcome for m in self.targets)
        return {o: n[o] for o in OUTCOMES}

    def status_counts(self) -> dict[str, int]:
        """How many initiatives have each status."""
        n = Counter(s.status for s in self.initiatives)
        return {s: n[s] for s in STATUSES}

    def stale(self) -> list[InitiativeStatus]:
        """The initiatives still open as last year's plan left them: this year's plan gives no status for them."""
        return [s for s in self.initiatives if not s.updated and s.stage.open]


@dataclass(frozen=True)
class PlanFigures:
    """This year's plan (Bilag 2) with each target's current value and what it carries over, and the follow-up."""

    plan: Plan | None
    targets: tuple[Measurement, ...]  # this year's plan's targets, measured on this year's figures
    target_since: tuple[int | None, ...]  # per target: the first plan year it has been in without a break, if earlier
    initiative_since: tuple[int | None, ...]  # the same per initiative
    follow_up: FollowUp | None


# --- one figure in one year ------------------------------------------------------------------------------------


def _area_counts(stats: Statistics, kommune: str, aar: int, omraade: str) -> tuple[Counts | None, int | None]:
    """An area's counts and first-instance decisions in a year; øvrige is the general map minus the handicap maps."""
    if omraade != OEVRIGE:
        record = stats.get(kommune, aar, omraade)
        return (record.counts, record.afgoerelser_i_alt) if record else (None, None)
    general, boern, voksen = (stats.get(kommune, aar, a) for a in ("socialomraadet", *HANDICAP_AREAS))
    if general is None or boern is None or voksen is None:
        return None, None
    g, b, v = general.afgoerelser_i_alt, boern.afgoerelser_i_alt, voksen.afgoerelser_i_alt
    decisions = g - b - v if g is not None and b is not None and v is not None else None
    return f.oevrige(general.counts, boern.counts, voksen.counts), decisions


def value(maal: Maal, aar: int, stats: Statistics, forvaltning: Forvaltning | None, kommune: str) -> Value:
    """The target's key figure for a municipality (or Hele landet) in one year."""
    figure = KEY_FIGURES[maal.noegletal]
    decisions: int | None = None
    if maal.forvaltningsomraade is not None:
        if forvaltning is None:
            return Value(aar, None, None, missing="ingen-tabel2")
        name = " ".join(maal.forvaltningsomraade.split()).casefold()
        row = next((r for r in forvaltning.year(aar) if " ".join(r.navn.split()).casefold() == name), None)
        if row is None:
            return Value(aar, None, None, missing="ikke-i-tabel2")
        counts: Counts | None = row.counts
    else:
        counts, decisions = _area_counts(stats, kommune, aar, maal.scope)
    if counts is None:
        return Value(aar, None, None, missing="ingen-tal")
    return of_counts(figure, counts, decisions, aar)


def of_counts(figure: KeyFigure, c: Counts, decisions: int | None, aar: int) -> Value:
    """A key figure computed from counts (and the first-instance decisions, for the share of all decisions)."""
    if figure.unit == "antal":
        n = c.realitetsbehandlede if figure.code == "realitetsbehandlede" else c.omgjorte
        return Value(aar, Fraction(n), Fraction(n), n, None)
    numerator, denominator = {
        "omgoerelsesprocent": (c.omgjorte, c.realitetsbehandlede),
        "hjemvisningsandel": (c.hjemvist, c.realitetsbehandlede),
        "aendringsandel": (c.aendret_ophaevet, c.realitetsbehandlede),
        "omgjort_af_alle_afgoerelser": (c.omgjorte, decisions),
    }[figure.code]
    if denominator is None:
        return Value(aar, None, None, missing="ingen-afgoerelser")
    share = f.share(numerator, denominator)
    if share is None:
        return Value(aar, None, None, numerator, denominator, "ingen-sager")
    return Value(aar, share * 100, round_half_up(share * 100, figure.decimals), numerator, denominator)


def judge(maal: Maal, own: Value, landet: Value | None) -> Outcome:
    """Whether the shown value meets the target."""
    if own.shown is None:
        return "kan-ikke-opgoeres"
    comparison = maal.comparison
    if comparison.national:
        if landet is None or landet.shown is None:
            return "kan-ikke-opgoeres"
        against = landet.shown
    else:
        assert maal.target is not None
        against = maal.target
    return "naaet" if comparison.holds(own.shown, against) else "ikke-naaet"


def measure(maal: Maal, aar: int, inputs: Inputs, baseline: Value | None = None) -> Measurement:
    """A target against the figures of one year in the case's inputs."""
    kommune = inputs.case.kommune
    own = value(maal, aar, inputs.statistik, inputs.forvaltning, kommune)
    landet = None
    if maal.comparison.national:
        landet = value(maal, aar, inputs.statistik, None, HELE_LANDET)
    return Measurement(maal, own, landet, baseline, judge(maal, own, landet))


def baseline(maal: Maal, previous: Previous, inputs: Inputs) -> Value:
    """The target's value in the old plan's year: from this year's extract, else from last year's case (Tabel 2 is
    often one file per year)."""
    now = value(maal, previous.aar, inputs.statistik, inputs.forvaltning, inputs.case.kommune)
    if now.shown is not None or previous.inputs is None:
        return now
    old = previous.inputs
    then = value(maal, previous.aar, old.statistik, old.forvaltning, old.case.kommune)
    if then.shown is None:
        return now
    data = old.forvaltning.file if maal.forvaltningsomraade and old.forvaltning else old.statistik.file
    return replace(then, kilde=f"{previous.label}/{data}")


# --- the plans of one case -------------------------------------------------------------------------------------


def _since(previous: Previous | None, holds: Callable[[Plan], bool]) -> int | None:
    """The first plan year, going back without a break through the previous plans, whose plan `holds`."""
    since = None
    while previous is not None and holds(previous.plan):
        since = previous.aar
        previous = previous.inputs.forrige if previous.inputs else None
    return since


def follow_up(inputs: Inputs) -> FollowUp | None:
    """Last year's plan against this year's figures, with its initiatives' status from this year's plan file."""
    previous = inputs.forrige
    if previous is None:
        return None
    aar = inputs.case.aar
    targets = tuple(measure(m, aar, inputs, baseline(m, previous, inputs)) for m in previous.plan.maal)
    current = inputs.plan
    initiatives = tuple(
        InitiativeStatus(i, current.initiative(i.titel) if current else None) for i in previous.plan.indsatser
    )
    return FollowUp(previous.plan, aar, targets, initiatives, current.file if current else None)


def _has_target(maal: Maal) -> Callable[[Plan], bool]:
    """Whether a plan has the same target: the same id on the same figure and place (its value may have moved)."""

    def holds(plan: Plan) -> bool:
        old = plan.target(maal.id)
        return old is not None and old.noegletal == maal.noegletal and same_title(old.scope, maal.scope)

    return holds


def _has_initiative(titel: str) -> Callable[[Plan], bool]:
    return lambda plan: plan.initiative(titel) is not None


def compute_plan(inputs: Inputs) -> PlanFigures | None:
    """The plan figures of a case, or None when it has neither a plan file nor last year's plan."""
    plan, previous = inputs.plan, inputs.forrige
    if plan is None and previous is None:
        return None
    targets: tuple[Measurement, ...] = ()
    target_since: tuple[int | None, ...] = ()
    initiative_since: tuple[int | None, ...] = ()
    if plan is not None:
        targets = tuple(measure(m, inputs.case.aar, inputs) for m in plan.maal)
        target_since = tuple(_since(previous, _has_target(m)) for m in plan.maal)
        initiative_since = tuple(_since(previous, _has_initiative(i.titel)) for i in plan.indsatser)
    return PlanFigures(plan, targets, target_since, initiative_since, follow_up(inputs))


# --- warnings ------------------------------------------------------------------------------------------------------

MISSING_WORDS: dict[Missing, str] = {
    "ingen-tal": "udtrækket har ingen tal for området i året",
    "ingen-sager": "der er ingen realitetsbehandlede sager",
    "ingen-tabel2": "sagen har ingen Tabel 2 (forvaltningsomraader)",
    "ikke-i-tabel2": "forvaltningsområdet står ikke i Tabel 2 for året",
    "ingen-afgoerelser": "afgoerelser_i_alt er ikke oplyst",
    "intet-landstal": "udtrækket har intet landstal at sammenligne med",
}


def plan_warnings(inputs: Inputs, figures: PlanFigures | None, today: date) -> list[Problem]:
    """What the officer should look at: a decision without its plan, a follow-up without last year's plan, statuses
    not brought up to date, passed deadlines, targets that cannot be measured – every rule of PLAN_RULES, in order."""
    return [problem for rule in PLAN_RULES for problem in rule(inputs, figures, today)]


def _plan_to_come(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """A new plan recommended without one: the sagsfremstilling says it is presented later."""
    hp = inputs.case.handleplan
    if hp.recommendation.plan and not hp.recommendation.continues and not hp.attached:
        yield Problem(
            "sag.toml",
            "indstillingen er at udarbejde en handleplan, men sagen har ingen; sagsfremstillingen siger derfor, at "
            "planen forelægges senere.",
            column="handleplan.fil",
            hint='Tilføj fil = "handleplan.toml" under [handleplan], når planen er klar (se README).',
            resolves="handleplan",
        )


def _nothing_to_continue(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """A plan continued without last year's plan: the follow-up cannot be written."""
    if inputs.case.handleplan.recommendation.continues and inputs.forrige is None:
        yield Problem(
            "sag.toml",
            "indstillingen er at videreføre handleplanen, men sagen peger ikke på sidste års plan, så "
            "sagsfremstillingen kan ikke følge op på den.",
            column="handleplan.forrige",
            hint='Tilføj forrige = "../<sidste års sagsmappe>" (eller dens handleplan-fil) under [handleplan].',
            resolves="handleplan.forrige",
        )


def _appendix_without_plan(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """A plan's appendix title given with a recommendation that goes without a plan: it is not listed."""
    hp = inputs.case.handleplan
    if not hp.recommendation.plan and hp.bilag:
        with_plan = d.join([r.code for r in RECOMMENDATIONS.values() if r.plan], "eller")
        yield Problem(
            "sag.toml",
            "handleplan.bilag vises ikke i bilagslisten, når indstillingen er ikke at udarbejde en handleplan.",
            column="handleplan.bilag",
            hint=f"Slet bilag, eller vælg indstillingen {with_plan}.",
            resolves="handleplan.bilag",
        )


def _plan_file_unused(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """A plan file with a recommendation that goes without a plan, and no last year's plan to give statuses for."""
    hp = inputs.case.handleplan
    if not hp.recommendation.plan and hp.fil and inputs.forrige is None:
        yield Problem(
            "sag.toml",
            "handleplan-filen bruges ikke: indstillingen er ikke at udarbejde en handleplan, og der er ingen "
            "sidste års plan at opdatere status for.",
            column="handleplan.fil",
            hint="Slet fil under [handleplan], eller tilføj forrige.",
            resolves="handleplan",
        )


def _plan_file_warnings(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """What reading this year's plan file found worth a warning."""
    if figures is not None and figures.plan is not None:
        yield from figures.plan.warnings


def _initiatives(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """Every rule of INITIATIVE_RULES for each initiative of this year's plan, one initiative after the other."""
    if figures is not None and figures.plan is not None:
        plan = figures.plan
        for i, ind in enumerate(plan.indsatser, start=1):
            for rule in INITIATIVE_RULES:
                yield from rule(ind, f"indsats[{i}]", plan.file, today)


def _deadline_passed(ind: Indsats, at: str, file: str, today: date) -> Iterator[Problem]:
    """An initiative still open after its deadline."""
    if ind.stage.open and ind.frist < today:
        closed = d.join([s.code for s in STAGES.values() if not s.open], "eller")
        yield Problem(
            file,
            f"fristen for '{ind.titel}' ({d.long_date(ind.frist)}) er overskredet, og status er {ind.status}.",
            column=at + ".status",
            hint=f"Opdatér status ({closed}) eller fristen.",
            resolves="handleplan",
        )


def _note_missing(ind: Indsats, at: str, file: str, today: date) -> Iterator[Problem]:
    """An initiative postponed or given up without a word of why."""
    if ind.stage.needs_note and not ind.statusnote:
        yield Problem(
            file,
            f"'{ind.titel}' er {ind.status} uden en statusnote.",
            column=at + ".statusnote",
            hint="Skriv i statusnote hvorfor; noten står i Bilag 2 og i næste års opfølgning.",
            resolves="handleplan",
        )


def _targets_not_measured(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """Last year's targets that this year's figures cannot measure."""
    fu = figures.follow_up if figures is not None else None
    if fu is None:
        return
    for m in fu.targets:
        if m.missing:
            yield Problem(
                fu.plan.file,
                f"målet {m.maal.id} ({m.maal.noegletal} for {m.maal.scope}) fra handleplanen for {fu.plan.aar} "
                f"kan ikke opgøres for {fu.aar}: {MISSING_WORDS[m.missing]}.",
                hint="Sagsfremstillingen siger det; tjek data, hvis tallet burde findes.",
                resolves="statistik",
            )


def _statuses_not_given(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """Last year's open initiatives followed up without a plan file that gives their status now."""
    fu = figures.follow_up if figures is not None else None
    if fu is not None and figures is not None and figures.plan is None and fu.stale():
        yield Problem(
            "sag.toml",
            f"status for indsatserne i handleplanen for {fu.plan.aar} er som sidste år, fordi sagen ingen "
            "handleplan-fil har med årets status.",
            column="handleplan.fil",
            hint='Tilføj fil = "handleplan.toml" under [handleplan] med indsatserne og deres status nu.',
            resolves="handleplan",
        )


def _initiatives_left_out(inputs: Inputs, figures: PlanFigures | None, today: date) -> Iterator[Problem]:
    """Last year's open initiatives that this year's plan file leaves out."""
    fu = figures.follow_up if figures is not None else None
    if fu is not None and figures is not None and figures.plan is not None:
        for s in fu.stale():
            yield Problem(
                figures.plan.file,
                f"indsatsen '{s.indsats.titel}' fra handleplanen for {fu.plan.aar} er {s.status} og står ikke "
                "i årets handleplan.",
                column="indsats",
                hint="Tilføj den med samme titel og dens status nu (fx gennemført eller opgivet).",
                resolves="handleplan",
            )


# The plan warnings, in the order they are reported; INITIATIVE_RULES run for each initiative in turn.
PlanRule = Callable[[Inputs, PlanFigures | None, date], Iterable[Problem]]
PLAN_RULES: tuple[PlanRule, ...] = (
    _plan_to_come,
    _nothing_to_continue,
    _appendix_without_plan,
    _plan_file_unused,
    _plan_file_warnings,
    _initiatives,
    _targets_not_measured,
    _statuses_not_given,
    _initiatives_left_out,
)
INITIATIVE_RULES: tuple[Callable[[Indsats, str, str, date], Iterable[Problem]], ...] = (_deadline_passed, _note_missing)
