"""The figures of two versions (figurer.json, the manifest's case details) compared value by value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from reportgen.domain import danish as d

SKIPPED_KEYS = frozenset({"kilde"})
LIST_KEYS = ("navn", "forvaltningsomraade", "aar")


@dataclass(frozen=True)
class FigureChange:
    """A value that changed: its dotted path, the old and the new value as text."""

    path: str
    old: str
    new: str


def changed_values(old: Any, new: Any, path: str = "") -> tuple[FigureChange, ...]:
    """Every value that differs between two JSON values, by dotted path; "kilde" (row numbers) is left out.

    Lists of objects are keyed by their name or year; a part that only one side has is one change.
    """
    a, b = _keyed(old), _keyed(new)
    if a is None or b is None:
        return () if old == new else (FigureChange(path, _show(old), _show(new)),)
    out: list[FigureChange] = []
    for key in [k for k in b if k not in SKIPPED_KEYS] + [k for k in a if k not in b and k not in SKIPPED_KEYS]:
        sub = f"{path}.{key}" if path else key
        if key not in a:
            out.append(FigureChange(sub, "(ingen)", "(tilføjet)" if _keyed(b[key]) is not None else _show(b[key])))
        elif key not in b:
            out.append(FigureChange(sub, "(fandtes)" if _keyed(a[key]) is not None else _show(a[key]), "(fjernet)"))
        else:
            out += changed_values(a[key], b[key], sub)
    return tuple(out)


def _keyed(value: Any) -> dict[str, Any] | None:
    """An object as itself, a list of objects as {name or year: object}; None for anything else."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = [next((str(v[k]) for k in LIST_KEYS if v.get(k) is not None), str(i)) for i, v in enumerate(value)]
        return dict(zip(keys if len(set(keys)) == len(keys) else map(str, range(len(value))), value, strict=True))
    return None


def _show(value: Any) -> str:
    """A JSON value as short Danish text."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return d.decimal(Fraction(value), 2)
    if _keyed(value) is not None:
        return "(tal)"
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "(tom)"
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return d.long_date(date.fromisoformat(value))  # "27. marts 2025", as the documents write dates
    return str(value)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
