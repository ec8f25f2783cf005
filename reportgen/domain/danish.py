"""Danish formatting of every number, date and word that varies with the data (on Babel's CLDR data)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from babel.dates import format_date, get_month_names
from babel.numbers import format_decimal

from reportgen.domain.counts import Direction, round_half_up, whole_percent

LOCALE = "da_DK"
NBSP = "\u00a0"
DASH = "–"  # shown where a rate is undefined: no realitetsbehandlede cases – never for figures the extract lacks
NO_FIGURES = f"ingen{NBSP}tal"  # shown in a table cell for figures the extract lacks


@lru_cache(maxsize=4096)  # some 700 counts a packet, most of them the same few numbers; Babel takes ~25 µs each
def count(n: int) -> str:
    """A whole count with "." as thousands separator: 10000 → "10.000"."""
    return format_decimal(n, format="#,##0", locale=LOCALE)


def decimal(x: Fraction | int, digits: int = 1) -> str:
    """A number rounded half up with decimal comma: 7.25 → "7,3"."""
    rounded = round_half_up(Fraction(x), digits)
    value = Decimal(rounded.numerator) / Decimal(rounded.denominator)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=LOCALE, decimal_quantization=True)


def percent(s: Fraction | None) -> str:
    """A share as a whole percentage, half up, no-break space before "%": 5/8 → "63 %"; None → "–"."""
    if s is None:
        return DASH
    return percent_int(whole_percent(s))


def percent_decimal(s: Fraction | None, digits: int = 1) -> str:
    """A share as a percentage with decimals: 0.0725 → "7,3 %"; None → "–"."""
    if s is None:
        return DASH
    return f"{decimal(s * 100, digits)}{NBSP}%"


def rate_cell(s: Fraction | None, cases: int | None) -> str:
    """A table cell with rate and count: "63 % (65)", "– (0)" without cases; "ingen tal" when there are no
    figures."""
    if cases is None:
        return NO_FIGURES
    return f"{percent(s)} ({count(cases)})"


def percent_int(n: int) -> str:
    """A percentage that is already a whole number: 30 → "30 %" (no-break space)."""
    return f"{count(n)}{NBSP}%"


def ordinal(n: int) -> str:
    """An ordinal number as Danish writes it: 5 → "5."."""
    return f"{count(n)}."


def points(n: int | Fraction, digits: int = 0) -> str:
    """A change in percentage points, unsigned, half up to `digits` decimals: 19 → "19 procentpoint"."""
    return f"{decimal(abs(Fraction(n)), digits)} procentpoint"


def signed(n: int | Fraction, digits: int = 0) -> str:
    """A change with its sign, as in a table cell: 19 → "+19", −4 → "−4" (minus sign), 0 → "0"."""
    sign = "+" if n > 0 else "\u2212" if n < 0 else ""
    return f"{sign}{decimal(abs(Fraction(n)), digits)}"


def plural(n: int, singular: str, plural_form: str) -> str:
    """The count and the noun in the right number: (1, "sag", "sager") → "1 sag"."""
    return f"{count(n)} {singular if abs(n) == 1 else plural_form}"


NUMBER_WORDS = ("nul", "én", "to", "tre", "fire", "fem", "seks", "syv", "otte", "ni", "ti", "elleve", "tolv")


def in_words(n: int, neuter: bool = False) -> str:
    """A small number that is not a statistic, in words: 4 → "fire", 1 → "én" ("ét" for a neuter noun);
    from 13 on in digits, as Danish style guides write it."""
    if 0 <= n < len(NUMBER_WORDS):
        return "ét" if n == 1 and neuter else NUMBER_WORDS[n]
    return count(n)


def plural_in_words(n: int, singular: str, plural_form: str, neuter: bool = False) -> str:
    """A small number in words with its noun: (4, "kommune", "kommuner") → "fire kommuner"."""
    return f"{in_words(n, neuter)} {singular if abs(n) == 1 else plural_form}"


def sager(n: int) -> str:
    """ "1 sag" / "2 sager"."""
    return plural(n, "sag", "sager")


def borgere(n: int) -> str:
    """ "1 borger" / "3 borgere"."""
    return plural(n, "borger", "borgere")


def direction_noun(d: Direction) -> str:
    """ "en stigning" / "et fald" / "uændret" (the article agrees with the noun)."""
    return {"stigning": "en stigning", "fald": "et fald", "uændret": "uændret"}[d]


def long_date(d: date) -> str:
    """ "23. september 2025"."""
    return format_date(d, "d. MMMM y", locale=LOCALE)


# A date as long_date writes it, with or without the year, wherever it stands in a text (ours or the
# administration's): the day, the month and the year
_DATE_IN_TEXT = re.compile(
    rf"\b(\d{{1,2}}\.)\s+({'|'.join(get_month_names('wide', locale=LOCALE).values())})\b(?:\s+(\d{{4}})\b)?"
)


def unbroken_dates(text: str) -> str:
    """The text with no-break spaces inside every date: "frist 31. december 2025" → "frist 31.\u00a0december\u00a02025",
    so no line ever breaks inside a date."""
    return _DATE_IN_TEXT.sub(lambda match: NBSP.join(part for part in match.groups() if part), text)


def short_date(d: date) -> str:
    """ "23-09-2025", as in decision headings."""
    return d.strftime("%d-%m-%Y")


def period(years: Iterable[int]) -> str:
    """The years a table or chart covers: "2021–2024" (any order), or the one year "2024"."""
    years = sorted(years)
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def years_text(years: Iterable[int]) -> str:
    """Years named in a sentence, oldest first: "2021, 2022 og 2024"."""
    return join([str(y) for y in sorted(years)])


def lower_first(text: str) -> str:
    """A label as the middle of a sentence writes it: "Serviceloven § 83" → "serviceloven § 83"; a word in
    capitals ("KL-vejledning", "SEL § 83") is left as it is."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text


