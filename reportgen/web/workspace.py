"""The workspace a server serves: its case folders, what each may read, its output folder and versions."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportgen.domain.errors import InputError, Problem
from reportgen.domain.kommuner import slug
from reportgen.inputs import Inputs, load_inputs
from reportgen.inputs.case import Case, Handleplan, load_case, parse_toml, schema
from reportgen.inputs.files import read_file
from reportgen.inputs.limits import MAX_TOML_BYTES
from reportgen.inputs.style import LOGO_PNG, REFERENCE, STYLE_TOML
from reportgen.lifecycle.versions import MANIFEST, history_owner, owned_by, versions

SAG_TOML = "sag.toml"
PLAN_TOML = "handleplan.toml"  # the action plan the browser's editor writes
TEKSTER = "tekster"
OUTPUT = "output"  # <workspace>/output/, where `reportgen build SAG` run in the workspace writes too
PATH_KINDS = ("file", "folder", "path")  # the kinds of sag.toml key (inputs.case.key) that name a file or folder
STYLE_KEY = "stil"  # the sag.toml key naming the style folder: any folder of the workspace, shared by its cases
PREVIOUS_KEY = "handleplan.forrige"  # last year's case folder or plan file: any of the workspace
STYLE_FILES = (STYLE_TOML, REFERENCE, LOGO_PNG)  # a folder holding one of these (and no sag.toml) is a style folder


class Outside(Exception):
    """A path the server was about to read, serve or write leads outside the workspace (through a link)."""

    def __init__(self, shown: str) -> None:
        super().__init__(shown)
        self.shown = shown  # the path as the workspace names it, never where the link leads


@dataclass(frozen=True)
class CaseRef:
    """A case folder of the workspace: its name (used in addresses) and its resolved path."""

    name: str
    folder: Path


@dataclass(frozen=True)
class Version:
    """A built version of a case: its number, folder, when it was made and its files."""

    number: int
    folder: Path
    made: datetime
    files: tuple[str, ...]


class Workspace:
    """The folder `reportgen serve` serves: every subfolder with a sag.toml is a case."""

    def __init__(self, root: Path, out: Path | None = None) -> None:
        self.root = Path(root).resolve()
        # root/output is not resolved: a link put there (then or later) leads outside it, and within() refuses it
        self.out = Path(out).resolve() if out else self.root / OUTPUT
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def cases(self) -> list[CaseRef]:
        """The case folders, by name; a folder or link that leads outside the workspace is not one."""
        found = []
        for child in sorted(self.root.iterdir(), key=lambda p: p.name.casefold()):
            if child.name.startswith(".") or not child.is_dir():
                continue
            folder = child.resolve()
            if folder.parent != self.root or folder == self.out:
                continue
            if (folder / SAG_TOML).is_file():
                found.append(CaseRef(child.name, folder))
        return found

    def style_folders(self) -> list[str]:
        """The names of the workspace's style folders (a folder with stil.toml, reference.docx or logo.png and no
        sag.toml), which its cases may choose from."""
        found = []
        for child in sorted(self.root.iterdir(), key=lambda p: p.name.casefold()):
            if child.name.startswith(".") or not child.is_dir() or (child / SAG_TOML).exists():
                continue
            folder = child.resolve()
            if folder.parent == self.root and folder != self.out and any((folder / n).is_file() for n in STYLE_FILES):
                found.append(child.name)
        return found

    def reserved(self) -> set[str]:
        """The names the workspace uses for itself, case-folded (a case folder of that name would vanish into it):
        its output folder, where the builds write."""
        names = {OUTPUT}
        if self.out.is_relative_to(self.root) and self.out != self.root:
            names.add(self.out.relative_to(self.root).parts[0])
        return {name.casefold() for name in names}

    def new_folder_problem(self, name: str) -> str | None:
        """Why a new case folder cannot have that name (one the workspace uses, or one taken, in any case of
        letters: Windows and macOS drives do not tell them apart), or None."""
        if name.casefold() in self.reserved():
            return f"Navnet '{name}' bruger arbejdsmappen selv til de byggede versioner. Vælg et andet navn."
        taken = next((c.name for c in self.root.iterdir() if c.name.casefold() == name.casefold()), None)
        if taken is not None:
            return f"Arbejdsmappen har allerede en mappe, der hedder '{taken}'. Vælg et andet navn."
        return None

    def case(self, name: str) -> CaseRef | None:
        """The case of that name, or None: only names listed by cases() are ever opened."""
        return next((c for c in self.cases() if c.name == name), None)

    def lock(self, ref: CaseRef) -> threading.Lock:
        """The lock held while a case's files are checked and written, so two saves never interleave."""
        with self._guard:
            return self._locks.setdefault(ref.name, threading.Lock())

    def state(self, ref: CaseRef) -> str:
        """A hash of what the browser edits (sag.toml, the plan and the texts): a form carries it, and a save whose form
        was made from another state is refused instead of overwriting a save made meanwhile. Only regular files
        inside the case folder are read (a link out, a FIFO or a device counts by its name alone)."""
        digest = hashlib.sha256()
        texts = ref.folder / TEKSTER
        listed = sorted(texts.glob("*.md")) if self.inside(texts, ref.folder) else []
        for path in [ref.folder / SAG_TOML, ref.folder / PLAN_TOML, *listed]:
            digest.update(path.name.encode() + b"\0")
            try:
                digest.update(hashlib.sha256(read_file(path, path.name, MAX_TOML_BYTES, ref.folder)).digest())
            except InputError:
                digest.update(b"-")
        return digest.hexdigest()[:32]

    def confine(self, ref: CaseRef, sag_toml: str | None = None) -> None:
        """Refuse a case that would make the app read a file outside the workspace (a file or folder sag.toml names,
        given as an absolute path, with '..' or through a link, also in last year's case that `forrige` leads to)
        or a text that is not a regular file in the case folder."""
        problems: list[Problem] = []
        folder: Path | None = ref.folder
        prefix, seen = "", set()
        while folder is not None and folder not in seen:  # the chain of `forrige`, each case once
            seen.add(folder)
            found, previous = self._confined(folder, sag_toml if folder == ref.folder else None, prefix)
            problems += found
            folder, prefix = previous if previous else (None, "")
        if problems:
            raise InputError(problems)

    def _confined(
        self, folder: Path, sag_toml: str | None, prefix: str
    ) -> tuple[list[Problem], tuple[Path, str] | None]:
        """The problems of one case folder (named from the first case with prefix), and the previous case folder
        `forrige` leads to inside the workspace, with its prefix."""
        problems = []
        toml_path = folder / SAG_TOML
        if toml_path.is_symlink() or not self.inside(toml_path, folder):
            problems.append(
                Problem(
                    prefix + SAG_TOML, "er en genvej til en fil uden for sagsmappen.", hint="Læg filen selv i mappen."
                )
            )
            return problems, None
        try:
            text = sag_toml if sag_toml is not None else read_file(toml_path, SAG_TOML, MAX_TOML_BYTES, folder)
            data = parse_toml(text.decode("utf-8-sig") if isinstance(text, bytes) else text, SAG_TOML)
        except (InputError, UnicodeDecodeError):
            data = {}  # load_case reports what is wrong with the file
        previous = None
        for key, value in named_paths(data):
            if not isinstance(value, str):
                continue
            if not self.inside(folder / value, self.root):
                problems.append(_outside(prefix + SAG_TOML, key, value))
            elif key == PREVIOUS_KEY and (folder / value).is_dir():
                previous = ((folder / value).resolve(), f"{prefix}{value}/")
        texts = folder / TEKSTER
        if texts.exists() and not self.inside(texts, folder):
            problems.append(
                Problem(
                    prefix + TEKSTER,
                    "mappen er en genvej uden for sagsmappen.",
                    hint="Gør den til en almindelig mappe.",
                )
            )
        elif texts.is_dir():
            for path in sorted(texts.glob("*.md")):
                if path.is_symlink() or not path.is_file():
                    problems.append(
                        Problem(
                            f"{prefix}{TEKSTER}/{path.name}",
                            "er ikke en almindelig fil i sagsmappen.",
                            hint="Erstat genvejen med selve teksten.",
                        )
                    )
        return problems, previous

    def within(self, path: Path, area: Path | None = None) -> Path:
        """The one door for every path the server reads, serves or writes: the path with its links followed, when
        it lies inside area (default the workspace; the output folder for versions and comparisons); Outside,
        naming the path as the workspace does, when it does not."""
        if not self.inside(path, area or self.root):
            raise Outside(self.shown(path))
        return path.resolve()

    def shown(self, path: Path) -> str:
        """A path as the workspace names it: relative to the workspace, where the link is, not where it leads."""
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else str(path)

    @staticmethod
    def inside(path: Path, folder: Path) -> bool:
        """True when a path, after following links, lies inside the folder."""
        try:
            return path.resolve().is_relative_to(folder)
        except (OSError, RuntimeError, ValueError):  # a link loop, a NUL in the name
            return False

    def inputs(
        self, ref: CaseRef, sag_toml: str | None = None, tekster: Mapping[str, str | None] | None = None
    ) -> Inputs:
        """The case's validated inputs, optionally with a proposed change (see load_inputs)."""
        self.confine(ref, sag_toml)
        return load_inputs(ref.folder, sag_toml, tekster)

    def kommune_aar(self, ref: CaseRef) -> tuple[str, int] | None:
        """The case's municipality and year from sag.toml alone, or None when they cannot be read."""
        try:
            self.confine(ref)
            case = load_case(ref.folder)
        except InputError:
            return None
        return case.kommune, case.aar

    def output_base(self, kommune: str, aar: int) -> Path:
        """<output>/<kommune-slug>/<aar>/: the case's version folders and comparisons."""
        return self.out / slug(kommune) / str(aar)

    def case_for(self, kommune: str, aar: int) -> CaseRef | None:
        """The workspace's case for a municipality and year, if it has one (one case, one version history)."""
        return next((ref for ref in self.cases() if self.kommune_aar(ref) == (kommune, aar)), None)

    def other_owner(self, ref: CaseRef, kommune: str, aar: int) -> Path | None:
        """The case folder that made the version history of the case's municipality and year, when it is another
        case folder than this one (its versions are not this case's); None when the history is the case's own."""
        base = self.output_base(kommune, aar)
        return None if owned_by(base, ref.folder) else history_owner(base)

    def versions(self, ref: CaseRef, kommune: str, aar: int) -> list[Version]:
        """The case's built versions, oldest first; none when another case folder made the history; Outside when its
        folder leads outside the output folder."""
        base = self.within(self.output_base(kommune, aar), self.out)
        if not owned_by(base, ref.folder):
            return []
        found = []
        for number in versions(base):
            folder = base / f"v{number}"
            if folder.is_symlink():
                continue
            stamp = folder / MANIFEST
            made = datetime.fromtimestamp((stamp if stamp.is_file() else folder).stat().st_mtime)
            files = tuple(sorted(p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink()))
            found.append(Version(number, folder, made, files))
        return found


