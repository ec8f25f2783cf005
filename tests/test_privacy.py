"""Personal data: canary pseudonyms in the example's klagesager.csv never reach an output byte, log or message."""

from __future__ import annotations

import base64
import binascii
import json
import re
import subprocess
import sys
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from casefactory import DELETE, EXAMPLE, make_case, read_csv_rows, to_csv

from reportgen.lifecycle.build import build as build_here

BORGER = "CANARY-7f3a9"
SAG = "SAG-CANARY-91"
NEEDLE = "canary"  # both canaries contain it (in capitals); searched in several encodings
SAGS_ID, BORGER_ID, OMRAADE, DELAFGOERELSER, OPFOELGNING = 0, 1, 3, 5, 7


@dataclass(frozen=True)
class Run:
    """One command-line run in a fresh process."""

    code: int
    out: str
    err: str


def reportgen(*args: object) -> Run:
    """Run the command line as a user would, in its own process."""
    done = subprocess.run([sys.executable, "-m", "reportgen.cli", *map(str, args)], capture_output=True, text=True)
    return Run(done.returncode, done.stdout, done.stderr)


def canary_rows() -> list[list[str]]:
    """The example's records with two single-case citizens of øvrige made one canary citizen, one case the canary."""
    rows = read_csv_rows(EXAMPLE / "klagesager.csv")
    counts = Counter(r[BORGER_ID] for r in rows[1:])
    singles = [r for r in rows[1:] if r[OMRAADE] == "oevrige" and counts[r[BORGER_ID]] == 1]
    singles[0][BORGER_ID] = singles[1][BORGER_ID] = BORGER
    singles[0][SAGS_ID] = SAG
    return rows


def canary_case(tmp_path: Path, rows: list[list[str]], name: str = "sag") -> Path:
    """The example case with these records and no diskretion, so every sentence is written."""
    return make_case(tmp_path, name=name, files={"klagesager.csv": to_csv(rows)}, sag_toml_patch={"diskretion": DELETE})


