"""The lifecycle's door for `reportgen serve`: a case (or a proposed edit of it) validated as `reportgen check`
validates it, and one document previewed as `reportgen build` writes its HTML."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.documents import charts, compose
from reportgen.documents import handleplan as plan_values
from reportgen.domain.areas import AREAS
from reportgen.domain.errors import Problem
from reportgen.domain.noegletal import COMPARISONS, KEY_FIGURES
from reportgen.figures import plan as plan_figures
from reportgen.figures.case import CaseFigures, compute
from reportgen.inputs import Inputs
from reportgen.inputs.plan import Maal
from reportgen.lifecycle.build import refuse_published
from reportgen.lifecycle.check import summary_lines
from reportgen.writers import html


@dataclass(frozen=True)
class Checked:
    """A case that passed validation: its inputs and the figures computed from them."""

    inputs: Inputs
    figures: CaseFigures

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The warnings `reportgen check` prints (the case is valid, but a reader should look)."""
        return self.figures.warnings

    def summary(self) -> list[str]:
        """The key figures in the lines `reportgen check` prints."""
        return summary_lines(self.figures)

    def default_text(self, section: str) -> str:
        """The tool's own Markdown for a text section while the administration has written none ("" for none)."""
        return compose.default_text(self.inputs, self.figures, section)


def validate(inputs: Inputs) -> Checked:
    """A case's inputs (read and validated by `inputs`, which raises InputError) carried as far as `reportgen check`
    carries them: the figures computed, with their warnings."""
    return Checked(inputs, compute(inputs))


def preview(inputs: Inputs, document: str) -> bytes | None:
    """One document of the case (by its slug) as the HTML `reportgen build` writes; None when the case has no such
    document. Only that document is composed, so only its own figures are drawn. Raises InputError, as build
    does, when the page would show a citizen's pseudonym."""
    doc = compose.compose_document(inputs, compute(inputs), document)
    if doc is None:
        return None
    page = html.render(doc, inputs.look)
    refuse_published({f"{document}.html": page}, inputs.pseudonyms)
    return page


def target_now(
    inputs: Inputs,
    noegletal: str,
    sammenligning: str,
    omraade: str | None = None,
    forvaltningsomraade: str | None = None,
    vaerdi: float | None = None,
    aar: int | None = None,
) -> str:
    """A target as typed, measured on the case's own year as the plan's tables measure it: "I 2024: 63 % (41 af 65),
    ikke nået" – or why it cannot be measured; "" while the target names no key figure or place yet."""
    if noegletal not in KEY_FIGURES or not (omraade in AREAS or forvaltningsomraade):
        return ""
    figure = KEY_FIGURES[noegletal]
    comparison = sammenligning if sammenligning in COMPARISONS else "<="
    place = {"omraade": omraade} if omraade in AREAS else {"forvaltningsomraade": forvaltningsomraade}
    year = inputs.case.aar
    maal = Maal("?", noegletal, comparison, aar or year, vaerdi=vaerdi, **place)
    if maal.forvaltningsomraade is not None and not figure.forvaltning:
        return f"{figure.label} kan ikke opgøres for et forvaltningsområde."
    judged = maal.comparison.national or vaerdi is not None
    if not judged:  # no value to judge against yet: the figure alone
        own = plan_figures.value(maal, year, inputs.statistik, inputs.forvaltning, inputs.case.kommune)
        measured = plan_figures.Measurement(maal, own, None, None, "kan-ikke-opgoeres")
    else:
        measured = plan_figures.measure(maal, year, inputs)
    if measured.missing:
        return f"I {year} kan det ikke opgøres, fordi {plan_values.missing_sentence(measured)}."
    now = f"I {year}: {plan_values.value_text(measured.value, figure)}"
    if measured.landet is not None and measured.landet.shown is not None:
        now += f", landsplan {plan_values.value_text(measured.landet, figure)}"
    if judged:
        met = measured.outcome == "naaet"
        if maal.aar > year:
            now += ", allerede nået" if met else ", ikke nået endnu"
        else:
            now += ", nået" if met else ", ikke nået"
    return now.replace("\u00a0", " ")


def section_document(section: str) -> str:
    """The slug of the document a text section appears in, which its editor previews."""
    return compose.section_document(section)


def warm_up() -> None:
    """Load what the first preview needs (prose and HTML templates, matplotlib and its fonts, the municipal
    boundaries), so that it draws only the document's own figures."""
    compose.warm_up()
    charts.warm_up()
    html.warm_up()
