"""Text as it enters the tool: characters a document cannot hold, lengths beyond the limits, Markdown too deep.

Every text from a case (sag.toml values, tekster/*.md, the cells of a data file) passes here once, when it
is read, so `check` refuses exactly what `build` could not write.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from reportgen.domain.privacy import FOUND, FOUND_HINT, Ids
from reportgen.inputs.limits import MAX_MARKDOWN_DEPTH

# Characters no document format takes (XML 1.0 forbids the C0 controls but tab, line feed and carriage
# return, lone surrogates and U+FFFE/U+FFFF), and the invisible C1 controls, DEL and the noncharacters
# U+FDD0–U+FDEF, which only ever come from a copy-paste gone wrong.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_NAMES = {
    0x00: "NUL-tegnet",
    0x08: "tilbage-tegnet (backspace)",
    0x0B: "lodret tabulator",
    0x0C: "sideskift (form feed)",
    0x1B: "escape-tegnet",
    0x7F: "slette-tegnet (DEL)",
}
FORBIDDEN_HINT = "Slet tegnet (det er usynligt og kommer typisk med, når tekst kopieres fra et andet program)."


def describe(char: str) -> str:
    """A character as a message names it: "lodret tabulator (U+000B)"."""
    code = ord(char)
    if code in _NAMES:
        name = _NAMES[code]
    elif 0xD800 <= code <= 0xDFFF:
        name = "et halvt tegn (surrogat)"
    elif code >= 0xFDD0:
        name = "et ikke-tegn"
    else:
        name = "et kontroltegn"
    return f"{name} (U+{code:04X})"


def forbidden(text: str) -> tuple[int, str] | None:
    """The position and description of the first character a document cannot hold, or None."""
    match = _FORBIDDEN.search(text)
    return (match.start(), describe(match.group())) if match else None


def text_problem(text: str, limit: int, ids: Ids, markdown: bool = True) -> tuple[str, str] | None:
    """(what is wrong, how to fix it) for a text with a forbidden character, longer than limit or holding one of
    ids (the records' pseudonyms) as written or, for a text a document may render as Markdown, as Markdown shows
    it; None for a text a document can take."""
    found = forbidden(text)
    if found:
        return f"indeholder {found[1]}, som ikke kan stå i et dokument.", FORBIDDEN_HINT
    if len(text) > limit:
        return f"er {len(text)} tegn lang; højst {limit} tegn er tilladt.", "Forkort teksten."
    if ids and (ids.found_in(text) if not markdown else id_line(text, ids) is not None):
        return FOUND, FOUND_HINT
    return None


# What can make Markdown show other characters than it is written with: escapes, entities, emphasis, code, links.
_MARKUP = re.compile(r"[\\&*_`<\[!]")


def id_line(source: str, ids: Ids) -> int | None:
    """The line (from 1) of a text where one of ids shows, as written or as Markdown renders it (emphasis inside
    the id, backslash escapes, character references), or None."""
    position = ids.search(source)
    if position is not None:
        return line_of(source, position)
    if not ids or not _MARKUP.search(source):
        return None
    for token in _parser().parse(source):
        if token.type == "inline" and ids.found_in(_shown(token.children or ())):
            return token.map[0] + 1 if token.map else 1
    return None


def _shown(children: Any) -> str:
    """The text an inline Markdown token shows (link targets are never shown; an image shows its text)."""
    parts = []
    for child in children:
        if child.type in ("text", "code_inline", "image", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" " if child.type == "softbreak" else "\n")
    return "".join(parts)


def line_of(text: str, position: int) -> int:
    """The line number (from 1) of a position in text."""
    return text.count("\n", 0, position) + 1


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def markdown_too_deep(source: str) -> tuple[int, int] | None:
    """(line, depth) of the first paragraph whose emphasis nests deeper than MAX_MARKDOWN_DEPTH, else None.

    Markdown-it itself stops lists and quotes at 20 levels, but not emphasis; a deeper document could not be
    handed to the writers (their recursion would overflow).
    """
    for token in _parser().parse(source):
        depth = max((child.level for child in token.children or ()), default=0)
        if depth > MAX_MARKDOWN_DEPTH:
            return ((token.map[0] + 1) if token.map else 1, depth)
    return None
