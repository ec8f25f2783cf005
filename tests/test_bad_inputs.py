"""Bad inputs through the real command line: exit 2 and a message naming file, row/column or key, and a fix."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from casefactory import (
    DELETE,
    EXAMPLE,
    dump_toml,
    example_sag,
    forvaltning_rows,
    make_case,
    raw_xlsx,
    read_csv_rows,
    run_cli,
    statistik_rows,
    to_csv,
    write_xlsx,
)

from reportgen.domain.privacy import Ids

# One expected problem: (location, *fragments). The location is what the line starts with (before ": "),
# the fragments must all appear in the same line. "{case}" in a location is replaced by the case folder.
Expected = tuple[str, ...]


@dataclass(frozen=True)
class Bad:
    """One bad input: how to build it and every problem the message must report (in any order)."""

    id: str
    build: Callable[[Path], Path]
    expect: tuple[Expected, ...]


def stat_with(change: Callable[[list[list[str]]], object], **kw) -> Callable[[Path], Path]:
    """A builder whose statistik.csv is the example's, changed in place by ``change``."""

    def build(tmp_path: Path) -> Path:
        rows = statistik_rows()
        change(rows)
        return make_case(tmp_path, statistik=to_csv(rows), **kw)

    return build


def fv_with(change: Callable[[list[list[str]]], object]) -> Callable[[Path], Path]:
    """A builder whose forvaltningsomraader.csv is the example's, changed in place by ``change``."""

    def build(tmp_path: Path) -> Path:
        rows = forvaltning_rows()
        change(rows)
        return make_case(tmp_path, forvaltningsomraader=to_csv(rows))

    return build


def toml_with(**patch) -> Callable[[Path], Path]:
    """A builder with sag.toml patched (dotted keys as keyword names use '__': handleplan__indstilling)."""
    return lambda tmp_path: make_case(tmp_path, sag_toml_patch={k.replace("__", "."): v for k, v in patch.items()})


def built(**kw) -> Callable[[Path], Path]:
    """A builder passing its arguments straight to make_case."""
    return lambda tmp_path: make_case(tmp_path, **kw)


def cell(row: int, column: int, value: str) -> Callable[[list[list[str]]], None]:
    """Set one cell; row in spreadsheet counting (header = 1), column from 0."""

    def change(rows: list[list[str]]) -> None:
        rows[row - 1][column] = value

    return change


def cells(*changes: Callable[[list[list[str]]], None]) -> Callable[[list[list[str]]], None]:
    def change(rows: list[list[str]]) -> None:
        for c in changes:
            c(rows)

    return change


# Columns of the example's statistik.csv (0-based).
KOMMUNE, AAR, OMRAADE, STADF, AENDRET, HJEMVIST, AFVIST = range(7)
ROW_ALLEROED_2024 = 5  # Allerød,2024,socialomraadet,24,8,33,0

AREA_NAMES = {"socialomraadet": "Socialområdet", "boernehandicap": "Børnehandicap", "voksenhandicap": "Voksenhandicap"}
OUTCOME_NAMES = (
    ("Stadfæstelse", STADF),
    ("Ændring/ophævelse", AENDRET),
    ("Hjemvisning", HJEMVIST),
    ("Afvisning/henvisning", AFVIST),
)


def long_rows() -> list[list[str]]:
    """The example statistics in Ankestyrelsen's long layout (five rows per kommune × year × area)."""
    out = [["Kommune", "Område", "Afgørelsestype", "År", "Antal"]]
    for r in statistik_rows()[1:]:
        for name, i in OUTCOME_NAMES:
            out.append([r[KOMMUNE], AREA_NAMES[r[OMRAADE]], name, r[AAR], r[i]])
        out.append([r[KOMMUNE], AREA_NAMES[r[OMRAADE]], "I alt", r[AAR], str(sum(int(r[i]) for _, i in OUTCOME_NAMES))])
    return out


def long_with(change: Callable[[list[list[str]]], object]) -> Callable[[Path], Path]:
    def build(tmp_path: Path) -> Path:
        rows = long_rows()
        change(rows)
        return make_case(tmp_path, statistik=to_csv(rows, ";"))

    return build


def danish_header(rows: list[list[str]]) -> None:
    rows[0][:7] = ["Kommune", "År", "Område", "Stadfæstet", "Ændret/ophævet", "Hjemvist", "Afvist/henvist"]


def alias_column_twice(rows: list[list[str]]) -> None:
    """Append a copy of the stadfaestet column under its alias "Stadfæstelse"."""
    for r in rows:
        r.append(r[STADF])
    rows[0][-1] = "Stadfæstelse"


def with_byte(byte: bytes, row: int, file: str = "statistik") -> Callable[[Path], Path]:
    """A builder with one undecodable byte inserted at the start of a row's second cell."""

    def build(tmp_path: Path) -> Path:
        rows = statistik_rows() if file == "statistik" else forvaltning_rows()
        lines = to_csv(rows).encode("cp1252").split(b"\n")
        first, rest = lines[row - 1].split(b",", 1)
        lines[row - 1] = first + b"," + byte + rest
        return make_case(tmp_path, **{file if file == "statistik" else "forvaltningsomraader": b"\n".join(lines)})

    return build


def utf8_with_byte(byte: bytes, row: int) -> Callable[[Path], Path]:
    """A builder whose UTF-8 statistik.csv has one Windows-1252 byte appended to a row's last cell (kilde)."""

    def build(tmp_path: Path) -> Path:
        lines = to_csv(statistik_rows()).encode("utf-8").split(b"\n")
        lines[row - 1] += byte
        return make_case(tmp_path, statistik=b"\n".join(lines))

    return build


def xlsx_with_float(tmp_path: Path) -> Path:
    rows: list[list[object]] = [list(r) for r in statistik_rows()]
    for r in rows[1:]:
        r[AAR] = int(r[AAR])
        r[STADF : AFVIST + 1] = [float(v) for v in r[STADF : AFVIST + 1]]
    rows[ROW_ALLEROED_2024 - 1][STADF] = 2.5
    case = make_case(tmp_path, statistik=None, sag_toml_patch={"statistik": "statistik.xlsx"})
    write_xlsx(case / "statistik.xlsx", rows)
    return case


def broken_toml(tmp_path: Path) -> Path:
    text = (EXAMPLE / "sag.toml").read_text(encoding="utf-8")
    text = text.replace('status = "udkast"', 'status = "udkast', 1)
    return make_case(tmp_path, sag_toml=text)


def toml_line_of(text: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("status ="))


EXAMPLE_IDS = Ids(cell for row in read_csv_rows(EXAMPLE / "klagesager.csv")[1:] for cell in row[:2])
BROKEN_TOML_LINE = toml_line_of((EXAMPLE / "sag.toml").read_text(encoding="utf-8"))
MENTE_ALLEROED = "Mente du 'Allerød'?"
WHOLE_NUMBER_HINT = "Skriv et helt tal ≥ 0"

