"""HTML writer: renders a Document as one self-contained HTML5 file through Jinja2 templates."""

from __future__ import annotations

import base64
from functools import cache

import jinja2
from markupsafe import Markup

from reportgen.documents.model import Document
from reportgen.resources import HTML_TEMPLATES, STYLESHEET


def render(doc: Document) -> bytes:
    """Return the document as UTF-8 encoded HTML5 with the stylesheet inlined."""
    template = _environment().get_template("document.html.j2")
    return template.render(doc=doc, css=_stylesheet()).encode("utf-8")


@cache
def _environment() -> jinja2.Environment:
    """Return the shared Jinja2 environment (created on first use; templates are cached by it)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HTML_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        keep_trailing_newline=True,
    )
    env.filters["kind"] = _kind
    env.filters["data_uri"] = _png_data_uri
    env.globals["unsupported"] = _unsupported
    return env


@cache
def _stylesheet() -> Markup:
    """Return the shared stylesheet, marked safe for the template's <style> element."""
    css = STYLESHEET.read_text(encoding="utf-8")
    if "</" in css:
        raise ValueError(f"{STYLESHEET} must not contain '</' (it is inlined into <style>)")
    return Markup(css)


def _kind(node: object) -> str:
    """Return the model class name of a block or inline node, used by the templates to dispatch."""
    return type(node).__name__


def _png_data_uri(png: bytes) -> str:
    """Return PNG bytes as a base64 data: URL."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _unsupported(node: object) -> str:
    """Fail the render for a node that is not part of the document model."""
    raise TypeError(f"the HTML writer cannot render {type(node).__name__}: {node!r}")
