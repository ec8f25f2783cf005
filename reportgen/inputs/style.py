"""A municipality's style folder – Word template, logo, fonts and design tokens – read and validated as a Look.

The folder may lie outside the case folder (it is shared by all of a municipality's cases). Only the names
below are read, each a regular file inside the folder (links out of it are refused) below a size cap; an SVG
logo may not refer to anything outside itself and stil.toml holds tokens only, so nothing in a style folder
can make a writer fetch a file or a URL.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from lxml import etree

from reportgen.domain import colours
from reportgen.domain.danish import possessive
from reportgen.domain.errors import InputError, Problem, ProblemList, suggest
from reportgen.domain.kommuner import official_name
from reportgen.domain.privacy import Ids
from reportgen.inputs import files
from reportgen.inputs.case import TableReader, key, parse_toml, schema
from reportgen.inputs.limits import (
    MAX_FONT_BYTES,
    MAX_FONTS,
    MAX_LOGO_BYTES,
    MAX_LOGO_PIXELS,
    MAX_REFERENCE_BYTES,
    MAX_STYLE_TOML_BYTES,
)
from reportgen.inputs.reference import check_reference

STYLE_TOML = "stil.toml"
REFERENCE = "reference.docx"
LOGO_PNG, LOGO_SVG = "logo.png", "logo.svg"
FONT_FOLDER = "fonts"
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf"}

LOGO_HEIGHTS = (0.5, 5.0)  # cm
DEFAULT_LOGO_HEIGHT = 1.5  # cm

BUNDLED_FONTS = {"Carlito": "Reportgen Carlito"}  # the package's own fonts: family → its @font-face name
FONT_NAME = re.compile(r"[\w][\w .\-]{0,63}")  # a family name that is safe inside a quoted CSS string
DECISION_BACKGROUND = "#F3F5F9"  # behind decision headings (templates/style.css: .decision)
_SVG = "http://www.w3.org/2000/svg"
_SVG_REFUSED = {  # elements that run code, embed other content or change attributes (a link) after loading
    *("script", "foreignObject", "iframe", "object", "embed", "audio", "video", "handler", "listener"),
    *("animate", "animateColor", "animateMotion", "animateTransform", "set", "discard"),
}
_SVG_LOCAL_REFERENCE = re.compile(r"#|data:image/(png|jpeg);base64,", re.IGNORECASE)
# CSS that fetches: url() (but to a fragment of the file itself), the other image functions, src(), @import
_CSS_URL = re.compile(
    r"url\((?!\s*['\"]?\s*#)|(?<![\w-])(src|image|image-set|-webkit-image-set|cross-fade)\(|@import", re.IGNORECASE
)
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.DOTALL)
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"


def _fetches(css: str) -> bool:
    """True when CSS (a style sheet, a style attribute or a presentation attribute) would fetch something, also when
    written with escapes (\\75 rl(…)) or comments."""
    plain = _CSS_ESCAPE.sub(lambda m: chr(min(int(m.group(1), 16), 0x10FFFF)) if m.group(1) else m.group(2), css)
    return bool(_CSS_URL.search(_CSS_COMMENT.sub("", plain)))


Reader = Callable[[str, int], bytes | None]  # reads a file of the style folder by name, below a size cap


@dataclass(frozen=True)
class Tokens:
    """The design tokens of stil.toml; None where the file leaves one out (the template's or reportgen's applies)."""

    skrift: str | None = key(str, None)
    skrift_overskrifter: str | None = key(str, None)
    farve_overskrifter: str | None = key(str, None)
    farve_accent: str | None = key(str, None)
    farve_tabelhoved: str | None = key(str, None)
    farve_tabelhoved_tekst: str | None = key(str, None)
    logo_hoejde: float | None = key(float, None)

    def over(self, base: Tokens) -> Tokens:
        """These tokens, with base's value where a token is not set."""
        return Tokens(**{f.name: getattr(self, f.name) or getattr(base, f.name) for f in fields(Tokens)})

    def is_empty(self) -> bool:
        """True when stil.toml sets no token."""
        return self == Tokens()


