"""Reading a data file (CSV in UTF-8 or Windows-1252, comma or semicolon, or XLSX) into numbered rows."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from reportgen.domain import danish
from reportgen.domain.danish import normalize_key
from reportgen.domain.errors import InputError, Problem
from reportgen.domain.privacy import Ids
from reportgen.inputs.files import read_file
from reportgen.inputs.limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_COUNT,
    MAX_DATA_BYTES,
    MAX_ROWS,
    MAX_XLSX_UNPACKED_BYTES,
    MB,
)
from reportgen.inputs.text import text_problem


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
    wide = _wide_encoding(data)
    if wide:
        raise InputError(
            [
                Problem(
                    file,
                    f"filen er gemt som {wide}, som ikke understøttes.",
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


def _wide_encoding(data: bytes) -> str | None:
    """The wide encoding, UTF-32 or UTF-16, that text is stored in (told by its byte order mark, or, without one,
    by the zero bytes of its first character), else None. UTF-32's marks begin with UTF-16's: it is asked first."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = data[:4]
    if len(head) == 4 and head.count(0) == 3 and head[1:3] == b"\x00\x00":
        return "UTF-32"
    if len(head) >= 2 and head[0] != head[1] and 0 in head[:2]:
        return "UTF-16"
    return None


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


CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
Records = list[tuple[int, list[str]]]
Formulas = dict[tuple[int, int], str]  # (row number, column index) → a formula Excel saved no result for


def read_sheet(path: Path, display: str | None = None, root: Path | None = None, ids: Ids | None = None) -> Sheet:
    """Read a CSV or XLSX file (inside root, if given) into a Sheet; errors name the file and row.

    A cell holding one of ids (the records' pseudonyms) is a problem: a data file other than the records has
    no place for them, and its texts are published.
    """
    file = display or path.name
    return parse_sheet(read_data(path, file, root), path.suffix.lower(), file, ids or Ids())


def read_data(path: Path, file: str, root: Path | None = None) -> bytes:
    """The bytes of a CSV or XLSX file inside root (if given), named file in errors: a file of another type, outside
    root, not a regular file or too large is refused."""
    if path.suffix.lower() not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise InputError([Problem(file, f"ukendt filtype '{path.suffix}'.", hint="Brug en CSV- eller XLSX-fil.")])
    return read_file(path, file, MAX_DATA_BYTES, root)


def parse_sheet(data: bytes, suffix: str, file: str, ids: Ids) -> Sheet:
    """A CSV or XLSX file's bytes (suffix lower case) as a Sheet; errors name the file and row."""
    if suffix in XLSX_SUFFIXES:
        records, formulas = _xlsx_records(data, file)
    else:
        records, formulas = _csv_records(data, file), {}
    return _to_sheet(records, file, formulas, ids)


def lenient_records(path: Path, root: Path | None) -> Records:
    """A data file's records as far as they can be read, without any check (empty when it cannot be read at all).

    Used to learn the records' pseudonyms before anything is validated, so that no message shows one.
    """
    try:
        data = read_file(path, path.name, MAX_DATA_BYTES, root)
        if path.suffix.lower() in XLSX_SUFFIXES:
            return _xlsx_records(data, path.name)[0]
        try:
            text = decode(data, path.name)
        except InputError:
            text = data.decode("cp1252", errors="replace")
    except InputError:
        return []
    records: Records = []
    try:
        for number, cells in _csv_rows(text):
            records.append((number, cells[:MAX_COLUMNS]))
            if number >= MAX_ROWS:
                break
    except csv.Error:
        pass  # what was read so far
    return records


