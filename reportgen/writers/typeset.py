"""What every writer does to the document's text before it lays it out: no line breaks inside a date."""

from __future__ import annotations

from dataclasses import fields, is_dataclass, replace
from typing import Any

from reportgen.documents.model import Document
from reportgen.domain.danish import unbroken_dates


def typeset(doc: Document) -> Document:
    """The document with every text in it typeset: no-break spaces inside each date ("31. december 2025"), in the
    sentences the tool writes and in the administration's own texts alike."""
    return _typeset(doc)


def _typeset(value: Any) -> Any:
    """A text typeset, a tuple or a block of the model with every text in it typeset, anything else as it is."""
    if isinstance(value, str):
        return unbroken_dates(value)
    if isinstance(value, tuple):
        return tuple(_typeset(item) for item in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _typeset(getattr(value, f.name)) for f in fields(value)})
    return value
