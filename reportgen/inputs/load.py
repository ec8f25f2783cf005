"""All validated inputs of one case: sag.toml, the statistics, the optional data files and the action plans."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportgen.domain.errors import InputError, Problem
from reportgen.domain.privacy import Ids
from reportgen.inputs.case import Case, load_case, parse_toml
from reportgen.inputs.files import read_file
from reportgen.inputs.forvaltning import Forvaltning, load_forvaltning
from reportgen.inputs.klagesager import Klagesager, load_klagesager, pseudonyms
from reportgen.inputs.limits import MAX_FORRIGE_CHAIN, MAX_TOML_BYTES
from reportgen.inputs.plan import Plan, load_plan
from reportgen.inputs.statistics import Statistics, load_statistics, require_year, with_national
from reportgen.inputs.style import DEFAULT_LOOK, Look, load_style


@dataclass(frozen=True)
class Previous:
    """Last year's plan, and last year's whole case when `forrige` points at its folder rather than its plan file."""

    label: str  # `forrige` relative to the case folder, as messages and the manifest name it
    plan: Plan
    inputs: Inputs | None = None

    @property
    def aar(self) -> int:
        """The danmarkskort year the previous plan was made on."""
        return self.plan.aar


@dataclass(frozen=True)
class Inputs:
    """A case and its data, each validated."""

    case: Case
    statistik: Statistics
    forvaltning: Forvaltning | None
    klagesager: Klagesager | None = None
    landsudtraek: Statistics | None = None  # the national extract completed by `statistik` (sag.toml landsudtraek)
    look: Look = DEFAULT_LOOK  # the style folder's (stil), else reportgen's own
    plan: Plan | None = None
    forrige: Previous | None = None
    # the records' pseudonyms, this year's and last year's case's: no produced document may show one
    pseudonyms: Ids = field(default_factory=Ids, compare=False, repr=False)

    @property
    def landstal(self) -> Statistics:
        """The statistics the maps and the rank are drawn from: the national extract, else the statistics file."""
        return self.landsudtraek or self.statistik

    def files(self) -> dict[str, Path]:
        """The input files by their name in the case folder (for the manifest); the style folder's files as
        "stil/<name>" wherever the folder lies; last year's under its path from the case folder."""
        paths = [
            self.case.folder / "sag.toml",
            self.case.statistik,
            self.case.forvaltningsomraader,
            self.case.klagesager,
            self.case.landsudtraek,
            self.case.handleplan.fil,
        ]
        paths += sorted((self.case.folder / "tekster").glob("*.md"))
        named = {_display(self.case, p): p for p in paths if p is not None}
        named.update(self.look.named_files())
        if self.forrige is not None:
            label = self.forrige.label
            if self.forrige.inputs is None:
                named[label] = self.forrige.plan.path
            else:
                named.update((f"{label}/{name}", p) for name, p in self.forrige.inputs.files().items())
        return named


def _display(case: Case, path: Path) -> str:
    """A data file's name as the user wrote it in sag.toml (relative to the case folder)."""
    return path.relative_to(case.folder).as_posix() if path.is_relative_to(case.folder) else path.name


def load_inputs(
    folder: Path,
    sag_toml: str | None = None,
    tekster: Mapping[str, str | None] | None = None,
    stil: Path | None = None,
    _later: tuple[Path, ...] = (),
) -> Inputs:
    """Read and validate every input of a case folder, and last year's plan (and case) when it points at one;
    raises InputError on the first bad file. `_later` holds the cases that point back at this one.

    The records' pseudonyms are read first: no problem reported from any file shows one, and a text that
    would be published is refused when it holds one. `sag_toml` and `tekster` are a proposed change, validated
    as if written (see load_case); `stil` is a style folder that replaces the one sag.toml names
    (`reportgen build --stil`).
    """
    ids = case_pseudonyms(Path(folder), sag_toml)
    try:
        return _load(Path(folder), ids, sag_toml, tekster, Path(stil) if stil is not None else None, _later)
    except InputError as exc:
        raise InputError([ids.mask_problem(p) for p in exc.problems]) from None


def _load(
    folder: Path,
    ids: Ids,
    sag_toml: str | None = None,
    tekster: Mapping[str, str | None] | None = None,
    stil: Path | None = None,
    later: tuple[Path, ...] = (),
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
    plan = None
    if case.handleplan.fil:
        tabel2 = tuple(dict.fromkeys(r.navn for r in forvaltning.records)) if forvaltning else ()
        plan = load_plan(case.handleplan.fil, _display(case, case.handleplan.fil), case.aar, tabel2, root, ids)
    forrige = _previous(case, (*later, case.folder), ids) if case.handleplan.forrige else None
    if forrige is not None and forrige.inputs is not None:
        ids = ids | forrige.inputs.pseudonyms
    return Inputs(case, statistik, forvaltning, klagesager, landsudtraek, look, plan, forrige, ids)


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
        data = parse_toml(sag_toml, "sag.toml")
    except (InputError, UnicodeDecodeError):
        return Ids()
    name = data.get("klagesager")
    if not isinstance(name, str) or "\0" in name:
        return Ids()
    return pseudonyms(folder / name, folder)


def _previous(case: Case, chain: tuple[Path, ...], ids: Ids) -> Previous:
    """Last year's plan: from its case folder (loaded and validated whole, with its own pseudonyms) or straight
    from its plan file (which may lie outside this case's folder: it is not published as it is)."""
    path = case.handleplan.forrige
    assert path is not None
    label = Path(os.path.relpath(path, case.folder)).as_posix()
    where = "handleplan.forrige"
    if path.is_file():
        return Previous(label, load_plan(path, label, case.aar - 1, None, None, ids))
    if len(chain) > MAX_FORRIGE_CHAIN:
        raise InputError(
            [
                Problem(
                    "sag.toml",
                    f"'{label}' fører til en kæde af mere end {MAX_FORRIGE_CHAIN} sager, der hver bygger på den "
                    "forrige (forrige i forrige …); højst så mange læses.",
                    column=where,
                    hint="Lad en ældre sag i kæden pege på sin forriges handleplan-fil i stedet for dens mappe.",
                )
            ]
        )
    if path in chain:
        raise InputError(
            [
                Problem(
                    "sag.toml",
                    f"'{label}' peger tilbage på en sag, der selv bygger på denne sag.",
                    column=where,
                    hint="forrige skal pege på sidste års sagsmappe eller handleplan-fil.",
                )
            ]
        )
    try:
        old = load_inputs(path, _later=chain)
    except InputError as exc:
        raise InputError([_under(label, p) for p in exc.problems]) from None
    problems = []
    if old.case.aar >= case.aar:
        problems.append(
            Problem(
                "sag.toml",
                f"sagen i '{label}' gælder danmarkskortet {old.case.aar}, ikke et tidligere år end {case.aar}.",
                column=where,
                hint="Peg på sagsmappen fra et tidligere år, fx sidste års.",
            )
        )
    if old.plan is None:
        problems.append(
            Problem(
                "sag.toml",
                f"sagen i '{label}' har ingen handleplan-fil (handleplan.fil i dens sag.toml).",
                column=where,
                hint="Peg direkte på sidste års handleplan-fil, eller tilføj fil under [handleplan] i den sag.",
            )
        )
    if problems:
        raise InputError(problems)
    assert old.plan is not None
    return Previous(label, replace(old.plan, file=f"{label}/{old.plan.file}"), old)


def _under(label: str, problem: Problem) -> Problem:
    """A problem in last year's case, named by its path from this case."""
    if Path(problem.file).is_absolute():
        return problem
    return replace(problem, file=f"{label}/{problem.file}")
