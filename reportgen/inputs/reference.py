"""A Word template (reference.docx): the styles the DOCX writer uses, and the check that a template can serve.

The check reads the package with zipfile and lxml only (no python-docx), so `reportgen check` finds a bad
template as cheaply as a bad data file, and the DOCX writer can trust every template it is given.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from enum import StrEnum
from io import BytesIO

from lxml import etree

from reportgen.domain.errors import Problem
from reportgen.inputs.limits import MAX_REFERENCE_PARTS, MAX_REFERENCE_UNPACKED_BYTES, MB

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_SAVE_AS_DOCX = "Åbn den i Word, og vælg Filer → Gem som → Word-dokument (*.docx)."
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class Style(StrEnum):
    """Every style name the DOCX writer uses; each must exist in the reference document."""

    NORMAL = "Normal"
    TITLE = "Title"
    SUBTITLE = "Subtitle"
    HEADING_1 = "Heading 1"
    HEADING_2 = "Heading 2"
    HEADING_3 = "Heading 3"
    LIST_BULLET = "List Bullet"
    LIST_BULLET_2 = "List Bullet 2"
    LIST_NUMBER = "List Number"
    LIST_NUMBER_2 = "List Number 2"
    LIST_CONTINUE = "List Continue"
    LIST_CONTINUE_2 = "List Continue 2"
    CAPTION = "Caption"
    FIGURE_CAPTION = "Figurtekst"  # a figure's caption: follows its picture, keeps with nothing after it
    FIGURE = "Billede"
    TABLE = "Reportgen Tabel"
    TABLE_TEXT = "Tabeltekst"
    TABLE_TEXT_RIGHT = "Tabeltekst højre"
    TABLE_HEADER = "Tabeloverskrift"
    TABLE_HEADER_RIGHT = "Tabeloverskrift højre"
    TABLE_TOTAL = "Tabeltotal"
    TABLE_TOTAL_RIGHT = "Tabeltotal højre"
    TABLE_NOTE = "Tabelnote"
    SOURCE = "Kilde"
    DECISION = "Beslutning"
    HEADER = "Header"
    FOOTER = "Footer"
    DRAFT = "Udkast"


STYLES_USED: tuple[str, ...] = tuple(Style)

# Word's built-in styles and the names Word shows for them in Danish. A template must define these itself
# (Word writes a built-in style into the file once it is used or modified).
WORD_STYLES: dict[Style, str] = {
    Style.NORMAL: "Normal",
    Style.TITLE: "Titel",
    Style.SUBTITLE: "Undertitel",
    Style.HEADING_1: "Overskrift 1",
    Style.HEADING_2: "Overskrift 2",
    Style.HEADING_3: "Overskrift 3",
    Style.LIST_BULLET: "Opstilling med punkttegn",
    Style.LIST_BULLET_2: "Opstilling med punkttegn 2",
    Style.LIST_NUMBER: "Opstilling med tal",
    Style.LIST_NUMBER_2: "Opstilling med tal 2",
    Style.LIST_CONTINUE: "Opstilling - fortsat",
    Style.LIST_CONTINUE_2: "Opstilling - fortsat 2",
    Style.CAPTION: "Billedtekst",
    Style.HEADER: "Sidehoved",
    Style.FOOTER: "Sidefod",
}
# reportgen's own styles: a template that lacks one gets the definition from reportgen's reference.docx.
OWN_STYLES: tuple[Style, ...] = tuple(style for style in Style if style not in WORD_STYLES)
TABLE_STYLES = frozenset({Style.TABLE})
# The styles that wear the heading font and colour of a style folder (as h1–h6 do in the HTML and PDF).
HEADING_FONT_STYLES = (Style.TITLE, Style.HEADING_1, Style.HEADING_2, Style.HEADING_3, Style.DECISION)
# The names python-docx looks up in styles.xml for these (Word stores them in lower case: its BabelFish).
_STORED_NAMES = {
    name: name.lower() for name in ("Caption", "Footer", "Header", *(f"Heading {n}" for n in range(1, 10)))
}


def stored_name(name: str) -> str:
    """A style's name as styles.xml stores it ("Heading 1" → "heading 1"), as python-docx looks it up."""
    return _STORED_NAMES.get(name, name)