# reportgen's own look (templates/style.css, reference.docx): a colour stil.toml leaves out.
HOUSE_TOKENS = Tokens(
    farve_overskrifter="#1F3864",
    farve_accent="#1F3864",
    farve_tabelhoved="#D9E1F2",
    farve_tabelhoved_tekst="#1A1A1A",
    logo_hoejde=DEFAULT_LOGO_HEIGHT,
)
COLOUR_KEYS = ("farve_overskrifter", "farve_accent", "farve_tabelhoved", "farve_tabelhoved_tekst")
FONT_KEYS = ("skrift", "skrift_overskrifter")


@dataclass(frozen=True)
class Logo:
    """The logo: PNG for Word (and the PDF and HTML when there is no SVG), SVG for the PDF and HTML."""

    png: bytes
    svg: bytes | None
    alt: str
    height_cm: float


@dataclass(frozen=True)
class FontFace:
    """A font file of the style folder: its family, weight and style as the file declares them."""

    family: str
    weight: int
    italic: bool
    media_type: str
    data: bytes


@dataclass(frozen=True)
class Look:
    """A municipality's look as the writers use it; DEFAULT_LOOK (no style folder) is reportgen's own."""

    folder: Path | None = None
    tokens: Tokens = Tokens()
    reference_docx: bytes | None = None
    logo: Logo | None = None
    fonts: tuple[FontFace, ...] = ()
    files: tuple[Path, ...] = ()  # every file read from the folder, for the manifest

    def named_files(self) -> dict[str, Path]:
        """The files read from the style folder as "stil/<name>" (the manifest's names)."""
        folder = self.folder
        return {f"stil/{path.relative_to(folder).as_posix()}": path for path in self.files} if folder else {}

    def restyles_html(self) -> bool:
        """True when the HTML and PDF differ from reportgen's own look (tokens or a logo)."""
        return not self.tokens.is_empty() or self.logo is not None


DEFAULT_LOOK = Look()


def load_style(folder: Path, kommune: str, display: str | None = None) -> Look:
    """Read and validate a style folder for a municipality's documents; InputError lists every problem."""
    folder = Path(folder)
    shown = display or folder.as_posix()
    try:
        root = folder.resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        root = None
    if root is None or not root.is_dir():
        raise InputError(
            [Problem(shown, "stilmappen findes ikke.", hint=f"Lav en med `reportgen stil skabelon {folder}`.")]
        )
    problems = ProblemList()
    files: list[Path] = []

    def read(name: str, limit: int) -> bytes | None:
        path = root / name
        if not os.path.lexists(path):
            return None
        data = _read(path, root, f"{shown}/{name}", limit, problems)
        if data is not None:
            files.append(path)
        return data

    tokens = _tokens(read(STYLE_TOML, MAX_STYLE_TOML_BYTES), f"{shown}/{STYLE_TOML}", problems)
    fonts = _fonts(root, shown, read, problems)
    tokens = _check_fonts(tokens, fonts, f"{shown}/{STYLE_TOML}", problems)
    _check_contrast(tokens, f"{shown}/{STYLE_TOML}", problems)
    reference = read(REFERENCE, MAX_REFERENCE_BYTES)
    if reference is not None:
        problems.items.extend(check_reference(reference, f"{shown}/{REFERENCE}"))
    logo = _logo(root, shown, read, kommune, tokens.logo_hoejde or DEFAULT_LOGO_HEIGHT, problems)
    problems.raise_if_any()
    return Look(root, tokens, reference, logo, fonts, tuple(files))


def _read(path: Path, root: Path, display: str, limit: int, problems: ProblemList) -> bytes | None:
    """The bytes of a regular file inside the style folder (after following links) below limit, else a problem."""
    try:
        return files.read_file(path, display, limit, root, place="stilmappen")
    except InputError as exc:
        problems.items.extend(exc.problems)
        return None


