"""Reading a data file (CSV in UTF-8 or Windows-1252, comma or semicolon, or XLSX) into numbered rows."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportgen.domain.danish import normalize_key
from reportgen.domain.errors import InputError, Problem


@dataclass(frozen=True)
class Row:
    """One data row: its number as a spreadsheet user counts it (header = 1) and its cells by column key."""

    number: int
    cells: dict[str, str]


@dataclass(frozen=True)
class Sheet:
    """A file's header and data rows; ``columns`` maps a normalised key to the header as written."""

    file: str
    columns: dict[str, str]
    rows: tuple[Row, ...]
    header_row: int = 1


def decode(data: bytes, file: str) -> str:
    """Decode CSV bytes strictly as UTF-8 (with or without BOM), else as Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            [
                Problem(
                    file,
                    "filen er gemt som UTF-16, som ikke understøttes.",
                    hint="Gem filen som 'CSV UTF-8' eller som XLSX.",
                )
            ]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _UTF8_LETTER.search(data):  # UTF-8 Danish letters next to a byte that is not UTF-8: a mixed file
            raise InputError([_mixed_encoding(data, exc.start, file)]) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise InputError(
            [
                Problem(
                    file,
                    f"byte 0x{data[exc.start]:02x} kan hverken læses som UTF-8 eller Windows-1252.",
                    row=row,
                    hint="Gem filen som 'CSV UTF-8' eller som XLSX.",
                )
            ]
        ) from None


# A UTF-8 encoded letter outside ASCII (æ, ø, å, é, …). In a Windows-1252 file these byte pairs would be
# "Ã" or "Â" followed by a symbol such as "¦" or "¸", which Danish statistics do not contain.
_UTF8_LETTER = re.compile(rb"[\xc3][\x80-\xbf]")


def _mixed_encoding(data: bytes, offset: int, file: str) -> Problem:
    """The problem of a UTF-8 file with one or more bytes from another encoding, located by row and column."""
    row = data[:offset].count(b"\n") + 1
    line_start = data.rfind(b"\n", 0, offset) + 1
    header = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace").rstrip("\r")
    separator = _delimiter(header)
    before = data[line_start:offset].decode("utf-8", errors="replace")
    index = max(0, len(next(csv.reader([before], delimiter=separator), [])) - 1)  # quoted separators do not count
    names = header.split(separator)
    column = names[index].strip().strip('"') if index < len(names) else None
    return Problem(
        file,
        f"filen er gemt som UTF-8, men byte 0x{data[offset]:02x} er ikke UTF-8 (typisk et tegn "
        "indsat fra et program, der gemmer som Windows-1252).",
        row=row,
        column=column,
        hint="Skriv tegnet i cellen igen, eller gem hele filen som 'CSV UTF-8'.",
    )


def _delimiter(header_line: str) -> str:
    """The separator used in the header line: semicolon, comma or tab."""
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda sep: counts[sep])


def read_sheet(path: Path, display: str | None = None) -> Sheet:
    """Read a CSV or XLSX file into a Sheet; errors name the file and row."""
    file = display or path.name
    if not path.is_file():
        raise InputError([Problem(file, "filen findes ikke.", hint=f"Tjek stien ({path}).")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        records = _xlsx_records(path, file)
    elif path.suffix.lower() in (".csv", ".txt", ".tsv"):
        records = _csv_records(path.read_bytes(), file)
    else:
        raise InputError([Problem(file, f"ukendt filtype '{path.suffix}'.", hint="Brug en CSV- eller XLSX-fil.")])
    return _to_sheet(records, file)


def _csv_records(data: bytes, file: str) -> list[tuple[int, list[str]]]:
    """Split CSV text into (row number, cells) records, numbered as a spreadsheet shows them.

    A blank line is a row of its own; a quoted cell spanning several lines is still one row.
    """
    text = decode(data, file)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    records = []
    try:
        for number, cells in enumerate(reader, start=1):
            records.append((number, cells))
    except csv.Error as exc:
        raise InputError([Problem(file, f"filen kan ikke læses som CSV: {exc}.", row=len(records) + 1)]) from None
    return records


def _xlsx_records(path: Path, file: str) -> list[tuple[int, list[str]]]:
    """Read the first worksheet of an XLSX file into (row number, cells) records."""
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(
            [Problem(file, f"filen kan ikke åbnes som XLSX ({exc}).", hint="Gem den igen fra Excel som .xlsx.")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as text; whole floats (3.0) become "3"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_sheet(records: list[tuple[int, list[str]]], file: str) -> Sheet:
    """Turn raw records into a Sheet: the first non-empty record is the header."""
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise InputError(
            [Problem(file, "filen er tom.", hint="Filen skal have en overskriftsrække og mindst én datarække.")]
        )
    header_number, header = records[0]
    columns: dict[str, str] = {}
    problems = []
    for position, name in enumerate(header):
        key = normalize_key(name)
        if not key:
            if any(len(cells) > position and cells[position].strip() for _, cells in records[1:]):
                problems.append(Problem(file, f"kolonne nr. {position + 1} har ingen overskrift.", row=header_number))
            continue
        if key in columns:
            problems.append(
                Problem(
                    file, f"kolonnen '{name}' står to gange i overskriften.", row=header_number, hint="Fjern den ene."
                )
            )
        columns[key] = name.strip()
    keys = [normalize_key(name) for name in header]
    rows = []
    for number, cells in records[1:]:
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            problems.append(
                Problem(
                    file,
                    f"rækken har {len(cells)} felter, men overskriften har {len(header)}.",
                    row=number,
                    hint="Tjek skilletegn og anførselstegn i rækken.",
                )
            )
            continue
        row = {
            k: (unicodedata.normalize("NFC", cells[i]).strip() if i < len(cells) else "")
            for i, k in enumerate(keys)
            if k
        }
        rows.append(Row(number, row))
    if problems:
        raise InputError(problems)
    if not rows:
        raise InputError(
            [
                Problem(
                    file,
                    "filen har kun en overskriftsrække og ingen data.",
                    row=header_number + 1,
                    hint="Tilføj datarækker under overskriften.",
                )
            ]
        )
    return Sheet(file, columns, tuple(rows), header_number)


def require_columns(sheet: Sheet, required: tuple[str, ...], aliases: dict[str, str]) -> Sheet:
    """Rename alias columns to their canonical keys and check that every required column is there."""
    renamed: dict[str, str] = {}
    for key, written in sheet.columns.items():
        canonical = aliases.get(key, key)
        if canonical in renamed:
            raise InputError(
                [
                    Problem(
                        sheet.file,
                        f"kolonnerne '{renamed[canonical]}' og '{written}' betyder det samme.",
                        row=sheet.header_row,
                        hint="Fjern den ene.",
                    )
                ]
            )
        renamed[canonical] = written
    missing = [c for c in required if c not in renamed]
    if missing:
        found = ", ".join(sheet.columns.values())
        raise InputError(
            [
                Problem(
                    sheet.file,
                    f"mangler kolonne{'rne' if len(missing) > 1 else 'n'} {', '.join(repr(m) for m in missing)}.",
                    row=sheet.header_row,
                    hint=f"Overskriften har: {found}. Påkrævet: {', '.join(required)}.",
                )
            ]
        )
    rows = tuple(Row(r.number, {aliases.get(k, k): v for k, v in r.cells.items()}) for r in sheet.rows)
    return Sheet(sheet.file, renamed, rows, sheet.header_row)


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_count_cell(text: str) -> tuple[int | None, str | None]:
    """A whole non-negative count from a cell: (value, None) or (None, Danish problem text)."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "")
    if raw == "":
        return None, "feltet er tomt."
    if raw.isdigit():
        return int(raw), None
    if _THOUSANDS.match(raw):
        return int(raw.replace(".", "")), None
    if re.match(r"^-\d+([.,]\d+)?$", raw):
        return None, f"'{text}' er negativt; antal kan ikke være negative."
    if re.match(r"^\d+[.,]\d+$", raw):
        return None, f"'{text}' er ikke et helt tal; antal sager skal være hele tal."
    return None, f"'{text}' er ikke et tal."
