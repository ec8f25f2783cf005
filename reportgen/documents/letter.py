"""The letter informing Ankestyrelsen that the council has decided not to prepare a handlingsplan (§ 79 b, stk. 2)."""

from __future__ import annotations

from reportgen.documents import markdown
from reportgen.documents.model import Document
from reportgen.documents.prose.counts import counts_ctx
from reportgen.documents.prose.templates import render
from reportgen.domain import bodies
from reportgen.domain import danish as d
from reportgen.figures.case import CaseFigures
from reportgen.inputs import Inputs
from reportgen.inputs.case import Behandling, Case

SLUG = "orientering-ankestyrelsen"
TITLE = "Orientering om beslutning efter retssikkerhedslovens § 79 b, stk. 2"


def council_decision(case: Case) -> Behandling | None:
    """The council's recorded decision: the last treatment by the council (or the deciding body) that adopted it."""
    for b in reversed(case.behandling):
        if bodies.is_council(b.organ, case.council) and (b.outcome is None or b.outcome.adopted):
            return b
    return None


def compose_letter(inputs: Inputs, cf: CaseFigures) -> Document | None:
    """The letter, when the recommendation is not to prepare a handlingsplan; a draft until the decision is recorded."""
    case = inputs.case
    if not case.handleplan.recommendation.letter or not case.plan_decision:
        return None
    decision = council_decision(case)
    ctx = {
        "officielt_navn": case.official_name,
        "aar": case.aar,
        "forrige_aar": case.aar - 1,
        "kompetence": case.council,
        "forfatter": case.author,
        "sagsnummer": case.sagsnummer,
        "n": counts_ctx(cf.current),
        "forrige": counts_ctx(cf.previous) if cf.previous else None,
        "landet": counts_ctx(cf.landet) if cf.landet else None,
        "begrundelse": case.text("begrundelse") is not None,
        "beslutning": None
        if decision is None
        else {
            "organ": bodies.in_sentence(decision.organ),
            "dato": d.long_date(decision.dato),
            "tekst": decision.beslutning,
        },
    }
    text = case.text("begrundelse")
    reasons = {"tekst:begrundelse": markdown.parse(text, heading_offset=1)} if text is not None else {}
    subtitle = " · ".join(
        p
        for p in (case.author, f"Danmarkskortet {case.aar}", f"Sagsnr. {case.sagsnummer}" if case.sagsnummer else None)
        if p
    )
    return Document(
        slug=SLUG,
        title=TITLE,
        subtitle=subtitle,
        header=f"{case.official_name} – Orientering af Ankestyrelsen",
        draft=case.draft or decision is None,
        date=decision.dato if decision else case.document_date,
        author=case.author,
        blocks=render(f"{SLUG}.md.j2", ctx, reasons),
    )
