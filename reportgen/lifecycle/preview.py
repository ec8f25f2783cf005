"""The lifecycle's door for `reportgen serve`: a case (or a proposed edit of it) validated as `reportgen check`
validates it, and one document previewed as `reportgen build` writes its HTML."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.documents import charts, compose
from reportgen.domain.errors import Problem
from reportgen.figures.case import CaseFigures, compute
from reportgen.inputs import Inputs
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


def section_document(section: str) -> str:
    """The slug of the document a text section appears in, which its editor previews."""
    return compose.section_document(section)


def warm_up() -> None:
    """Load what the first preview needs (prose and HTML templates, matplotlib and its fonts, the municipal
    boundaries), so that it draws only the document's own figures."""
    compose.warm_up()
    charts.warm_up()
    html.warm_up()
