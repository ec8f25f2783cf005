"""The workspace a server serves: its case folders, what each may read, its output folder and versions."""

from __future__ import annotations

import hashlib
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportgen.domain.errors import InputError, Problem
from reportgen.domain.kommuner import slug
from reportgen.inputs import Inputs, load_inputs
from reportgen.inputs.case import load_case
from reportgen.inputs.style import LOGO_PNG, REFERENCE, STYLE_TOML
from reportgen.lifecycle.versions import MANIFEST, history_owner, owned_by, versions

SAG_TOML = "sag.toml"
PLAN_TOML = "handleplan.toml"  # the action plan the browser's editor writes
TEKSTER = "tekster"
OUTPUT = "output"  # <workspace>/output/, where `reportgen build SAG` run in the workspace writes too
DATA_KEYS = ("statistik", "forvaltningsomraader", "klagesager", "landsudtraek")  # sag.toml keys naming files
STYLE_KEY = "stil"  # the sag.toml key naming the style folder: any folder of the workspace, shared by its cases
STYLE_FILES = (STYLE_TOML, REFERENCE, LOGO_PNG)  # a folder holding one of these (and no sag.toml) is a style folder


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
        self.out = (Path(out) if out else self.root / OUTPUT).resolve()
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

    def case(self, name: str) -> CaseRef | None:
        """The case of that name, or None: only names listed by cases() are ever opened."""
        return next((c for c in self.cases() if c.name == name), None)

    def lock(self, ref: CaseRef) -> threading.Lock:
        """The lock held while a case's files are checked and written, so two saves never interleave."""
        with self._guard:
            return self._locks.setdefault(ref.name, threading.Lock())

    def state(self, ref: CaseRef) -> str:
        """A hash of what the browser edits (sag.toml, the plan and the texts): a form carries it, and a save whose form
        was made from another state is refused instead of overwriting a save made meanwhile."""
        digest = hashlib.sha256()
        for path in [ref.folder / SAG_TOML, ref.folder / PLAN_TOML, *sorted((ref.folder / TEKSTER).glob("*.md"))]:
            digest.update(path.name.encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-")
        return digest.hexdigest()[:32]

    def confine(self, ref: CaseRef, sag_toml: str | None = None) -> None:
        """Refuse a case that would make the app read a file outside the workspace (a data file or the style
        folder given as an absolute path or with '..', or a link) or a text that is not a regular file in the
        case folder."""
        problems = []
        toml_path = ref.folder / SAG_TOML
        if toml_path.is_symlink() or not toml_path.resolve().is_relative_to(ref.folder):
            problems.append(
                Problem(SAG_TOML, "er en genvej til en fil uden for sagsmappen.", hint="Læg filen selv i mappen.")
            )
        try:
            data = tomllib.loads(sag_toml if sag_toml is not None else toml_path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError, RecursionError):
            data = {}  # load_case reports what is wrong with the file
        named = [(key, data.get(key)) for key in DATA_KEYS]
        named += [
            (f"bilag[{i}].fil", b.get("fil")) for i, b in enumerate(data.get("bilag") or [], 1) if isinstance(b, dict)
        ]
        named.append((STYLE_KEY, data.get(STYLE_KEY)))
        plan = data.get("handleplan") if isinstance(data.get("handleplan"), dict) else None
        named += [(f"handleplan.{key}", plan.get(key)) for key in ("fil", "forrige") if plan is not None]
        for key, value in named:
            if isinstance(value, str) and not self.inside(ref.folder / value, self.root):
                style = key == STYLE_KEY
                problems.append(
                    Problem(
                        SAG_TOML,
                        f"{'mappen' if style else 'filen'} '{value}' ligger uden for arbejdsmappen, som browseren "
                        "ikke må læse uden for.",
                        column=key,
                        hint='Læg stilmappen i arbejdsmappen ved siden af sagerne, og skriv stil = "../<navn>".'
                        if style
                        else "Vælg sidste års sag blandt sagerne i arbejdsmappen."
                        if key == "handleplan.forrige"
                        else "Læg filen i sagsmappen, og skriv dens navn uden mappe.",
                    )
                )
        texts = ref.folder / TEKSTER
        if texts.exists() and not self.inside(texts, ref.folder):
            problems.append(
                Problem(TEKSTER, "mappen er en genvej uden for sagsmappen.", hint="Gør den til en almindelig mappe.")
            )
        elif texts.is_dir():
            for path in sorted(texts.glob("*.md")):
                if path.is_symlink() or not path.is_file():
                    problems.append(
                        Problem(
                            f"{TEKSTER}/{path.name}",
                            "er ikke en almindelig fil i sagsmappen.",
                            hint="Erstat genvejen med selve teksten.",
                        )
                    )
        if problems:
            raise InputError(problems)

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
        """The case's built versions, oldest first; none when another case folder made the history."""
        base = self.output_base(kommune, aar)
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
