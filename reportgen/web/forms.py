"""What a form sent, read into values, and the problems found shown beside the fields they belong to."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from reportgen.domain.errors import Problem

_DATE_FORMATS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),  # what a date field sends
    re.compile(r"(?P<d>\d{1,2})[-./](?P<m>\d{1,2})[-./](?P<y>\d{4})"),  # 07-10-2025, 7.10.2025
)


class BadValue(ValueError):
    """A value typed in a form that cannot be read; the message is Danish."""


def parse_date(text: str) -> date:
    """A date typed as 2025-10-07, 07-10-2025 or 7.10.2025."""
    text = text.strip()
    for pattern in _DATE_FORMATS:
        if match := pattern.fullmatch(text):
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    if not text:
        raise BadValue("Skriv datoen, fx 07-10-2025.")
    raise BadValue(f"'{text}' er ikke en gyldig dato. Skriv den som fx 07-10-2025.")


def lines(text: str) -> list[str]:
    """The non-empty lines of a text area (one name per line; commas and semicolons also separate)."""
    return [part.strip() for part in re.split(r"[\n;,]", text) if part.strip()]


@dataclass
class Errors:
    """Problems of one form: by field (shown at the field) and the rest (shown above the form)."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)

    def add(self, name: str | None, message: str) -> None:
        """Record a message for a field, or for the whole form when name is None."""
        if name is None:
            self.general.append(message)
        else:
            self.fields.setdefault(name, []).append(message)

    def problems(self, problems: Iterable[Problem], field_of: Callable[[Problem], str | None]) -> None:
        """Record validator problems, each at the field field_of names (None: above the form)."""
        for problem in problems:
            name = field_of(problem)
            self.add(name, _text(problem) if name else str(problem))

    def summary(self) -> list[tuple[str | None, str]]:
        """Every message with its field, for the list at the top of the form."""
        return [(name, m) for name, messages in self.fields.items() for m in messages] + [
            (None, m) for m in self.general
        ]


def _text(problem: Problem) -> str:
    """A problem shown at its field: what is wrong and how to fix it (the field says where)."""
    message = problem.message[:1].upper() + problem.message[1:]
    return f"{message} {problem.hint}" if problem.hint else message
