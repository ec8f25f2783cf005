"""Generate templates/reference.docx, the restylable template of the DOCX writer, from python-docx's default."""

from __future__ import annotations

import argparse
import zipfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm

OUTPUT = Path(__file__).resolve().parents[1] / "reportgen" / "templates" / "reference.docx"
FONT = "Calibri"
LANGUAGE = "da-DK"
ACCENT = "1F3864"
GREY = "404040"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
TEMPLATE_DATE = datetime(2025, 1, 1)
# Parts of the default template that only describe the template itself or an old Word version.
DROPPED_RELATIONSHIPS = {
    RT.CUSTOM_XML,
    RT.THUMBNAIL,
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
}


@dataclass(frozen=True)
class StyleSpec:
    """A paragraph style: its name, id and base, and the inner XML of its w:pPr and w:rPr."""

    name: str
    style_id: str
    base: str | None
    ppr: str = ""
    rpr: str = ""


def spacing(before: int = 0, after: int = 0, line: int | None = None) -> str:
    """Return a w:spacing element in twentieths of a point; line is in 240ths of a line."""
    rule = f' w:line="{line}" w:lineRule="auto"' if line else ""
    return f'<w:spacing w:before="{before}" w:after="{after}"{rule}/>'


def size(half_points: int) -> str:
    """Return w:sz and w:szCs for a font size in half points."""
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


BOLD = "<w:b/><w:bCs/>"
RIGHT = '<w:jc w:val="right"/>'
KEEP = "<w:keepNext/><w:keepLines/>"
TABS = '<w:tabs><w:tab w:val="center" w:pos="4536"/><w:tab w:val="right" w:pos="9072"/></w:tabs>'

# Built-in styles (restyled) and the custom styles of reportgen, in the order they are defined.
PARAGRAPH_STYLES = (
    StyleSpec(
        "Normal",
        "Normal",
        None,
        rpr=f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        f'<w:lang w:val="{LANGUAGE}"/>',
    ),
    StyleSpec(
        "Title",
        "Title",
        "Normal",
        ppr=spacing(after=120, line=240),
        rpr=f'{BOLD}<w:color w:val="{ACCENT}"/><w:kern w:val="28"/>{size(40)}',
    ),
    StyleSpec("Subtitle", "Subtitle", "Normal", ppr=spacing(after=360), rpr=f'<w:color w:val="{GREY}"/>{size(28)}'),
    StyleSpec(
        "Heading 1",
        "Heading1",
        "Normal",
        ppr=f'{KEEP}{spacing(360, 120)}<w:outlineLvl w:val="0"/>',
        rpr=f'{BOLD}<w:color w:val="{ACCENT}"/>{size(28)}',
    ),
    StyleSpec(
        "Heading 2",
        "Heading2",
        "Normal",
        ppr=f'{KEEP}{spacing(240, 80)}<w:outlineLvl w:val="1"/>',
        rpr=f'{BOLD}<w:color w:val="{ACCENT}"/>{size(24)}',
    ),
    StyleSpec(
        "Heading 3",
        "Heading3",
        "Normal",
        ppr=f'{KEEP}{spacing(200, 60)}<w:outlineLvl w:val="2"/>',
        rpr=f'{BOLD}<w:color w:val="{ACCENT}"/>{size(22)}',
    ),
    StyleSpec("Caption", "Caption", "Normal", ppr=f"{KEEP}{spacing(120, 60, 240)}", rpr=f"{BOLD}{size(20)}"),
    # A figure's caption follows its picture and keeps with nothing: a chain of kept paragraphs would move the
    # figure to the next page and leave a half-empty one behind.
    StyleSpec("Figurtekst", "Figurtekst", "Caption", ppr=f'<w:keepNext w:val="0"/>{spacing(60, 240, 240)}'),
    StyleSpec(
        "Header", "Header", "Normal", ppr=f"{TABS}{spacing(0, 0, 240)}", rpr=f'<w:color w:val="{GREY}"/>{size(18)}'
    ),
    StyleSpec(
        "Footer",
        "Footer",
        "Normal",
        ppr=f"{TABS}{spacing(0, 0, 240)}{RIGHT}",
        rpr=f'<w:color w:val="{GREY}"/>{size(18)}',
    ),
    StyleSpec(
        "Beslutning",
        "Beslutning",
        "Normal",
        ppr=f'{KEEP}{spacing(360, 120)}<w:outlineLvl w:val="1"/>',
        rpr=f'{BOLD}<w:color w:val="{ACCENT}"/>{size(24)}',
    ),
    StyleSpec("Billede", "Billede", "Normal", ppr=f"{KEEP}{spacing(120, 60, 240)}"),
    StyleSpec("Tabelnote", "Tabelnote", "Normal", ppr=spacing(60, 0, 240), rpr=f'<w:color w:val="{GREY}"/>{size(16)}'),
    StyleSpec(
        "Kilde", "Kilde", "Normal", ppr=spacing(60, 240, 240), rpr=f'<w:i/><w:iCs/><w:color w:val="{GREY}"/>{size(16)}'
    ),
    StyleSpec("Tabeltekst", "Tabeltekst", "Normal", ppr=spacing(20, 20, 240), rpr=size(20)),
    StyleSpec("Tabeltekst højre", "TabeltekstHoejre", "Tabeltekst", ppr=RIGHT),
    StyleSpec("Tabeloverskrift", "Tabeloverskrift", "Tabeltekst", ppr="<w:keepNext/>", rpr=BOLD),
    StyleSpec("Tabeloverskrift højre", "TabeloverskriftHoejre", "Tabeloverskrift", ppr=RIGHT),
    StyleSpec("Tabeltotal", "Tabeltotal", "Tabeltekst", rpr=BOLD),
    StyleSpec("Tabeltotal højre", "TabeltotalHoejre", "Tabeltotal", ppr=RIGHT),
    StyleSpec(
        "Udkast",
        "Udkast",
        "Header",
        ppr=f"{spacing(0, 60, 240)}{RIGHT}",
        rpr=f'{BOLD}<w:caps/><w:color w:val="C00000"/><w:spacing w:val="40"/>{size(24)}',
    ),
)

