"""HTML writer: renders a Document as one self-contained HTML5 file; this module chooses how each block renders
(as the DOCX writer does), the Jinja2 templates in templates/html/ hold the markup."""

from __future__ import annotations

import base64
import hashlib
from functools import cache, lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from reportgen.documents import templating
from reportgen.documents.model import (
    Block,
    BulletList,
    Decision,
    Document,
    Emph,
    Figure,
    Heading,
    Inline,
    LineBreak,
    PageBreak,
    Paragraph,
    Strong,
    Table,
    Text,
)
from reportgen.inputs.style import BUNDLED_FONTS, DEFAULT_LOOK, HOUSE_TOKENS, Look
from reportgen.resources import HTML_TEMPLATES, STYLESHEET
from reportgen.writers.typeset import typeset

if TYPE_CHECKING:
    import jinja2

HEADING_LEVELS = 6  # HTML's h1 … h6


def render(doc: Document, look: Look = DEFAULT_LOOK) -> bytes:
    """Return the document as UTF-8 encoded HTML5 with the stylesheet inlined, in the look of a style folder
    (its tokens as a second stylesheet, its logo at the top) when one is given; its text typeset (no line break
    inside a date)."""
    doc = typeset(doc)
    template = _environment().get_template("document.html.j2")
    logo = None
    if look.logo is not None:
        logo = {"src": logo_data_uri(look), "alt": look.logo.alt}
    body = _BlockWriter(doc.numbering).blocks(doc.blocks)
    return template.render(doc=doc, body=body, css=_stylesheet(), look_css=look_css(look), logo=logo).encode("utf-8")


class _BlockWriter:
    """Renders blocks as HTML, numbering tables and figures: the writer chooses each node's macro of
    templates/html/blocks.html.j2 and hands it the node's content already rendered."""

    def __init__(self, numbering: str = "") -> None:
        """Take the macros and the prefix of the document's table and figure numbers."""
        self.macros = _macros()
        self.numbering = numbering
        self.tables = 0
        self.figures = 0

    def blocks(self, blocks: tuple[Block, ...]) -> Markup:
        """Blocks in order."""
        return Markup("").join(self.write(block) for block in blocks)

    def write(self, block: Block) -> Markup:
        """One block of the document model."""
        m = self.macros
        match block:
            case Heading(level=level, children=children):
                return m.heading(min(max(level, 1), HEADING_LEVELS), self.inlines(children))
            case Paragraph(children=children):
                return m.paragraph(self.inlines(children))
            case BulletList(items=items, ordered=ordered):
                return m.bullet_list(ordered, [self.blocks(item) for item in items])
            case Table():
                self.tables += 1
                return m.table(block, f"{self.numbering}{self.tables}")
            case Figure():
                self.figures += 1
                return m.figure(block, f"{self.numbering}{self.figures}")
            case Decision(title=title, body=body):
                return m.decision(title, self.blocks(body))
            case PageBreak():
                return m.page_break()
            case _:
                raise TypeError(f"the HTML writer cannot render {type(block).__name__}: {block!r}")

    def inlines(self, inlines: tuple[Inline, ...]) -> Markup:
        """Inline content, its text escaped."""
        return Markup("").join(self.inline(node) for node in inlines)

    def inline(self, node: Inline) -> Markup:
        """One inline node of the document model."""
        m = self.macros
        match node:
            case Text(text=text):
                return escape(text)
            case Emph(children=children):
                return m.emph(self.inlines(children))
            case Strong(children=children):
                return m.strong(self.inlines(children))
            case LineBreak():
                return m.line_break()
            case _:
                raise TypeError(f"the HTML writer cannot render {type(node).__name__}: {node!r}")


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
    _environment().get_template("document.html.j2")
    _macros()


@cache
def _environment() -> jinja2.Environment:
    """Return the shared Jinja2 environment (created on first use; templates are cached by it)."""
    return templating.environment(
        HTML_TEMPLATES,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        filters={"data_uri": _png_data_uri},
    )


@cache
def _macros() -> Any:
    """The macros of templates/html/blocks.html.j2, one per block and inline type."""
    return _environment().get_template("blocks.html.j2").module


@cache
def _stylesheet() -> Markup:
    """Return the shared stylesheet, marked safe for the template's <style> element."""
    css = STYLESHEET.read_text(encoding="utf-8")
    if "</" in css:
        raise ValueError(f"{STYLESHEET} must not contain '</' (it is inlined into <style>)")
    return Markup(css)


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
