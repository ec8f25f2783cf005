"""Keys of what determines an output's bytes: a chart's data and spec, a document model, a look, and the tool.

Two outputs with the same key have the same bytes, so a build can take a chart or a document from an earlier
version whose key is the same instead of drawing or laying it out again. The tool's part of every key is the
package's own files (code, templates, fonts, boundaries), the libraries that draw and write, Python and zlib: a
changed line of code or a new library gives every output a new key.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from fractions import Fraction
from functools import cache
from importlib import metadata
from pathlib import PurePath
from typing import Any

from reportgen.resources import PACKAGE

# the libraries whose version can change a chart's or a document's bytes
DRAWING_LIBRARIES = (
    "matplotlib",
    "pillow",
    "numpy",
    "weasyprint",
    "pydyf",
    "fonttools",
    "tinycss2",
    "cssselect2",
    "pyphen",
    "python-docx",
    "lxml",
    "jinja2",
    "markdown-it-py",
    "babel",
)


@cache
def tool() -> str:
    """The tool's part of every key: a digest of reportgen's own files, the drawing libraries' versions, Python and
    zlib (once per process)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            _feed(h, path.relative_to(PACKAGE).as_posix())
            _feed(h, path.read_bytes())
    for name in DRAWING_LIBRARIES:
        _feed(h, (name, library_version(name)))
    _feed(h, (sys.version, zlib.ZLIB_RUNTIME_VERSION))
    return h.hexdigest()


@cache
def library_version(name: str) -> str | None:
    """An installed library's version (None: not installed), as this process found it first: the version it has
    loaded (looking it up costs about a millisecond, for every build's manifest)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def key(*parts: Any) -> str:
    """The key of values (documents, charts' arguments, looks …) together with the tool that turns them into bytes."""
    h = hashlib.sha256()
    _feed(h, tool())
    for part in parts:
        _feed(h, part)
    return h.hexdigest()


def _feed(h: Any, value: Any) -> None:
    """Feed a value to a hash, unambiguously: every value states its type and length; bytes go in as their digest.
    A type it does not know is an error, never a value silently left out of a key."""
    if value is None or isinstance(value, bool):
        h.update(b"c" + repr(value).encode())
    elif isinstance(value, str):
        data = value.encode("utf-8")
        h.update(b"s%d:" % len(data) + data)
    elif isinstance(value, bytes):
        h.update(b"b" + hashlib.sha256(value).digest())
    elif isinstance(value, enum.Enum):
        _feed(h, (type(value).__qualname__, value.name))
    elif isinstance(value, (int, float, Fraction, date)):
        text = f"{type(value).__name__}:{value!r}".encode()
        h.update(b"n%d:" % len(text) + text)
    elif isinstance(value, PurePath):
        _feed(h, ("path", value.as_posix()))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        h.update(b"d%d:" % len(fields))
        _feed(h, type(value).__qualname__)
        for f in fields:
            _feed(h, f.name)
            _feed(h, getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        h.update(b"t%d:" % len(value))
        for item in value:
            _feed(h, item)
    elif isinstance(value, dict):
        h.update(b"m%d:" % len(value))
        for k, v in value.items():
            _feed(h, k)
            _feed(h, v)
    else:
        raise TypeError(f"no key for a value of type {type(value).__qualname__}")


# --- the charts of one build -------------------------------------------------------------------------------------

Take = Callable[[str], bytes | None]  # the bytes an earlier version holds for a key, or None


@dataclasses.dataclass
class Drawing:
    """The charts of one build: where earlier charts are taken from, and the key of every chart it got."""

    take: Take
    keys: dict[str, str] = dataclasses.field(default_factory=dict)  # a chart's PNG digest → its key

    def key_of(self, png: bytes) -> str | None:
        """The key of a chart this build got (None: not drawn during this build)."""
        return self.keys.get(hashlib.sha256(png).hexdigest())


_DRAWING: ContextVar[Drawing | None] = ContextVar("reportgen_drawing", default=None)


@contextmanager
def drawing(take: Take) -> Iterator[Drawing]:
    """The charts drawn inside the block are first sought with `take` by their key, and every chart's key is kept."""
    state = Drawing(take)
    token = _DRAWING.set(state)
    try:
        yield state
    finally:
        _DRAWING.reset(token)


def keyed_chart(chart: Callable[..., bytes], draw: Callable[..., bytes]) -> Callable[..., bytes]:
    """A chart function that, inside `drawing`, takes the PNG an earlier version holds for the same chart function
    and arguments before it calls `draw`, and records the key of every PNG it returns."""

    def chart_png(*args: Any, **kwargs: Any) -> bytes:
        state = _DRAWING.get()
        if state is None:
            return draw(*args, **kwargs)
        chart_key = key("chart", chart.__module__, chart.__qualname__, args, kwargs)
        png = state.take(chart_key)
        if png is None:
            png = draw(*args, **kwargs)
        state.keys[hashlib.sha256(png).hexdigest()] = chart_key
        return png

    return chart_png
