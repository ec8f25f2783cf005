"""Build case folders for tests: a copy of the example case with sag.toml and data files replaced or patched.

Typical use::

    from casefactory import DELETE, make_case, run_cli, statistik_rows, to_csv

    case = make_case(tmp_path, sag_toml_patch={"aar": "2024", "handleplan.indstilling": DELETE})
    rows = statistik_rows()
    rows[4][0] = "Allerrød"                      # row 5 in spreadsheet counting (header = row 1)
    case = make_case(tmp_path, statistik=to_csv(rows))
    result = run_cli(capsys, "check", case)
    assert result.code == 2 and "række 5" in result.err

File contents are written as given: ``str`` as UTF-8 (newlines untouched), ``bytes`` verbatim; ``None``
deletes the file. Nothing here builds documents, so every helper is fast.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
import tomllib
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "eksempler" / "allerod-2024"
NEXT_YEAR = EXAMPLE.with_name("allerod-2025")  # follows up on the example's plan (forrige = "../allerod-2024")

# Reference figures of the example case (Allerød 2024, socialområdet generelt).
REFERENCE = {
    "stadfaestet": 24,
    "aendret_ophaevet": 8,
    "hjemvist": 33,
    "afvist_henvist": 0,
    "realitetsbehandlede": 65,
    "omgjorte": 41,
    "procent": 63,
}


class _Delete:
    """Sentinel: remove a key from sag.toml (in ``sag_toml_patch``)."""

    def __repr__(self) -> str:
        return "DELETE"


DELETE = _Delete()
_KEEP = object()

Content = str | bytes | None


def make_case(
    tmp_path: Path,
    *,
    name: str = "sag",
    sag_toml: str | bytes | None | object = _KEEP,
    sag_toml_patch: Mapping[str, Any] | None = None,
    statistik: Content | object = _KEEP,
    forvaltningsomraader: Content | object = _KEEP,
    tekster: Mapping[str, Content] | None = None,
    files: Mapping[str, Content] | None = None,
    plan_patch: Mapping[str, Any] | None = None,
    example: Path = EXAMPLE,
) -> Path:
    """Copy the example case (or another, e.g. NEXT_YEAR) to ``tmp_path / name`` and apply the changes; return the
    case folder.

    sag_toml: the whole file (str/bytes), or None to delete it.
    sag_toml_patch: keys to set on the example's sag.toml (after ``sag_toml`` if both are given, which then
        must be valid TOML); dotted keys reach into tables ("handleplan.indstilling"); DELETE removes a key.
    plan_patch: the same for handleplan.toml; "maal.2.vaerdi" reaches into the second [[maal]].
    statistik, forvaltningsomraader: contents of statistik.csv / forvaltningsomraader.csv (None deletes).
    tekster: files in tekster/ by file name ("forklaring.md"); None deletes that file.
    files: any other files by path relative to the case folder; None deletes.
    """
    folder = tmp_path / name
    if folder.exists():
        raise FileExistsError(f"{folder} exists; pass another name= for a second case")
    shutil.copytree(example, folder)
    if sag_toml is not _KEEP:
        _write(folder / "sag.toml", sag_toml)  # type: ignore[arg-type]
    if sag_toml_patch:
        data = tomllib.loads((folder / "sag.toml").read_text(encoding="utf-8"))
        _write(folder / "sag.toml", dump_toml(patch_toml(data, sag_toml_patch)))
    if plan_patch:
        data = tomllib.loads((folder / "handleplan.toml").read_text(encoding="utf-8"))
        _write(folder / "handleplan.toml", dump_toml(patch_toml(data, plan_patch)))
    if statistik is not _KEEP:
        _write(folder / "statistik.csv", statistik)  # type: ignore[arg-type]
    if forvaltningsomraader is not _KEEP:
        _write(folder / "forvaltningsomraader.csv", forvaltningsomraader)  # type: ignore[arg-type]
    for file_name, content in (tekster or {}).items():
        _write(folder / "tekster" / file_name, content)
    for relative, content in (files or {}).items():
        _write(folder / relative, content)
    return folder


def _write(path: Path, content: Content) -> None:
    """Write str as UTF-8 without newline translation, bytes verbatim; None deletes."""
    if content is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


# --- sag.toml -----------------------------------------------------------------------------------------------


def example_sag() -> dict[str, Any]:
    """The example's sag.toml as a dict (a fresh copy)."""
    return tomllib.loads((EXAMPLE / "sag.toml").read_text(encoding="utf-8"))


