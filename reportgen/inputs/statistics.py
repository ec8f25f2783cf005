"""Ankestyrelsen's statistics per kommune × year × area: reading, validating and looking up counts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.domain import danish, kommuner
from reportgen.domain.areas import GENERAL, HANDICAP_AREAS, MAP_AREAS
from reportgen.domain.counts import OUTCOMES, Counts
from reportgen.domain.danish import normalize_key
from reportgen.domain.errors import InputError, Problem, ProblemList, allowed
from reportgen.domain.privacy import Ids
from reportgen.domain.recent import Recent
from reportgen.inputs.tabular import (
    Row,
    Sheet,
    parse_count_cell,
    parse_sheet,
    read_data,
    require_columns,
)

# Values and headers as they appear in Ankestyrelsen's exports, normalised with normalize_key.
_AREA_ALIASES = {
    "socialomraadet": "socialomraadet",
    "socialomraadet_generelt": "socialomraadet",
    "det_generelle_socialomraade": "socialomraadet",
    "generelt_socialomraade": "socialomraadet",
    "boernehandicap": "boernehandicap",
    "boernehandicapomraadet": "boernehandicap",
    "voksenhandicap": "voksenhandicap",
    "voksenhandicapomraadet": "voksenhandicap",
}
_WIDE_ALIASES = {
    "aar": "aar",
    "aarstal": "aar",
    "tid": "aar",
    "omraade": "omraade",
    "lovgrundlag": "omraade",
    "stadfaestelse": "stadfaestet",
    "aendring_ophaevelse": "aendret_ophaevet",
    "aendret": "aendret_ophaevet",
    "hjemvisning": "hjemvist",
    "afvisning_henvisning": "afvist_henvist",
    "afvist": "afvist_henvist",
    "afgoerelser": "afgoerelser_i_alt",
    "kildeangivelse": "kilde",
}
_LONG_ALIASES = {
    "aar": "aar",
    "tid": "aar",
    "periode": "aar",
    "omraade": "omraade",
    "lovgrundlag": "omraade",
    "afgoerelsestype": "afgoerelsestype",
    "afgoerelse": "afgoerelsestype",
    "antal": "antal",
    "indhold": "antal",
    "vaerdi": "antal",
}
_OUTCOME_ALIASES = {
    "stadfaestet": "stadfaestet",
    "stadfaestelse": "stadfaestet",
    "aendret_ophaevet": "aendret_ophaevet",
    "aendring_ophaevelse": "aendret_ophaevet",
    "aendring": "aendret_ophaevet",
    "ophaevelse": "aendret_ophaevet",
    "hjemvist": "hjemvist",
    "hjemvisning": "hjemvist",
    "afvist_henvist": "afvist_henvist",
    "afvisning_henvisning": "afvist_henvist",
    "afvisning_henvisning_bortfald": "afvist_henvist",
    "afvisning": "afvist_henvist",
    "henvisning": "afvist_henvist",
    "bortfald": "afvist_henvist",
}
OUTCOME_WORDS = {
    "stadfaestet": "stadfæstet",
    "aendret_ophaevet": "ændret/ophævet",
    "hjemvist": "hjemvist",
    "afvist_henvist": "afvist/henvist",
}
_TOTAL_OUTCOMES = {"i_alt", "alle", "total", "afgjorte_sager_i_alt"}
WIDE_COLUMNS = ("kommune", "aar", "omraade", *OUTCOMES)
LONG_COLUMNS = ("kommune", "omraade", "afgoerelsestype", "aar", "antal")


@dataclass(frozen=True)
class StatRecord:
    """One kommune × year × area: the counts and where they came from."""

    kommune: str
    aar: int
    omraade: str
    counts: Counts
    afgoerelser_i_alt: int | None
    kilde: str
    rows: tuple[int, ...]
    zero_filled: tuple[str, ...] = ()  # outcomes a long export had no row for, counted as 0


@dataclass(frozen=True)
class Statistics:
    """All records of a statistics file, keyed by (kommune, aar, omraade)."""

    file: str
    records: dict[tuple[str, int, str], StatRecord] = field(repr=False)

    def get(self, kommune: str, aar: int, omraade: str = "socialomraadet") -> StatRecord | None:
        """The record for kommune/year/area, or None when the file has none."""
        return self.records.get((kommune, aar, omraade))

    def years(self, kommune: str, omraade: str = "socialomraadet") -> list[int]:
        """The years the file has for a kommune and area, ascending."""
        return sorted(a for (k, a, o) in self.records if k == kommune and o == omraade)

    def kommuner(self) -> list[str]:
        """The municipalities (not "Hele landet") in the file, in alphabetical order."""
        return sorted({k for (k, _, _) in self.records if k != kommuner.HELE_LANDET})


def load_statistics(
    path: Path, display: str | None = None, root: Path | None = None, ids: Ids | None = None
) -> Statistics:
    """Read and validate a statistics file (inside root, if given) in the contract (wide) or the long layout;
    a cell holding one of ids is refused.

    The file is read and checked every time; its content is parsed and validated once for the same bytes, name and
    ids (`PARSED`): every page of a case in the browser loads the case, and with it its statistics."""
    file = display or path.name
    data = read_data(path, file, root)
    suffix, ids = path.suffix.lower(), ids or Ids()
    seen = (hashlib.sha256(data).digest(), suffix, file, ids)
    return PARSED.get(seen) or PARSED.keep(seen, _parse(data, suffix, file, ids))


def _parse(data: bytes, suffix: str, file: str, ids: Ids) -> Statistics:
    """A statistics file's bytes, parsed and validated."""
    sheet = parse_sheet(data, suffix, file, ids)
    keys = set(sheet.columns)
    is_long = any(_LONG_ALIASES.get(k) == "afgoerelsestype" for k in keys) and any(
        _LONG_ALIASES.get(k) == "antal" for k in keys
    )
    records = _from_long(sheet) if is_long else _from_wide(sheet)
    _check_subsets(sheet.file, records)
    return Statistics(sheet.file, records)