CORPUS: tuple[Bad, ...] = (
    # --- statistik.csv: cells -------------------------------------------------------------------------------
    Bad(
        "stat-kommune-typo",
        stat_with(cell(ROW_ALLEROED_2024, KOMMUNE, "Allerrød")),
        (("statistik.csv, række 5, kolonne 'kommune'", "ukendt kommune 'Allerrød'", MENTE_ALLEROED),),
    ),
    Bad(
        "stat-negative",
        stat_with(cell(ROW_ALLEROED_2024, STADF, "-3")),
        (("statistik.csv, række 5, kolonne 'stadfaestet'", "'-3' er negativt", WHOLE_NUMBER_HINT),),
    ),
    Bad(
        "stat-fraction-comma",
        stat_with(cell(ROW_ALLEROED_2024, HJEMVIST, "2,5")),
        (("statistik.csv, række 5, kolonne 'hjemvist'", "'2,5' er ikke et helt tal", WHOLE_NUMBER_HINT),),
    ),
    Bad(
        "stat-fraction-dot",
        stat_with(cell(ROW_ALLEROED_2024, AENDRET, "2.5")),
        (("statistik.csv, række 5, kolonne 'aendret_ophaevet'", "'2.5' er ikke et helt tal", WHOLE_NUMBER_HINT),),
    ),
    Bad(
        "stat-not-a-number",
        stat_with(cell(3, AFVIST, "mange")),
        (("statistik.csv, række 3, kolonne 'afvist_henvist'", "'mange' er ikke et tal", WHOLE_NUMBER_HINT),),
    ),
    Bad(
        "stat-empty-cell",
        stat_with(cell(ROW_ALLEROED_2024, STADF, "")),
        (("statistik.csv, række 5, kolonne 'stadfaestet'", "feltet er tomt", "0 hvis der ingen sager er"),),
    ),
    Bad(
        "stat-unknown-area",
        stat_with(cell(ROW_ALLEROED_2024, OMRAADE, "socialområde")),
        (
            (
                "statistik.csv, række 5, kolonne 'omraade'",
                "ukendt område 'socialområde'",
                "'socialomraadet', 'boernehandicap', 'voksenhandicap'",
            ),
        ),
    ),
    Bad(
        "stat-quarter-wide",
        stat_with(cell(ROW_ALLEROED_2024, AAR, "2024K1")),
        (("statistik.csv, række 5, kolonne 'aar'", "'2024K1' er et kvartal", "årsstatistikken"),),
    ),
    Bad(
        "stat-year-not-a-year",
        stat_with(cell(ROW_ALLEROED_2024, AAR, "24")),
        (("statistik.csv, række 5, kolonne 'aar'", "'24' er ikke et årstal", "fire cifre"),),
    ),
    Bad(
        "stat-danish-header-as-written",
        stat_with(cells(danish_header, cell(ROW_ALLEROED_2024, STADF, "x"), cell(4, KOMMUNE, "Alerød"))),
        (
            ("statistik.csv, række 5, kolonne 'Stadfæstet'", "'x' er ikke et tal"),
            ("statistik.csv, række 4, kolonne 'Kommune'", "ukendt kommune 'Alerød'", MENTE_ALLEROED),
        ),
    ),
    Bad(
        "stat-row-number-after-multiline-cell",
        stat_with(cells(cell(2, 8, "første linje\nanden linje"), cell(ROW_ALLEROED_2024, KOMMUNE, "Allerrød"))),
        (("statistik.csv, række 5, kolonne 'kommune'", "ukendt kommune 'Allerrød'", MENTE_ALLEROED),),
    ),
    Bad(
        "stat-xlsx-fractional-float",
        xlsx_with_float,
        (("statistik.xlsx, række 5, kolonne 'stadfaestet'", "'2.5' er ikke et helt tal", WHOLE_NUMBER_HINT),),
    ),
    # --- statistik.csv: rows and file --------------------------------------------------------------------
    Bad(
        "stat-duplicate-row",
        stat_with(lambda rows: rows.append(list(rows[ROW_ALLEROED_2024 - 1]))),
        (("statistik.csv, række 42", "Allerød 2024 socialomraadet står også i række 5", "Slet den ene"),),
    ),
    Bad(
        "stat-missing-column",
        stat_with(lambda rows: [r.pop(HJEMVIST) for r in rows]),
        (("statistik.csv, række 1", "mangler kolonnen 'hjemvist'", "Påkrævet: kommune, aar, omraade"),),
    ),
    Bad(
        "stat-missing-column-after-blank-lines",
        lambda tmp_path: make_case(tmp_path, statistik="\n\n" + to_csv([r[:AFVIST] for r in statistik_rows()])),
        (("statistik.csv, række 3", "mangler kolonnen 'afvist_henvist'"),),
    ),
    Bad(
        "stat-same-column-twice-by-alias",
        stat_with(alias_column_twice),
        (("statistik.csv, række 1", "kolonnerne 'stadfaestet' og 'Stadfæstelse' betyder det samme", "Fjern den ene"),),
    ),
    Bad(
        "stat-header-only",
        built(statistik=to_csv(statistik_rows()[:1])),
        (("statistik.csv, række 2", "kun en overskriftsrække", "Tilføj datarækker"),),
    ),
    Bad("stat-empty-file", built(statistik=""), (("statistik.csv", "filen er tom", "overskriftsrække"),)),
    Bad(
        "stat-too-many-fields",
        stat_with(lambda rows: rows[ROW_ALLEROED_2024 - 1].append("ekstra")),
        (("statistik.csv, række 5", "rækken har 10 felter, men overskriften har 9", "skilletegn"),),
    ),
    Bad(
        "stat-byte-0x81",
        with_byte(b"\x81", 3),
        (("statistik.csv, række 3", "byte 0x81", "hverken læses som UTF-8 eller Windows-1252", "CSV UTF-8"),),
    ),
    Bad(
        "stat-utf8-with-windows-1252-dash",
        utf8_with_byte(b" \x96 2024", 6),
        (
            (
                "statistik.csv, række 6, kolonne 'kilde'",
                "gemt som UTF-8, men byte 0x96 er ikke UTF-8",
                "gem hele filen som 'CSV UTF-8'",
            ),
        ),
    ),
    Bad(
        "stat-utf16",
        built(statistik=to_csv(statistik_rows()).encode("utf-16")),
        (("statistik.csv", "UTF-16", "CSV UTF-8"),),
    ),
    Bad(
        "stat-xls-file",
        lambda tmp_path: make_case(
            tmp_path, sag_toml_patch={"statistik": "statistik.xls"}, files={"statistik.xls": b"\xd0\xcf\x11\xe0"}
        ),
        (("statistik.xls", "ukendt filtype '.xls'", "CSV- eller XLSX-fil"),),
    ),
    Bad(
        "stat-not-really-xlsx",
        lambda tmp_path: make_case(
            tmp_path, sag_toml_patch={"statistik": "s.xlsx"}, files={"s.xlsx": b"kommune,aar\n"}
        ),
        (("s.xlsx", "kan ikke åbnes som XLSX", "Gem den igen"),),
    ),
    # --- statistik.csv: consistency ------------------------------------------------------------------------
    Bad(
        "stat-handicap-exceeds-general",
        stat_with(cell(29, STADF, "30")),  # Allerød 2024 boernehandicap
        (
            (
                "statistik.csv, række 5",
                "børne- og voksenhandicap tilsammen større end socialområdet generelt",
                "(stadfæstet: 30 + 3 = 33 mod 24)",
                "rækkerne 29 og 33",
            ),
        ),
    ),
    Bad(
        "stat-handicap-without-general",
        stat_with(lambda rows: rows.append(["Gentofte", "2024", "boernehandicap", "1", "1", "1", "0", "", ""])),
        (
            (
                "statistik.csv, række 42",
                "Gentofte 2024 har tal for boernehandicap, men ingen række for socialomraadet",
                "Tilføj rækken",
            ),
        ),
    ),
    Bad(
        "stat-year-missing-for-case",
        toml_with(aar=2025),
        (("statistik.csv", "ingen tal for Allerød 2025", "Filen har Allerød for 2021, 2022, 2023, 2024", "'aar'"),),
    ),
    Bad(
        "stat-kommune-not-in-file",
        toml_with(kommune="Gentofte"),
        (("statistik.csv", "ingen tal for Gentofte 2024", "ingen rækker for Gentofte"),),
    ),
    # --- the long export -------------------------------------------------------------------------------------
    Bad(
        "long-quarter",
        long_with(cell(3, 3, "2024K1")),
        (("statistik.csv, række 3, kolonne 'År'", "'2024K1' er et kvartal", "årsstatistikken"),),
    ),
    Bad(
        "long-unknown-outcome",
        long_with(cell(7, 2, "Omgørelse")),
        (
            (
                "statistik.csv, række 7, kolonne 'Afgørelsestype'",
                "ukendt afgørelsestype 'Omgørelse'",
                "'Stadfæstelse', 'Ændring/ophævelse', 'Hjemvisning', 'Afvisning/henvisning'",
            ),
        ),
    ),
    Bad(
        "long-duplicate-outcome",
        long_with(lambda rows: rows.append(list(rows[1]))),
        (
            (
                f"statistik.csv, række {len(long_rows()) + 1}",
                "Allerød 2021 socialomraadet 'Stadfæstelse' står også i række 2",
            ),
        ),
    ),
    # --- sag.toml --------------------------------------------------------------------------------------------
    Bad(
        "toml-comparison-typo",
        toml_with(sammenligning=["Hillerød", "Hørsholmm", "Furesø", "Rudersdal"]),
        (("sag.toml, nøgle 'sammenligning[2]'", "ukendt kommune 'Hørsholmm'", "Mente du 'Hørsholm'?"),),
    ),
    Bad(
        "toml-kommune-typo",
        toml_with(kommune="Alerød"),
        (("sag.toml, nøgle 'kommune'", "ukendt kommune 'Alerød'", MENTE_ALLEROED),),
    ),
    Bad(
        "toml-comparison-hele-landet",
        toml_with(sammenligning=["Hillerød", "Hele landet"]),
        (("sag.toml, nøgle 'sammenligning[2]'", "'Hele landet' er ikke en kommune", "automatisk med i Tabel 1"),),
    ),
    Bad(
        "toml-comparison-twice",
        toml_with(sammenligning=["Hillerød", "Furesø", "hillerød"]),
        (("sag.toml, nøgle 'sammenligning[3]'", "Hillerød står to gange", "Fjern den ene"),),
    ),
    Bad(
        "toml-comparison-self",
        toml_with(sammenligning=["Hillerød", "Allerød"]),
        (("sag.toml, nøgle 'sammenligning'", "kommunen selv står i listen"),),
    ),
    Bad(
        "toml-unknown-key",
        toml_with(sammenlinging=["Hillerød"], sammenligning=DELETE),
        (("sag.toml, nøgle 'sammenlinging'", "ukendt nøgle", "Mente du 'sammenligning'?"),),
    ),
    Bad(
        "toml-unknown-key-in-table",
        toml_with(handleplan__indstiling="udarbejdes"),
        (("sag.toml, nøgle 'handleplan.indstiling'", "ukendt nøgle", "Mente du 'indstilling'?"),),
    ),
    Bad(
        "toml-missing-kommune",
        toml_with(kommune=DELETE),
        (("sag.toml, nøgle 'kommune'", "påkrævet nøgle mangler", "Tilføj kommune = "),),
    ),
    Bad(
        "toml-missing-handleplan",
        toml_with(handleplan=DELETE),
        (("sag.toml, nøgle 'handleplan'", "påkrævet nøgle mangler"),),
    ),
    Bad("toml-aar-as-string", toml_with(aar="2024"), (("sag.toml, nøgle 'aar'", "skal være heltal", "'2024'"),)),
    Bad(
        "toml-aar-too-early",
        toml_with(aar=2017),
        (("sag.toml, nøgle 'aar'", "2017 er ikke et danmarkskort-år", "fra 2018"),),
    ),
    Bad(
        "toml-status-invalid",
        toml_with(status="kladde"),
        (("sag.toml, nøgle 'status'", "ugyldig værdi 'kladde'", "Tilladte værdier: 'udkast', 'endelig'"),),
    ),
    Bad(  # a final case cannot go without the reasons its recommendation calls for (a draft shows a placeholder)
        "toml-endelig-uden-begrundelse",
        built(
            sag_toml_patch={"status": "endelig", "handleplan.indstilling": "udarbejdes-ikke"},
            tekster={"begrundelse.md": None},
        ),
        (
            (
                "sag.toml, nøgle 'status'",
                "sagen er endelig, men indstillingen 'udarbejdes-ikke' har ingen begrundelse",
                "tekster/begrundelse.md",
                'status = "udkast"',
            ),
        ),
    ),
    Bad(
        "toml-indstilling-invalid",
        toml_with(handleplan__indstilling="ja"),
        (
            (
                "sag.toml, nøgle 'handleplan.indstilling'",
                "ugyldig værdi 'ja'",
                "'udarbejdes', 'videreføres', 'udarbejdes-ikke'",
            ),
        ),
    ),
    Bad(
        "toml-punkttype-invalid",
        toml_with(punkttype="beslutte"),
        (
            (
                "sag.toml, nøgle 'punkttype'",
                "ugyldig værdi 'beslutte'",
                "Mente du 'beslutning'?",
                "Tilladte værdier: 'beslutning', 'orientering'",
            ),
        ),
    ),
    Bad(
        "toml-tabel2-naevner-invalid",
        toml_with(tabel2_naevner="alle"),
        (("sag.toml, nøgle 'tabel2_naevner'", "ugyldig værdi 'alle'", "'realitetsbehandlede', 'afgjorte', 'begge'"),),
    ),
    Bad(
        "toml-statistik-missing-file",
        toml_with(statistik="statistk.csv"),
        (("sag.toml, nøgle 'statistik'", "filen 'statistk.csv' findes ikke", "relativ til"),),
    ),
    Bad(
        "toml-forvaltning-missing-file",
        toml_with(forvaltningsomraader="tabel2.csv"),
        (("sag.toml, nøgle 'forvaltningsomraader'", "filen 'tabel2.csv' findes ikke"),),
    ),
    Bad("toml-syntax", broken_toml, (("sag.toml", "ugyldig TOML", f"line {BROKEN_TOML_LINE}", "anførselstegn"),)),
    Bad(
        "toml-not-utf8",
        built(sag_toml=(EXAMPLE / "sag.toml").read_text(encoding="utf-8").encode("cp1252")),
        (("sag.toml", "ikke gemt som UTF-8", "Gem den som UTF-8"),),
    ),
    Bad(
        "toml-behandling-udfald",
        toml_with(
            behandling=[{"organ": "Byrådet", "dato": date(2025, 10, 7), "beslutning": "x", "udfald": "godkendt"}]
        ),
        (("sag.toml, nøgle 'behandling[1].udfald'", "ugyldig værdi 'godkendt'", "'vedtaget'"),),
    ),
    Bad(
        "toml-behandling-registreret-af",
        toml_with(
            behandling=[{"organ": "Byrådet", "dato": date(2025, 10, 7), "beslutning": "x", "registreret_af": 17}]
        ),
        (("sag.toml, nøgle 'behandling[1].registreret_af'", "skal være tekst, ikke 17"),),
    ),
    Bad(
        "case-without-sag-toml", built(sag_toml=None), (("{case}", "mappen har ingen sag.toml", "Angiv en sagsmappe"),)
    ),
    Bad(
        "tekster-unknown-file",
        built(tekster={"forklaing.md": "Tekst."}),
        (("tekster/forklaing.md", "ukendt afsnit", "Mente du 'forklaring'?"),),
    ),
    # --- forvaltningsomraader.csv ------------------------------------------------------------------------
    Bad(
        "fv-flag-maybe",
        fv_with(cell(2, 6, "måske")),
        (
            (
                "forvaltningsomraader.csv, række 2, kolonne 'i_danmarkskort'",
                "'måske' er hverken ja eller nej",
                "Tilladte værdier: 'ja', 'nej'",
            ),
        ),
    ),
    Bad(
        "fv-duplicate-area",
        fv_with(lambda rows: rows.append(list(rows[1]))),
        (
            (
                "forvaltningsomraader.csv, række 6, kolonne 'forvaltningsomraade'",
                "'Børneområdet' 2024 står også i række 2",
                "Slet den ene række",
            ),
        ),
    ),
    Bad(
        "fv-missing-column",
        fv_with(lambda rows: [r.pop(6) for r in rows]),
        (("forvaltningsomraader.csv, række 1", "mangler kolonnen 'i_danmarkskort'"),),
    ),
    Bad(
        "fv-byte-0x90",
        with_byte(b"\x90", 4, file="forvaltning"),
        (("forvaltningsomraader.csv, række 4", "byte 0x90", "CSV UTF-8"),),
    ),
    Bad(
        "fv-negative-count",
        fv_with(cell(3, 4, "-1")),
        (("forvaltningsomraader.csv, række 3, kolonne 'hjemvist'", "'-1' er negativt"),),
    ),
)

