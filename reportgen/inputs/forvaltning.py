"""The municipality's appeals per forvaltningsområde (Tabel 2): reading and validating."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.domain.counts import OUTCOMES, Counts
from reportgen.domain.errors import ProblemList, allowed
from reportgen.domain.privacy import Ids
from reportgen.inputs.statistics import count_in_row, year_in_cell
from reportgen.inputs.tabular import read_sheet, require_columns

COLUMNS = ("forvaltningsomraade", "aar", *OUTCOMES, "i_danmarkskort")
_ALIASES = {
    "forvaltningsomraade": "forvaltningsomraade",
    "omraade": "forvaltningsomraade",
    "stadfaestelse": "stadfaestet",
    "aendret": "aendret_ophaevet",
    "hjemvisning": "hjemvist",
    "afvist": "afvist_henvist",
    "i_danmarkskortet": "i_danmarkskort",
}
_YES = {"ja": True, "j": True, "yes": True, "x": True, "1": True, "nej": False, "n": False, "no": False, "0": False}


@dataclass(frozen=True)
class AreaRecord:
    """One forvaltningsområde's appeals in one year and whether they count in the danmarkskort."""

    navn: str
    aar: int
    counts: Counts
    i_danmarkskort: bool
    kilde: str
    row: int


@dataclass(frozen=True)
class Forvaltning:
    """All rows of a forvaltningsområder file, in file order."""

    file: str
    records: tuple[AreaRecord, ...]

    def year(self, aar: int) -> tuple[AreaRecord, ...]:
        """The rows for one year, in file order."""
        return tuple(r for r in self.records if r.aar == aar)


def load_forvaltning(
    path: Path, display: str | None = None, root: Path | None = None, ids: Ids | None = None
) -> Forvaltning:
    """Read and validate a forvaltningsområder file (inside root, if given); a cell holding one of ids is refused."""
    sheet = require_columns(read_sheet(path, display, root, ids), COLUMNS, _ALIASES)
    problems = ProblemList()
    c = sheet.columns
    records: list[AreaRecord] = []
    seen: dict[tuple[str, int], int] = {}
    for row in sheet.rows:
        name = " ".join(row.cells["forvaltningsomraade"].split())
        if not name:
            problems.add(
                sheet.file,
                "navnet på forvaltningsområdet mangler.",
                row.number,
                c["forvaltningsomraade"],
                "Skriv områdets navn, fx 'Børneområdet'.",
            )
        aar = year_in_cell(row.cells["aar"], sheet.file, row.number, c["aar"], problems)
        values = [count_in_row(row, o, sheet.file, problems, c[o]) for o in OUTCOMES]
        flag_raw = row.cells["i_danmarkskort"]
        flag = _YES.get(flag_raw.strip().lower())
        if flag is None:
            problems.add(
                sheet.file,
                f"'{flag_raw}' er hverken ja eller nej.",
                row.number,
                c["i_danmarkskort"],
                allowed(["ja", "nej"]),
            )
        counts = Counts.of(values)
        if not name or aar is None or counts is None or flag is None:
            continue
        if (name.casefold(), aar) in seen:
            problems.add(
                sheet.file,
                f"'{name}' {aar} står også i række {seen[(name.casefold(), aar)]}.",
                row.number,
                c["forvaltningsomraade"],
                "Slet den ene række eller giv områderne forskellige navne.",
            )
            continue
        seen[(name.casefold(), aar)] = row.number
        records.append(AreaRecord(name, aar, counts, flag, row.cells.get("kilde", ""), row.number))
    problems.raise_if_any()
    return Forvaltning(sheet.file, tuple(records))