# the statistics parsed lately, by (SHA-256, suffix, name, ids): a case's statistics and national extract, and a few
# other cases'. Shared by every caller, so read only (as Statistics is used everywhere)
PARSED: Recent[tuple[bytes, str, str, Ids], Statistics] = Recent(8)


def year_in_cell(raw: str, file: str, row: int, column: str, problems: ProblemList) -> int | None:
    """A four-digit year from a cell; quarterly periods are refused with a hint."""
    text = raw.strip()
    if re.fullmatch(r"[0-9]{4}", text) and 2000 <= int(text) <= 2100:
        return int(text)
    if re.fullmatch(r"[0-9]{4}\s*[KkQq][0-9]", text):
        problems.add(
            file,
            f"'{raw}' er et kvartal; der skal bruges årstal.",
            row,
            column,
            "Hent årsstatistikken (fx ANKEAST1 med tid = år) i stedet for kvartalstal.",
        )
    else:
        problems.add(file, f"'{raw}' er ikke et årstal.", row, column, "Skriv året med fire cifre, fx 2024.")
    return None


def _kommune(raw: str, file: str, row: int, column: str, problems: ProblemList) -> str | None:
    """The canonical municipality name, or a problem with the nearest name suggested."""
    name = kommuner.canonical(raw)
    if name is None:
        problems.add(
            file,
            f"ukendt kommune '{raw}'." if raw else "kommunenavnet mangler.",
            row,
            column,
            kommuner.hint_for(raw) if raw else None,
        )
    return name


def _area(raw: str, file: str, row: int, column: str, problems: ProblemList) -> str | None:
    """The area key (socialomraadet, boernehandicap, voksenhandicap) of a cell."""
    area = _AREA_ALIASES.get(normalize_key(raw))
    if area is None:
        problems.add(file, f"ukendt område '{raw}'.", row, column, allowed(MAP_AREAS))
    return area


