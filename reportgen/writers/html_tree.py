"""The HTML writer's pages as the element tree WeasyPrint lays out, parsed by the standard library's HTML parser.

WeasyPrint parses HTML with a pure-Python HTML5 parser, which takes several times longer than this module for a
page that is already well formed: the HTML writer closes every element it opens, nests blocks correctly and writes
no comments, scripts or foreign (SVG, MathML) content. For such a page, the tree built here equals the HTML5
parser's – elements without namespace, text and tails, and the whitespace the HTML5 rules keep or drop around
<head> and <body> (tests/test_html_tree.py compares the two on random pages, tests/test_corpus.py on every
document of the test cases). Anything else returns None, and WeasyPrint parses the page as usual.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"))
# The elements the HTML writer uses (and a few more of the same plain kind); a page with any other element is
# left to the HTML5 parser, whose rules for forms, scripts, raw text and foreign content are not reproduced here.
ALLOWED = frozenset(
    (
        "html", "head", "body", "meta", "title", "link", "main", "header", "footer", "section", "article", "nav",
        "aside", "div", "p", "span", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "a", "abbr", "code",
        "mark", "time", "br", "wbr", "hr", "img", "figure", "figcaption", "blockquote", "ul", "ol", "li", "dl", "dt",
        "dd", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th",
        "h1", "h2", "h3", "h4", "h5", "h6",
    )
)  # fmt: skip
# Where HTML5 stops looking for an open <p> or <a> to close ("button scope", of the elements above) …
SCOPE = frozenset(("html", "table", "td", "th", "caption"))
# … and for an open <li>, <dd> or <dt>: at any of these ("special") elements but <div> and <p>.
SPECIAL = ALLOWED - frozenset(("span", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "a", "abbr", "code",
                               "mark", "time", "div", "p"))  # fmt: skip
UTF8 = b'<meta charset="utf-8">'  # how the HTML writer declares the encoding, at the start of <head>
BLANK = " \t\n\f\r"
BARE_AMPERSAND = re.compile(r"&(?!#?[0-9A-Za-z]+;)")  # an & that does not begin a character reference ending in ;
HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Start tags that end an open <p> in HTML5; the page would then hold an extra, empty paragraph.
CLOSES_P = HEADINGS | frozenset(
    (
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset",
        "figcaption", "figure", "footer", "form", "header", "hgroup", "hr", "li", "main", "menu", "nav", "ol",
        "p", "search", "section", "summary", "table", "ul", "dd", "dt",
    )
)  # fmt: skip
# Elements HTML5 puts only in these parents (adding a missing parent, or ignoring the tag) …
PARENTS = {
    "caption": frozenset(("table",)),
    "colgroup": frozenset(("table",)),
    "thead": frozenset(("table",)),
    "tbody": frozenset(("table",)),
    "tfoot": frozenset(("table",)),
    "tr": frozenset(("thead", "tbody", "tfoot")),
    "td": frozenset(("tr",)),
    "th": frozenset(("tr",)),
    "col": frozenset(("colgroup",)),
    "head": frozenset(("html",)),
    "body": frozenset(("html",)),
}
# … and the only elements, and no text but whitespace, these parents hold (HTML5 moves anything else out).
CHILDREN = {
    "html": frozenset(("head", "body")),
    "head": frozenset(("link", "meta", "title")),  # another element would end <head>; <base> would change URLs
    "table": frozenset(("caption", "colgroup", "thead", "tbody", "tfoot")),
    "colgroup": frozenset(("col",)),
    "thead": frozenset(("tr",)),
    "tbody": frozenset(("tr",)),
    "tfoot": frozenset(("tr",)),
    "tr": frozenset(("td", "th")),
}


class _Unsupported(Exception):
    """The page holds something the HTML5 rules would treat in a way this builder does not reproduce."""


class _Builder(HTMLParser):
    """An element tree from start tags, end tags and text; refuses what it cannot build as HTML5 would."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: ET.Element | None = None
        self.stack: list[ET.Element] = []  # the open elements; <html> and <body> stay open after their end tags
        self.last: ET.Element | None = None  # the element whose tail takes the next text, if any
        self.after_body = False
        self.standard = False  # <!DOCTYPE html> seen: the HTML5 rules of a standards-mode page apply

    def handle_decl(self, decl: str) -> None:
        if self.root is not None or decl.lower() != "doctype html":
            raise _Unsupported(decl)
        self.standard = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name for name, _ in attrs]
        if tag not in ALLOWED or self.after_body or len(set(names)) < len(names):
            raise _Unsupported(tag)
        if attrs and BARE_AMPERSAND.search(self.get_starttag_text() or ""):
            raise _Unsupported("& in an attribute")  # HTML5 leaves "&copy=" in an attribute as it is
        element = ET.Element(tag, {name: "" if value is None else value for name, value in attrs})
        if not self.stack:
            if tag != "html":
                raise _Unsupported("implied <html>")
            self.root = element
        else:
            parent = self.stack[-1].tag
            if (
                tag == "html"
                or parent == "title"  # its content is text in HTML5
                or (tag in PARENTS and parent not in PARENTS[tag])
                or (parent in CHILDREN and tag not in CHILDREN[parent])
                or (tag in CLOSES_P and self._open_in_scope("p"))
                or (tag == "a" and self._open_in_scope("a"))
                or (tag == "li" and self._open_item(("li",)))
                or (tag in ("dd", "dt") and self._open_item(("dd", "dt")))
                or (tag in HEADINGS and parent in HEADINGS)
            ):
                raise _Unsupported(f"<{tag}> in <{parent}>")
            self.stack[-1].append(element)
        if tag in VOID:
            self.last = element
        else:
            self.stack.append(element)
            self.last = None

    def _open_in_scope(self, tag: str) -> bool:
        """True when an element `tag` is open below the nearest table cell, caption or table: a start tag that ends
        such an element in HTML5 would end it here."""
        for element in reversed(self.stack):
            if element.tag == tag:
                return True
            if element.tag in SCOPE:
                return False
        return False

    def _open_item(self, tags: tuple[str, ...]) -> bool:
        """True when a list item (or term or description) of `tags` is open in the same list: a new one ends it."""
        for element in reversed(self.stack):
            if element.tag in tags:
                return True
            if element.tag in SPECIAL:
                return False
        return False

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            raise _Unsupported(f"<{tag}/>")
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "html" and self.after_body:
            return  # what follows (whitespace only) still goes to the body
        if self.after_body or tag in VOID or not self.stack or self.stack[-1].tag != tag:
            raise _Unsupported(f"</{tag}>")
        if tag == "body":
            self.after_body = True
            body = self.stack[-1]
            self.last = body[-1] if len(body) else None
            return
        self.last = self.stack.pop()

    def handle_data(self, data: str) -> None:
        blank = not data.strip(BLANK)
        if not self.stack or (self.stack[-1].tag == "html" and not len(self.stack[-1])):
            if not blank:
                raise _Unsupported("text before <head>")
            return  # the HTML5 rules drop whitespace before <html> and before <head>
        parent = self.stack[-1]
        if not blank and (self.after_body or parent.tag in CHILDREN):
            raise _Unsupported(f"text in <{parent.tag}>")
        if self.last is not None:
            self.last.tail = (self.last.tail or "") + data
        else:
            parent.text = (parent.text or "") + data

    def handle_comment(self, data: str) -> None:
        raise _Unsupported("comment")

    def handle_pi(self, data: str) -> None:
        raise _Unsupported("processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise _Unsupported("declaration")


def parse(html: bytes) -> ET.Element | None:
    """The page's element tree as the HTML5 parser builds it, or None when the page is not one this module
    builds exactly (then WeasyPrint parses it)."""
    declared = html.find(b"charset", 0, 1024)
    if declared < 0 or html.rfind(b"<", 0, declared) != html.find(UTF8, 0, 1024):
        return None  # the HTML5 parser would guess the encoding (windows-1252 …), not read UTF-8
    try:
        text = html.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text or "\x00" in text:
        return None  # HTML5 turns CR LF into LF and drops NUL
    builder = _Builder()
    try:
        builder.feed(text)
        builder.close()
    except _Unsupported:
        return None
    if builder.root is None or not builder.standard or len(builder.stack) != 2 or not builder.after_body:
        return None
    return builder.root