def _tokens(data: bytes | None, display: str, problems: ProblemList) -> Tokens:
    """The tokens of stil.toml (none without the file): known keys, right types, colours as hex."""
    if data is None:
        return Tokens()
    try:
        table = parse_toml(data.decode("utf-8-sig"), display)
    except UnicodeDecodeError:
        problems.add(display, "filen er ikke gemt som UTF-8.", hint="Gem den som UTF-8.")
        return Tokens()
    except InputError as exc:
        problems.items.extend(exc.problems)
        return Tokens()
    values = TableReader(display, Path(), problems, Ids()).table(table, schema(Tokens))
    for name in COLOUR_KEYS:
        if name in values:
            colour = colours.parse_hex(values[name])
            if colour is None:
                problems.add(
                    display,
                    f"ugyldig farve {values[name]!r}.",
                    column=name,
                    hint=f'Skriv farven som hex-kode, fx {name} = "{getattr(HOUSE_TOKENS, name)}".',
                )
            values[name] = colour
    height = values.get("logo_hoejde")
    if height is not None and not LOGO_HEIGHTS[0] <= height <= LOGO_HEIGHTS[1]:
        low, high = (f"{v:g}".replace(".", ",") for v in LOGO_HEIGHTS)
        problems.add(display, f"skal være mellem {low} og {high} cm.", column="logo_hoejde", hint="Skriv fx 1.5.")
        values["logo_hoejde"] = None
    return Tokens(**values)


def _fonts(root: Path, shown: str, read: Reader, problems: ProblemList) -> tuple[FontFace, ...]:
    """The font files in fonts/ (.ttf and .otf; other files there are ignored), each a readable font."""
    folder = root / FONT_FOLDER
    if not os.path.lexists(folder):
        return ()
    if folder.is_symlink() or not folder.is_dir():
        problems.add(
            f"{shown}/{FONT_FOLDER}", "skal være en mappe i stilmappen.", hint="Læg skriftfilerne i en mappe fonts/."
        )
        return ()
    names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in FONT_TYPES)
    if len(names) > MAX_FONTS:
        problems.add(f"{shown}/{FONT_FOLDER}", f"mappen har {len(names)} skriftfiler; højst {MAX_FONTS} er tilladt.")
        return ()
    faces = []
    for name in names:
        data = read(f"{FONT_FOLDER}/{name}", MAX_FONT_BYTES)
        if data is None:
            continue
        face = _font_face(data, FONT_TYPES[Path(name).suffix.lower()])
        if face is None:
            problems.add(
                f"{shown}/{FONT_FOLDER}/{name}",
                "er ikke en skriftfil, der kan læses.",
                hint="Brug skriftens .ttf- eller .otf-filer, som de kom fra leverandøren.",
            )
        else:
            faces.append(face)
    return tuple(faces)


def _font_face(data: bytes, media_type: str) -> FontFace | None:
    """The family, weight and style a font file declares, or None when it is no font."""
    from fontTools.ttLib import TTFont, TTLibError  # imported here: only a style with its own fonts needs it

    try:
        font = TTFont(BytesIO(data), lazy=True)
        names = font["name"]
        family = str(names.getDebugName(16) or names.getDebugName(1) or "").strip()
        if "OS/2" in font:
            weight, italic = int(font["OS/2"].usWeightClass), bool(font["OS/2"].fsSelection & 1)
        else:
            weight, italic = 400, bool(font["head"].macStyle & 2)
    except (TTLibError, KeyError, AssertionError, ValueError, EOFError, OSError):
        return None
    if not FONT_NAME.fullmatch(family):
        return None
    return FontFace(family, weight, italic, media_type, data)


