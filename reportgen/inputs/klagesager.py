"""Case-level appeal records (klagesager): reading, validating and the figures they give per area and year."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from reportgen.domain import danish as d
from reportgen.domain.areas import BILAG_AREAS
from reportgen.domain.danish import normalize_key
from reportgen.domain.errors import InputError, Problem, ProblemList, allowed, suggest
from reportgen.domain.privacy import Ids
from reportgen.inputs.statistics import year_in_cell
from reportgen.inputs.tabular import Row, Sheet, lenient_records, read_sheet

COLUMNS = ("sags_id", "borger_id", "aar", "omraade", "paragraf", "delafgoerelser", "aarsag", "opfoelgning")
ID_COLUMNS = ("sags_id", "borger_id")
PARTS = ("stadfaestet", "aendret", "ophaevet", "hjemvist", "afvist")
FOLLOW_UPS = ("til-fordel", "fastholdt", "tilbagetrukket", "paaklaget-igen", "verserer")
NOT_GIVEN = ""  # an empty aarsag or opfoelgning
REVERSED = ("aendret_ophaevet", "hjemvist")

_PART_ALIASES = {
    "stadfaestet": "stadfaestet",
    "stadfaestelse": "stadfaestet",
    "aendret": "aendret",
    "aendring": "aendret",
    "ophaevet": "ophaevet",
    "ophaevelse": "ophaevet",
    "hjemvist": "hjemvist",
    "hjemvisning": "hjemvist",
    "afvist": "afvist",
    "afvisning": "afvist",
    "henvist": "afvist",
    "henvisning": "afvist",
}
_AREA_ALIASES = {
    "boernehandicap": "boernehandicap",
    "boernehandicapomraadet": "boernehandicap",
    "voksenhandicap": "voksenhandicap",
    "voksenhandicapomraadet": "voksenhandicap",
    "oevrige": "oevrige",
    "socialomraadet_oevrige": "oevrige",
    "det_oevrige_socialomraade": "oevrige",
}
_FOLLOW_UP_KEYS = {normalize_key(v): v for v in FOLLOW_UPS}
_QUOTED = re.compile(r"'([^']*)'")
_ROWS_NAMED = 10


@dataclass(frozen=True)
class Klagesag:
    """One appeal case; the citizen is an opaque number, so no pseudonym leaves the loader."""

    row: int
    borger: int
    aar: int
    omraade: str
    paragraf: str
    dele: tuple[str, ...]
    aarsag: str
    opfoelgning: str

    @property
    def udfald(self) -> str:
        """The statistics column the case counts in."""
        return outcome(self.dele)

    @property
    def delvist_hjemvist(self) -> bool:
        """True for a hjemvist case of which other parts were upheld."""
        return self.udfald == "hjemvist" and "stadfaestet" in self.dele


@dataclass(frozen=True)
class Klagesager:
    """A validated records file: its cases, in file order, and the warnings its rows give rise to."""

    file: str
    cases: tuple[Klagesag, ...]
    warnings: tuple[Problem, ...] = ()


def outcome(parts: Iterable[str]) -> str:
    """The most far-reaching outcome for the citizen: ændring/ophævelse, hjemvisning, stadfæstelse, else afvisning."""
    parts = set(parts)
    if parts & {"aendret", "ophaevet"}:
        return "aendret_ophaevet"
    if "hjemvist" in parts:
        return "hjemvist"
    if "stadfaestet" in parts:
        return "stadfaestet"
    return "afvist_henvist"


def load_klagesager(path: Path, display: str | None = None, root: Path | None = None) -> Klagesager:
    """Read and validate a records file (inside root, if given); messages name file, row and column, never an id."""
    sheet = _read(path, display, root)
    _require_columns(sheet)
    rows = _RowReader(sheet)
    cases = [case for row in sheet.rows if (case := rows.case(row)) is not None]
    rows.problems.raise_if_any()
    return Klagesager(sheet.file, tuple(cases), _warnings(sheet, cases))


def _read(path: Path, display: str | None, root: Path | None) -> Sheet:
    """read_sheet, with cell text quoted in a row's problem masked: without a header, row 1 holds ids."""
    try:
        return read_sheet(path, display, root)
    except InputError as exc:
        raise InputError([_masked(p) for p in exc.problems]) from None


def pseudonyms(path: Path, root: Path | None) -> Ids:
    """The sags_id and borger_id values of a records file, read before (and whether or not) it is valid.

    Without the contract's id columns in the header the first row may be data and the ids' columns are
    unknown: then every cell of the first two columns (the contract's order) counts, the first row's too.
    """
    records = [cells for _, cells in lenient_records(path, root) if any(c.strip() for c in cells)]
    if not records:
        return Ids()
    keys = [normalize_key(c) for c in records[0]]
    positions = [i for i, k in enumerate(keys) if k in ID_COLUMNS]
    if positions:
        return Ids(cells[i] for cells in records[1:] for i in positions if i < len(cells))
    return Ids(c for cells in records for c in cells[:2] if normalize_key(c) not in COLUMNS)