def _csv_records(data: bytes, file: str) -> Records:
    """Split CSV text into (row number, cells) records, numbered as a spreadsheet shows them.

    A blank line is a row of its own; a quoted cell spanning several lines is still one row.
    """
    records: Records = []
    try:
        for number, cells in _csv_rows(decode(data, file)):
            _check_size(file, number, len(cells))
            records.append((number, cells))
    except csv.Error as exc:
        raise InputError([Problem(file, f"filen kan ikke læses som CSV: {exc}.", row=len(records) + 1)]) from None
    return records


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV text's rows numbered from 1, split at the separator its first non-blank row uses (read as CSV, so a
    quoted cell may span lines); a space before a quoted cell is allowed ("a, "b, c"")."""
    return enumerate(_reader(text, _record_delimiter(text)), start=1)


def _reader(text: str, delimiter: str) -> Iterator[list[str]]:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)


def _record_delimiter(text: str) -> str:
    """The separator that splits the first non-blank row into the most cells (the first of ; , tab on a tie)."""

    def cells(delimiter: str) -> int:
        try:
            first = next((row for row in _reader(text, delimiter) if any(c.strip() for c in row)), [])
        except csv.Error:
            return 0
        return len(first)

    return max((";", ",", "\t"), key=cells)


def _check_size(file: str, number: int, columns: int) -> None:
    """Refuse a file beyond MAX_ROWS rows or a row beyond MAX_COLUMNS cells, as soon as it is met."""
    if number > MAX_ROWS:
        raise InputError(
            [
                Problem(
                    file,
                    f"filen har mere end {danish.count(MAX_ROWS)} rækker.",
                    hint="Del filen op, eller tag kun de kommuner og år med, som sagen bruger.",
                )
            ]
        )
    if columns > MAX_COLUMNS:
        raise InputError(
            [
                Problem(
                    file,
                    f"rækken har mere end {MAX_COLUMNS} kolonner.",
                    row=number,
                    hint="Slet de overflødige kolonner.",
                )
            ]
        )


_NOT_XLSX = "Gem den igen fra Excel som .xlsx."


def _xlsx_records(data: bytes, file: str) -> tuple[Records, Formulas]:
    """Read the first worksheet of an XLSX file into (row number, cells) records and its formulas without result.

    The unpacked size of the parts is checked before anything is unpacked; a damaged interior (a part cut
    off, a reference to a string that is not there) is an input error naming the file, whatever the parser
    raises.
    """
    sheets = _xlsx_parts(data, file)
    try:
        records = _worksheet_rows(data, file, data_only=True)
        formulas: Formulas = {}
        if any(b"<f>" in xml or b"<f " in xml for xml in sheets):  # only then: read again for the formulas
            values = {(n, i): v for n, cells in records for i, v in enumerate(cells)}
            for number, cells in _worksheet_rows(data, file, data_only=False):
                for index, text in enumerate(cells):
                    if text.startswith("=") and not values.get((number, index)):
                        formulas[(number, index)] = text
    except InputError:
        raise
    except Exception:  # noqa: BLE001 – openpyxl and lxml raise many kinds for a damaged file; all mean the same
        raise InputError(
            [Problem(file, "filen er en beskadiget XLSX-fil og kan ikke læses.", hint=_NOT_XLSX)]
        ) from None
    return records, formulas


def _xlsx_parts(data: bytes, file: str) -> list[bytes]:
    """The worksheets' XML of an XLSX file, after checking that its parts unpack to at most the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            if unpacked > MAX_XLSX_UNPACKED_BYTES:
                raise InputError(
                    [
                        Problem(
                            file,
                            f"XLSX-filen fylder {danish.count(unpacked // MB)} MB udpakket; "
                            f"højst {danish.count(MAX_XLSX_UNPACKED_BYTES // MB)} MB er tilladt.",
                            hint="Tjek, at det er den rigtige fil; gem den ellers som CSV.",
                        )
                    ]
                )
            return [archive.read(i) for i in infos if i.filename.startswith("xl/worksheets/")]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InputError(
            [Problem(file, "filen kan ikke åbnes som XLSX (den er ikke en Excel-fil).", hint=_NOT_XLSX)]
        ) from None


