"""HTML writer: renders a Document as one self-contained HTML5 file through Jinja2 templates."""

from __future__ import annotations

import base64
import hashlib
from functools import cache, lru_cache
from html.parser import HTMLParser

import jinja2
from markupsafe import Markup

from reportgen.documents.model import Document
from reportgen.inputs.style import BUNDLED_FONTS, DEFAULT_LOOK, HOUSE_TOKENS, Look
from reportgen.resources import HTML_TEMPLATES, STYLESHEET


def render(doc: Document, look: Look = DEFAULT_LOOK) -> bytes:
    """Return the document as UTF-8 encoded HTML5 with the stylesheet inlined, in the look of a style folder
    (its tokens as a second stylesheet, its logo at the top) when one is given."""
    template = _environment().get_template("document.html.j2")
    logo = None
    if look.logo is not None:
        logo = {"src": logo_data_uri(look), "alt": look.logo.alt}
    return template.render(doc=doc, css=_stylesheet(), look_css=look_css(look), logo=logo).encode("utf-8")


@lru_cache(maxsize=8)
def look_css(look: Look, embed_fonts: bool = False) -> Markup | None:
    """The look's stylesheet over the house stylesheet, None for reportgen's own look.

    The HTML names the fonts as they are installed; the PDF (embed_fonts) embeds the style folder's font files
    as data: URLs under family names of their own, so two looks in one process never share a family.
    """
    if not look.restyles_html():
        return None
    fonts = {"body": look.tokens.skrift, "headings": look.tokens.skrift_overskrifter}
    faces = []
    if embed_fonts:
        digest = hashlib.sha256(b"".join(face.data for face in look.fonts)).hexdigest()[:8]
        own = {face.family for face in look.fonts}
        fonts = {k: f"Stil {digest} {name}" if name in own else name for k, name in fonts.items()}
        for face in look.fonts:
            data = base64.b64encode(face.data).decode("ascii")
            faces.append(
                {
                    "family": f"Stil {digest} {face.family}",
                    "url": f"data:{face.media_type};base64,{data}",
                    "weight": face.weight,
                    "italic": face.italic,
                }
            )
    fonts = {k: BUNDLED_FONTS.get(name, name) if name else None for k, name in fonts.items()}
    css = (
        _environment()
        .get_template("stil.css.j2")
        .render(tokens=look.tokens.over(HOUSE_TOKENS), fonts=fonts, faces=faces, logo=look.logo)
    )
    if "</" in css:
        raise ValueError("a style folder's stylesheet must not contain '</' (it is inlined into <style>)")
    return Markup(css)


def logo_data_uri(look: Look) -> str:
    """The look's logo as a data: URL: the SVG when the style folder has one, else the PNG."""
    assert look.logo is not None
    if look.logo.svg is not None:
        return "data:image/svg+xml;base64," + base64.b64encode(look.logo.svg).decode("ascii")
    return _png_data_uri(look.logo.png)


def warm_up() -> None:
    """Compile the HTML templates once per process."""
    for name in ("document.html.j2", "blocks.html.j2"):
        _environment().get_template(name)


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


FRONT = "titlen og sidehovedet"  # the section of a page before its first heading
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "em", "i", "img", "mark", "q", "s", "small", "span",
           "strong", "sub", "sup", "u"}  # fmt: skip
_SHOWN_ATTRIBUTES = {"alt", "title", "aria-label", "content", "aria-description"}


def sections(page: bytes) -> list[tuple[str, str]]:
    """What a page shows and tells its reader, by section (the heading before it, FRONT before the first): the
    text as a browser decodes it, each block on its own line, and the alt texts, titles and meta descriptions."""
    reader = _SectionReader()
    reader.feed(page.decode("utf-8"))
    reader.close()
    return [(heading, "".join(parts)) for heading, parts in reader.sections]


class _SectionReader(HTMLParser):
    """Collects the text of a page by section; inline elements join their text, every other element breaks it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: list[tuple[str, list[str]]] = [(FRONT, [])]
        self.hidden = 0  # inside <style> or <script>
        self.heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self.hidden += 1
        if tag not in _INLINE:
            self._add("\n")
        if tag in _HEADINGS:
            self.heading = []
        self._add("".join(f"\n{value}\n" for name, value in attrs if name in _SHOWN_ATTRIBUTES and value))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.hidden = max(self.hidden - 1, 0)
        if tag in _HEADINGS and self.heading is not None:
            heading, self.heading = " ".join("".join(self.heading).split()), None
            self.sections.append((heading, [heading, "\n"]))
        elif tag not in _INLINE:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.heading is not None:
            self.heading.append(data)
        else:
            self._add(data)

    def _add(self, text: str) -> None:
        self.sections[-1][1].append(text)


def _unsupported(node: object) -> str:
    """Fail the render for a node that is not part of the document model."""
    raise TypeError(f"the HTML writer cannot render {type(node).__name__}: {node!r}")