def _check_fonts(tokens: Tokens, faces: tuple[FontFace, ...], display: str, problems: ProblemList) -> Tokens:
    """The tokens with each font named as the font itself spells it; a font that is nowhere is a problem."""
    own = {face.family.lower(): face.family for face in faces}
    bundled = {name.lower(): name for name in BUNDLED_FONTS}
    spelled: dict[str, Any] = {}
    for name in FONT_KEYS:
        value = getattr(tokens, name)
        if value is None:
            continue
        found = own.get(value.lower()) or bundled.get(value.lower())
        system = system_fonts()
        if found is None and system is not None:
            found = {family.lower(): family for family in system}.get(value.lower())
        if found is not None and FONT_NAME.fullmatch(found):
            spelled[name] = found
            continue
        known = sorted({*own.values(), *bundled.values(), *(system or ())})
        if system is None:
            hint = "Læg skriftens .ttf- eller .otf-filer i stilmappens fonts/ (systemets skrifter kan ikke ses: "
            hint += "installér pakken fontconfig)."
        else:
            hint = suggest(value, known) or "Skrifter, der kan bruges: " + ", ".join(known[:12]) + "."
            hint += " Eller læg skriftens .ttf- eller .otf-filer i stilmappens fonts/."
        problems.add(
            display,
            f"skriften '{value}' findes hverken i stilmappens fonts/ eller på computeren.",
            column=name,
            hint=hint,
        )
        spelled[name] = None
    return replace(tokens, **spelled)


@cache
def system_fonts() -> frozenset[str] | None:
    """The font families installed on this computer (fontconfig's list, as WeasyPrint sees them), or None
    when fontconfig's fc-list is not installed."""
    command = shutil.which("fc-list")
    if command is None:
        return None
    result = subprocess.run([command, "--format", "%{family}\n"], capture_output=True, text=True, check=False)
    return frozenset(name.strip() for line in result.stdout.splitlines() for name in line.split(",") if name.strip())


def _check_contrast(tokens: Tokens, display: str, problems: ProblemList) -> None:
    """WCAG AA (4.5:1) for the table header's text on its colour and for headings on the page and decision box."""
    if any(problem.file == display for problem in problems.items):
        return  # a colour that stil.toml got wrong is already reported; the house colour would mislead here
    full = tokens.over(HOUSE_TOKENS)
    text, header = full.farve_tabelhoved_tekst, full.farve_tabelhoved
    assert text and header and full.farve_overskrifter
    ratio = colours.contrast(text, header)
    if ratio < colours.AA_TEXT:
        key_name = "farve_tabelhoved_tekst" if tokens.farve_tabelhoved_tekst else "farve_tabelhoved"
        better = colours.reaching(text, header)
        problems.add(
            display,
            f"teksten i tabelhovedet ({text} på {header}) har kontrasten {colours.ratio_text(ratio)}; "
            "WCAG AA kræver mindst 4,5:1.",
            column=key_name,
            hint=f'Brug fx farve_tabelhoved_tekst = "{better}", eller en lysere farve_tabelhoved.',
        )
    heading = full.farve_overskrifter
    ratio = colours.contrast(heading, DECISION_BACKGROUND)
    if ratio < colours.AA_TEXT:
        problems.add(
            display,
            f"overskrifterne ({heading}) har kontrasten {colours.ratio_text(ratio)} mod baggrunden "
            f"({DECISION_BACKGROUND} i beslutningsfelterne); WCAG AA kræver mindst 4,5:1.",
            column="farve_overskrifter",
            hint=f'Brug fx farve_overskrifter = "{colours.reaching(heading, DECISION_BACKGROUND)}".',
        )


def _logo(root: Path, shown: str, read: Reader, kommune: str, height: float, problems: ProblemList) -> Logo | None:
    """The logo (logo.png, and logo.svg beside it) with the alt text on the official name ("Københavns Kommunes
    logo")."""
    for path in sorted(root.glob("logo.*")):
        if path.name.lower() not in (LOGO_PNG, LOGO_SVG) or path.name != path.name.lower():
            problems.add(
                f"{shown}/{path.name}",
                "logoet skal hedde logo.png (og gerne også logo.svg).",
                hint="Gem logoet som PNG med navnet logo.png; Word bruger PNG, PDF og HTML bruger SVG, når den er der.",
            )
    png = read(LOGO_PNG, MAX_LOGO_BYTES)
    svg = read(LOGO_SVG, MAX_LOGO_BYTES)
    if png is not None:
        _check_png(png, f"{shown}/{LOGO_PNG}", problems)
    if svg is not None:
        _check_svg(svg, f"{shown}/{LOGO_SVG}", problems)
        if png is None and not os.path.lexists(root / LOGO_PNG):
            problems.add(
                f"{shown}/{LOGO_SVG}",
                "logo.svg kræver også logo.png: Word-udgaven bruger logoet som PNG.",
                hint="Eksportér logoet som PNG (fx 600 pixel bredt), og læg det ved siden af som logo.png.",
            )
    if png is None:
        return None
    return Logo(png, svg, f"{possessive(official_name(kommune))} logo", height)