def check_reference(data: bytes, display: str) -> list[Problem]:
    """Every problem that stops the DOCX writer from using the template: not a .docx, a zip bomb, a missing
    Word style (named with Word's Danish name and how to add it), a style of the wrong kind, no page set-up."""
    try:
        package = zipfile.ZipFile(BytesIO(data))
        infos = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        return [Problem(display, "er ikke et Word-dokument (.docx).", hint=_SAVE_AS_DOCX)]
    if len(infos) > MAX_REFERENCE_PARTS or sum(info.file_size for info in infos) > MAX_REFERENCE_UNPACKED_BYTES:
        return [
            Problem(
                display,
                f"filen pakker sig ud til mere end {MAX_REFERENCE_UNPACKED_BYTES // MB} MB "
                f"eller {MAX_REFERENCE_PARTS:,} dele.".replace(",", "."),
                hint="Fjern store billeder og indlejrede filer fra skabelonen.",
            )
        ]
    with package:
        try:
            main = _main_part(package)
            if main is None:
                return [Problem(display, "er ikke et Word-dokument (.docx).", hint=_SAVE_AS_DOCX)]
            kind = _content_type(package, main)
            if kind != _MAIN:
                return [Problem(display, _kind_message(kind), hint=_SAVE_AS_DOCX)]
            parts = _package_problems(package, display)
            if parts:
                return parts
            styles = _styles(package, main)
            document = _xml(package, main)
        except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError):
            return [Problem(display, "filen er beskadiget (en del af Word-pakken kan ikke læses).", hint=_SAVE_AS_DOCX)]
    return _style_problems(styles, display) + _page_problems(document, display)


# The parts python-docx parses as XML when it opens a package (its PartFactory's part types).
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_PARSED = {
    _MAIN,
    *(_WML + kind for kind in ("styles+xml", "numbering+xml", "settings+xml", "header+xml", "footer+xml")),
    _WML + "comments+xml",
    "application/vnd.openxmlformats-package.core-properties+xml",
}
# Field codes that fetch another file or address when Word updates the fields (opening, printing).
_FETCHING_FIELDS = re.compile(r"^\s*(INCLUDEPICTURE|INCLUDETEXT|LINK|DDE|DDEAUTO|IMPORT|RD)\b", re.IGNORECASE)
_OUTSIDE_HINT = (
    "Fjern linket i Word (fx Udvikler → Dokumentskabelon for en tilknyttet skabelon, eller højreklik → Fjern "
    "link), gem som Word-dokument (*.docx) og prøv igen; ellers vil hvert dokument, reportgen laver, have linket."
)


def _package_problems(package: zipfile.ZipFile, display: str) -> list[Problem]:
    """Problems in the parts python-docx reads: every part the relationships reach, from the package's own, must be
    in the package, have a content type and, where python-docx parses it, be well-formed XML; and no part may link
    out of the document (an external relationship: a template, picture or hyperlink fetched from a file or an
    address; a field that includes one)."""
    defaults, overrides = _content_types(package)
    names = set(package.namelist())
    problems: list[Problem] = []
    queue, seen = [""], {""}
    while queue:
        source = queue.pop(0)
        folder, name = posixpath.split(source)
        rels = posixpath.join(folder, "_rels", f"{name}.rels")
        if rels not in names:
            continue
        try:
            relationships = list(_xml(package, rels).iter(f"{{{_REL}}}Relationship"))
        except etree.XMLSyntaxError:
            return [_damaged(display, rels)]
        for rel in relationships:
            target, kind = rel.get("Target", ""), rel.get("Type", "").rsplit("/", 1)[-1]
            if rel.get("TargetMode") == "External":
                if kind != "hyperlink" or not target.startswith("#"):
                    problems.append(_linked_out(display, source or rels, kind, target))
                continue
            part = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
            if part in seen:
                continue
            seen.add(part)
            if part not in names:
                return [
                    Problem(display, f"delen '{source or rels}' peger på '{part}', som mangler.", hint=_SAVE_AS_DOCX)
                ]
            content_type = overrides.get(part.lower()) or defaults.get(posixpath.splitext(part)[1][1:].lower())
            if content_type is None:
                return [Problem(display, f"delen '{part}' har ingen indholdstype.", hint=_SAVE_AS_DOCX)]
            if content_type in _PARSED:
                try:
                    root = _xml(package, part)
                except etree.XMLSyntaxError:
                    return [_damaged(display, part)]
                problems += [_linked_out(display, part, "felt", code) for code in _fetching_fields(root)]
            queue.append(part)
    return problems


def _content_types(package: zipfile.ZipFile) -> tuple[dict[str, str], dict[str, str]]:
    """[Content_Types].xml: content type by extension, and by part (both lower case, as python-docx matches)."""
    root = _xml(package, "[Content_Types].xml")
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "") for d in root.iter(f"{{{_CONTENT_TYPES}}}Default")
    }
    overrides = {
        o.get("PartName", "").lstrip("/").lower(): o.get("ContentType", "")
        for o in root.iter(f"{{{_CONTENT_TYPES}}}Override")
    }
    return defaults, overrides


def _fetching_fields(root: etree._Element) -> list[str]:
    """The field codes in a part that fetch another file or address."""
    codes = [e.text or "" for e in root.iter(f"{{{W}}}instrText")]
    codes += [e.get(f"{{{W}}}instr", "") for e in root.iter(f"{{{W}}}fldSimple")]
    return [" ".join(code.split())[:80] for code in codes if _FETCHING_FIELDS.match(code)]


