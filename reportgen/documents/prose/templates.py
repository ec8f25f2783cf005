"""The prose templates' Jinja environment, and a template rendered as Markdown blocks or as one line of text."""

from __future__ import annotations

from functools import cache
from typing import NoReturn

from markupsafe import Markup

from reportgen.documents import markdown, templating
from reportgen.documents.model import Block
from reportgen.resources import PROSE_TEMPLATES


@cache
def environment(plain: bool = False):
    """The Jinja environment of the prose templates: Markdown, where every printed value is literal text, or `plain`
    text (the charts' alternative texts)."""
    env = templating.environment(
        PROSE_TEMPLATES,
        autoescape=False,
        finalize=None if plain else _escape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["unknown"] = unknown
    return env


class UnknownValue(LookupError):
    """A template met a value of a closed set (domain/vocabulary.py) that it has no wording for."""


def unknown(what: str, value: object) -> NoReturn:
    """The end of a template's branches on a closed set's value: a value without wording fails, never reads as
    another."""
    raise UnknownValue(f"the prose templates have no wording for {what} {value!r}")


def warm_up() -> None:
    """Compile every prose template once, so that a process's first document does not wait for it."""
    for template in PROSE_TEMPLATES.iterdir():
        if template.name.endswith(".j2"):
            environment(plain=template.name.endswith(".txt.j2")).get_template(template.name)


def _escape(value: object) -> object:
    """Every value a prose template prints is literal text, except a macro's output marked |safe."""
    return value if isinstance(value, Markup) else markdown.escape(value)


def source(name: str, ctx: dict) -> str:
    """A prose template rendered as Markdown, with its "@@name@@" placeholder lines."""
    return environment().get_template(name).render(ctx)


def render(name: str, ctx: dict, inserts: dict[str, tuple[Block, ...]]) -> tuple[Block, ...]:
    """Render a prose template and parse it into blocks, inserting tables, charts and texts."""
    placeable = markdown.placeable(templating.sources(environment(), name))
    return markdown.parse_with_placeholders(source(name, ctx), inserts, placeable)


def alt_text(name: str, ctx: dict) -> str:
    """Alternative text for a chart from its template, as one line."""
    return " ".join(environment(plain=True).get_template(name).render(ctx).split())