def patch_toml(data: Mapping[str, Any], patch: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of data with dotted keys set (or removed with DELETE); a number after an array of tables picks
    one of them, counting from 1 ("indsats.2.status")."""
    out = copy.deepcopy(dict(data))
    for dotted, value in patch.items():
        *parents, last = dotted.split(".")
        table: Any = out
        for part in parents:
            table = table[int(part) - 1] if isinstance(table, list) else table.setdefault(part, {})
        if value is DELETE:
            table.pop(last, None)
        else:
            table[last] = value
    return out


def dump_toml(data: Mapping[str, Any]) -> str:
    """Serialise a dict to TOML (strings, ints, floats, bools, dates, lists, tables, arrays of tables)."""
    lines: list[str] = []
    _dump_table(data, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _dump_table(data: Mapping[str, Any], path: list[str], lines: list[str]) -> None:
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict) and not _is_table_array(v)}
    for key, value in scalars.items():
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        if isinstance(value, dict):
            lines += ["", "[" + ".".join(_key(k) for k in [*path, key]) + "]"]
            _dump_table(value, [*path, key], lines)
        elif _is_table_array(value):
            for item in value:
                lines += ["", "[[" + ".".join(_key(k) for k in [*path, key]) + "]]"]
                _dump_table(item, [*path, key], lines)


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {value!r} as TOML")


# --- data files ---------------------------------------------------------------------------------------------


def statistik_rows() -> list[list[str]]:
    """The example's statistik.csv as rows of cells, header first (so rows[i] is spreadsheet row i + 1)."""
    return read_csv_rows(EXAMPLE / "statistik.csv")


def forvaltning_rows() -> list[list[str]]:
    """The example's forvaltningsomraader.csv as rows of cells, header first."""
    return read_csv_rows(EXAMPLE / "forvaltningsomraader.csv")


def read_csv_rows(path: Path) -> list[list[str]]:
    """A comma-separated UTF-8 file as rows of cells."""
    return [row for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))]


def to_csv(rows: Iterable[Sequence[Any]], delimiter: str = ",", lineterminator: str = "\n") -> str:
    """Rows of cells as CSV text (quoting only where needed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def write_xlsx(path: Path, rows: Iterable[Sequence[Any]]) -> Path:
    """Write rows (cells of any type openpyxl accepts) to the first sheet of a new XLSX file."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


_SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELS_NS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def raw_xlsx(rows: Iterable[Sequence[Any]], extra_strings: bytes = b"", sheet_xml: bytes | None = None) -> bytes:
    """A minimal XLSX as Excel writes it: text cells as shared strings (openpyxl writes inline strings).

    extra_strings is appended to the shared strings as raw XML (for a zip bomb); sheet_xml replaces the
    worksheet (for a damaged one).
    """
    strings: dict[str, int] = {}
    xml_rows = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, int):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="s"><v>{strings.setdefault(str(value), len(strings))}</v></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    sheet = f'<?xml version="1.0"?><worksheet {_SHEET_NS}><sheetData>{"".join(xml_rows)}</sheetData></worksheet>'
    shared = "".join(f"<si><t>{xml_escape(s)}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_SPREADSHEET}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SPREADSHEET}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_SPREADSHEET}.sharedStrings+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0"?><Relationships {_RELS_NS}>'
        f'<Relationship Id="rId1" Type="{_OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {_SHEET_NS} xmlns:r="{_OFFICE}">'
        '<sheets><sheet name="Ark1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships {_RELS_NS}>'
        f'<Relationship Id="rId1" Type="{_OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_OFFICE}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml if sheet_xml is not None else sheet.encode())
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0"?><sst {_SHEET_NS}>{shared}'.encode() + extra_strings + b"</sst>",
        )
    return buffer.getvalue()


# --- running the command line -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CliResult:
    """What one run of the command line gave: exit code, stdout and stderr."""

    code: int
    out: str
    err: str


def run_cli(capsys: Any, *args: Any) -> CliResult:
    """Run ``reportgen.cli.main`` in-process with the given arguments and capture its output."""
    from reportgen.cli import main

    capsys.readouterr()  # drop anything printed before
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse errors
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return CliResult(code, captured.out, captured.err)


def figures_json(capsys: Any, case: Path) -> dict[str, Any]:
    """Run ``reportgen figures`` on a case, assert it succeeded, and return the parsed JSON."""
    result = run_cli(capsys, "figures", case)
    assert result.code == 0, result.err
    return json.loads(result.out)
