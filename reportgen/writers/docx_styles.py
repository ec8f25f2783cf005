"""A municipality's Word template made ready for the DOCX writer: reportgen's own styles it lacks, then the
design tokens of its style folder written into the style definitions (fonts, heading and table colours)."""

from __future__ import annotations

from copy import deepcopy
from functools import cache
from typing import Any

import docx
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import RGBColor

from reportgen.inputs.reference import HEADING_FONT_STYLES, OWN_STYLES, Style
from reportgen.inputs.style import Tokens
from reportgen.resources import REFERENCE_DOCX

BODY_FONT_STYLES = tuple(style for style in Style if style not in HEADING_FONT_STYLES and style != Style.TABLE)
HEADER_TEXT_STYLES = (Style.TABLE_HEADER, Style.TABLE_HEADER_RIGHT)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_FONT_ATTRIBUTES = ("ascii", "hAnsi", "eastAsia", "cs")
_THEME_FONT_ATTRIBUTES = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
# The children of w:tcPr that come after w:tcBorders and after w:shd (the schema's order)
_AFTER_BORDERS = ("shd", "noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")
_AFTER_SHADING = _AFTER_BORDERS[1:]


def add_own_styles(target: DocxDocument) -> None:
    """Copy each of reportgen's own styles the template lacks from templates/reference.docx, based on the
    template's own styles of the same names (so a copied table text takes the template's Normal font)."""
    styles = target.styles.element
    ids = _ids_by_name(styles)
    house = _house_styles()
    for style in OWN_STYLES:
        if style in ids:
            continue
        element = deepcopy(house[style])
        style_id = element.get(qn("w:styleId"))
        while style_id in ids.values():
            style_id += "Reportgen"
        element.set(qn("w:styleId"), style_id)
        for tag in ("w:basedOn", "w:next", "w:link"):
            reference = element.find(qn(tag))
            if reference is None:
                continue
            name = _house_names().get(reference.get(qn("w:val")))
            if name in ids:
                reference.set(qn("w:val"), ids[name])
            else:
                element.remove(reference)
        styles.append(element)
        ids[style] = style_id


def _by_name(styles: Any) -> dict[str, Any]:
    """The w:style elements of a styles part by the name styles.xml stores (python-docx's look-up name)."""
    return {
        element.find(qn("w:name")).get(qn("w:val")): element
        for element in styles.iterchildren(qn("w:style"))
        if element.find(qn("w:name")) is not None
    }


def _ids_by_name(styles: Any) -> dict[str, str]:
    """Style id by stored name."""
    return {name: element.get(qn("w:styleId")) for name, element in _by_name(styles).items()}


@cache
def _house_styles() -> dict[str, Any]:
    """reportgen's reference document's style elements by stored name."""
    return _by_name(docx.Document(str(REFERENCE_DOCX)).styles.element)


@cache
def _house_names() -> dict[str, str]:
    """reportgen's reference document's style names by id."""
    return {element.get(qn("w:styleId")): name for name, element in _house_styles().items()}


def apply_tokens(target: DocxDocument, tokens: Tokens) -> None:
    """Write the tokens stil.toml sets into the styles; the template's own values stay where it sets none."""
    styles = target.styles
    if tokens.skrift:
        defaults = styles.element.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = parse_xml(f'<w:docDefaults xmlns:w="{_W}"><w:rPrDefault><w:rPr/></w:rPrDefault></w:docDefaults>')
            styles.element.insert(0, defaults)
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is None:
            run_defaults = OxmlElement("w:rPrDefault")
            defaults.insert(0, run_defaults)  # before w:pPrDefault
        _set_font(run_defaults, tokens.skrift, always=True)
        for body in BODY_FONT_STYLES:
            _set_font(styles[body].element, tokens.skrift, always=body == Style.NORMAL)
    for heading in HEADING_FONT_STYLES:
        if tokens.skrift_overskrifter:
            _set_font(styles[heading].element, tokens.skrift_overskrifter, always=True)
        if tokens.farve_overskrifter:
            styles[heading].font.color.rgb = _rgb(tokens.farve_overskrifter)
    if tokens.farve_tabelhoved_tekst:
        for header in HEADER_TEXT_STYLES:
            styles[header].font.color.rgb = _rgb(tokens.farve_tabelhoved_tekst)
    if tokens.farve_tabelhoved or tokens.farve_accent:
        cell = _header_row_cell_properties(styles[Style.TABLE].element)
        if tokens.farve_accent:
            _set_bottom_border(cell, tokens.farve_accent)
        if tokens.farve_tabelhoved:
            _set_shading(cell, tokens.farve_tabelhoved)


