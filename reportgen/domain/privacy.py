"""The citizens' pseudonyms (sags_id, borger_id): found and masked by value in any text, as its reader sees it.

The records file's ids are known before anything else of a case is validated, so every message from every
input file passes through `Ids.mask_problem`, and every text that would be published is refused when it
holds an id (`Ids.found_in`). A text is read as its reader sees it (`reading`): compatibility forms folded
(NFKC), invisible characters removed, every dash and the letters of other scripts drawn like Latin ones folded,
letter case ignored, and a line with right-to-left text or direction controls also in the order it is shown.
`published_problems` applies the same reading to the text of a produced document, the last gate before a
version is written or a preview is shown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from reportgen.domain.errors import Problem

MIN_ID_LENGTH = 5  # shorter ids cannot be told apart from the numbers of ordinary text ("§ 107", "række 12")
MASK = "…"
FOUND = "indeholder et sags_id eller borger_id fra klagesagerne; det må aldrig stå i et dokument eller en besked."
FOUND_HINT = "Slet id'et fra teksten; klagesagernes id'er bruges kun til at tælle sager og borgere."
PUBLISHED = (
    "ville vise et sags_id eller borger_id fra klagesagerne (evt. skjult af Markdown, tegnkoder, usynlige tegn "
    "eller skriftretning); versionen er ikke bygget."
)
PUBLISHED_HINT = (
    "Find id'et i afsnittets tekst (tekster/, sag.toml eller handleplan-filen), og slet det; klagesagernes id'er "
    "bruges kun til at tælle sager og borgere."
)

# Format characters (category Cf: zero-width space and joiners, word joiner, direction controls, BOM, …) and the
# other default-ignorable code points (soft hyphen, combining grapheme joiner, Hangul fillers, variation selectors,
# tags): a renderer draws none of them, so they can split an id without the reader seeing it.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u115f-\u1160\u17b4-\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# Every dash (category Pd) and the minus signs read as the hyphen-minus; the Cyrillic and Greek letters drawn
# like Latin ones (in lower case: the reading is case-folded first) as those.
_DASHES = (
    "\u058a\u05be\u1400\u1806\u2010\u2011\u2012\u2013\u2014\u2015\u2e17\u2e1a\u2e3a\u2e3b\u2e40\u2e5d\u301c\u3030"
    "\u30a0\ufe31\ufe32\ufe58\ufe63\uff0d\U00010ead\u2212\u2043\u02d7\u2796"
)
_FOLD = str.maketrans(
    _DASHES + "авекмнорстухѕіјԛԝүһԁαβεζηικμνορτυχ",
    "-" * len(_DASHES) + "abekmhopctyxsijqwyhdabezhikmnoptyx",
)
# Characters that make a renderer show a line in another order than it is stored: right-to-left letters (Hebrew,
# Arabic, Syriac, Thaana, N'Ko, …), the right-to-left marks and the direction embeddings, overrides and isolates.
_REORDERS = re.compile(
    "[\u0590-\u08ff\u200f\u202a-\u202e\u2066-\u2069\ufb1d-\ufdff\ufe70-\ufefe\U00010800-\U00010fff"
    "\U0001e800-\U0001efff]"
)


def reading(text: str) -> str:
    """text as its reader sees it, in the order it is stored: NFKC, invisible characters removed, case and dashes
    and lookalike letters folded."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold().translate(_FOLD)


def shown_orders(line: str) -> list[str]:
    """The orders a renderer may show a line of text in, left to right: as stored, and, where it has right-to-left
    letters or direction controls, as the Unicode bidirectional algorithm lays it out in a left-to-right paragraph
    and in one whose direction its first letter decides."""
    if not _REORDERS.search(line):
        return [line]
    from bidi import get_display

    line = unicodedata.normalize("NFKC", line)
    return [line, get_display(line, base_dir="L"), get_display(line)]


class Ids:
    """A set of pseudonyms, found in a text as its reader sees it (see the module's docstring)."""

    def __init__(self, ids: Iterable[str] = ()) -> None:
        self._ids = frozenset(i.strip() for i in ids if len(i.strip()) >= MIN_ID_LENGTH)
        self._pattern, self._read = _patterns(self._ids)

    def __bool__(self) -> bool:
        return self._pattern is not None

    def __or__(self, other: Ids) -> Ids:
        return Ids(self._ids | other._ids)

    def __eq__(self, other: object) -> bool:
        """Equal when they hold the same pseudonyms (and so find the same)."""
        return isinstance(other, Ids) and self._ids == other._ids

    def __hash__(self) -> int:
        return hash(self._ids)

    def search(self, text: str) -> int | None:
        """The position of the first id in text (the start of its line when only the reading shows it), or None."""
        if self._read is None:
            return None
        folded = text.lower() if text.isascii() else reading(text)  # the same for ASCII, in a tenth of the time
        if not self._read.search(folded) and not _REORDERS.search(text):
            return None
        match = self._pattern.search(text) if self._pattern else None
        if match:
            return match.start()
        position = 0
        for line in text.split("\n"):
            if self._in_line(line):
                return position
            position += len(line) + 1
        return None

    def _in_line(self, line: str) -> bool:
        """True when a line, in any order it may be shown in, reads as holding an id."""
        assert self._read is not None
        return any(self._read.search(reading(order)) for order in shown_orders(line))

    def found_in(self, text: str) -> bool:
        """True when text, as its reader sees it, holds an id."""
        return self.search(text) is not None

    def mask(self, text: str) -> str:
        """text with every id replaced by '…' (every line that only reads as holding one, whole)."""
        if self._pattern is None:
            return text
        text = self._pattern.sub(MASK, text)
        if self.search(text) is None:
            return text
        return "\n".join(MASK if self._in_line(line) else line for line in text.split("\n"))

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


@lru_cache(maxsize=8)
def _patterns(ids: frozenset[str]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The expressions that find the ids as written and as read (see Ids); kept for the last sets of ids, as every
    load of a case (a live preview's, at each keystroke) finds the same ones."""
    if not ids:
        return None, None
    read = {reading(i) for i in ids}
    read |= {r[::-1] for r in read}  # shown reversed (a right-to-left override) the id is read all the same
    return re.compile(_alternatives(ids), re.IGNORECASE), re.compile(_alternatives(read))


def _alternatives(words: Iterable[str]) -> str:
    """A regular expression matching any of words, longest first, as a trie of their common prefixes (a plain
    alternation of a few hundred ids is tried word by word at every position of a text, a hundred times slower)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        if node == {"": {}}:
            return ""
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches + ([""] if "" in node else [])) + ")"

    return pattern(trie)


def published_problems(file: str, sections: Iterable[tuple[str, str]], ids: Ids) -> list[Problem]:
    """A problem for each section of a produced document (its heading, its text) whose text, as its reader sees it,
    shows an id; the section is named by its heading, or by its number when the heading itself shows one."""
    if not ids:
        return []
    problems = []
    for number, (heading, text) in enumerate(sections, start=1):
        if ids.found_in(text) or ids.found_in(heading):
            name = f"afsnit nr. {number}" if ids.found_in(heading) else f"afsnittet '{heading}'"
            problems.append(Problem(file, f"{name} {PUBLISHED}", hint=PUBLISHED_HINT))
    return problems
