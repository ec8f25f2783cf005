"""`reportgen diff`: two versions compared word by word, as HTML redline, Word tracked changes and a summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportgen.domain.errors import InputError, Problem
from reportgen.lifecycle.diff.figures import FigureChange, changed_values
from reportgen.lifecycle.diff.redline import render_html
from reportgen.lifecycle.diff.sections import DocumentDiff, SectionDiff, compare_document
from reportgen.lifecycle.diff.sides import Side, load_side, revision_moment
from reportgen.lifecycle.diff.tracked import tracked_changes
from reportgen.lifecycle.failures import failure
from reportgen.lifecycle.versions import inside_version, write_atomic

DOCUMENT_ORDER = ("sagsfremstilling", "bilag-1", "bilag-2")
COMPARISONS = "sammenligninger"  # beside the version folders: <år>/sammenligninger/v1-v3/
REDLINE = "redline.html"
TRACKED_SUFFIX = "-aendringer.docx"
TERMINAL_FIGURES = 25


@dataclass(frozen=True)
class PacketDiff:
    """Everything that differs between two versions."""

    old: Side
    new: Side
    documents: tuple[DocumentDiff, ...]
    figures: tuple[FigureChange, ...] = ()
    case: tuple[FigureChange, ...] = ()
    warnings_added: tuple[str, ...] = ()
    warnings_removed: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        """True when no text, figure, case detail or warning differs."""
        return not (
            any(d.changed for d in self.documents)
            or self.figures
            or self.case
            or self.warnings_added
            or self.warnings_removed
        )


def compare(old_path: Path, new_path: Path) -> PacketDiff:
    """Compare two version folders, or two DOCX files."""
    old, new = load_side(old_path), load_side(new_path)
    if old.is_folder != new.is_folder:
        raise InputError(
            [
                Problem(
                    str(old_path if not old.is_folder else new_path),
                    "kan ikke sammenlignes med en versionsmappe.",
                    hint="Angiv enten to versionsmapper eller to DOCX-filer.",
                )
            ]
        )
    if not old.is_folder:
        old = Side(old.path, old.label, {new.path.stem: old.path})
    names = sorted(
        set(old.documents) | set(new.documents),
        key=lambda n: (DOCUMENT_ORDER.index(n) if n in DOCUMENT_ORDER else len(DOCUMENT_ORDER), n),
    )
    documents = tuple(compare_document(n, old.documents.get(n), new.documents.get(n)) for n in names)
    old_fig, new_fig = old.figures or {}, new.figures or {}
    old_warn, new_warn = old_fig.get("advarsler") or [], new_fig.get("advarsler") or []
    return PacketDiff(
        old,
        new,
        documents,
        figures=changed_values(_without(old_fig, "advarsler"), _without(new_fig, "advarsler")),
        case=changed_values((old.manifest or {}).get("sag", {}), (new.manifest or {}).get("sag", {})),
        warnings_added=tuple(w for w in new_warn if w not in old_warn),
        warnings_removed=tuple(w for w in old_warn if w not in new_warn),
    )


def _without(data: dict, key: str) -> dict:
    return {k: v for k, v in data.items() if k != key}


def run(old: Path, new: Path, out: Path | None = None) -> tuple[PacketDiff, list[Path]]:
    """Compare two versions and, when they differ, write the HTML redline and the tracked-changes DOCX files.

    They go into a folder of their own: `out`, or `<år>/sammenligninger/<gammel>-<ny>/` beside the version
    folders; never into a version folder (versions are immutable: that is an input error).
    """
    result = compare(old, new)
    if result.unchanged:
        return result, []
    folder = Path(out) if out is not None else default_folder(result.old, result.new)
    _check_folder(folder, out is not None)
    moment = revision_moment(result.new)
    files = {folder / REDLINE: render_html(result)}
    for doc in result.documents:
        new_docx = result.new.documents.get(doc.name)
        if new_docx:
            files[folder / f"{new_docx.stem}{TRACKED_SUFFIX}"] = tracked_changes(
                result.old.documents.get(doc.name), new_docx, moment
            )
    try:
        for path, content in files.items():  # everything is made before anything is written
            write_atomic(path, content)
    except OSError as exc:
        failed = failure(exc, folder, "Sammenligningen blev ikke skrevet")
        if failed is None:
            raise
        raise failed from exc
    return result, list(files)


def default_folder(old: Side, new: Side) -> Path:
    """<år>/sammenligninger/<old>-<new>/ beside the version folders (for DOCX files: beside the new file)."""
    return _home(new.path) / COMPARISONS / f"{_name(old)}-{_name(new)}"


def _home(path: Path) -> Path:
    """The folder comparisons go in: a version folder's parent (the case's <år> folder), else the file's folder."""
    folder = path if path.is_dir() else path.parent
    version = inside_version(folder)
    return version.parent if version else folder