def count_in_row(row: Row, column: str, file: str, problems: ProblemList, written: str) -> int | None:
    """A whole non-negative count from a row, recording a problem if it is not one."""
    value, problem = parse_count_cell(row.cells.get(column, ""))
    if problem:
        problems.add(file, problem, row.number, written, "Skriv et helt tal ≥ 0 (0 hvis der ingen sager er).")
    return value


def _from_wide(sheet: Sheet) -> dict[tuple[str, int, str], StatRecord]:
    """Records from the contract layout: one row per kommune × aar × omraade."""
    sheet = require_columns(sheet, WIDE_COLUMNS, _WIDE_ALIASES)
    problems = ProblemList()
    records: dict[tuple[str, int, str], StatRecord] = {}
    for row in sheet.rows:
        c = sheet.columns
        kommune = _kommune(row.cells["kommune"], sheet.file, row.number, c["kommune"], problems)
        aar = year_in_cell(row.cells["aar"], sheet.file, row.number, c["aar"], problems)
        omraade = _area(row.cells["omraade"], sheet.file, row.number, c["omraade"], problems)
        values = [count_in_row(row, o, sheet.file, problems, c[o]) for o in OUTCOMES]
        total = None
        if "afgoerelser_i_alt" in c and row.cells.get("afgoerelser_i_alt", "").strip():
            total = count_in_row(row, "afgoerelser_i_alt", sheet.file, problems, c["afgoerelser_i_alt"])
        counts = Counts.of(values)
        if kommune is None or aar is None or omraade is None or counts is None:
            continue
        key = (kommune, aar, omraade)
        if key in records:
            problems.add(
                sheet.file,
                f"{kommune} {aar} {omraade} står også i række {records[key].rows[0]}.",
                row.number,
                None,
                "Slet den ene af de to rækker.",
            )
            continue
        records[key] = StatRecord(kommune, aar, omraade, counts, total, row.cells.get("kilde", ""), (row.number,))
    problems.raise_if_any()
    return records


def _from_long(sheet: Sheet) -> dict[tuple[str, int, str], StatRecord]:
    """Records from a long export: one row per kommune × omraade × afgørelsestype × år with a count."""
    sheet = require_columns(sheet, LONG_COLUMNS, _LONG_ALIASES)
    problems = ProblemList()
    cells: dict[tuple[str, int, str], dict[str, tuple[int, int]]] = {}
    kilde: dict[tuple[str, int, str], str] = {}
    c = sheet.columns
    for row in sheet.rows:
        outcome_raw = row.cells["afgoerelsestype"]
        outcome_key = normalize_key(outcome_raw)
        if outcome_key in _TOTAL_OUTCOMES:
            continue
        outcome = _OUTCOME_ALIASES.get(outcome_key)
        if outcome is None:
            problems.add(
                sheet.file,
                f"ukendt afgørelsestype '{outcome_raw}'.",
                row.number,
                c["afgoerelsestype"],
                allowed(["Stadfæstelse", "Ændring/ophævelse", "Hjemvisning", "Afvisning/henvisning"]),
            )
        kommune = _kommune(row.cells["kommune"], sheet.file, row.number, c["kommune"], problems)
        aar = year_in_cell(row.cells["aar"], sheet.file, row.number, c["aar"], problems)
        omraade = _area(row.cells["omraade"], sheet.file, row.number, c["omraade"], problems)
        value = count_in_row(row, "antal", sheet.file, problems, c["antal"])
        if outcome is None or kommune is None or aar is None or omraade is None or value is None:
            continue
        key = (kommune, aar, omraade)
        slot = cells.setdefault(key, {})
        if outcome in slot:
            problems.add(
                sheet.file,
                f"{kommune} {aar} {omraade} '{outcome_raw}' står også i række {slot[outcome][1]}.",
                row.number,
                None,
                "Slet den ene af de to rækker, eller læg dem sammen.",
            )
            continue
        slot[outcome] = (value, row.number)
        kilde.setdefault(key, row.cells.get("kilde", ""))
    problems.raise_if_any()
    return {
        key: StatRecord(
            *key,
            Counts(*(slot.get(o, (0, 0))[0] for o in OUTCOMES)),
            None,
            kilde[key],
            tuple(sorted(n for _, n in slot.values())),
            tuple(o for o in OUTCOMES if o not in slot),
        )
        for key, slot in cells.items()
    }