def _worksheet_rows(data: bytes, file: str, data_only: bool) -> Records:
    """The first worksheet's rows as text cells, read at most MAX_ROWS rows and MAX_COLUMNS columns deep."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    try:
        sheet = workbook.worksheets[0]
        records: Records = []
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            _check_size(file, number, len(cells))
            records.append((number, cells))
        return records
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as text; whole floats (3.0) become "3"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _to_sheet(records: Records, file: str, formulas: Formulas | None = None, ids: Ids | None = None) -> Sheet:
    """Turn raw records into a Sheet: the first non-empty record is the header; every cell's characters,
    length and (in XLSX) formula are checked."""
    records = [(n, cells) for n, cells in records if any(c.strip() for c in cells)]
    if not records:
        raise InputError(
            [Problem(file, "filen er tom.", hint="Filen skal have en overskriftsrække og mindst én datarække.")]
        )
    header_number, header = records[0]
    columns: dict[str, str] = {}
    problems = _cell_problems(records, file, formulas or {}, ids or Ids())
    if problems:
        raise InputError(problems)
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


def _cell_problems(records: Records, file: str, formulas: Formulas, ids: Ids) -> list[Problem]:
    """Cells a document cannot hold (a forbidden character, too long, a pseudonym) and formulas without result."""
    header = records[0][1]
    problems = []
    for number, cells in records:
        for index, text in enumerate(cells):
            column = header[index].strip() if index < len(header) and header[index].strip() else f"nr. {index + 1}"
            problem = text_problem(text, MAX_CELL_CHARS, ids, markdown=False)  # a cell is shown as written
            if problem:
                problems.append(Problem(file, f"cellen {problem[0]}", number, column, problem[1]))
            elif (number, index) in formulas:
                problems.append(
                    Problem(
                        file,
                        f"cellen indeholder formlen '{formulas[(number, index)]}', men filen har intet gemt resultat "
                        "af den.",
                        number,
                        column,
                        "Åbn filen i Excel og gem den igen (så gemmes resultatet), eller skriv værdien i cellen.",
                    )
                )
    return problems


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
        found = ", ".join(" ".join(c.split()) for c in sheet.columns.values())  # a header cell may span lines
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


_DIGITS = re.compile(r"^[0-9]+$")  # only 0-9: "²", "①", Arabic-Indic and full-width digits are not numbers here
# thousands grouped by a dot, or by a space, a no-break space or a narrow one ("1.234", "1 234"), never a mix
_THOUSANDS = re.compile(r"^[0-9]{1,3}(?:([. \u00a0\u202f\u2009])[0-9]{3})(?:\1[0-9]{3})*$")


def parse_count_cell(text: str) -> tuple[int | None, str | None]:
    """A whole non-negative count from a cell: (value, None) or (None, Danish problem text)."""
    raw = text.strip()
    if raw == "":
        return None, "feltet er tomt."
    value = int(raw) if _DIGITS.match(raw) else int(re.sub("[^0-9]", "", raw)) if _THOUSANDS.match(raw) else None
    if value is not None:
        if value > MAX_COUNT:
            return None, f"'{text}' er større end {danish.count(MAX_COUNT)}, det største tilladte antal."
        return value, None
    if re.fullmatch(r"[0-9]+(\s+[0-9]+)+", raw):
        return None, (
            f"'{text}' har mellemrum inde i tallet; mellemrum må kun stå mellem tusinder (1 234), ellers kan to tal "
            "være flettet sammen til ét."
        )
    if re.match(r"^-[0-9]+([.,][0-9]+)?$", raw):
        return None, f"'{text}' er negativt; antal kan ikke være negative."
    if re.match(r"^[0-9]+[.,][0-9]+$", raw):
        return None, f"'{text}' er ikke et helt tal; antal sager skal være hele tal."
    return None, f"'{text}' er ikke et tal."