def _rgb(colour: str) -> RGBColor:
    """A "#RRGGBB" token as python-docx's colour."""
    return RGBColor.from_string(colour.removeprefix("#"))


def _set_font(owner: Any, name: str, always: bool) -> None:
    """Name the font for every script in owner's w:rPr, theme fonts removed; where owner names no font of its
    own, only if always (a style that inherits its font keeps inheriting it)."""
    properties = owner.find(qn("w:rPr"))
    fonts = properties.find(qn("w:rFonts")) if properties is not None else None
    if fonts is None:
        if not always:
            return
        if properties is None:
            properties = OxmlElement("w:rPr")
            _insert_before(owner, properties, ("tblPr", "trPr", "tcPr", "tblStylePr"))
        fonts = properties.get_or_add_rFonts()  # python-docx's class for w:rPr keeps the schema's order
    for attribute in _THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in _FONT_ATTRIBUTES:
        fonts.set(qn(f"w:{attribute}"), name)


def _header_row_cell_properties(table_style: Any) -> Any:
    """The w:tcPr of the table style's header-row formatting (w:tblStylePr type firstRow), created if missing."""
    for conditional in table_style.iterchildren(qn("w:tblStylePr")):
        if conditional.get(qn("w:type")) == "firstRow":
            break
    else:
        conditional = OxmlElement("w:tblStylePr", {qn("w:type"): "firstRow"})
        table_style.append(conditional)
    cell = conditional.find(qn("w:tcPr"))
    if cell is None:
        cell = OxmlElement("w:tcPr")
        conditional.append(cell)  # the last child of w:tblStylePr in the schema
    return cell


def _insert_before(parent: Any, child: Any, successors: tuple[str, ...]) -> None:
    """Insert child before the first of parent's children named in successors (the schema's order), else last."""
    for element in parent:
        if element.tag in {qn(f"w:{name}") for name in successors}:
            element.addprevious(child)
            return
    parent.append(child)


def _set_shading(cell: Any, colour: str) -> None:
    """Fill the header row's cells with the colour."""
    shading = cell.find(qn("w:shd"))
    if shading is None:
        shading = OxmlElement("w:shd")
        _insert_before(cell, shading, _AFTER_SHADING)
    for name, value in (("val", "clear"), ("color", "auto"), ("fill", colour.removeprefix("#"))):
        shading.set(qn(f"w:{name}"), value)
    for name in ("themeFill", "themeFillTint", "themeFillShade"):
        shading.attrib.pop(qn(f"w:{name}"), None)


def _set_bottom_border(cell: Any, colour: str) -> None:
    """Rule the header row off in the accent colour (a 1 pt line where the template has none)."""
    borders = cell.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        _insert_before(cell, borders, _AFTER_BORDERS)
    bottom = borders.find(qn("w:bottom"))
    if bottom is None:
        bottom = OxmlElement("w:bottom", {qn("w:val"): "single", qn("w:sz"): "8", qn("w:space"): "0"})
        _insert_before(borders, bottom, ("end", "right", "insideH", "insideV", "tl2br", "tr2bl"))
    bottom.set(qn("w:color"), colour.removeprefix("#"))
    bottom.attrib.pop(qn("w:themeColor"), None)
