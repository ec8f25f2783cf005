"""The bodies that treat the case – committees, Økonomiudvalget, the council – and how a sentence names them."""

from __future__ import annotations

import re

COUNCIL_WORDS = ("byråd", "kommunalbestyrelse", "borgerrepræsentation")
FINANCE_COMMITTEE = "økonomiudvalg"
_ELECTION_PERIOD = re.compile(r"\s+(\d{4})\s*[-–]\s*(\d{4})\s*$")


def in_sentence(organ: str) -> str:
    """A body as prose names it, without the election period of decision headings:
    "Allerød Byråd 2022-2025" → "Allerød Byråd"."""
    return _ELECTION_PERIOD.sub("", organ).strip()


def is_council(organ: str, council: str) -> bool:
    """True for the council: a name with byråd/kommunalbestyrelse/borgerrepræsentation, or the case's own name."""
    name = in_sentence(organ).casefold()
    return any(word in name for word in COUNCIL_WORDS) or name == council.casefold()


def is_finance_committee(organ: str) -> bool:
    """True for Økonomiudvalget."""
    return FINANCE_COMMITTEE in organ.casefold()