def encodings(text: str) -> list[bytes]:
    """Ways a text can be stored: UTF-8, UTF-16 (both orders), and PDF hex strings of those."""
    plain = [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
    return plain + [binascii.hexlify(p) for p in plain]


def leaks(data: bytes) -> bool:
    """True when data holds the needle in any encoding: text in any letter case, hex strings of either case."""
    lowered = data.lower()
    return any(e.lower() in lowered for text in (NEEDLE, NEEDLE.upper(), BORGER, SAG) for e in encodings(text))


def pdf_streams(data: bytes) -> list[bytes]:
    """Every stream of a PDF, inflated where it is compressed."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1)
        try:
            out.append(zlib.decompressobj().decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def tool_output(*command: str) -> bytes:
    """The stdout of a tool such as pdftotext."""
    return subprocess.run(command, capture_output=True, check=True).stdout


def readable_parts(path: Path) -> dict[str, bytes]:
    """The file and everything a reader or a tool could get out of it."""
    data = path.read_bytes()
    parts = {path.name: data}
    if path.suffix == ".docx":
        with zipfile.ZipFile(BytesIO(data)) as z:
            parts.update({f"{path.name}/{n}": z.read(n) for n in z.namelist()})
    if path.suffix == ".pdf":
        parts[f"{path.name} (pdftotext)"] = tool_output("pdftotext", str(path), "-")
        parts[f"{path.name} (pdfinfo)"] = tool_output("pdfinfo", str(path))
        parts[f"{path.name} (pdfinfo -meta)"] = tool_output("pdfinfo", "-meta", str(path))
        parts.update({f"{path.name} stream {i}": s for i, s in enumerate(pdf_streams(data))})
    if path.suffix == ".html":
        for i, encoded in enumerate(re.findall(rb"data:[^;,]+;base64,([A-Za-z0-9+/=]+)", data)):
            parts[f"{path.name} data-url {i}"] = base64.b64decode(encoded)
    return parts


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """check, figures and build of the canary case, and the built version folder."""
    base = tmp_path_factory.mktemp("privacy")
    case = canary_case(base, canary_rows())
    out = base / "out"
    build = reportgen("build", case, "--out", out)
    assert build.code == 0, build.err
    folder = next(p for p in out.rglob("v1") if p.is_dir())
    return {
        "check": reportgen("check", case),
        "figures": reportgen("figures", case),
        "build": build,
        "case": case,
        "folder": folder,
    }


def test_canaries_are_in_the_input_and_counted(runs):
    source = (runs["case"] / "klagesager.csv").read_text(encoding="utf-8")
    assert BORGER in source and SAG in source
    data = json.loads(runs["figures"].out)
    oevrige = data["klagesager"]["aar"][0]["omraader"]["oevrige"]
    assert (oevrige["borgere_med_flere_sager"], oevrige["sager_fra_borgere_med_flere_sager"]) == (4, 18)


def test_every_output_file_is_covered(runs):
    names = {p.name for p in runs["folder"].iterdir()}
    expected = {f"{d}.{ext}" for d in ("sagsfremstilling", "bilag-1") for ext in ("docx", "pdf", "html")}
    assert expected | {"manifest.json", "figurer.json"} <= names
    assert any(n.endswith(".png") for n in names)


def test_no_canary_in_any_output_byte(runs):
    files = sorted(p for p in runs["folder"].rglob("*") if p.is_file())
    leaked = [name for path in files for name, data in readable_parts(path).items() if leaks(data)]
    assert leaked == []


def test_no_canary_in_rendered_text(runs):
    """A control on the search itself: the Bilag 1 text holds the records' figures, but no canary."""
    text = tool_output("pdftotext", str(runs["folder"] / "bilag-1.pdf"), "-").decode("utf-8")
    assert "Klagesagerne bag tallene" in text and "borgere" in text
    assert NEEDLE not in text.lower()


@pytest.mark.parametrize("command", ["check", "figures", "build"])
def test_no_canary_in_command_output(runs, command):
    run = runs[command]
    assert run.code == 0
    assert not leaks((run.out + run.err).encode("utf-8"))


def test_search_finds_a_planted_canary():
    """The search sees the canary in each encoding it checks, and inside a compressed PDF stream."""
    for data in (
        b"xx CANARY-7f3a9 xx",
        "CANARY".encode("utf-16-be"),
        binascii.hexlify(SAG.encode("utf-16-be")).upper(),
    ):
        assert leaks(data)
    assert [leaks(s) for s in pdf_streams(b"stream\n" + zlib.compress(b"SAG-CANARY-91") + b"endstream")] == [True]


def test_search_finds_a_canary_written_into_a_text(tmp_path):
    """A control on the whole search: a canary in the administration's own text is found in every format (built in
    this process: the files are those `reportgen build` writes, byte for byte)."""
    case = make_case(tmp_path, tekster={"forklaring.md": f"Kontrol: {BORGER} står her med vilje."})
    folder = build_here(case, tmp_path / "out").folder
    found = {name for path in folder.iterdir() for name, data in readable_parts(path).items() if leaks(data)}
    assert {
        "sagsfremstilling.docx/word/document.xml",
        "sagsfremstilling.pdf (pdftotext)",
        "sagsfremstilling.html",
    } <= found


def failing(tmp_path: Path, change) -> Run:
    """`check` and `build` on the canary records changed into bad input; both must fail the same way."""
    rows = canary_rows()
    change(rows)
    case = canary_case(tmp_path, rows)
    check = reportgen("check", case)
    build = reportgen("build", case, "--out", tmp_path / "out")
    assert check.code == build.code == 2, check.err
    assert check.err == build.err and not (tmp_path / "out").exists()
    return check


def canary_row(rows: list[list[str]]) -> list[str]:
    """The row whose sags_id is the canary."""
    return next(r for r in rows if r[SAGS_ID] == SAG)


def test_duplicate_canary_case_is_reported_by_row(tmp_path):
    def change(rows):
        other = next(r for r in rows[1:] if r[SAGS_ID] != SAG)
        other[SAGS_ID] = SAG

    run = failing(tmp_path, change)
    assert "(samme sags_id)" in run.err and re.search(r"række \d+, kolonne 'sags_id'", run.err)
    assert not leaks((run.out + run.err).encode("utf-8"))


def test_canary_pasted_into_other_columns_is_not_echoed(tmp_path):
    def change(rows):
        row = canary_row(rows)
        row[DELAFGOERELSER] = f"hjemvist|{SAG}"
        row[OMRAADE] = BORGER
        row[OPFOELGNING] = BORGER

    run = failing(tmp_path, change)
    assert run.err.count("'…'") == 3, run.err
    assert not leaks((run.out + run.err).encode("utf-8"))


def test_canary_file_without_header_is_not_echoed(tmp_path):
    def change(rows):
        rows.sort(key=lambda r: r[SAGS_ID] != SAG)
        rows.remove(["sags_id", "borger_id", "aar", "omraade", "paragraf", "delafgoerelser", "aarsag", "opfoelgning"])

    run = failing(tmp_path, change)
    assert "mangler kolonne" in run.err
    assert not leaks((run.out + run.err).encode("utf-8"))


def test_canary_rows_in_warnings_are_named_by_row(tmp_path):
    rows = canary_rows()
    row = canary_row(rows)
    row[DELAFGOERELSER], row[OPFOELGNING] = "stadfaestet", "til-fordel"
    run = reportgen("check", canary_case(tmp_path, rows))
    assert run.code == 0 and "opfølgningen tæller ikke med" in run.out
    assert not leaks((run.out + run.err).encode("utf-8"))