def _linked_out(display: str, part: str, kind: str, target: str) -> Problem:
    """A part that links out of the document."""
    shown = target if len(target) <= 80 else target[:77] + "…"
    return Problem(display, f"delen '{part}' har et link ud af dokumentet ({kind}: {shown}).", hint=_OUTSIDE_HINT)


def _damaged(display: str, part: str) -> Problem:
    """A part that is not well-formed XML."""
    return Problem(display, f"delen '{part}' er beskadiget (ikke gyldig XML).", hint=_SAVE_AS_DOCX)


def _xml(package: zipfile.ZipFile, name: str) -> etree._Element:
    """A part of the package parsed without entities, DTDs or network access."""
    return etree.fromstring(package.read(name), _PARSER)


def _relationship(package: zipfile.ZipFile, source: str, kind: str) -> str | None:
    """The package path of the first relationship of the given type from a part ("" for the package)."""
    folder, name = posixpath.split(source)
    rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels_path not in package.namelist():
        return None
    for rel in _xml(package, rels_path).iter(f"{{{_REL}}}Relationship"):
        if rel.get("Type") == kind and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            return posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target))
    return None


def _main_part(package: zipfile.ZipFile) -> str | None:
    """The path of the main document part, from the package relationships."""
    return _relationship(package, "", _OFFICE_DOCUMENT)


def _content_type(package: zipfile.ZipFile, part: str) -> str | None:
    """The content type [Content_Types].xml gives a part."""
    for override in _xml(package, "[Content_Types].xml").iter(f"{{{_CONTENT_TYPES}}}Override"):
        if override.get("PartName", "").lstrip("/") == part:
            return override.get("ContentType")
    return None


def _kind_message(content_type: str | None) -> str:
    """Why a package with another main content type is not a Word document the writer can use."""
    if content_type and "macroEnabled" in content_type:
        return "indeholder makroer (.docm/.dotm); reportgen bruger kun skabeloner uden makroer."
    if content_type and "template" in content_type:
        return "er gemt som Word-skabelon (.dotx), ikke som Word-dokument."
    return "er ikke et Word-dokument (.docx)."


def _styles(package: zipfile.ZipFile, main: str) -> dict[str, str]:
    """The template's styles: name as stored → type (paragraph, character, table, numbering)."""
    path = _relationship(package, main, _STYLES)
    if path is None:
        return {}
    styles = {}
    for style in _xml(package, path).iter(f"{{{W}}}style"):
        name = style.find(f"{{{W}}}name")
        if name is not None:
            styles[name.get(f"{{{W}}}val", "")] = style.get(f"{{{W}}}type", "paragraph")
    return styles


def _style_problems(styles: dict[str, str], display: str) -> list[Problem]:
    """A problem for each Word style the template lacks and each used style of the wrong kind."""
    problems = []
    for style, word_name in WORD_STYLES.items():
        if stored_name(style) not in styles:
            problems.append(
                Problem(display, f"typografien '{word_name}' ({style}) mangler.", hint=_add_hint(word_name))
            )
    for style in Style:
        kind = styles.get(stored_name(style))
        wanted = "table" if style in TABLE_STYLES else "paragraph"
        if kind is not None and kind != wanted:
            shown = WORD_STYLES.get(style, str(style))
            problems.append(
                Problem(
                    display,
                    f"typografien '{shown}' er en {_KINDS.get(kind, kind)}; den skal være en {_KINDS[wanted]}.",
                    hint=f"Omdøb den i Word, og opret '{shown}' som {_KINDS[wanted]}.",
                )
            )
    return problems


_KINDS = {
    "paragraph": "afsnitstypografi",
    "character": "tegntypografi",
    "table": "tabeltypografi",
    "numbering": "listetypografi",
}


def _add_hint(word_name: str) -> str:
    """How to make Word store a built-in style in the template."""
    return (
        f"Åbn reference.docx i Word, find '{word_name}' i ruden Typografier (Indstillinger → Vis: Alle "
        "typografier), højreklik → Rediger… → OK, og gem; så gemmer Word typografien i filen. "
        "Eller start fra skabelonen, som `reportgen stil skabelon MAPPE` skriver."
    )


def _page_problems(document: etree._Element, display: str) -> list[Problem]:
    """A problem when the document's last section lacks a page size or side margins."""
    body = document.find(f"{{{W}}}body")
    section = body.find(f"{{{W}}}sectPr") if body is not None else None
    size = section.find(f"{{{W}}}pgSz") if section is not None else None
    margins = section.find(f"{{{W}}}pgMar") if section is not None else None
    if (
        size is None
        or margins is None
        or size.get(f"{{{W}}}w") is None
        or margins.get(f"{{{W}}}left") is None
        or margins.get(f"{{{W}}}right") is None
    ):
        return [
            Problem(
                display,
                "dokumentet har ingen sideopsætning (sidestørrelse og margener).",
                hint="Åbn det i Word, vælg Layout → Margener og Størrelse, og gem.",
            )
        ]
    return []
