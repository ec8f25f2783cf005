"""The one factory of the Jinja2 environments reportgen renders its own templates with: the prose templates
(documents), the HTML writer's (writers) and the redline's (lifecycle); each caller states the options it needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def environment(
    folder: Path,
    *,
    autoescape: bool,
    trim_blocks: bool,
    lstrip_blocks: bool,
    keep_trailing_newline: bool,
    finalize: Callable[[Any], Any] | None = None,
    filters: Mapping[str, Callable[..., Any]] | None = None,
) -> jinja2.Environment:
    """A Jinja2 environment over one folder of the package's templates.

    In every environment an undefined value is an error (StrictUndefined), never an empty string, and the
    templates are compiled once per process (they travel inside the package and do not change while it runs).
    `autoescape` is on for HTML and off for Markdown and plain text; `finalize` sees every printed value;
    `trim_blocks`, `lstrip_blocks` and `keep_trailing_newline` are the whitespace control the templates are
    written for.
    """
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=trim_blocks,
        lstrip_blocks=lstrip_blocks,
        keep_trailing_newline=keep_trailing_newline,
        finalize=finalize,
        auto_reload=False,
    )
    env.filters.update(filters or {})
    return env


@cache
def sources(env: jinja2.Environment, name: str) -> tuple[str, ...]:
    """The source of a template and of every template it includes, imports or extends, each once (a template
    named by an expression cannot be followed)."""
    import jinja2.meta

    assert env.loader is not None
    found: dict[str, str] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current not in found:
            found[current] = env.loader.get_source(env, current)[0]
            pending += [n for n in jinja2.meta.find_referenced_templates(env.parse(found[current])) if n is not None]
    return tuple(found.values())
