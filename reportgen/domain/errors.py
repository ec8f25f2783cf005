"""Problems found in the input: where they are, what is wrong and how to fix it."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from reportgen.domain import danish


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, located by file, row (header = row 1) and column or key.

    A warning also names the setting that resolves it (`resolves`), stable whatever its wording: a sag.toml key
    ("sammenligning", "antal_aar", "handleplan.forrige"), a data file's key ("statistik", "landsudtraek"), a text
    ("tekster/begrundelse"), the appendices ("bilag") or the plan ("handleplan", its place in `column`), so the web
    app can take the officer to the field."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    hint: str | None = None
    resolves: str | None = field(default=None, compare=False)  # a warning's setting that resolves it (see below)

    def location(self) -> str:
        """Return "fil, række N, kolonne 'x'" for the parts that are known."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"række {self.row}")
        if self.column is not None:
            parts.append(f"kolonne '{self.column}'" if self.row is not None else f"nøgle '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.hint:
            text += f" {self.hint}"
        return text


class InputError(Exception):
    """Invalid input: one or more problems that stop the run (exit status 2)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemList:
    """Collects problems while a file is checked, so all of them can be reported at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self, file: str, message: str, row: int | None = None, column: str | None = None, hint: str | None = None
    ) -> None:
        """Record one problem."""
        self.items.append(Problem(file, message, row, column, hint))

    def raise_if_any(self) -> None:
        """Raise InputError with everything collected so far, if anything."""
        if self.items:
            raise InputError(self.items)


PROBLEMS_SHOWN = 50  # problems printed for one run; the rest are counted (a file may have thousands)


def shown_problems(problems: Iterable[Problem], limit: int = PROBLEMS_SHOWN) -> list[str]:
    """The first `limit` problems as lines, then "… og N fejl mere" for the rest."""
    problems = list(problems)
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        rest = len(problems) - limit
        lines.append(f"… og {danish.count(rest)} fejl mere; ret de viste, og kør igen for at se resten.")
    return lines


def suggest(value: str, candidates: Iterable[str]) -> str | None:
    """Return "Mente du 'x'?" for the candidate nearest to value, or None."""
    candidates = list(candidates)
    lowered = {c.lower(): c for c in candidates}
    match = difflib.get_close_matches(value.lower(), list(lowered), n=1, cutoff=0.6)
    return f"Mente du '{lowered[match[0]]}'?" if match else None


def allowed(values: Iterable[str]) -> str:
    """Return "Tilladte værdier: 'a', 'b'." for an error hint."""
    return "Tilladte værdier: " + ", ".join(f"'{v}'" for v in values) + "."
