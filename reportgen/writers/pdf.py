"""PDF writer: the HTML document laid out by WeasyPrint as a tagged, reproducible PDF/UA-1 file."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from reportgen.documents import png as png_file
from reportgen.documents.model import Document
from reportgen.inputs.style import DEFAULT_LOOK, Look
from reportgen.resources import STYLESHEET, TEMPLATES
from reportgen.writers import html as html_writer
from reportgen.writers import html_tree

PDF_VARIANT = "pdf/ua-1"
BASE_URL = TEMPLATES.as_uri() + "/"
SERVED_FILE_TYPES = {".css": "text/css", ".ttf": "font/ttf"}
SERVED_DATA_TYPES = frozenset({"image/png", "image/jpeg"})
# a style folder's SVG logo and font files, served as data: URLs only with the content that was checked on loading
TRUSTED_DATA_TYPES = frozenset({"image/svg+xml", "font/ttf", "font/otf"})
_trusted: set[str] = set()  # SHA-256 of the style folders' logos and fonts rendered in this process
PNG_DATA_URL = re.compile(rb'src="(data:image/png;base64,[A-Za-z0-9+/=]*)"')
FIGURE_URL = "reportgen-figur:{}"  # what an embedded PNG is called in the HTML WeasyPrint parses

# WeasyPrint's font configuration and fetcher are shared, and SOURCE_DATE_EPOCH is
# process-wide, so renders in one process run one at a time.
_render_lock = threading.Lock()


class RenderError(RuntimeError):
    """WeasyPrint logged an error (a missing resource, a missing alt text, …) while rendering."""


class RefusedURL(ValueError):
    """A URL that the PDF writer does not serve to WeasyPrint."""


def render(doc: Document, html: bytes | None = None, look: Look = DEFAULT_LOOK) -> bytes:
    """Return the document as PDF/UA-1 bytes, laid out from its HTML in the look (rendered here when not given)."""
    if html is None:
        html = html_writer.render(doc, look)
    _load_weasyprint()

    with _render_lock, _source_date_epoch(doc.date), _fail_on_logged_errors():
        _trust(look)
        html, stylesheets = _split_stylesheet(html, look)
        html, images = _split_images(html)
        return _page(html).write_pdf(
            stylesheets=stylesheets,
            cache=images,
            font_config=_font_config(),
            pdf_variant=PDF_VARIANT,
            pdf_identifier=_identifier(doc),
        )


def _page(html: bytes) -> Any:
    """WeasyPrint's HTML document for the page: from the tree html_tree builds (the same tree, in a fifth of the
    time), or parsed by WeasyPrint when html_tree does not build this page."""
    from weasyprint import HTML

    root = html_tree.parse(html)
    if root is None:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher())
    return _parsed_html_type()(root)


@cache
def _parsed_html_type() -> type:
    """WeasyPrint's HTML document made from an element tree instead of HTML text; what its constructor sets after
    parsing is set here (a page without <base> has the base URL it is given)."""
    import cssselect2
    from weasyprint import HTML

    class ParsedHTML(HTML):
        """A page already parsed into the element tree WeasyPrint's HTML5 parser would build."""

        def __init__(self, root: Any) -> None:
            self.base_url = BASE_URL
            self.url_fetcher = url_fetcher()
            self.media_type = "print"
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
            self.etree_element = self.wrapper_element.etree_element

    return ParsedHTML


def warm_up_document(*blocks: Any) -> Document:
    """A tiny draft document (a paragraph, then the given blocks) for loading fonts, stylesheet and templates."""
    from reportgen.documents.model import Paragraph, Text

    return Document(
        slug="opvarmning",
        title="Opvarmning",
        subtitle="Opvarmning",
        header="Opvarmning",
        draft=True,
        date=date(2024, 1, 1),
        author="reportgen",
        blocks=(Paragraph((Text("Opvarmning"),)), *blocks),
    )


@cache
def warm_up() -> None:
    """Import WeasyPrint, load the house stylesheet and fonts, and compile the HTML templates on a tiny document;
    once per process (a process forked from a warm one is warm)."""
    render(warm_up_document())


@cache
def _load_weasyprint() -> None:
    """Import WeasyPrint without the library search that makes its import slow on Linux.

    WeasyPrint tries several names for each native library, Windows and macOS names first. For each name
    that cannot be loaded directly, cffi asks ctypes.util.find_library, which on Linux runs ldconfig, gcc
    and ld – some 0.2 s of every cold start. The Linux names further down the lists load directly, so the
    search is switched off while WeasyPrint is imported; should the import fail, it is retried with it.
    """
    import ctypes.util

    if "weasyprint" in sys.modules:
        return
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401

        return
    except OSError:
        pass  # an unusual system: fall through to the import with the search
    finally:
        ctypes.util.find_library = search
    import weasyprint  # noqa: F401, F811