def _check_subsets(file: str, records: dict[tuple[str, int, str], StatRecord]) -> None:
    """The handicap maps are part of the general map: together they may not exceed it."""
    problems = ProblemList()
    for (kommune, aar, omraade), record in sorted(records.items()):
        if omraade != GENERAL:
            continue
        parts = [records.get((kommune, aar, area)) for area in HANDICAP_AREAS]
        present = [p for p in parts if p]
        handicap = sum((p.counts for p in present), Counts())
        too_big = handicap.exceeds(record.counts)
        if too_big:
            sums = "; ".join(
                f"{OUTCOME_WORDS[o]}: {' + '.join(str(getattr(p.counts, o)) for p in present)} "
                f"= {getattr(handicap, o)} mod {getattr(record.counts, o)}"
                for o in too_big
            )
            rows = [str(n) for p in present for n in p.rows]
            problems.add(
                file,
                f"for {kommune} {aar} er børne- og voksenhandicap tilsammen større end "
                f"socialområdet generelt ({sums}).",
                record.rows[0],
                None,
                f"Handicapkortene er en del af det generelle kort; tjek tallene i denne række og "
                f"{'række' if len(rows) == 1 else 'rækkerne'} {danish.join(rows)}.",
            )
    for (kommune, aar, omraade), record in sorted(records.items()):
        if omraade != "socialomraadet" and (kommune, aar, "socialomraadet") not in records:
            problems.add(
                file,
                f"{kommune} {aar} har tal for {omraade}, men ingen række for socialomraadet.",
                record.rows[0],
                None,
                "Tilføj rækken for det generelle socialområde.",
            )
    problems.raise_if_any()


def require_year(stats: Statistics, kommune: str, aar: int) -> StatRecord:
    """The case's own record for the general map; an input error naming the years present if absent."""
    record = stats.get(kommune, aar)
    if record is None:
        years = stats.years(kommune)
        hint = (
            f"Filen har {kommune} for {', '.join(map(str, years))}."
            if years
            else f"Filen har ingen rækker for {kommune}."
        )
        raise InputError(
            [
                Problem(
                    stats.file,
                    f"der er ingen tal for {kommune} {aar} (socialomraadet).",
                    hint=hint + " Ret 'aar' i sag.toml eller brug et nyere udtræk.",
                )
            ]
        )
    return record


def with_national(stats: Statistics, extract: Statistics, aar: int) -> Statistics:
    """The statistics for the map: a national extract completed by the case's own file, which must agree with it.

    For the danmarkskort year, every kommune × area both files have must have the same four counts; otherwise
    an input error names both files and rows.
    """
    problems = ProblemList()
    for key, own in sorted(stats.records.items()):
        other = extract.records.get(key)
        if key[1] != aar or other is None or other.counts == own.counts:
            continue
        kommune, _, omraade = key
        problems.add(
            extract.file,
            f"{kommune} {aar} {omraade} har andre tal end i {stats.file} række {own.rows[0]} "
            f"({_outcome_counts(other.counts)} mod {_outcome_counts(own.counts)}).",
            other.rows[0],
            None,
            f"Landsudtrækket og {stats.file} skal have de samme tal for sagens kommuner; ret den forkerte af de to "
            "rækker, eller brug udtræk fra samme dato.",
        )
    problems.raise_if_any()
    return Statistics(extract.file, {**extract.records, **stats.records})


def _outcome_counts(c: Counts) -> str:
    """ "24 stadfæstet, 8 ændret/ophævet, 33 hjemvist, 0 afvist/henvist"."""
    return ", ".join(f"{getattr(c, o)} {OUTCOME_WORDS[o]}" for o in OUTCOMES)