# --- hardening (issue 16): files that are not what they seem, text a document cannot hold, limits ------------


def text_replaced_by(make: Callable[[Path], None], name: str = "forklaring.md") -> Callable[[Path], Path]:
    """A builder whose tekster/<name> is replaced by what make(path) puts there (a link, a FIFO, a folder)."""

    def build(tmp_path: Path) -> Path:
        case = make_case(tmp_path)
        target = case / "tekster" / name
        target.unlink()
        make(target)
        return case

    return build


def statistik_replaced_by(make: Callable[[Path, Path], None], key: str = "statistik.csv") -> Callable[[Path], Path]:
    """A builder whose sag.toml names `key` as statistik, made by make(case, case / key)."""

    def build(tmp_path: Path) -> Path:
        case = make_case(tmp_path, statistik=None, sag_toml_patch={"statistik": key})
        make(case, case / key)
        return case

    return build


def outside_file(case: Path, path: Path) -> None:
    """A copy of the statistics beside the case folder, named by a relative path going up."""
    (case.parent / "faelles.csv").write_text(to_csv(statistik_rows()), encoding="utf-8")


def symlink_loop(case: Path, path: Path) -> None:
    os.symlink(case / "loop2", path)
    os.symlink(path, case / "loop2")


def xlsx_built(data: Callable[[], bytes]) -> Callable[[Path], Path]:
    """A builder whose statistics are statistik.xlsx with the given bytes."""

    def build(tmp_path: Path) -> Path:
        case = make_case(tmp_path, statistik=None, sag_toml_patch={"statistik": "statistik.xlsx"})
        (case / "statistik.xlsx").write_bytes(data())
        return case

    return build


def typed_rows() -> list[list[object]]:
    """The example statistics with numbers as numbers (for an XLSX)."""
    return [[int(v) if v.isdigit() else v for v in r] for r in statistik_rows()]