def provision(label: str) -> str:
    """A paragraph as a sentence names it, its law in the genitive: "Serviceloven § 42" → "servicelovens § 42",
    "Barnets lov § 32" → "barnets lov § 32"; a label in capitals ("SEL § 83") is left as it is."""
    law = re.match(r"(\w+loven)(?=\s+§)", label, re.IGNORECASE)
    return lower_first(f"{law.group(1)}s{label[law.end() :]}" if law else label)


def upper_first(text: str) -> str:
    """A label as the start of a table cell writes it: "skøn" → "Skøn"."""
    return text[:1].upper() + text[1:]


def quoted(text: str) -> str:
    """A quotation or a title in the documents' Danish quotation marks: »…« (the templates write them as such)."""
    return f"»{text}«"


def possessive(name: str) -> str:
    """The genitive of a name, formed on its last word: "Københavns Kommune" → "Københavns Kommunes", "Aarhus" →
    "Aarhus'" (a name ending in s, x or z takes an apostrophe, as Retskrivningsordbogen has it)."""
    return f"{name}'" if name[-1:].lower() in ("s", "x", "z") else f"{name}s"


def join(items: list[str], conjunction: str = "og") -> str:
    """ "a, b og c" (no Oxford comma)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def normalize_key(text: str) -> str:
    """A header or value in comparable form: "Ændret/ophævet" → "aendret_ophaevet", "År" → "aar"."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    for old, new in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e")):
        text = text.replace(old, new)
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")


# --- parsing, the inverse of the formatting above (used by the tests and the diff) -------------

_COUNT_RE = re.compile(r"^-?\d{1,3}(\.\d{3})*$|^-?\d+$")


def parse_count(text: str) -> int:
    """Inverse of count(): "10.000" → 10000."""
    if not _COUNT_RE.match(text):
        raise ValueError(f"ikke et dansk heltal: {text!r}")
    return int(text.replace(".", ""))


def parse_percent(text: str) -> int:
    """Inverse of percent(): "63 %" → 63."""
    number, sep, sign = text.rpartition(NBSP)
    if sep != NBSP or sign != "%":
        raise ValueError(f"ikke en procentangivelse: {text!r}")
    return parse_count(number)


def parse_decimal(text: str) -> Fraction:
    """Inverse of decimal(): "1.234,5" → 2469/2."""
    whole, _, frac = text.partition(",")
    value = Fraction(parse_count(whole))
    if frac:
        sign = -1 if whole.startswith("-") else 1
        value += sign * Fraction(int(frac), 10 ** len(frac))
    return value