def _name(side: Side) -> str:
    """A side's name in the comparison folder's name: v3, or the DOCX's version and name, or the DOCX's name."""
    if side.is_folder:
        return side.label
    version = inside_version(side.path.parent)
    return f"{version.name}-{side.path.stem}" if version else side.path.stem


def _check_folder(folder: Path, given: bool) -> None:
    """Refuse a folder inside a version folder, or a path that is a file."""
    version = inside_version(folder)
    option = "--out" if given else str(folder)
    if version is not None:
        raise InputError(
            [
                Problem(
                    option,
                    f"mappen ligger i versionsmappen {version}; en version ændres aldrig.",
                    hint="Angiv en mappe uden for versionsmapperne, eller udelad --out "
                    f"(så skrives til {COMPARISONS}/ ved siden af versionerne).",
                )
            ]
        )
    if folder.exists() and not folder.is_dir():
        raise InputError(
            [Problem(option, f"{folder} er en fil, ikke en mappe.", hint="Angiv en mappe til sammenligningen.")]
        )


def summary_lines(result: PacketDiff, files: list[Path]) -> list[str]:
    """The terminal summary in Danish: changed sections per document, words, figures, the files written."""
    head = f"{result.old.label} → {result.new.label}"
    if result.unchanged:
        return [f"{head}: ingen ændringer."]
    lines = [f"{head}:"]
    for doc in result.documents:
        lines.append(_document_line(doc))
        for s in doc.changed:
            lines.append(f"  - {s.title or '(uden overskrift)'}: {_section_status(s)}")
    lines.append(_figures_line(result))
    lines += [f"  - {c.path}: {c.old} → {c.new}" for c in result.figures[:TERMINAL_FIGURES]]
    if len(result.figures) > TERMINAL_FIGURES:
        lines.append(f"  … og {len(result.figures) - TERMINAL_FIGURES} flere (se redlinen).")
    lines += [f"Sagen: {c.path}: {c.old} → {c.new}" for c in result.case]
    lines += [f"Ny advarsel: {w}" for w in result.warnings_added]
    lines += [f"Advarsel bortfaldet: {w}" for w in result.warnings_removed]
    if files:
        lines.append(f"Redline: {files[0]}")
        lines += [f"Word med sporede ændringer: {p}" for p in files[1:]]
    return lines


def _document_line(doc: DocumentDiff) -> str:
    """ "sagsfremstilling: 2 af 14 afsnit ændret (+12 ord, −3 ord)" or "… uændret"."""
    if doc.status != "ændret":
        return (
            f"{doc.name}: {'nyt dokument' if doc.status == 'nyt' else 'dokumentet er fjernet'} "
            f"(+{doc.inserted} ord, −{doc.deleted} ord)"
        )
    if not doc.changed:
        return f"{doc.name}: uændret"
    return (
        f"{doc.name}: {len(doc.changed)} af {len(doc.sections)} afsnit ændret (+{doc.inserted} ord, −{doc.deleted} ord)"
    )


def _section_status(s: SectionDiff) -> str:
    """A changed section's status and word counts."""
    label = {"nyt": "nyt afsnit", "fjernet": "afsnittet er fjernet"}.get(s.status, "ændret")
    return f"{label} (+{s.inserted} ord, −{s.deleted} ord)"


def _figures_line(result: PacketDiff) -> str:
    """How many figures changed, or that none did (or that there was nothing to compare)."""
    if not (result.old.figures and result.new.figures):
        return "Tal: ikke sammenlignet (kræver figurer.json i begge versionsmapper)."
    n = len(result.figures)
    return "Tal: ingen ændrede." if n == 0 else f"Ændrede tal ({n}):"
