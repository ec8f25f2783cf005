"""All validated inputs of one case: sag.toml, the statistics and the optional data files."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reportgen.domain.errors import InputError
from reportgen.domain.privacy import Ids
from reportgen.inputs.case import Case, load_case
from reportgen.inputs.files import read_file
from reportgen.inputs.forvaltning import Forvaltning, load_forvaltning
from reportgen.inputs.klagesager import Klagesager, load_klagesager, pseudonyms
from reportgen.inputs.limits import MAX_TOML_BYTES
from reportgen.inputs.statistics import Statistics, load_statistics, require_year, with_national
from reportgen.inputs.style import DEFAULT_LOOK, Look, load_style


@dataclass(frozen=True)
class Inputs:
    """A case and its data, each validated."""

    case: Case
    statistik: Statistics
    forvaltning: Forvaltning | None
    klagesager: Klagesager | None = None
    landsudtraek: Statistics | None = None  # the national extract completed by `statistik` (sag.toml landsudtraek)
    look: Look = DEFAULT_LOOK  # the style folder's (stil), else reportgen's own

    @property
    def landstal(self) -> Statistics:
        """The statistics the maps and the rank are drawn from: the national extract, else the statistics file."""
        return self.landsudtraek or self.statistik

    def files(self) -> dict[str, Path]:
        """The input files by their name in the case folder (for the manifest); the style folder's files as
        "stil/<name>" wherever the folder lies."""
        paths = [
            self.case.folder / "sag.toml",
            self.case.statistik,
            self.case.forvaltningsomraader,
            self.case.klagesager,
            self.case.landsudtraek,
        ]
        paths += sorted((self.case.folder / "tekster").glob("*.md"))
        named = {
            p.relative_to(self.case.folder).as_posix() if p.is_relative_to(self.case.folder) else p.name: p
            for p in paths
            if p is not None
        }
        named.update(self.look.named_files())
        return named


def _display(case: Case, path: Path) -> str:
    """A data file's name as the user wrote it in sag.toml (relative to the case folder)."""
    return path.relative_to(case.folder).as_posix() if path.is_relative_to(case.folder) else path.name


def load_inputs(
    folder: Path,
    sag_toml: str | None = None,
    tekster: Mapping[str, str | None] | None = None,
    stil: Path | None = None,
) -> Inputs:
    """Read and validate every input of a case folder; raises InputError on the first bad file.

    The records' pseudonyms are read first: no problem reported from any file shows one, and a text that
    would be published is refused when it holds one. `sag_toml` and `tekster` are a proposed change, validated
    as if written (see load_case); `stil` is a style folder that replaces the one sag.toml names
    (`reportgen build --stil`).
    """
    ids = case_pseudonyms(Path(folder), sag_toml)
    try:
        return _load(Path(folder), ids, sag_toml, tekster, Path(stil) if stil is not None else None)
    except InputError as exc:
        raise InputError([ids.mask_problem(p) for p in exc.problems]) from None


def _load(
    folder: Path,
    ids: Ids,
    sag_toml: str | None = None,
    tekster: Mapping[str, str | None] | None = None,
    stil: Path | None = None,
) -> Inputs:
    """Every input of a case folder, validated file by file, and the style folder."""
    case = load_case(folder, ids, sag_toml, tekster)
    root = case.folder
    statistik = load_statistics(case.statistik, _display(case, case.statistik), root, ids)
    require_year(statistik, case.kommune, case.aar)
    forvaltning = None
    if case.forvaltningsomraader:
        forvaltning = load_forvaltning(case.forvaltningsomraader, _display(case, case.forvaltningsomraader), root, ids)
    klagesager = load_klagesager(case.klagesager, _display(case, case.klagesager), root) if case.klagesager else None
    landsudtraek = None
    if case.landsudtraek:
        extract = load_statistics(case.landsudtraek, _display(case, case.landsudtraek), root, ids)
        landsudtraek = with_national(statistik, extract, case.aar)
    style = stil or case.stil
    look = DEFAULT_LOOK if style is None else load_style(style, case.kommune, _style_display(case, style, stil))
    return Inputs(case, statistik, forvaltning, klagesager, landsudtraek, look)


def _style_display(case: Case, folder: Path, given: Path | None) -> str:
    """The style folder as the user wrote it: on the command line, or in sag.toml (relative to the case folder)."""
    if given is not None:
        return given.as_posix()
    return Path(os.path.relpath(folder, case.folder)).as_posix()


def case_pseudonyms(folder: Path, sag_toml: str | None = None) -> Ids:
    """The pseudonyms of the records file sag.toml (or a proposed sag.toml) names, read before anything is
    validated (none without one)."""
    try:
        if sag_toml is None:
            sag_toml = read_file(folder / "sag.toml", "sag.toml", MAX_TOML_BYTES, folder).decode("utf-8-sig")
        data = tomllib.loads(sag_toml)
    except (InputError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return Ids()
    name = data.get("klagesager")
    if not isinstance(name, str) or "\0" in name:
        return Ids()
    return pseudonyms(folder / name, folder)