def _masked(problem: Problem) -> Problem:
    """A problem with every quoted text and column name that is not one of the contract's column names replaced
    by '…' (without a header, row 1 holds data, and its cells would name the columns)."""
    if problem.row is None:
        return problem

    def mask(text: str) -> str:
        return _QUOTED.sub(lambda m: m.group(0) if normalize_key(m.group(1)) in COLUMNS else "'…'", text)

    column = problem.column
    if column is not None and normalize_key(column) not in COLUMNS and not column.startswith("nr. "):
        column = "…"
    return replace(problem, message=mask(problem.message), column=column, hint=problem.hint and mask(problem.hint))


def _require_columns(sheet: Sheet) -> None:
    """Every contract column must be in the header; the header cells are not echoed (they may be data)."""
    missing = [c for c in COLUMNS if c not in sheet.columns]
    if missing:
        raise InputError(
            [
                Problem(
                    sheet.file,
                    f"mangler kolonne{'rne' if len(missing) > 1 else 'n'} {', '.join(repr(m) for m in missing)}.",
                    row=sheet.header_row,
                    hint=f"Den første række skal være overskriften med kolonnerne {', '.join(COLUMNS)}.",
                )
            ]
        )


class _RowReader:
    """Validates a records file row by row, remembering the case and citizen ids seen so far."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.problems = ProblemList()
        self.ids = {r.cells[k].casefold() for r in sheet.rows for k in ID_COLUMNS if r.cells[k]}
        self.long_ids = Ids(self.ids)
        self.checked: dict[str, bool] = {}
        self.case_rows: dict[str, int] = {}
        self.citizens: dict[str, int] = {}
        self.spellings: dict[tuple[str, str], str] = {}

    def add(self, row: Row, key: str, message: str, hint: str | None = None) -> None:
        """Record a problem in one cell."""
        self.problems.add(self.sheet.file, message, row.number, self.sheet.columns[key], hint)

    def contains_id(self, text: str) -> bool:
        """True when text contains a sags_id or borger_id of the file, of any length and in any letter case.

        Cells repeat (paragraphs, reasons), so each distinct text is checked against the ids only once.
        """
        if text not in self.checked:
            folded = text.casefold()
            self.checked[text] = any(i in folded for i in self.ids)
        return self.checked[text]

    def shown(self, value: str) -> str:
        """A cell as a message may quote it: withheld when it contains any sags_id or borger_id of the file."""
        return "…" if self.contains_id(value) else value

    def case(self, row: Row) -> Klagesag | None:
        """The row as a Klagesag, or None after recording its problems."""
        new_case = self._sags_id(row)
        borger = self._borger(row)
        aar = year_in_cell(
            self.shown(row.cells["aar"]), self.sheet.file, row.number, self.sheet.columns["aar"], self.problems
        )
        omraade = self._area(row)
        paragraf = self._text(row, "paragraf", required=True)
        dele = self._parts(row)
        aarsag = self._text(row, "aarsag", required=False)
        opfoelgning = self._follow_up(row)
        if (
            not new_case
            or borger is None
            or aar is None
            or omraade is None
            or paragraf is None
            or dele is None
            or aarsag is None
            or opfoelgning is None
        ):
            return None
        return Klagesag(row.number, borger, aar, omraade, paragraf, dele, aarsag, opfoelgning)

    def _sags_id(self, row: Row) -> bool:
        """True for a new, non-empty sags_id; a repeated one names the earlier row, never the id."""
        value = row.cells["sags_id"]
        if not value:
            self.add(row, "sags_id", "sags_id mangler.", "Giv hver sag et entydigt (pseudonymt) sags-id.")
            return False
        if value in self.case_rows:
            self.add(
                row,
                "sags_id",
                f"sagen står også i række {self.case_rows[value]} (samme sags_id).",
                "Slet den ene af de to rækker, eller ret sags_id, så hver sag har sit eget.",
            )
            return False
        self.case_rows[value] = row.number
        return True

    def _borger(self, row: Row) -> int | None:
        """The citizen as a number in order of first appearance (the pseudonym itself is not kept)."""
        value = row.cells["borger_id"]
        if not value:
            self.add(
                row,
                "borger_id",
                "borger_id mangler.",
                "Skriv borgerens pseudonym; det bruges kun til at tælle borgere.",
            )
            return None
        return self.citizens.setdefault(value, len(self.citizens))

    def _area(self, row: Row) -> str | None:
        """The Bilag 1 area of the case."""
        raw = row.cells["omraade"]
        key = normalize_key(raw)
        area = _AREA_ALIASES.get(key)
        if area is None:
            hint = (
                "Skriv det område, sagen hører til i Bilag 1; sager uden for handicapkortene er 'oevrige'. "
                if key.startswith("social")
                else ""
            ) + allowed(BILAG_AREAS)
            self.add(row, "omraade", f"ukendt område '{self.shown(raw)}'." if raw else "området mangler.", hint)
        return area

    def _text(self, row: Row, key: str, required: bool) -> str | None:
        """A free-text cell (paragraf, aarsag), tidied and spelled as its first occurrence in the file."""
        text = re.sub(r"(§+)\s*", r"\1 ", " ".join(row.cells[key].split()))
        if required and not text:
            self.add(row, key, "feltet er tomt.", "Skriv paragraffen, sagen er afgjort efter, fx 'Serviceloven § 83'.")
            return None
        if self.long_ids.found_in(row.cells[key]):
            self.add(
                row,
                key,
                "feltet indeholder et sags_id eller borger_id fra filen; det ville blive vist i bilaget.",
                "Skriv kun paragraffen eller årsagen i feltet.",
            )
            return None
        return self.spellings.setdefault((key, text.casefold()), text)

    def _parts(self, row: Row) -> tuple[str, ...] | None:
        """The `|`-separated part-decisions; empty segments are ignored."""
        raw = [p for p in row.cells["delafgoerelser"].split("|") if p.strip()]
        if not raw:
            self.add(
                row,
                "delafgoerelser",
                "feltet er tomt.",
                "Skriv sagens delafgørelser adskilt af |, fx 'stadfaestet|hjemvist'. " + allowed(PARTS),
            )
            return None
        parts = [_PART_ALIASES.get(normalize_key(p)) for p in raw]
        for text, part in zip(raw, parts, strict=True):
            if part is None:
                hint = " ".join(h for h in (suggest(normalize_key(text), PARTS), allowed(PARTS)) if h)
                self.add(row, "delafgoerelser", f"ukendt delafgørelse '{self.shown(text.strip())}'.", hint)
        known = [p for p in parts if p is not None]
        return tuple(known) if len(known) == len(parts) else None

    def _follow_up(self, row: Row) -> str | None:
        """The follow-up of a hjemvist case, or NOT_GIVEN."""
        raw = row.cells["opfoelgning"]
        if not raw:
            return NOT_GIVEN
        value = _FOLLOW_UP_KEYS.get(normalize_key(raw))
        if value is None:
            hint = " ".join(h for h in (suggest(raw, FOLLOW_UPS), allowed(FOLLOW_UPS)) if h)
            self.add(
                row,
                "opfoelgning",
                f"ukendt opfølgning '{self.shown(raw)}'.",
                hint + " Lad feltet stå tomt, hvis opfølgningen ikke kendes.",
            )
        return value


def _warnings(sheet: Sheet, cases: list[Klagesag]) -> tuple[Problem, ...]:
    """Values that count for nothing: a follow-up on a case not hjemvist, a reason on a case not reversed."""
    out = []
    follow_ups = [c.row for c in cases if c.opfoelgning and c.udfald != "hjemvist"]
    if follow_ups:
        out.append(
            Problem(
                sheet.file,
                f"kolonnen '{sheet.columns['opfoelgning']}' er udfyldt for {d.sager(len(follow_ups))}, der ikke "
                f"tæller som hjemvist ({_rows(follow_ups)}); opfølgningen tæller ikke med.",
                hint="Opfølgning gælder kun sager, hvis mest vidtgående udfald er en hjemvisning.",
                resolves="klagesager",
            )
        )
    reasons = [c.row for c in cases if c.aarsag and c.udfald not in REVERSED]
    if reasons:
        out.append(
            Problem(
                sheet.file,
                f"kolonnen '{sheet.columns['aarsag']}' er udfyldt for {d.sager(len(reasons))}, der hverken er "
                f"ændret, ophævet eller hjemvist ({_rows(reasons)}); årsagen tæller ikke med.",
                hint="Årsager opgøres kun for omgjorte sager.",
                resolves="klagesager",
            )
        )
    return tuple(out)


def _rows(numbers: list[int]) -> str:
    """ "række 4", "række 4, 9 og 12" or the first ten and "m.fl."."""
    shown = [str(n) for n in numbers[:_ROWS_NAMED]]
    if len(numbers) > _ROWS_NAMED:
        return f"række {', '.join(shown)} m.fl."
    return "række " + d.join(shown)
