"""Markdown (the administration's texts and the rendered prose templates) parsed into model blocks.

Raw HTML is disabled and links and images become plain text, so a text can never reach the output
as markup: it is data, whatever it contains.
"""

from __future__ import annotations

import re
from functools import cache

from reportgen.documents.model import (
    Block,
    BulletList,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Paragraph,
    Strong,
    Text,
)

_NAME = "[a-z0-9:_-]+"  # an insert's name
_PLACEHOLDER = re.compile(rf"^@@({_NAME})@@$", re.MULTILINE)
_PLACEHOLDER_LINE = re.compile(r"^@@(.+)@@$", re.MULTILINE)  # in a template's source, where a name may be computed
_EXPRESSION = re.compile(r"\{\{.*?\}\}")  # a Jinja2 expression: "{{ key }}"
_ESCAPE = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|@~&:=$%^'\"])")


@cache
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def escape(value: object) -> str:
    """Backslash-escape every Markdown punctuation character, so a value is always literal text."""
    text = "" if value is None else str(value)
    return _ESCAPE.sub(r"\\\1", text).replace("\n", " ")


def parse(source: str, heading_offset: int = 0) -> tuple[Block, ...]:
    """Parse Markdown into blocks; headings are shifted down by heading_offset levels (max 3)."""
    tokens = _parser().parse(source)
    blocks, _ = _blocks(tokens, 0, None, heading_offset)
    return tuple(blocks)


@cache
def placeable(template_sources: tuple[str, ...]) -> re.Pattern[str]:
    """The names the "@@name@@" lines of templates' sources can place, as one pattern; a "{{ … }}" in such a line
    stands for any name part."""
    names = [
        _NAME.join(re.escape(part) for part in _EXPRESSION.split(line))
        for source in template_sources
        for line in _PLACEHOLDER_LINE.findall(source)
    ]
    return re.compile("|".join(f"(?:{name})" for name in names) or "(?!)")


def parse_with_placeholders(
    source: str, inserts: dict[str, tuple[Block, ...]], placeable: re.Pattern[str]
) -> tuple[Block, ...]:
    """Parse template output in which a line "@@name@@" stands for the blocks inserts[name].

    Template values are escaped (@ becomes \\@), so only the template itself can write a placeholder. Both
    mistakes fail: a placeholder without its insert, and an insert whose name matches none of the template's
    placeholders (`placeable`), which would be left out of the document without a word.
    """
    if unplaced := [name for name in inserts if not placeable.fullmatch(name)]:
        raise KeyError(f"skabelonen har ingen pladsholder for {', '.join(f'@@{n}@@' for n in unplaced)}")
    blocks: list[Block] = []
    position = 0
    for match in _PLACEHOLDER.finditer(source):
        blocks.extend(parse(source[position : match.start()]))
        name = match.group(1)
        if name not in inserts:
            raise KeyError(f"ukendt pladsholder @@{name}@@ i skabelonen")
        blocks.extend(inserts[name])
        position = match.end()
    blocks.extend(parse(source[position:]))
    return tuple(blocks)


def _blocks(tokens, i: int, closing: str | None, offset: int) -> tuple[list[Block], int]:
    """Read block tokens from position i until the closing token type; return blocks and next index."""
    out: list[Block] = []
    while i < len(tokens):
        tok = tokens[i]
        if closing and tok.type == closing:
            return out, i + 1
        if tok.type == "heading_open":
            level = min(int(tok.tag[1]) + offset, 3)
            out.append(Heading(level, _inlines(tokens[i + 1].children or [])))
            i += 3
        elif tok.type == "paragraph_open":
            children = _inlines(tokens[i + 1].children or [])
            if children:
                out.append(Paragraph(children))
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            items, i = _list_items(tokens, i + 1, tok.type.replace("_open", "_close"), offset)
            out.append(BulletList(tuple(items), ordered=tok.type == "ordered_list_open"))
        elif tok.type in ("fence", "code_block"):
            out.append(Paragraph((Text(tok.content.rstrip("\n")),)))
            i += 1
        else:  # blockquote_open/close, hr and the like: their content is read on its own
            i += 1
    return out, i


def _list_items(tokens, i: int, closing: str, offset: int) -> tuple[list[tuple[Block, ...]], int]:
    """Read list items until the list's closing token."""
    items: list[tuple[Block, ...]] = []
    while tokens[i].type != closing:
        if tokens[i].type == "list_item_open":
            blocks, i = _blocks(tokens, i + 1, "list_item_close", offset)
            items.append(tuple(blocks))
        else:
            i += 1
    return items, i + 1


def _inlines(children) -> tuple[Inline, ...]:
    """Inline tokens to model inlines: emphasis, strong, breaks and text; everything else as text."""
    stack: list[list[Inline]] = [[]]
    kinds: list[type] = []
    for tok in children:
        if tok.type in ("em_open", "strong_open"):
            stack.append([])
            kinds.append(Emph if tok.type == "em_open" else Strong)
        elif tok.type in ("em_close", "strong_close"):
            content = tuple(stack.pop())
            stack[-1].append(kinds.pop()(content))
        elif tok.type == "softbreak":
            _add_text(stack[-1], " ")
        elif tok.type == "hardbreak":
            stack[-1].append(LineBreak())
        elif tok.type == "image":
            _add_text(stack[-1], tok.content)
        elif tok.type in ("text", "code_inline", "html_inline"):
            _add_text(stack[-1], tok.content)
        # link_open/link_close are dropped: the link text stays, the target never reaches the output
    return tuple(stack[0])


def _add_text(inlines: list[Inline], text: str) -> None:
    """Append text, merging with a preceding Text node."""
    if inlines and isinstance(inlines[-1], Text):
        inlines[-1] = Text(inlines[-1].text + text)
    elif text:
        inlines.append(Text(text))
