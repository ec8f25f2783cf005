"""The one factory of the Jinja2 environments reportgen renders its own templates with: the prose templates
(documents), the HTML writer's (writers) and the redline's (lifecycle); each caller states the options it needs."""

from __future__ import annotations

import os
import stat
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
    templates are compiled once per process (they travel inside the package and do not change while it runs),
    or taken compiled from the user's cache folder (`bytecode_cache`).
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
        bytecode_cache=bytecode_cache(),
    )
    env.filters.update(filters or {})
    return env


@cache
def bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between processes, so that a command-line build does not compile the same
    templates again (a fifth of a cold build): in the user's cache folder, $XDG_CACHE_HOME or ~/.cache, under
    reportgen/jinja, made for the user alone. Jinja takes a compiled template only for the same source (its
    checksum) and the same Python. None – every template compiled, as before – when there is no such folder of the
    user's own that only the user may write in."""
    import jinja2

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "reportgen", "jinja")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        return None

    class QuietCache(jinja2.FileSystemBytecodeCache):
        """The folder's cache, where a compiled template that cannot be written (a full disk, a read-only folder)
        is only not kept."""

        def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    return QuietCache(folder)


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
