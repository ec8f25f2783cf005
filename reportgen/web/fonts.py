"""The house fonts a document page names (style.css: url("fonts/…"), relative to the page), served beside every
document page of the app so the preview, a version's HTML and a redline show the PDF's typeface."""

from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from reportgen.resources import FONTS

bp = Blueprint("skrifter", __name__)

FONT_FILES = frozenset(path.name for path in FONTS.glob("*.ttf"))


@bp.get("/<path:page>/fonts/<font>")
def font(page: str, font: str):
    """A house font, wherever the page naming it lies; only the package's own font files are served."""
    if font not in FONT_FILES:
        abort(404)
    return send_from_directory(FONTS, font, mimetype="font/ttf", max_age=0)
