"""The files that travel inside the package – templates, stylesheet, fonts, reference document, data – by name."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def _package_folder() -> Path:
    """The installed package as a folder; WeasyPrint and Jinja2 need real files, so a zipped install is refused."""
    root = files("reportgen")
    if not isinstance(root, Path):
        raise RuntimeError("reportgen must be installed as files (pip install), not imported from a zip archive")
    return root


PACKAGE = _package_folder()
TEMPLATES = PACKAGE / "templates"
PROSE_TEMPLATES = TEMPLATES / "prose"  # Markdown prose and chart alt texts (Jinja2)
HTML_TEMPLATES = TEMPLATES / "html"  # the HTML writer (Jinja2, autoescaped)
DIFF_TEMPLATES = TEMPLATES / "diff"  # the redline of `reportgen diff`
STYLESHEET = TEMPLATES / "style.css"  # the house style of the HTML and PDF
FONTS = TEMPLATES / "fonts"  # embedded in the PDF through @font-face
REFERENCE_DOCX = TEMPLATES / "reference.docx"  # the DOCX writer's styles, page set-up, header and footer
STYLE_TOML_TEMPLATE = TEMPLATES / "stil" / "stil.toml"  # the design tokens `reportgen stil skabelon` writes
KOMMUNER = PACKAGE / "data" / "kommuner.csv"  # the 98 municipalities: regions, councils, official names
KOMMUNEGRAENSER = PACKAGE / "data" / "kommuner.geojson"  # the 98 municipalities' boundaries (DAGI 1:500.000)
WEB_TEMPLATES = TEMPLATES / "web"  # the pages of `reportgen serve` (Jinja2, autoescaped)
WEB_STATIC = WEB_TEMPLATES / "static"  # its own stylesheet and script: no CDN, works offline