TABLE_STYLE = ("Reportgen Tabel", "ReportgenTabel")
TABLE_STYLE_XML = f"""
<w:root {nsdecls("w")}>
  <w:tblPr>
    <w:tblBorders>
      <w:top w:val="single" w:sz="8" w:space="0" w:color="{GREY}"/>
      <w:bottom w:val="single" w:sz="8" w:space="0" w:color="{GREY}"/>
      <w:insideH w:val="single" w:sz="4" w:space="0" w:color="BFBFBF"/>
    </w:tblBorders>
    <w:tblCellMar>
      <w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>
      <w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/>
    </w:tblCellMar>
  </w:tblPr>
  <w:tblStylePr w:type="firstRow">
    <w:tcPr>
      <w:tcBorders><w:bottom w:val="single" w:sz="8" w:space="0" w:color="{GREY}"/></w:tcBorders>
      <w:shd w:val="clear" w:color="auto" w:fill="E7EDF6"/>
    </w:tcPr>
  </w:tblStylePr>
  <w:tblStylePr w:type="lastRow">
    <w:tcPr>
      <w:tcBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="{GREY}"/></w:tcBorders>
    </w:tcPr>
  </w:tblStylePr>
</w:root>
"""

# Sample body: every style once, so the template shows what it styles when opened in Word.
SAMPLES_ABOVE_TABLE = (
    ("Title", "Årlig behandling af danmarkskortet"),
    ("Subtitle", "Undertitel"),
    ("Heading 1", "Overskrift 1"),
    ("Normal", "Brødtekst. Skabelon for reportgen: ret typografierne her, ikke i koden."),
    ("Heading 2", "Overskrift 2"),
    ("Heading 3", "Overskrift 3"),
    ("List Bullet", "Punktopstilling"),
    ("List Bullet 2", "Punktopstilling, niveau 2"),
    ("List Number", "Nummereret opstilling"),
    ("Caption", "Tabel 1. Tabeltitel"),
)
SAMPLE_CELLS = (
    ("Tabeloverskrift", "Tabeloverskrift højre"),
    ("Tabeltekst", "Tabeltekst højre"),
    ("Tabeltotal", "Tabeltotal højre"),
)
SAMPLES_BELOW_TABLE = (
    ("Tabelnote", "Note under en tabel."),
    ("Kilde", "Kilde: Ankestyrelsen."),
    ("Billede", "Her står en figur."),
    ("Figurtekst", "Figur 1. Figurtekst"),
    ("Beslutning", "Beslutning Økonomiudvalget den 30-09-2025"),
)


def set_page(document: Document) -> None:
    """Set A4 portrait with 2.5 cm margins and create an empty header and footer."""
    for section in document.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(2.5)
        section.header_distance = section.footer_distance = Cm(1.25)
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False


