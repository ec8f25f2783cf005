"""Golden files for the writers: the example's HTML compared structurally, its DOCX part by part.

After an intended change, regenerate with `make golden` and review the diff of tests/golden/.
"""

import hashlib
import json
import os
import zipfile
from io import BytesIO
from pathlib import Path

import lxml.etree as etree
import lxml.html
import pytest

from reportgen.documents.compose import compose
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs
from reportgen.writers import docx, html

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "eksempler" / "allerod-2024"
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("REPORTGEN_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def packet():
    inputs = load_inputs(EXAMPLE)
    return compose(inputs, compute(inputs))


def html_structure(page: bytes) -> list:
    """The HTML as a nested list of (tag, attributes, text); data: URLs replaced by their hash."""

    def node(el) -> list:
        attrs = {
            k: (f"sha256:{hashlib.sha256(v.encode()).hexdigest()[:16]}" if v.startswith("data:") else v)
            for k, v in sorted(el.attrib.items())
        }
        text = " ".join((el.text or "").split())
        children = [node(c) for c in el if isinstance(c.tag, str)]
        tails = [" ".join((c.tail or "").split()) for c in el if isinstance(c.tag, str)]
        return [el.tag, attrs, text, children, [t for t in tails if t]]

    root = lxml.html.document_fromstring(page)
    for style in root.iter("style"):
        style.text = hashlib.sha256((style.text or "").encode()).hexdigest()
    return node(root)


def docx_parts(data: bytes) -> dict[str, str]:
    """Every part of a DOCX: XML parts canonicalised (C14N), binary parts by hash."""
    parts = {}
    with zipfile.ZipFile(BytesIO(data)) as z:
        for name in sorted(z.namelist()):
            content = z.read(name)
            if name.endswith((".xml", ".rels")):
                tree = etree.fromstring(content, etree.XMLParser(remove_blank_text=True))
                parts[name] = etree.tostring(tree, method="c14n").decode("utf-8")
            else:
                parts[name] = "sha256:" + hashlib.sha256(content).hexdigest()
    return parts


def check_golden(name: str, actual) -> None:
    """Compare with (or, with REPORTGEN_UPDATE_GOLDEN=1, write) tests/golden/<name>.json."""
    path = GOLDEN / f"{name}.json"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected, f"{name} differs from its golden file; run `make golden` if the change is intended"


@pytest.mark.parametrize("document", ["sagsfremstilling", "bilag1"])
def test_html_matches_golden(packet, document):
    check_golden(f"{document}.html", html_structure(html.render(getattr(packet, document))))


@pytest.mark.parametrize("document", ["sagsfremstilling", "bilag1"])
def test_docx_parts_match_golden(packet, document):
    actual = docx_parts(docx.render(getattr(packet, document)))
    path = GOLDEN / f"{document}.docx.json"
    if not UPDATE and path.exists():
        expected = json.loads(path.read_text(encoding="utf-8"))
        assert sorted(actual) == sorted(expected), "the DOCX has other parts than its golden file"
        for part in expected:
            assert actual[part] == expected[part], f"{document}.docx part {part} differs; run `make golden` if intended"
    check_golden(f"{document}.docx", actual)
