"""The closed sets of values a case names in sag.toml – the § 79 b recommendation, a body's decision outcome, the
case's status, the agenda item's type, Tabel 2's denominator – each one table of records with its Danish label and
its rules, which every stage asks instead of comparing codes.

A table's codes are the values sag.toml accepts (inputs/case.py validates against the table itself); a template
that words a value branches on it and ends in `unknown(...)`, so a value without wording fails instead of reading
as another.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recommendation:
    """The administration's recommendation under § 79 b, stk. 2: its code in sag.toml, its label (the web app), the
    key of its sentence in the Indstilling (templates/prose/sagsfremstilling.md.j2), and its rules: whether it goes
    with a plan (attached as Bilag 2 when the case gives one), continues last year's plan (which the case points at
    and names), requires the letter informing Ankestyrelsen, calls for the administration's reasons
    (tekster/begrundelse.md), and means something only as the stk. 2 decision: before the 2021 map (stk. 1 only)
    such a recommendation is no point of the Indstilling, while a plan is one the council may adopt of its own
    accord."""

    code: str
    label: str
    wording: str
    plan: bool
    continues: bool
    letter: bool
    reason: bool
    stk2_only: bool = False


PREPARE = Recommendation(
    "udarbejdes",
    "Der udarbejdes en handleplan",
    wording="udarbejdes",
    plan=True,
    continues=False,
    letter=False,
    reason=False,
)
CONTINUE = Recommendation(
    "videreføres",
    "Den eksisterende handleplan videreføres",
    wording="videreføres",
    plan=True,
    continues=True,
    letter=False,
    reason=True,
)
NO_PLAN = Recommendation(
    "udarbejdes-ikke",
    "Der udarbejdes ikke en handleplan (Ankestyrelsen skal orienteres)",
    wording="udarbejdes-ikke",
    plan=False,
    continues=False,
    letter=True,
    reason=True,
    stk2_only=True,
)
RECOMMENDATIONS: dict[str, Recommendation] = {r.code: r for r in (PREPARE, CONTINUE, NO_PLAN)}


@dataclass(frozen=True)
class DecisionOutcome:
    """What a body decided on the case (`udfald` of a [[behandling]]): its code, its label (the web app), whether
    the body adopted the recommendation (the council's adoption is the decision the letter to Ankestyrelsen reports;
    a decision without an outcome counts as adopted) and whether it sent the case back."""

    code: str
    label: str
    adopted: bool = False
    sent_back: bool = False


SENT_BACK = DecisionOutcome("tilbagesendt", "Sendt tilbage", sent_back=True)
DECISION_OUTCOMES: dict[str, DecisionOutcome] = {
    o.code: o
    for o in (
        DecisionOutcome("indstillet", "Indstillet til næste organ"),
        DecisionOutcome("vedtaget", "Vedtaget", adopted=True),
        SENT_BACK,
        DecisionOutcome("genoptaget", "Genoptaget"),
        DecisionOutcome("udsat", "Udsat"),
        DecisionOutcome("taget-til-efterretning", "Taget til efterretning"),
    )
}


@dataclass(frozen=True)
class Status:
    """The case's status: its code, its label (the web app) and whether the documents are drafts (marked as such on
    every page)."""

    code: str
    label: str
    draft: bool


DRAFT = Status("udkast", "Udkast", draft=True)
CASE_STATUSES: dict[str, Status] = {s.code: s for s in (DRAFT, Status("endelig", "Endelig", draft=False))}


@dataclass(frozen=True)
class ItemType:
    """The agenda item's type (`punkttype`): its code and its label under the sagsfremstilling's title."""

    code: str
    label: str


DECISION_ITEM = ItemType("beslutning", "Beslutning")
ITEM_TYPES: dict[str, ItemType] = {t.code: t for t in (DECISION_ITEM, ItemType("orientering", "Orientering"))}


@dataclass(frozen=True)
class Denominator:
    """Which rate Tabel 2 shows (`tabel2_naevner`), its code also the key of the sentence that states the total:
    Ankestyrelsen's (omgjorte of realitetsbehandlede), the municipality's own (omgjorte of all decided, the rejected
    included) or both."""

    code: str
    official: bool
    all_decided: bool
    label: str = ""  # the choice in a form


OFFICIAL_DENOMINATOR = Denominator(
    "realitetsbehandlede",
    official=True,
    all_decided=False,
    label="Ankestyrelsens: omgjorte af de realitetsbehandlede sager",
)
DENOMINATORS: dict[str, Denominator] = {
    n.code: n
    for n in (
        OFFICIAL_DENOMINATOR,
        Denominator(
            "afgjorte",
            official=False,
            all_decided=True,
            label="Kommunens egen: omgjorte af alle afgjorte sager, også de afviste",
        ),
        Denominator("begge", official=True, all_decided=True, label="Begge procenter"),
    )
}