def xlsx_cut_sheet() -> bytes:
    """A worksheet cut off in the middle of an element."""
    whole = raw_xlsx(typed_rows())
    with zipfile.ZipFile(BytesIO(whole)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    return raw_xlsx(typed_rows(), sheet_xml=sheet[: len(sheet) // 2])


def xlsx_string_out_of_range() -> bytes:
    """A text cell referring to shared string number 9999 of some forty."""
    rows = typed_rows()
    whole = raw_xlsx(rows)
    with zipfile.ZipFile(BytesIO(whole)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    return raw_xlsx(rows, sheet_xml=sheet.replace(b'<c r="A5" t="s"><v>', b'<c r="A5" t="s"><v>9999', 1))


def xlsx_formula_without_result(tmp_path: Path) -> Path:
    rows = typed_rows()
    rows[ROW_ALLEROED_2024 - 1][STADF] = "=20+4"  # openpyxl saves the formula without a cached value
    case = make_case(tmp_path, statistik=None, sag_toml_patch={"statistik": "statistik.xlsx"})
    write_xlsx(case / "statistik.xlsx", rows)
    return case


def xlsx_huge_float(tmp_path: Path) -> Path:
    rows = typed_rows()
    rows[ROW_ALLEROED_2024 - 1][STADF] = 1e20
    case = make_case(tmp_path, statistik=None, sag_toml_patch={"statistik": "statistik.xlsx"})
    write_xlsx(case / "statistik.xlsx", rows)
    return case


CHARACTERS = {  # the control characters of the attack run, and the message's name for each
    "vt": ("\x0b", "lodret tabulator (U+000B)"),
    "ff": ("\x0c", "sideskift (form feed) (U+000C)"),
    "bs": ("\x08", "tilbage-tegnet (backspace) (U+0008)"),
    "soh": ("\x01", "et kontroltegn (U+0001)"),
    "fffe": ("\ufffe", "et ikke-tegn (U+FFFE)"),
    "nul": ("\x00", "NUL-tegnet (U+0000)"),
}
FORBIDDEN = "som ikke kan stå i et dokument"
FIX_CHARACTER = "Slet tegnet"
KLAGESAGER_HEADER = "sags_id,borger_id,aar,omraade,paragraf,delafgoerelser,aarsag,opfoelgning\n"


def beslutning_with(text: str) -> Callable[[Path], Path]:
    sag = example_sag()
    sag["behandling"][0]["beslutning"] = text
    return built(sag_toml=dump_toml(sag))


def bilag_title_with(text: str) -> Callable[[Path], Path]:
    sag = example_sag()
    sag["bilag"][0]["titel"] = text
    return built(sag_toml=dump_toml(sag))


def klagesag_cell(text: str) -> Callable[[Path], Path]:
    rows = (EXAMPLE / "klagesager.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace("Serviceloven", text + "Serviceloven", 1)
    return built(files={"klagesager.csv": "\n".join(rows) + "\n"})


HARDENING: tuple[Bad, ...] = (
    # --- item 2: a file of the case folder that is not a regular file inside it ---------------------------
    Bad(
        "tekster-link-to-etc-shadow",
        text_replaced_by(lambda p: os.symlink("/etc/shadow", p)),
        (("tekster/forklaring.md", "ligger uden for sagsmappen", "Læg filen i sagsmappen"),),
    ),
    Bad(
        "tekster-link-to-dev-zero",
        text_replaced_by(lambda p: os.symlink("/dev/zero", p)),
        (("tekster/forklaring.md", "ligger uden for sagsmappen"),),
    ),
    Bad(
        "tekster-fifo",
        text_replaced_by(os.mkfifo),
        (("tekster/forklaring.md", "er en FIFO", "ikke en almindelig fil"),),
    ),
    Bad(
        "tekster-directory",
        text_replaced_by(lambda p: p.mkdir()),
        (("tekster/forklaring.md", "er en mappe, ikke en almindelig fil"),),
    ),
    Bad(
        "tekster-link-loop",
        text_replaced_by(lambda p: os.symlink(p, p)),
        (("tekster/forklaring.md", "løkke af links"),),
    ),
    Bad(
        "tekster-too-big",
        built(tekster={"forklaring.md": "Forklaring. " * 20_000}),
        (("tekster/forklaring.md", "filen fylder 240 kB; højst 200 kB er tilladt"),),
    ),
    # issue 24, item 7: a size just over its limit is told in bytes, never "200 kB; højst 200 kB"
    Bad(
        "tekster-one-byte-over-200-kb",
        built(tekster={"forklaring.md": "x" * 200_001}),
        (("tekster/forklaring.md", "filen fylder 200.001 bytes; højst 200.000 bytes er tilladt"),),
    ),
    Bad(
        "toml-one-byte-over-1-mb",
        lambda tmp_path: _padded_sag_toml(make_case(tmp_path), 1_000_001),
        (("sag.toml", "filen fylder 1.000.001 bytes; højst 1.000.000 bytes er tilladt"),),
    ),
    Bad(
        "sag-toml-link-outside",
        lambda tmp_path: _link_sag_toml(make_case(tmp_path)),
        (("sag.toml", "ligger uden for sagsmappen"),),
    ),
    Bad(
        "toml-statistik-outside-case-folder",
        statistik_replaced_by(outside_file, "../faelles.csv"),
        (("sag.toml, nøgle 'statistik'", "filen '../faelles.csv' kan ikke bruges", "uden for sagsmappen", "kopiér"),),
    ),
    Bad(
        "toml-statistik-link-outside",
        statistik_replaced_by(lambda case, p: (outside_file(case, p), os.symlink(case.parent / "faelles.csv", p))),
        (("sag.toml, nøgle 'statistik'", "uden for sagsmappen"),),
    ),
    Bad(
        "toml-statistik-directory",
        statistik_replaced_by(lambda case, p: p.mkdir()),
        (("sag.toml, nøgle 'statistik'", "filen 'statistik.csv' er ikke en almindelig fil"),),
    ),
    Bad(
        "toml-klagesager-fifo",
        lambda tmp_path: _fifo_klagesager(make_case(tmp_path)),
        (("sag.toml, nøgle 'klagesager'", "er ikke en almindelig fil"),),
    ),
    # --- item 3: control characters wherever text enters ------------------------------------------------
    *(
        Bad(
            f"tekster-character-{name}",
            built(tekster={"forklaring.md": f"Første linje.\n\nAnden{char}linje."}),
            (("tekster/forklaring.md", f"linje 3 indeholder {described}", FORBIDDEN, FIX_CHARACTER),),
        )
        for name, (char, described) in CHARACTERS.items()
    ),
    Bad(
        "toml-beslutning-vt",
        beslutning_with("Udvalget\x0bindstiller."),
        (("sag.toml, nøgle 'behandling[1].beslutning'", "lodret tabulator (U+000B)", FORBIDDEN),),
    ),
    Bad(
        "toml-sagsnummer-ff",
        toml_with(sagsnummer="22/\x0c15769"),
        (("sag.toml, nøgle 'sagsnummer'", "sideskift", FORBIDDEN),),
    ),
    Bad(
        "toml-bilag-titel-nul",
        bilag_title_with("Notat\x00"),
        (("sag.toml, nøgle 'bilag[1].titel'", "NUL-tegnet (U+0000)", FORBIDDEN),),
    ),
    Bad(
        "toml-hoering-backspace",
        toml_with(hoering=["Handicaprådet", "Senior\x08rådet"]),
        (("sag.toml, nøgle 'hoering[2]'", "backspace", FORBIDDEN),),
    ),
    Bad(
        "klagesager-cell-vt",
        klagesag_cell("\x0b"),
        (("klagesager.csv, række 4, kolonne 'paragraf'", "lodret tabulator (U+000B)", FORBIDDEN),),
    ),
    Bad(
        "stat-kilde-fffe",
        stat_with(cell(ROW_ALLEROED_2024, 8, "Ankestyrelsen\ufffe")),
        (("statistik.csv, række 5, kolonne 'kilde'", "ikke-tegn (U+FFFE)", FORBIDDEN),),
    ),
    Bad(
        "fv-name-soh",
        fv_with(cell(2, 0, "Børne\x01området")),
        (("forvaltningsomraader.csv, række 2, kolonne 'forvaltningsomraade'", "U+0001", FORBIDDEN),),
    ),
    # --- item 4: limits ------------------------------------------------------------------------------------
    Bad(
        "toml-titel-over-255",
        toml_with(titel="Omgørelsesprocenter " * 15),
        (("sag.toml, nøgle 'titel'", "er 300 tegn lang; højst 255 tegn er tilladt"),),
    ),
    Bad(
        "toml-titel-120-kb",
        toml_with(titel="x" * 120_000),
        (("sag.toml, nøgle 'titel'", "er 120000 tegn lang; højst 255"),),
    ),
    Bad(
        "toml-forfatter-over-255",
        toml_with(forfatter="A" * 256),
        (("sag.toml, nøgle 'forfatter'", "er 256 tegn lang"),),
    ),
    Bad(
        "stat-count-10-to-20",
        stat_with(cell(ROW_ALLEROED_2024, STADF, "1" + "0" * 20)),
        (("statistik.csv, række 5, kolonne 'stadfaestet'", "er større end 100.000.000", WHOLE_NUMBER_HINT),),
    ),
    Bad(
        "stat-xlsx-float-1e20",
        xlsx_huge_float,
        (("statistik.xlsx, række 5, kolonne 'stadfaestet'", "er større end 100.000.000"),),
    ),
    *(
        Bad(
            f"stat-digit-{name}",
            stat_with(cell(ROW_ALLEROED_2024, STADF, digit)),
            (("statistik.csv, række 5, kolonne 'stadfaestet'", f"'{digit}' er ikke et tal"),),
        )
        for name, digit in (("superscript", "2²"), ("circled", "①"), ("arabic-indic", "٢٤"), ("full-width", "２４"))
    ),
    Bad(
        "stat-year-full-width",
        stat_with(cell(ROW_ALLEROED_2024, AAR, "２０２４")),
        (("statistik.csv, række 5, kolonne 'aar'", "'２０２４' er ikke et årstal"),),
    ),
    Bad(
        "klagesager-paragraf-superscript",
        klagesag_cell("²"),  # sorted by its numbers in Bilag 1: int("²") failed there
        (),
    ),
    Bad(
        "tekster-emphasis-700-deep",
        built(tekster={"forklaring.md": "Indledning.\n\n" + "*" * 700 + "x" + "*" * 700}),
        (("tekster/forklaring.md", "linje 3", "lagt 350 lag inden i hinanden; højst 10"),),
    ),
    Bad(
        "cell-over-1000-characters",
        stat_with(cell(ROW_ALLEROED_2024, 8, "k" * 1001)),
        (("statistik.csv, række 5, kolonne 'kilde'", "er 1001 tegn lang; højst 1000"),),
    ),
    # --- item 5: a damaged XLSX interior, odd paths ------------------------------------------------------
    Bad(
        "xlsx-sheet-cut-mid-element",
        xlsx_built(xlsx_cut_sheet),
        (("statistik.xlsx", "beskadiget XLSX-fil", "Gem den igen"),),
    ),
    Bad(
        "xlsx-shared-string-out-of-range",
        xlsx_built(xlsx_string_out_of_range),
        (("statistik.xlsx", "beskadiget XLSX-fil"),),
    ),
    Bad(
        "toml-statistik-symlink-loop",
        statistik_replaced_by(symlink_loop, "loop1.csv"),
        (("sag.toml, nøgle 'statistik'", "løkke af links"),),
    ),
    Bad(
        "toml-statistik-nul-in-path",
        toml_with(statistik="statistik\x00.csv"),
        (("sag.toml, nøgle 'statistik'", "NUL-tegnet"),),
    ),
    Bad(
        "toml-statistik-10000-character-name",
        toml_with(statistik="s" * 9996 + ".csv"),
        (("sag.toml, nøgle 'statistik'", "er 10000 tegn lang; højst 255"),),
    ),
    # --- item 6: zip bombs and row/column caps --------------------------------------------------------------
    Bad(
        "xlsx-zip-bomb",
        xlsx_built(lambda: raw_xlsx(typed_rows(), b"<si><t>" + b"A" * 101_000_000 + b"</t></si>")),
        (("statistik.xlsx", "fylder 101 MB udpakket; højst 100 MB"),),
    ),
    Bad(
        "stat-over-100000-rows",
        stat_with(
            lambda rows: rows.extend([["Gentofte", "2024", "voksenhandicap", "0", "0", "0", "0", "", ""]] * 100_000)
        ),
        (("statistik.csv", "mere end 100.000 rækker"),),
    ),
    Bad(
        "stat-over-100-columns",
        stat_with(lambda rows: rows[ROW_ALLEROED_2024 - 1].extend([""] * 100)),
        (("statistik.csv, række 5", "mere end 100 kolonner"),),
    ),
    # --- item 11: a formula without a saved result ----------------------------------------------------------
    Bad(
        "xlsx-formula-without-result",
        xlsx_formula_without_result,
        (("statistik.xlsx, række 5, kolonne 'stadfaestet'", "formlen '=20+4'", "gem den igen"),),
    ),
)


def _link_sag_toml(case: Path) -> Path:
    outside = case.parent / "anden-sag.toml"
    (case / "sag.toml").rename(outside)
    os.symlink(outside, case / "sag.toml")
    return case


def _padded_sag_toml(case: Path, size: int) -> Path:
    """The case's sag.toml grown to size bytes by a comment at its end."""
    toml = case / "sag.toml"
    text = toml.read_text(encoding="utf-8") + "# "
    toml.write_text(text + "x" * (size - len(text.encode("utf-8")) - 1) + "\n", encoding="utf-8")
    assert toml.stat().st_size == size
    return case


def _fifo_klagesager(case: Path) -> Path:
    (case / "klagesager.csv").unlink()
    os.mkfifo(case / "klagesager.csv")
    return case


# --- issue 24: the pseudonyms as a reader would see them, whatever hides them in the source ---------------------

HIDDEN_IDS = {  # KS-24-001 and BRG-0521 of the example's records, written so that only the rendered text shows them
    "entity": "&#75;S-24-001",
    "hex-entity": "&#x4B;S&#x2D;24-001",
    "named-entity-hyphen": "KS&hyphen;24&hyphen;001",
    "emphasis": "KS-**24**-001",
    "underscore-emphasis": "KS-_24_-001",
    "code-span": "KS-`24`-001",
    "link-text": "[KS-24](https://example.org)-001",
    "backslash-escapes": "KS\\-24\\-001",
    "zero-width-space": "KS-24\u200b-001",
    "soft-hyphen": "B\u00adRG-0521",
    "soft-hyphen-entity": "BRG&shy;-0521",
    "word-joiner": "BRG\u2060-0521",
    "bidi-override-reversed": "\u202e100-42-SK\u202c",
    "bidi-override-part": "KS-24-\u202e100\u202c",
    "bidi-isolate": "\u206724-001-KS\u2069",
    "non-breaking-hyphens": "KS\u201124\u2011001",
    "full-width": "\uff2b\uff33\uff0d\uff12\uff14\uff0d\uff10\uff10\uff11",
    "cyrillic-lookalikes": "\u041a\u0405-24-001",
    "variation-selector": "KS\ufe0f-24-001",
}
FOUND_ID = "indeholder et sags_id eller borger_id fra klagesagerne"
IN_EVERY_TEXT = ("entity", "emphasis", "backslash-escapes", "zero-width-space", "soft-hyphen", "bidi-override-reversed")


def decision_text(text: str) -> Callable[[Path], Path]:
    return beslutning_with(f"Udvalget drøftede {text} og tog orienteringen til efterretning.")


PUBLISHED_IDS: tuple[Bad, ...] = (
    *(
        Bad(
            f"tekster-hidden-id-{name}",
            built(tekster={"forklaring.md": f"Første afsnit.\n\nSagen {text} blev omgjort."}),
            (("tekster/forklaring.md", "linje 3", FOUND_ID, "Slet id'et"),),
        )
        for name, text in HIDDEN_IDS.items()
    ),
    *(
        Bad(
            f"toml-beslutning-hidden-id-{name}",
            decision_text(HIDDEN_IDS[name]),
            (("sag.toml, nøgle 'behandling[1].beslutning'", FOUND_ID),),
        )
        for name in IN_EVERY_TEXT
    ),
    *(
        Bad(
            f"toml-titel-hidden-id-{name}",
            toml_with(titel=f"Omgørelser {HIDDEN_IDS[name]}"),
            (("sag.toml, nøgle 'titel'", FOUND_ID),),
        )
        for name in IN_EVERY_TEXT
    ),
    *(
        Bad(
            f"handleplan-hidden-id-{name}",
            built(plan_patch={"indsats.1.titel": f"Gennemgang af {HIDDEN_IDS[name]}"}),
            (("handleplan.toml, nøgle 'indsats[1].titel'", FOUND_ID),),
        )
        for name in IN_EVERY_TEXT
    ),
)


# --- issue 24: a Word template that links out or that python-docx cannot open --------------------------------

STYLE = EXAMPLE.parent / "kommunestil"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def reference_with(change: Callable[[dict[str, bytes]], object]) -> Callable[[Path], Path]:
    """A builder whose case uses a copy of the example style folder, its reference.docx's parts changed in place."""

    def build(tmp_path: Path) -> Path:
        style = tmp_path / "stil"
        shutil.copytree(STYLE, style)
        with zipfile.ZipFile(style / "reference.docx") as package:
            parts = {name: package.read(name) for name in package.namelist()}
        change(parts)
        buffer = BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
        (style / "reference.docx").write_bytes(buffer.getvalue())
        return make_case(tmp_path, sag_toml_patch={"stil": "../stil"})

    return build


def relationship(source: str, kind: str, target: str, external: bool = True) -> Callable[[dict[str, bytes]], None]:
    """Add a relationship from a part (its .rels made when it has none)."""

    def change(parts: dict[str, bytes]) -> None:
        folder, name = source.rsplit("/", 1)
        rels = f"{folder}/_rels/{name}.rels"
        mode = ' TargetMode="External"' if external else ""
        rel = f'<Relationship Id="rIdX" Type="{_R}{kind}" Target="{target}"{mode}/>'.encode()
        empty = b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>'
        parts[rels] = parts.get(rels, empty).replace(b"</Relationships>", rel + b"</Relationships>")

    return change


def part_replaced(name: str, data: bytes) -> Callable[[dict[str, bytes]], None]:
    return lambda parts: parts.__setitem__(name, data)


def header_field(code: str) -> Callable[[dict[str, bytes]], None]:
    """A field with the given code at the end of the template's header."""

    def change(parts: dict[str, bytes]) -> None:
        field = f'<w:p><w:fldSimple w:instr="{code}"/></w:p>'.encode()
        parts["word/header1.xml"] = parts["word/header1.xml"].replace(b"</w:hdr>", field + b"</w:hdr>")

    return change


TEMPLATE = "../stil/reference.docx"
LINKS_OUT = "har et link ud af dokumentet"
REFERENCE_PARTS: tuple[Bad, ...] = (
    Bad(
        "reference-attached-template-http",
        reference_with(relationship("word/settings.xml", "attachedTemplate", "http://skabeloner.example/normal.dotm")),
        ((TEMPLATE, "delen 'word/settings.xml'", LINKS_OUT, "attachedTemplate", "Fjern linket i Word"),),
    ),
    Bad(
        "reference-hyperlink-file-url",
        reference_with(relationship("word/document.xml", "hyperlink", "file:///C:/Windows/win.ini")),
        ((TEMPLATE, "delen 'word/document.xml'", LINKS_OUT, "hyperlink: file:///C:/Windows/win.ini"),),
    ),
    Bad(
        "reference-image-unc-share",
        reference_with(relationship("word/header1.xml", "image", "\\\\server\\share\\logo.png")),
        ((TEMPLATE, "delen 'word/header1.xml'", LINKS_OUT, "image"),),
    ),
    Bad(
        "reference-tracker-image-in-header",
        reference_with(relationship("word/header1.xml", "image", "https://tracker.example/pixel.gif")),
        ((TEMPLATE, "delen 'word/header1.xml'", LINKS_OUT, "https://tracker.example/pixel.gif"),),
    ),
    Bad(
        "reference-includepicture-field-in-header",
        reference_with(header_field("INCLUDEPICTURE &quot;http://tracker.example/p.gif&quot; \\d")),
        ((TEMPLATE, "delen 'word/header1.xml'", LINKS_OUT, "felt: INCLUDEPICTURE"),),
    ),
    Bad(
        "reference-malformed-header",
        reference_with(part_replaced("word/header1.xml", b"<w:hdr xmlns:w='x'><w:p>")),
        ((TEMPLATE, "delen 'word/header1.xml' er beskadiget (ikke gyldig XML)"),),
    ),
    Bad(
        "reference-malformed-settings",
        reference_with(part_replaced("word/settings.xml", b"<?xml version='1.0'?><w:settings")),
        ((TEMPLATE, "delen 'word/settings.xml' er beskadiget"),),
    ),
    Bad(
        "reference-part-without-content-type",
        reference_with(relationship("word/document.xml", "image", "media/billede.emf", external=False)),
        ((TEMPLATE, "peger på 'word/media/billede.emf', som mangler"),),
    ),
    Bad(
        "reference-part-without-content-type-present",
        reference_with(
            lambda parts: (
                relationship("word/document.xml", "image", "media/billede.emf", external=False)(parts),
                parts.__setitem__("word/media/billede.emf", b"\x01\x00\x00\x00"),
            )
        ),
        ((TEMPLATE, "delen 'word/media/billede.emf' har ingen indholdstype"),),
    ),
    Bad(
        "reference-malformed-relationships",
        reference_with(part_replaced("word/_rels/document.xml.rels", b"<Relationships")),
        ((TEMPLATE, "delen 'word/_rels/document.xml.rels' er beskadiget"),),
    ),
)


# --- issue 24: nesting, chains and links beyond what a case can have ----------------------------------------


def nested(levels: int) -> str:
    """A TOML line with a list of lists `levels` deep."""
    return "dybt = " + "[" * levels + "]" * levels + "\n"


def toml_prefixed(name: str, line: str) -> Callable[[Path], Path]:
    """A builder whose file `name` of the case gets `line` first."""

    def build(tmp_path: Path) -> Path:
        case = make_case(tmp_path)
        (case / name).write_text(line + (case / name).read_text(encoding="utf-8"), encoding="utf-8")
        return case

    return build


def stil_toml_nested(tmp_path: Path) -> Path:
    style = tmp_path / "stil"
    shutil.copytree(STYLE, style)
    (style / "stil.toml").write_text(nested(3000), encoding="utf-8")
    return make_case(tmp_path, sag_toml_patch={"stil": "../stil"})


LONG_NUMBER = "1" + "0" * 5000  # more digits than Python turns into a whole number (4,300)


def toml_line_replaced(name: str, key: str, value: str, style: bool = False) -> Callable[[Path], Path]:
    """A builder whose file `name` of the case (or, with `style`, of a copy of the example style folder that the
    case uses) sets `key = value` on the first line that sets `key`."""

    def build(tmp_path: Path) -> Path:
        case = make_case(tmp_path, sag_toml_patch={"stil": "../stil"} if style else None)
        if style:
            shutil.copytree(STYLE, tmp_path / "stil")
        path = (tmp_path / "stil" if style else case) / name
        text, replaced = re.subn(
            rf"^{key} = .*$", f"{key} = {value}", path.read_text(encoding="utf-8"), count=1, flags=re.M
        )
        assert replaced == 1, f"no line sets {key} in {name}"
        path.write_text(text, encoding="utf-8")
        return case

    return build


CHAIN = 25


def forrige_chain(tmp_path: Path) -> Path:
    """CHAIN case folders, each following up on the one before (forrige = its folder): the last one is returned."""
    for i in range(CHAIN):
        patch = {"handleplan.forrige": f"../s{i - 1}"} if i else {}
        case = make_case(tmp_path, name=f"s{i}", sag_toml_patch=patch)
    return case


def hard_link_outside(tmp_path: Path) -> Path:
    case = make_case(tmp_path)
    outside = tmp_path / "hemmelig.md"
    outside.write_text("Fortroligt notat.", encoding="utf-8")
    (case / "tekster" / "forklaring.md").unlink()
    os.link(outside, case / "tekster" / "forklaring.md")
    return case


TOO_DEEP = "tabeller eller lister lagt mere end 20 lag inden i hinanden"
LIMITS: tuple[Bad, ...] = (
    Bad("toml-3000-nested-lists", toml_prefixed("sag.toml", nested(3000)), (("sag.toml", TOO_DEEP, "Fjern"),)),
    Bad("toml-25-nested-lists", toml_prefixed("sag.toml", nested(25)), (("sag.toml", TOO_DEEP),)),
    Bad(
        "toml-3000-nested-tables",
        toml_prefixed("sag.toml", "dybt = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n"),
        (("sag.toml", TOO_DEEP),),
    ),
    Bad(
        "handleplan-3000-nested-lists", toml_prefixed("handleplan.toml", nested(3000)), (("handleplan.toml", TOO_DEEP),)
    ),
    Bad("stil-toml-3000-nested-lists", stil_toml_nested, (("../stil/stil.toml", TOO_DEEP),)),
    Bad(
        "toml-5001-digit-number",
        toml_line_replaced("sag.toml", "aar", LONG_NUMBER),
        (("sag.toml", "linje 5 har et heltal med mere end 4.300 cifre", "Ret tallet"),),
    ),
    Bad(
        "handleplan-5001-digit-number",
        toml_line_replaced("handleplan.toml", "vaerdi", LONG_NUMBER),
        (("handleplan.toml", "linje 18 har et heltal med mere end 4.300 cifre", "Ret tallet"),),
    ),
    Bad(
        "stil-toml-5001-digit-number",
        toml_line_replaced("stil.toml", "logo_hoejde", LONG_NUMBER, style=True),
        (("../stil/stil.toml", "linje 13 har et heltal med mere end 4.300 cifre", "Ret tallet"),),
    ),
    Bad(
        "forrige-chain-of-25-cases",
        forrige_chain,
        (
            (
                "/".join(f"../s{i}" for i in range(CHAIN - 2, 3, -1)) + "/sag.toml, nøgle 'handleplan.forrige'",
                "fører til en kæde af mere end 20 sager",
                "handleplan-fil",
            ),
        ),
    ),
    Bad(
        "tekster-hard-link-to-a-file-outside",
        hard_link_outside,
        (("tekster/forklaring.md", "filen har 2 navne (hårde links)", "Kopiér filen ind i sagsmappen"),),
    ),
)


# --- issue 24: numbers with spaces inside, wide encodings, multi-line cells ------------------------------------


def csv_written(rows: list[list[str]], space_before_quotes: bool = False) -> str:
    """Rows as the csv module writes them (a cell with a line break quoted), optionally with ", " before quotes."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().replace(',"', ', "') if space_before_quotes else buffer.getvalue()


def stat_written(change: Callable[[list[list[str]]], object], space_before_quotes: bool = False):
    def build(tmp_path: Path) -> Path:
        rows = statistik_rows()
        change(rows)
        return make_case(tmp_path, statistik=csv_written(rows, space_before_quotes))

    return build


SPACE_INSIDE = "har mellemrum inde i tallet"
NUMBERS_AND_ENCODINGS: tuple[Bad, ...] = (
    Bad(
        "stat-count-space-inside",
        stat_with(cell(ROW_ALLEROED_2024, STADF, "2 4")),
        (("statistik.csv, række 5, kolonne 'stadfaestet'", f"'2 4' {SPACE_INSIDE}", "mellem tusinder"),),
    ),
    Bad(
        "stat-count-no-break-space-inside",
        stat_with(cell(ROW_ALLEROED_2024, HJEMVIST, "1\u00a00")),
        (("statistik.csv, række 5, kolonne 'hjemvist'", SPACE_INSIDE),),
    ),
    Bad(
        "stat-count-space-after-thousands",
        stat_with(cell(ROW_ALLEROED_2024, STADF, "1234 5")),
        (("statistik.csv, række 5, kolonne 'stadfaestet'", SPACE_INSIDE),),
    ),
    Bad(
        "fv-count-space-inside",
        fv_with(cell(3, 4, "1 2")),
        (("forvaltningsomraader.csv, række 3, kolonne 'hjemvist'", SPACE_INSIDE),),
    ),
    Bad("stat-utf32", built(statistik=to_csv(statistik_rows()).encode("utf-32")), (("statistik.csv", "UTF-32"),)),
    Bad(
        "stat-utf32-big-endian-without-bom",
        built(statistik=to_csv(statistik_rows()).encode("utf-32-be")),
        (("statistik.csv", "gemt som UTF-32", "CSV UTF-8"),),
    ),
    Bad(
        "stat-utf16-without-bom",
        built(statistik=to_csv(statistik_rows()).encode("utf-16-le")),
        (("statistik.csv", "gemt som UTF-16"),),
    ),
    # accepted: a quoted cell spanning lines, also in the header and after ", "; thousands grouped by spaces
    Bad("stat-quoted-newline-in-first-header-cell", stat_written(cell(1, KOMMUNE, "kommune\n")), ()),
    Bad(
        "stat-quoted-newline-after-comma-space",
        stat_written(cell(3, 8, "første, linje\nanden, linje"), space_before_quotes=True),
        (),
    ),
    Bad("stat-thousands-grouped-by-no-break-space", stat_with(cell(ROW_ALLEROED_2024, 7, "1\u00a0234")), ()),
)


# --- issue 24: an SVG logo that would fetch something, however written -----------------------------------------

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'


def svg_logo(text: str) -> Callable[[Path], Path]:
    """A builder whose case uses a copy of the example style folder with this logo.svg."""

    def build(tmp_path: Path) -> Path:
        style = tmp_path / "stil"
        shutil.copytree(STYLE, style)
        (style / "logo.svg").write_text(text, encoding="utf-8")
        return make_case(tmp_path, sag_toml_patch={"stil": "../stil"})

    return build


LOGO = "../stil/logo.svg"
SVG_HINT = "Gem logoet som almindelig SVG"
SVG_LOGOS: tuple[Bad, ...] = (
    *(
        Bad(
            f"svg-style-{name}",
            svg_logo(f"{SVG_OPEN}<style>{css}</style><rect width='10' height='10'/></svg>"),
            ((LOGO, "<style> henter noget udefra", SVG_HINT),),
        )
        for name, css in (
            ("css-escape-url", "rect { fill: \\75 rl(https://tracker.example/a.svg#p) }"),
            ("css-escape-six-digits", "rect { fill: \\000075rl(https://tracker.example/a.svg#p) }"),
            ("css-escaped-import", "@im\\70 ort 'https://tracker.example/a.css';"),
            ("css-comment-in-url", "rect { fill: u/**/rl(https://tracker.example/a.svg#p) }"),
            ("css-image-set", "rect { background: image-set('https://tracker.example/a.png' 1x) }"),
            ("cdata-url", "<![CDATA[rect { fill: url(https://tracker.example/a.svg#p) }]]>"),
        )
    ),
    Bad(
        "svg-style-attribute-css-escape",
        svg_logo(f"{SVG_OPEN}<rect width='10' height='10' style='fill: \\75 rl(https://tracker.example/p)'/></svg>"),
        ((LOGO, "har attributten style=", SVG_HINT),),
    ),
    Bad(
        "svg-external-dtd",
        svg_logo(
            '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "https://tracker.example/svg11.dtd">'
            f"{SVG_OPEN}<rect width='10' height='10'/></svg>"
        ),
        ((LOGO, "henviser til en DTD uden for filen", SVG_HINT),),
    ),
    Bad(
        "svg-xml-stylesheet",
        svg_logo(
            '<?xml version="1.0"?><?xml-stylesheet type="text/css" href="https://tracker.example/a.css"?>'
            f"{SVG_OPEN}<rect width='10' height='10'/></svg>"
        ),
        ((LOGO, "henter et stylesheet (<?xml-stylesheet?>)", SVG_HINT),),
    ),
    Bad(
        "svg-xml-base",
        svg_logo(f"{SVG_OPEN}<g xml:base='https://tracker.example/'><use href='#x'/></g><rect id='x'/></svg>"),
        ((LOGO, "xml:base='https://tracker.example/'", SVG_HINT),),
    ),
)


CORPUS = CORPUS + tuple(b for b in HARDENING if b.expect) + PUBLISHED_IDS + REFERENCE_PARTS + LIMITS + SVG_LOGOS
CORPUS += tuple(b for b in NUMBERS_AND_ENCODINGS if b.expect)
# repros that crashed or were refused and are good input
ACCEPTED = tuple(b for b in HARDENING + NUMBERS_AND_ENCODINGS if not b.expect)


PROBLEM_LINE = re.compile(r"^  - (.*)$")


def problem_lines(err: str) -> list[str]:
    """The problem lines of an input-error message ("  - …"), without the bullet."""
    return [m.group(1) for line in err.splitlines() if (m := PROBLEM_LINE.match(line))]


def assert_reports(err: str, expected: tuple[Expected, ...], case: Path) -> None:
    """stderr reports exactly the expected problems, each on one line with its location first."""
    assert "Traceback" not in err
    lines = problem_lines(err)
    assert err.startswith(f"Fejl i input ({len(expected)}):\n"), err
    assert len(lines) == len(expected), err
    unmatched = list(lines)
    for location, *fragments in expected:
        location = location.replace("{case}", str(case))
        hits = [line for line in unmatched if line.startswith(location + ": ") and all(f in line for f in fragments)]
        assert hits, f"no line starts with {location!r} and contains {fragments!r}:\n{err}"
        unmatched.remove(hits[0])
    assert err.rstrip().endswith("Intet er skrevet.")


def test_corpus_is_large_and_unique():
    """The corpus keeps at least 25 distinct bad inputs."""
    ids = [b.id for b in CORPUS]
    assert len(ids) >= 25 and len(set(ids)) == len(ids)


@pytest.mark.parametrize("bad", PUBLISHED_IDS, ids=lambda b: b.id)
def test_a_hidden_id_is_never_echoed(bad: Bad, tmp_path, capsys):
    """The message about a hidden pseudonym shows it in no form: read as a reader would, it holds no id."""
    result = run_cli(capsys, "check", bad.build(tmp_path))
    assert result.code == 2
    assert not EXAMPLE_IDS.found_in(result.err + result.out)


def test_unmodified_copy_passes(tmp_path, capsys):
    """The factory's untouched copy is valid, so each failure below comes from its own change."""
    result = run_cli(capsys, "check", make_case(tmp_path))
    assert result.code == 0, result.err
    assert "Advarsler: ingen." in result.out


@pytest.mark.parametrize("bad", CORPUS, ids=lambda b: b.id)
def test_check_reports_bad_input(bad: Bad, tmp_path, capsys):
    """`reportgen check` exits 2 and names place, problem and fix for each bad input."""
    case = bad.build(tmp_path)
    result = run_cli(capsys, "check", case)
    assert result.code == 2, result.err + result.out
    assert result.out == ""  # no half summary before the error
    assert_reports(result.err, bad.expect, case)


@pytest.mark.parametrize("bad", CORPUS, ids=lambda b: b.id)
def test_figures_reports_bad_input(bad: Bad, tmp_path, capsys):
    """`reportgen figures` refuses the same inputs the same way and prints no JSON."""
    case = bad.build(tmp_path)
    result = run_cli(capsys, "figures", case)
    assert result.code == 2
    assert result.out == ""
    assert_reports(result.err, bad.expect, case)


# --- several problems in one file are reported together ---------------------------------------------------


def test_statistics_reports_all_cell_problems_at_once(tmp_path, capsys):
    """Every bad cell of a statistics file is reported in one run, in file order."""
    change = cells(
        cell(3, AENDRET, "x"),
        cell(8, KOMMUNE, "Hilerød"),
        cell(11, AAR, "2024K1"),
        cell(ROW_ALLEROED_2024, HJEMVIST, "-2"),
    )
    case = stat_with(change)(tmp_path)
    result = run_cli(capsys, "check", case)
    assert result.code == 2
    assert_reports(
        result.err,
        (
            ("statistik.csv, række 3, kolonne 'aendret_ophaevet'", "'x' er ikke et tal"),
            ("statistik.csv, række 5, kolonne 'hjemvist'", "'-2' er negativt"),
            ("statistik.csv, række 8, kolonne 'kommune'", "ukendt kommune 'Hilerød'", "Mente du 'Hillerød'?"),
            ("statistik.csv, række 11, kolonne 'aar'", "kvartal"),
        ),
        case,
    )
    rows = [int(re.search(r"række (\d+)", line).group(1)) for line in problem_lines(result.err)]
    assert rows == sorted(rows)


def test_several_bad_cells_in_one_row_are_all_reported(tmp_path, capsys):
    """Two bad counts in the same row give two problems, each with its own column."""
    case = stat_with(cells(cell(ROW_ALLEROED_2024, STADF, "2,5"), cell(ROW_ALLEROED_2024, AFVIST, "")))(tmp_path)
    result = run_cli(capsys, "check", case)
    assert result.code == 2
    assert_reports(
        result.err,
        (
            ("statistik.csv, række 5, kolonne 'stadfaestet'", "ikke et helt tal"),
            ("statistik.csv, række 5, kolonne 'afvist_henvist'", "feltet er tomt"),
        ),
        case,
    )


def test_sag_toml_reports_all_problems_at_once(tmp_path, capsys):
    """Unknown, mistyped, invalid and missing keys of sag.toml come in one message."""
    case = toml_with(
        aar="2024",
        status="kladde",
        sammenlinging=["Hillerød"],
        handleplan__indstilling=DELETE,
        sammenligning=["Hillerød", "Furesøe"],
    )(tmp_path)
    result = run_cli(capsys, "check", case)
    assert result.code == 2
    assert_reports(
        result.err,
        (
            ("sag.toml, nøgle 'sammenlinging'", "ukendt nøgle", "Mente du 'sammenligning'?"),
            ("sag.toml, nøgle 'aar'", "skal være heltal"),
            ("sag.toml, nøgle 'status'", "ugyldig værdi 'kladde'"),
            ("sag.toml, nøgle 'sammenligning[2]'", "ukendt kommune 'Furesøe'", "Mente du 'Furesø'?"),
            ("sag.toml, nøgle 'handleplan.indstilling'", "påkrævet nøgle mangler"),
        ),
        case,
    )


def test_forvaltning_reports_all_problems_at_once(tmp_path, capsys):
    """All bad rows of forvaltningsomraader.csv are reported together."""
    case = fv_with(cells(cell(2, 6, "måske"), cell(3, 0, ""), cell(4, 1, "2024K2")))(tmp_path)
    result = run_cli(capsys, "check", case)
    assert result.code == 2
    assert_reports(
        result.err,
        (
            ("forvaltningsomraader.csv, række 2, kolonne 'i_danmarkskort'", "'måske'"),
            (
                "forvaltningsomraader.csv, række 3, kolonne 'forvaltningsomraade'",
                "navnet på forvaltningsområdet mangler",
            ),
            ("forvaltningsomraader.csv, række 4, kolonne 'aar'", "kvartal"),
        ),
        case,
    )


def test_too_many_fields_in_several_rows(tmp_path, capsys):
    """Each row with too many fields is named."""
    case = stat_with(lambda rows: [rows[i].append("x") for i in (2, 9)])(tmp_path)
    result = run_cli(capsys, "check", case)
    assert result.code == 2
    assert_reports(
        result.err, (("statistik.csv, række 3", "10 felter"), ("statistik.csv, række 10", "10 felter")), case
    )


# --- the installed command, as a user runs it ----------------------------------------------------------------


def _reportgen() -> list[str]:
    script = Path(sys.executable).with_name("reportgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "reportgen.cli"]


@pytest.mark.parametrize("bad_id", ["stat-kommune-typo", "toml-syntax", "stat-utf16", "case-without-sag-toml"])
def test_installed_command_exits_2_without_traceback(bad_id, tmp_path):
    """The console script gives exit 2 and a plain Danish message, never a traceback."""
    bad = next(b for b in CORPUS if b.id == bad_id)
    case = bad.build(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_DEBUG"}
    proc = subprocess.run([*_reportgen(), "check", str(case)], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert_reports(proc.stderr, bad.expect, case)


def test_installed_command_on_missing_folder(tmp_path):
    """A folder that does not exist is an input error naming it."""
    missing = tmp_path / "findes-ikke"
    proc = subprocess.run([*_reportgen(), "check", str(missing)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert_reports(proc.stderr, ((str(missing), "mappen har ingen sag.toml"),), missing)


@pytest.mark.parametrize("bad", CORPUS, ids=lambda b: b.id)
def test_build_reports_bad_input_and_writes_nothing(bad: Bad, tmp_path, capsys):
    """`reportgen build` refuses exactly what `check` refuses, the same way, and writes no version."""
    case = bad.build(tmp_path)
    out = tmp_path / "ud"
    result = run_cli(capsys, "build", case, "--out", out)
    assert result.code == 2, result.err + result.out
    assert_reports(result.err, bad.expect, case)
    assert not out.exists()


@pytest.mark.parametrize("bad", ACCEPTED, ids=lambda b: b.id)
def test_former_crashes_that_are_good_input(bad: Bad, tmp_path, capsys):
    """Inputs that crashed the tool and are valid: `check` and `figures` succeed."""
    case = bad.build(tmp_path)
    assert run_cli(capsys, "check", case).code == 0
    assert run_cli(capsys, "figures", case).code == 0


def test_printed_problems_are_capped_and_counted(tmp_path, capsys):
    """Thousands of duplicate rows print the first 50 problems and the number of the rest, not every line."""
    case = stat_with(lambda rows: rows.extend([list(rows[ROW_ALLEROED_2024 - 1])] * 3000))(tmp_path)
    result = run_cli(capsys, "check", case)
    assert result.code == 2
    lines = problem_lines(result.err)
    assert result.err.startswith("Fejl i input (3000):\n")
    assert len(lines) == 51 and lines[-1].startswith("… og 2.950 fejl mere")
    assert all(line.startswith("statistik.csv, række ") for line in lines[:50])


def test_symlinked_file_inside_the_case_folder_is_accepted(tmp_path, capsys):
    """A link that stays inside the case folder is followed: only files outside it are refused."""
    case = make_case(tmp_path, statistik=None, files={"data/statistik-2024.csv": to_csv(statistik_rows())})
    os.symlink("data/statistik-2024.csv", case / "statistik.csv")
    assert run_cli(capsys, "check", case).code == 0