def _check_png(data: bytes, display: str, problems: ProblemList) -> None:
    """A PNG image of a sensible size."""
    from PIL import Image, UnidentifiedImageError  # imported here: only a style with its own logo needs it

    try:
        with Image.open(BytesIO(data)) as image:
            kind, size = image.format, image.size
            if kind == "PNG" and max(size) <= MAX_LOGO_PIXELS:
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        kind, size = None, (0, 0)
    if kind != "PNG":
        problems.add(display, "er ikke et PNG-billede.", hint="Gem logoet som PNG (Filer → Eksportér → PNG).")
    elif max(size) > MAX_LOGO_PIXELS:
        problems.add(
            display,
            f"billedet er {size[0]} × {size[1]} pixel; højst {MAX_LOGO_PIXELS} pixel hver vej er tilladt.",
            hint="Gem logoet i en mindre udgave, fx 600 pixel bredt.",
        )


def _check_svg(data: bytes, display: str, problems: ProblemList) -> None:
    """An SVG image that refers to nothing outside itself: no scripts, no external links, styles or entities."""
    hint = "Gem logoet som almindelig SVG uden links og scripts (fx Inkscape: Gem som → Almindelig SVG)."
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        tree = etree.fromstring(data, parser).getroottree()
    except etree.XMLSyntaxError as exc:
        problems.add(display, f"er ikke gyldig SVG ({exc}).", hint=hint)
        return
    root = tree.getroot()
    if root.tag != f"{{{_SVG}}}svg":
        problems.add(display, "er ikke et SVG-billede (roden er ikke <svg>).", hint=hint)
        return
    if tree.docinfo.internalDTD is not None and any(True for _ in tree.docinfo.internalDTD.iterentities()):
        problems.add(display, "SVG-filen definerer entiteter (<!ENTITY>).", hint=hint)
        return
    if tree.docinfo.system_url or tree.docinfo.public_id:
        problems.add(display, "SVG-filen henviser til en DTD uden for filen (<!DOCTYPE … SYSTEM/PUBLIC>).", hint=hint)
        return
    instructions = [*root.itersiblings(preceding=True), *root.itersiblings(), *root.iter(etree.PI)]
    if any(isinstance(node, etree._ProcessingInstruction) and node.target == "xml-stylesheet" for node in instructions):
        problems.add(display, "SVG-filen henter et stylesheet (<?xml-stylesheet?>).", hint=hint)
        return
    if root.get("viewBox") is None and (root.get("width") is None or root.get("height") is None):
        problems.add(display, "SVG-filen har hverken viewBox eller bredde og højde.", hint="Gem den med en viewBox.")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in _SVG_REFUSED:
            problems.add(display, f"SVG-filen indeholder <{name}>.", hint=hint)
            return
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname
            if etree.QName(attribute).namespace == _XML_NAMESPACE and local == "base":
                problems.add(display, f"SVG-filen flytter sine henvisninger med xml:base='{value[:60]}'.", hint=hint)
                return
            if local.lower().startswith("on") or _fetches(value):
                problems.add(display, f'SVG-filen har attributten {local}="{value[:40]}".', hint=hint)
                return
            if local == "href" and not _SVG_LOCAL_REFERENCE.match(value.strip()):
                problems.add(display, f"SVG-filen henviser til '{value[:60]}' uden for filen.", hint=hint)
                return
        if name == "style" and _fetches("".join(element.itertext())):
            problems.add(display, "SVG-filens <style> henter noget udefra (url() eller @import).", hint=hint)
            return
