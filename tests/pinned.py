"""The library versions that byte-exact output and the golden files depend on, as pinned in constraints.txt."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

CONSTRAINTS = Path(__file__).resolve().parents[1] / "constraints.txt"

# The packages whose releases change the bytes of a DOCX, PDF, HTML or chart (layout, fonts, compression,
# XML serialisation, number formatting), and those whose private parts the writers use.
OUTPUT_PACKAGES = (
    "weasyprint",  # PDF layout; writers/pdf.py uses FontConfiguration._folder, cffi's find_library, RasterImage and
    # what HTML's constructor sets
    "tinyhtml5",  # WeasyPrint's HTML parser, whose tree writers/html_tree.py builds
    "pydyf",  # PDF serialisation
    "fonttools",  # font subsetting in the PDF
    "tinycss2",
    "cssselect2",
    "pyphen",  # hyphenation in the PDF
    "pillow",  # PNG encoding of the charts
    "matplotlib",  # the charts
    "numpy",
    "python-docx",  # DOCX; writers/docx.py replaces DocumentPart.get_style_id
    "lxml",  # XML serialisation of DOCX parts
    "jinja2",  # prose and HTML templates
    "markdown-it-py",  # the administration's texts
    "babel",  # Danish numbers and dates (CLDR data)
)


def pinned() -> dict[str, str]:
    """Package name (normalised) → version from constraints.txt."""
    out = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line):
            out[_normal(m.group(1))] = m.group(2)
    return out


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def differing_versions() -> list[str]:
    """ "weasyprint 71.0 is installed, the goldens were made with 70.0" for each output package that differs."""
    pins = pinned()
    out = []
    for name in OUTPUT_PACKAGES:
        installed = metadata.version(name)
        expected = pins.get(_normal(name))
        if expected is None:
            out.append(f"{name} is not pinned in constraints.txt")
        elif installed != expected:
            out.append(f"{name} {installed} is installed, the golden files were made with {expected}")
    return out


def require_pinned_versions() -> None:
    """Fail with the differing versions (not with a differing byte) when the environment is not the pinned one."""
    if problems := differing_versions():
        pytest.fail(
            "Byte-exact output depends on these library versions: "
            + "; ".join(problems)
            + ". Install with `pip install -c constraints.txt -e '.[test,dev]'` (make test does), or, after an "
            "intended upgrade, update constraints.txt and regenerate the goldens with `make golden`.",
            pytrace=False,
        )