def set_defaults(document: Document) -> None:
    """Set Calibri 11 pt, Danish and paragraph spacing as document defaults; drop theme fonts from styles."""
    styles = document.styles.element
    for fonts in styles.xpath("w:style//w:rFonts"):
        fonts.getparent().remove(fonts)
    defaults = parse_xml(
        f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
        f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>{size(22)}'
        f'<w:lang w:val="{LANGUAGE}" w:eastAsia="{LANGUAGE}" w:bidi="ar-SA"/>'
        f"</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>{spacing(0, 160, 259)}</w:pPr></w:pPrDefault>"
        f"</w:docDefaults>"
    )
    styles.replace(styles.find(qn("w:docDefaults")), defaults)


def define_style(document: Document, spec: StyleSpec) -> None:
    """Create or restyle one paragraph style so it shows in Word's style gallery."""
    styles = document.styles
    if spec.name in styles:
        style = styles[spec.name]
    else:
        style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = spec.style_id
    if spec.base:
        style.base_style = styles[spec.base]
    style.hidden = False
    style.unhide_when_used = False
    style.quick_style = True
    element = style.element
    for old in element.findall(qn("w:pPr")) + element.findall(qn("w:rPr")):
        element.remove(old)
    for tag, inner in (("w:pPr", spec.ppr), ("w:rPr", spec.rpr)):
        if inner:
            element.append(parse_xml(f"<{tag} {nsdecls('w')}>{inner}</{tag}>"))


def define_table_style(document: Document) -> None:
    """Create the table style: horizontal rules only, shaded header row, rule above the total row."""
    name, style_id = TABLE_STYLE
    style = document.styles.add_style(name, WD_STYLE_TYPE.TABLE)
    style.style_id = style_id
    style.base_style = document.styles["Normal Table"]
    style.quick_style = True
    for child in parse_xml(TABLE_STYLE_XML):
        style.element.append(child)


def set_settings(document: Document) -> None:
    """Set Danish theme-font language and the Danish default tab stop of 2.3 cm."""
    settings = document.settings.element
    settings.find(qn("w:themeFontLang")).set(qn("w:val"), LANGUAGE)
    settings.find(qn("w:defaultTabStop")).set(qn("w:val"), "1304")


def set_core_properties(document: Document) -> None:
    """Describe the template itself, with a fixed date and no personal data."""
    props = document.core_properties
    props.title = "reportgen – skabelon"
    props.subject = props.keywords = props.category = props.last_modified_by = ""
    props.author = "reportgen"
    props.comments = "Typografier, sideopsætning, sidehoved og sidefod for DOCX-udgaven."
    props.language = LANGUAGE
    props.revision = 1
    props.created = props.modified = props.last_printed = TEMPLATE_DATE


def drop_unused_parts(document: Document) -> None:
    """Remove the thumbnail, bibliography and Word 2010 style copy of the default template."""
    for owner in (document.part.package, document.part):
        for rel_id in [rel_id for rel_id, rel in owner.rels.items() if rel.reltype in DROPPED_RELATIONSHIPS]:
            del owner.rels[rel_id]


def add_samples(document: Document) -> None:
    """Write one sample paragraph per style and a small sample table."""
    for style, text in SAMPLES_ABOVE_TABLE:
        document.add_paragraph(text, style=style)
    table = document.add_table(rows=len(SAMPLE_CELLS), cols=2, style=TABLE_STYLE[0])
    for row, names in zip(table.rows, SAMPLE_CELLS, strict=True):
        for cell, style in zip(row.cells, names, strict=True):
            cell.paragraphs[0].style = style
            cell.paragraphs[0].add_run(style)
    for style, text in SAMPLES_BELOW_TABLE:
        document.add_paragraph(text, style=style)


def build() -> Document:
    """Return python-docx's default template restyled as reportgen's reference document."""
    document = docx.Document()
    set_page(document)
    set_defaults(document)
    for spec in PARAGRAPH_STYLES:
        define_style(document, spec)
    define_table_style(document)
    set_settings(document)
    set_core_properties(document)
    drop_unused_parts(document)
    add_samples(document)
    return document


def package_bytes(document: Document) -> bytes:
    """Save the document as a zip with sorted entries and fixed timestamps, Calibri as theme fonts."""
    buffer = BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    theme = "word/theme/theme1.xml"
    entries[theme] = entries[theme].replace(b'<a:latin typeface="Cambria"/>', b'<a:latin typeface="Calibri"/>')
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in sorted(entries):  # "[Content_Types].xml" sorts first
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type, info.create_system, info.external_attr = zipfile.ZIP_DEFLATED, 0, 0
            target.writestr(info, entries[name])
    return out.getvalue()


def main() -> None:
    """Write the reference document to the path given, or to templates/reference.docx."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("output", nargs="?", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.output.write_bytes(package_bytes(build()))


if __name__ == "__main__":
    main()
