"""The citizens' pseudonyms (sags_id, borger_id): found and masked by value in any text, whatever its letter case.

The records file's ids are known before anything else of a case is validated, so every message from every
input file passes through `Ids.mask_problem`, and every text that would be published is refused when it
holds an id (`Ids.found_in`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from reportgen.domain.errors import Problem

MIN_ID_LENGTH = 5  # shorter ids cannot be told apart from the numbers of ordinary text ("§ 107", "række 12")
MASK = "…"
FOUND = "indeholder et sags_id eller borger_id fra klagesagerne; det må aldrig stå i et dokument eller en besked."
FOUND_HINT = "Slet id'et fra teksten; klagesagernes id'er bruges kun til at tælle sager og borgere."


class Ids:
    """A set of pseudonyms, matched as substrings without regard to letter case."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        usable = sorted({i.strip() for i in ids if len(i.strip()) >= MIN_ID_LENGTH}, key=lambda i: (-len(i), i))
        self._pattern = re.compile("|".join(map(re.escape, usable)), re.IGNORECASE) if usable else None

    def __bool__(self) -> bool:
        return self._pattern is not None

    def search(self, text: str) -> int | None:
        """The position of the first id in text, or None."""
        match = self._pattern.search(text) if self._pattern else None
        return match.start() if match else None

    def found_in(self, text: str) -> bool:
        """True when text holds an id."""
        return self.search(text) is not None

    def mask(self, text: str) -> str:
        """text with every id replaced by '…'."""
        return self._pattern.sub(MASK, text) if self._pattern else text

    def mask_problem(self, problem: Problem) -> Problem:
        """A problem whose file, column, message and hint hold no id."""
        if not self._pattern:
            return problem
        return replace(
            problem,
            file=self.mask(problem.file),
            message=self.mask(problem.message),
            column=problem.column and self.mask(problem.column),
            hint=problem.hint and self.mask(problem.hint),
        )
