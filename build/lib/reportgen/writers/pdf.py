"""PDF writer: the HTML document laid out by WeasyPrint as a tagged, reproducible PDF/UA-1 file."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from reportgen.documents.model import Document
from reportgen.resources import STYLESHEET, TEMPLATES
from reportgen.writers import html as html_writer

PDF_VARIANT = "pdf/ua-1"
BASE_URL = TEMPLATES.as_uri() + "/"
SERVED_FILE_TYPES = {".css": "text/css", ".ttf": "font/ttf"}
SERVED_DATA_TYPES = frozenset({"image/png", "image/jpeg"})

# WeasyPrint's font configuration and fetcher are shared, and SOURCE_DATE_EPOCH is
# process-wide, so renders in one process run one at a time.
_render_lock = threading.Lock()


class RenderError(RuntimeError):
    """WeasyPrint logged an error (a missing resource, a missing alt text, …) while rendering."""


class RefusedURL(ValueError):
    """A URL that the PDF writer does not serve to WeasyPrint."""


def render(doc: Document, html: bytes | None = None) -> bytes:
    """Return the document as PDF/UA-1 bytes, laid out from its HTML (rendered here when not given)."""
    if html is None:
        html = html_writer.render(doc)
    _load_weasyprint()
    from weasyprint import HTML

    with _render_lock, _source_date_epoch(doc.date), _fail_on_logged_errors():
        html, stylesheets = _split_stylesheet(html)
        page = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher())
        return page.write_pdf(
            stylesheets=stylesheets,
            font_config=_font_config(),
            pdf_variant=PDF_VARIANT,
            pdf_identifier=_identifier(doc),
        )


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


def warm_up() -> None:
    """Import WeasyPrint, load the house stylesheet and fonts, and compile the HTML templates on a tiny document."""
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

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
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
    """Return (body, media type) for a templates/ stylesheet or font or an image data: URL; refuse the rest."""
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


def _release_fonts() -> None:
    """Remove the shared font configuration's temporary font folder at exit of the process that made it.

    WeasyPrint removes it in FontConfiguration.__del__, which never runs in a pool worker (it ends with
    os._exit) and may run too late at interpreter exit. A forked child leaves its parent's folder alone.
    """
    config = _font_config()
    folder, config._folder = getattr(config, "_folder", None), None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _split_stylesheet(html: bytes) -> tuple[bytes, list[Any]]:
    """The HTML without its inlined house stylesheet, and that stylesheet parsed once per process.

    WeasyPrint would otherwise parse and validate the same stylesheet, and register its fonts, for every
    document. An HTML page whose <style> is not the house stylesheet is laid out as it is.
    """
    start, end = html.find(b"<style>"), html.find(b"</style>")
    if start < 0 or end < start or html[start + len(b"<style>") : end].strip() != _house_css().strip():
        return html, []
    return html[:start] + html[end + len(b"</style>") :], [_house_stylesheet()]


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


def _template_file(url: str) -> tuple[bytes, str]:
    """Return a stylesheet or font file inside templates/, refusing any other path."""
    parts = urlsplit(url)
    path = Path(url2pathname(parts.path)).resolve()
    root = TEMPLATES.resolve()
    media_type = SERVED_FILE_TYPES.get(path.suffix.lower())
    if parts.netloc not in ("", "localhost") or not path.is_relative_to(root) or media_type is None:
        raise RefusedURL(f"reportgen only serves stylesheets and fonts under {root}, not {url!r}")
    return path.read_bytes(), media_type


def _data_url(url: str) -> tuple[bytes, str]:
    """Decode a data: URL holding a PNG or JPEG image, refusing other media types."""
    header, comma, payload = url.partition(",")
    media_type, *parameters = [part.strip() for part in header.removeprefix("data:").lower().split(";")]
    if not comma or media_type not in SERVED_DATA_TYPES:
        raise RefusedURL(f"reportgen only serves PNG and JPEG data: URLs, not {header!r}")
    if "base64" not in parameters:
        return unquote_to_bytes(payload), media_type
    try:
        return base64.b64decode(payload, validate=True), media_type
    except binascii.Error as error:
        raise RefusedURL(f"invalid base64 in data: URL ({error})") from None


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
