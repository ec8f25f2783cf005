"""The HTML redline: every changed section with its words struck out and inserted, and the changed figures."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from reportgen.documents import templating
from reportgen.resources import DIFF_TEMPLATES

if TYPE_CHECKING:
    from reportgen.lifecycle.diff import PacketDiff


@cache
def _env():
    return templating.environment(
        DIFF_TEMPLATES, autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True
    )


def render_html(result: PacketDiff) -> bytes:
    """The redline as one self-contained HTML page."""
    sag = (result.new.manifest or {}).get("sag", {})
    subject = f"{sag['kommune']} {sag['aar']}" if {"kommune", "aar"} <= sag.keys() else result.new.path.name
    return _env().get_template("redline.html.j2").render(diff=result, subject=subject).encode("utf-8")
