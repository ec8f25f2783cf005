"""Every block and inline type of the document model is handled by every writer: the HTML and DOCX writers choose
in Python how each type renders, the PDF writer lays out the HTML. The types are the model's own `Block` and
`Inline` unions, so a type added to documents/model.py is checked here without touching this file."""

from __future__ import annotations

import dataclasses
import zipfile
from collections.abc import Callable, Iterator
from io import BytesIO
from typing import get_args

import pytest
from test_golden import FEATURES, feature_document

from reportgen.documents import model
from reportgen.documents.model import Paragraph, Text
from reportgen.writers import docx, html, pdf

BLOCK_TYPES = get_args(model.Block)
INLINE_TYPES = get_args(model.Inline)
MODEL_TYPES = BLOCK_TYPES + INLINE_TYPES


def _body_of_docx(data: bytes) -> bytes:
    """The DOCX's document body (its metadata and styles are the same for every document here)."""
    with zipfile.ZipFile(BytesIO(data)) as z:
        return z.read("word/document.xml")


WRITERS: dict[str, Callable[[model.Document], bytes]] = {
    "html": html.render,
    "docx": lambda doc: _body_of_docx(docx.render(doc)),
    "pdf": pdf.render,  # the HTML laid out by WeasyPrint
}


def nodes(items: tuple) -> Iterator[object]:
    """Every block and inline node among items, nested ones included (a list's items, a decision's body, a
    paragraph's inline content)."""
    for item in items:
        if isinstance(item, tuple):
            yield from nodes(item)
        elif isinstance(item, MODEL_TYPES):
            yield item
            yield from nodes(tuple(getattr(item, f.name) for f in dataclasses.fields(item)))


def sample(kind: type) -> object:
    """The first node of a type in the one-feature goldens (tests/golden/funktioner/)."""
    return next(node for feature in FEATURES.values() for node in nodes(feature) if type(node) is kind)


def around(node: object | None, inline: bool) -> model.Document:
    """A document with the node between two paragraphs, or an inline node between two texts of one paragraph;
    with None, the same document without it."""
    middle = () if node is None else (node,)
    if inline:
        return feature_document((Paragraph((Text("Før"), *middle, Text("efter."))),))
    return feature_document((Paragraph((Text("Før."),)), *middle, Paragraph((Text("Efter."),))))


def test_every_node_class_of_the_model_is_in_its_unions():
    """A class added to the model but not to `Block` or `Inline` would escape the writers' checks below."""
    classes = {
        c
        for c in vars(model).values()
        if isinstance(c, type) and c.__module__ == model.__name__ and c is not model.Document
    }
    assert classes == set(MODEL_TYPES) and len(BLOCK_TYPES) > 1 and len(INLINE_TYPES) > 1


@pytest.mark.parametrize("kind", MODEL_TYPES, ids=lambda kind: kind.__name__)
def test_each_type_has_a_one_feature_golden(kind):
    found = {type(node) for feature in FEATURES.values() for node in nodes(feature)}
    assert kind in found, f"add a document with a {kind.__name__} to FEATURES in tests/test_golden.py"


@pytest.fixture(scope="module")
def without() -> dict[tuple[str, bool], bytes]:
    """Each writer's output of the documents around no node, for a block and for an inline node."""
    return {(name, inline): write(around(None, inline)) for name, write in WRITERS.items() for inline in (False, True)}


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("kind", MODEL_TYPES, ids=lambda kind: kind.__name__)
def test_every_writer_renders_every_type(kind, writer, without):
    """A writer that left a type out would write the same document as without the node."""
    inline = kind in INLINE_TYPES
    output = WRITERS[writer](around(sample(kind), inline))
    assert output != without[(writer, inline)], f"the {writer} writer drops {kind.__name__}"


@pytest.mark.parametrize("writer", sorted(WRITERS))
@pytest.mark.parametrize("inline", [False, True], ids=["block", "inline"])
def test_a_node_outside_the_model_fails_loudly(writer, inline):
    stranger = object()
    doc = feature_document((Paragraph((Text("Før"), stranger)),) if inline else (stranger,))
    with pytest.raises(TypeError, match="cannot render object"):
        WRITERS[writer](doc)
