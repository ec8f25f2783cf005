"""Generate the example style folder's Word template and synthetic logo (data/eksempler/kommunestil/).

The template stands for a municipality's own: other fonts, sizes and margins than reportgen's, a letterhead
on the first page, a page number in the footer, and none of reportgen's own styles (the DOCX writer adds
them). The logo is a made-up mark – not any municipality's – drawn once as SVG and once as PNG from the
same shapes. Deterministic: the same files every run.
"""

from __future__ import annotations

import argparse
import math
from datetime import datetime
from io import BytesIO
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm
from make_reference_docx import (
    BOLD,
    KEEP,
    LANGUAGE,
    RIGHT,
    StyleSpec,
    define_style,
    drop_unused_parts,
    package_bytes,
    set_defaults,
    set_settings,
    size,
    spacing,
)
from PIL import Image, ImageDraw

OUTPUT = Path(__file__).resolve().parents[1] / "data" / "eksempler" / "kommunestil"
FONT = "Liberation Sans"
TEAL = "00594F"
AMBER = "F2A900"
GREY = "595959"
UNDERLINE = f'<w:pBdr><w:bottom w:val="single" w:sz="8" w:space="4" w:color="{AMBER}"/></w:pBdr>'

STYLES = (
    StyleSpec(
        "Normal",
        "Normal",
        None,
        ppr=spacing(0, 140, 264),
        rpr=f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>{size(20)}'
        f'<w:lang w:val="{LANGUAGE}"/>',
    ),
    StyleSpec(
        "Title", "Title", "Normal", ppr=f"{spacing(0, 80, 240)}", rpr=f'{BOLD}<w:color w:val="{TEAL}"/>{size(44)}'
    ),
    StyleSpec(
        "Subtitle",
        "Subtitle",
        "Normal",
        ppr=f"{UNDERLINE}{spacing(0, 360)}",
        rpr=f'<w:caps/><w:color w:val="{GREY}"/>{size(18)}',
    ),
    StyleSpec(
        "Heading 1",
        "Heading1",
        "Normal",
        ppr=f'{KEEP}{UNDERLINE}{spacing(420, 160)}<w:outlineLvl w:val="0"/>',
        rpr=f'{BOLD}<w:color w:val="{TEAL}"/>{size(30)}',
    ),
    StyleSpec(
        "Heading 2",
        "Heading2",
        "Normal",
        ppr=f'{KEEP}{spacing(300, 100)}<w:outlineLvl w:val="1"/>',
        rpr=f'{BOLD}<w:color w:val="{TEAL}"/>{size(24)}',
    ),
    StyleSpec(
        "Heading 3",
        "Heading3",
        "Normal",
        ppr=f'{KEEP}{spacing(240, 60)}<w:outlineLvl w:val="2"/>',
        rpr=f'{BOLD}<w:i/><w:iCs/><w:color w:val="{TEAL}"/>{size(21)}',
    ),
    StyleSpec("Caption", "Caption", "Normal", ppr=f"{KEEP}{spacing(160, 60, 240)}", rpr=f"{BOLD}{size(18)}"),
    StyleSpec("Header", "Header", "Normal", ppr=spacing(0, 0, 240), rpr=f'<w:color w:val="{GREY}"/>{size(16)}'),
    StyleSpec(
        "Footer", "Footer", "Normal", ppr=f"{spacing(0, 0, 240)}{RIGHT}", rpr=f'<w:color w:val="{GREY}"/>{size(16)}'
    ),
)
LETTERHEAD = ("Center for Social og Sundhed", "Eksempelvej 1 · 9999 Eksempelby · Telefon 99 99 99 99")


def build_reference() -> Document:
    """python-docx's default template restyled as a municipality's own template with a letterhead."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Cm(4.2), Cm(2.5)  # room for the letterhead and a logo
    section.left_margin, section.right_margin = Cm(2.0), Cm(3.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    section.different_first_page_header_footer = True
    set_defaults(document)
    for spec in STYLES:
        define_style(document, spec)
    set_settings(document)
    props = document.core_properties
    props.title, props.author, props.comments = "Eksempel på en kommunes Word-skabelon", "reportgen", ""
    props.subject = props.keywords = props.category = props.last_modified_by = ""
    props.revision = 1
    props.created = props.modified = props.last_printed = datetime(2025, 1, 1)
    drop_unused_parts(document)
    letterhead = section.first_page_header.paragraphs[0]
    letterhead.style = document.styles["Header"]
    run = letterhead.add_run(LETTERHEAD[0])
    run.bold = True
    letterhead.add_run().add_break()
    letterhead.add_run(LETTERHEAD[1])
    section.header.paragraphs[0].style = document.styles["Header"]
    section.header.paragraphs[0].add_run(LETTERHEAD[0])
    section.first_page_footer.paragraphs[0].style = document.styles["Footer"]
    section.first_page_footer.paragraphs[0].add_run("Svar til kommunen sendes via Digital Post.")
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Side ")
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("result", "1"), ("end", None)):
        if kind == "instr":
            element = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
            element.text = text
            footer.add_run()._r.append(element)
        elif kind == "result":
            footer.add_run(text)
        else:
            footer.add_run()._r.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
    document.add_paragraph("Kommunens skabelon: reportgen bruger typografierne, sidehovederne og sidefødderne.")
    return document


# --- the synthetic logo: a rounded square with a sun and two waves -----------------------------------------

SIDE = 80  # the SVG's user units
PNG_SIDE, DRAW_SCALE = 480, 4  # the PNG's pixels; drawn DRAW_SCALE times larger, then reduced for smooth edges


def waves() -> list[list[tuple[float, float]]]:
    """Two wave bands as closed polygons in SVG units."""
    bands = []
    for top in (48.0, 60.0):
        upper = [(x, top + 4 * math.sin(x / 80 * 2 * math.pi)) for x in range(6, 75)]
        lower = [(x, y + 6) for x, y in reversed(upper)]
        bands.append(upper + lower)
    return bands


def logo_svg() -> bytes:
    """The logo as SVG: shapes only, no text, no links."""
    polygons = "".join(
        '<polygon fill="#FFFFFF" points="' + " ".join(f"{x:.2f},{y:.2f}" for x, y in band) + '"/>' for band in waves()
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIDE} {SIDE}" width="{SIDE}" height="{SIDE}">'
        f'<rect width="{SIDE}" height="{SIDE}" rx="14" fill="#{TEAL}"/>'
        f'<circle cx="52" cy="28" r="12" fill="#{AMBER}"/>{polygons}</svg>\n'
    ).encode()


def logo_png() -> bytes:
    """The same logo as PNG with a transparent background."""
    scale = PNG_SIDE * DRAW_SCALE / SIDE
    image = Image.new("RGBA", (PNG_SIDE * DRAW_SCALE,) * 2, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, SIDE * scale - 1, SIDE * scale - 1), radius=14 * scale, fill=f"#{TEAL}")
    draw.ellipse(((52 - 12) * scale, (28 - 12) * scale, (52 + 12) * scale, (28 + 12) * scale), fill=f"#{AMBER}")
    for band in waves():
        draw.polygon([(x * scale, y * scale) for x, y in band], fill="#FFFFFF")
    image = image.resize((PNG_SIDE, PNG_SIDE), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    image.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def main() -> None:
    """Write reference.docx, logo.svg and logo.png into the folder given, or into the example style folder."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=OUTPUT)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    (args.folder / "reference.docx").write_bytes(package_bytes(build_reference()))
    (args.folder / "logo.svg").write_bytes(logo_svg())
    (args.folder / "logo.png").write_bytes(logo_png())


if __name__ == "__main__":
    main()