def named_paths(data: Mapping[str, object]) -> list[tuple[str, object]]:
    """Every value of a sag.toml that names a file or folder, by key: those Case and Handleplan declare as a file,
    folder or path (inputs/case.py), and each appendix's file."""
    named = [(key, data.get(key)) for key, (kind, _, _) in schema(Case).items() if kind in PATH_KINDS]
    plan = data.get("handleplan")
    if isinstance(plan, Mapping):
        named += [
            (f"handleplan.{key}", plan.get(key))
            for key, (kind, _, _) in schema(Handleplan).items()
            if kind in PATH_KINDS
        ]
    bilag = data.get("bilag")
    if isinstance(bilag, list):
        named += [(f"bilag[{i}].fil", b.get("fil")) for i, b in enumerate(bilag, 1) if isinstance(b, Mapping)]
    return named


def _outside(file: str, key: str, value: str) -> Problem:
    """The problem of a sag.toml key naming a file or folder outside the workspace."""
    message = f"'{value}' ligger uden for arbejdsmappen, som browseren ikke må læse uden for."
    if key == STYLE_KEY:
        return Problem(
            file,
            f"mappen {message}",
            column=key,
            hint='Læg stilmappen i arbejdsmappen ved siden af sagerne, og skriv stil = "../<navn>".',
        )
    if key == PREVIOUS_KEY:
        return Problem(
            file,
            message,
            column=key,
            hint='Læg sidste års sagsmappe i arbejdsmappen ved siden af denne, og skriv forrige = "../<navn>".',
        )
    return Problem(file, f"filen {message}", column=key, hint="Læg filen i sagsmappen, og skriv dens navn uden mappe.")