def fetch_resource(url: str) -> tuple[bytes, str]:
    """Return (body, media type) for a templates/ stylesheet or font, an image data: URL or a style folder's checked
    logo or font as a data: URL; refuse the rest."""
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return _data_url(url)
    if scheme == "file":
        return _template_file(url)
    raise RefusedURL(f"reportgen only serves its own templates and embedded images, not {url!r}")


@cache
def url_fetcher() -> Any:
    """Return the shared WeasyPrint URL fetcher that serves fetch_resource() and nothing else."""
    _load_weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class TemplatesOnlyFetcher(URLFetcher):
        """A URL fetcher restricted to fetch_resource()."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            """Return the resource, or raise RefusedURL (WeasyPrint logs it and skips the resource)."""
            body, media_type = fetch_resource(url)
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return TemplatesOnlyFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


@cache
def _font_config() -> Any:
    """Return the shared font configuration; it keeps the @font-face fonts loaded between renders."""
    from multiprocessing.util import Finalize

    _load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    Finalize(None, _release_fonts, exitpriority=0)  # runs at exit of this process, also of a pool worker
    return FontConfiguration()


def own_font_folder() -> None:
    """In a process forked after fonts were loaded: keep the fonts added from now on in a folder of its own.

    WeasyPrint skips a @font-face whose file is already in its folder, taking it as registered; a folder shared
    with the parent process would hide from this process a style folder's fonts that the parent added first.
    """
    from multiprocessing.util import Finalize

    _font_config()._folder = None  # the parent's folder stays the parent's to remove
    Finalize(None, _release_fonts, exitpriority=0)


def _release_fonts() -> None:
    """Remove the shared font configuration's temporary font folder at exit of the process that made it.

    WeasyPrint removes it in FontConfiguration.__del__, which never runs in a pool worker (it ends with
    os._exit) and may run too late at interpreter exit. A forked child leaves its parent's folder alone.
    """
    config = _font_config()
    folder, config._folder = getattr(config, "_folder", None), None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _split_stylesheet(html: bytes, look: Look = DEFAULT_LOOK) -> tuple[bytes, list[Any]]:
    """The HTML without its inlined stylesheets – the house stylesheet and the look's – and those stylesheets
    parsed once per process (the look's with its fonts embedded).

    WeasyPrint would otherwise parse and validate the same stylesheets, and register their fonts, for every
    document. An HTML page whose <style> elements are not these is laid out as it is.
    """
    expected = [_house_css()]
    look_css = html_writer.look_css(look)
    if look_css is not None:
        expected.append(look_css.encode("utf-8"))
    rest, kept = html, b""
    for css in expected:
        start, end = rest.find(b"<style>"), rest.find(b"</style>")
        if start < 0 or end < start or rest[start + len(b"<style>") : end].strip() != css.strip():
            return html, []
        kept, rest = kept + rest[:start], rest[end + len(b"</style>") :]
    sheets = [_house_stylesheet()] + ([_look_stylesheet(look)] if look_css is not None else [])
    return kept + rest, sheets


@cache
def _house_css() -> bytes:
    """The house stylesheet as the HTML writer inlines it."""
    return STYLESHEET.read_bytes()


@cache
def _house_stylesheet() -> Any:
    """The house stylesheet parsed by WeasyPrint, its @font-face fonts registered in the shared configuration."""
    _load_weasyprint()
    from weasyprint import CSS

    return CSS(
        string=_house_css().decode("utf-8"), base_url=BASE_URL, url_fetcher=url_fetcher(), font_config=_font_config()
    )


@lru_cache(maxsize=8)
def _look_stylesheet(look: Look) -> Any:
    """A style folder's stylesheet parsed by WeasyPrint, its fonts registered in the shared configuration."""
    from weasyprint import CSS

    css = html_writer.look_css(look, embed_fonts=True)
    return CSS(string=str(css), base_url=BASE_URL, url_fetcher=url_fetcher(), font_config=_font_config())


def _split_images(html: bytes) -> tuple[bytes, dict[str, Any]]:
    """The HTML with each embedded RGB PNG's data: URL replaced by a short name, and WeasyPrint's image cache
    holding those PNGs by that name, ready to be embedded.

    WeasyPrint would otherwise scan every base64 character while parsing the HTML, then decode each PNG and
    compress its pixels again. An 8-bit RGB or grey PNG without interlacing or transparency (as the charts and
    maps are) holds exactly what a PDF image with a PNG predictor needs, so its compressed rows go into the PDF
    as they are. Any other image is left to WeasyPrint.
    """
    images: dict[str, Any] = {}
    parts: list[bytes] = []
    end = figures = 0
    for match in PNG_DATA_URL.finditer(html):
        png = base64.b64decode(match[1].partition(b",")[2])
        if not _rows_embeddable(png):
            continue
        figures += 1
        url = FIGURE_URL.format(figures)
        images[url] = _png_image_type()(
            _open_png(png), hashlib.md5(url.encode(), usedforsecurity=False).hexdigest(), png, cache=images
        )
        parts += [html[end : match.start(1)], url.encode("ascii")]
        end = match.end(1)
    return b"".join(parts) + html[end:], images


def _rows_embeddable(png: bytes) -> bool:
    """True for a PNG of 8-bit RGB or grey pixels, not interlaced, without transparency."""
    if not png.startswith(png_file.SIGNATURE) or png[12:16] != b"IHDR" or len(png) < 29:
        return False
    bit_depth, colour_type, _compression, _filter, interlace = png[24:29]
    transparent = any(kind == b"tRNS" for kind, _ in png_file.chunks(png))
    return bit_depth == 8 and colour_type in (0, 2) and interlace == 0 and not transparent


def _open_png(png: bytes) -> Any:
    """The PNG opened by Pillow (which reads only its header until the pixels are asked for)."""
    from io import BytesIO

    from PIL import Image

    return Image.open(BytesIO(png))


@cache
def _png_image_type() -> type:
    """WeasyPrint's raster image, embedding a PNG's compressed rows instead of decoding and compressing them."""
    _load_weasyprint()
    from weasyprint.images import RasterImage

    class EmbeddedPng(RasterImage):
        """A PNG whose compressed rows are the PDF image's stream (FlateDecode with a PNG predictor)."""

        def _get_png_data(self, pillow_image: Any) -> bytes:
            """The PNG's IDAT data as it is (WeasyPrint passes the opened image, not needed here)."""
            return b"".join(data for kind, data in png_file.chunks(self.image_data.data) if kind == b"IDAT")

    return EmbeddedPng


def _template_file(url: str) -> tuple[bytes, str]:
    """Return a stylesheet or font file inside templates/, refusing any other path."""
    parts = urlsplit(url)
    path = Path(url2pathname(parts.path)).resolve()
    root = TEMPLATES.resolve()
    media_type = SERVED_FILE_TYPES.get(path.suffix.lower())
    if parts.netloc not in ("", "localhost") or not path.is_relative_to(root) or media_type is None:
        raise RefusedURL(f"reportgen only serves stylesheets and fonts under {root}, not {url!r}")
    return path.read_bytes(), media_type


def _trust(look: Look) -> None:
    """Let data: URLs carry the look's SVG logo and font files (each checked when the style folder was loaded)."""
    for data in (look.logo.svg if look.logo else None, *(face.data for face in look.fonts)):
        if data is not None:
            _trusted.add(hashlib.sha256(data).hexdigest())


def _data_url(url: str) -> tuple[bytes, str]:
    """Decode a data: URL holding a PNG or JPEG image, or a style folder's checked SVG logo or font; refuse the rest."""
    header, comma, payload = url.partition(",")
    media_type, *parameters = [part.strip() for part in header.removeprefix("data:").lower().split(";")]
    if not comma or media_type not in SERVED_DATA_TYPES | TRUSTED_DATA_TYPES:
        raise RefusedURL(f"reportgen only serves PNG and JPEG data: URLs, not {header!r}")
    if "base64" not in parameters:
        body = unquote_to_bytes(payload)
    else:
        try:
            body = base64.b64decode(payload, validate=True)
        except binascii.Error as error:
            raise RefusedURL(f"invalid base64 in data: URL ({error})") from None
    if media_type in TRUSTED_DATA_TYPES and hashlib.sha256(body).hexdigest() not in _trusted:
        raise RefusedURL(f"reportgen only serves the logo and fonts of a loaded style folder as {media_type}")
    return body, media_type


def _identifier(doc: Document) -> bytes:
    """Return the PDF's permanent file identifier, derived from the document's slug."""
    return hashlib.sha256(f"reportgen:{doc.slug}".encode()).hexdigest()[:32].encode("ascii")


@contextmanager
def _source_date_epoch(day: date) -> Iterator[None]:
    """Pin SOURCE_DATE_EPOCH to the document date, so font subsetting via fontTools never stamps the clock."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(moment.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


class _ErrorCollector(logging.Handler):
    """Collects the messages of ERROR (and worse) log records."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Remember the record's message."""
        self.messages.append(record.getMessage())


@contextmanager
def _fail_on_logged_errors() -> Iterator[None]:
    """Raise RenderError after the block if WeasyPrint logged any error during it."""
    logger = logging.getLogger("weasyprint")
    collector = _ErrorCollector()
    level = logger.level
    if logger.getEffectiveLevel() > logging.ERROR:
        logger.setLevel(logging.ERROR)
    logger.addHandler(collector)
    try:
        yield
    finally:
        logger.removeHandler(collector)
        logger.setLevel(level)
    if collector.messages:
        raise RenderError("WeasyPrint could not render the PDF: " + "; ".join(collector.messages))
