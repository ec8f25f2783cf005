"""The two sides of a comparison: version folders (manifest, figures, documents) or single DOCX files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path

import docx

from reportgen.domain.errors import InputError, Problem
from reportgen.lifecycle.versions import FIGURES, MANIFEST


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a version folder or a single DOCX file."""

    path: Path
    label: str
    documents: dict[str, Path]
    manifest: dict | None = None
    figures: dict | None = None

    @property
    def is_folder(self) -> bool:
        """True for a version folder from `reportgen build`."""
        return self.manifest is not None


def load_side(path: Path) -> Side:
    """Read a version folder (its manifest, documents and figures) or a DOCX file; InputError if neither."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".docx":
        return Side(path, path.name, {path.stem: path})
    if not path.is_dir():
        raise InputError(
            [
                Problem(
                    str(path),
                    "findes ikke som versionsmappe eller DOCX-fil.",
                    hint="Angiv en versionsmappe fra reportgen build, fx output/alleroed/2024/v1.",
                )
            ]
        )
    manifest = _read_json(
        path, MANIFEST, "mappen har ingen manifest.json og er ikke en versionsmappe fra reportgen build."
    )
    names = sorted(n for n in manifest.get("output", {}) if n.endswith(".docx"))
    missing = [n for n in names if not (path / n).is_file()]
    if missing or not names:
        raise InputError(
            [
                Problem(str(path / n), "filen mangler i versionsmappen.", hint="Byg sagen igen med reportgen build.")
                for n in missing or ["sagsfremstilling.docx"]
            ]
        )
    figures = _read_json(path, FIGURES, "") if (path / FIGURES).is_file() else None
    label = f"v{manifest['version']}" if "version" in manifest else path.name
    return Side(path, label, {Path(n).stem: path / n for n in names}, manifest, figures)


def _read_json(folder: Path, name: str, missing: str) -> dict:
    """A JSON file of a version folder; InputError when it is missing or unreadable."""
    try:
        data = json.loads((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        hint = "Angiv en versionsmappe, fx output/alleroed/2024/v1."
        raise InputError([Problem(str(folder), missing, hint=hint)]) from None
    except (OSError, ValueError):
        raise InputError(
            [Problem(str(folder / name), "filen kan ikke læses som JSON.", hint="Byg sagen igen med reportgen build.")]
        ) from None
    if not isinstance(data, dict):
        raise InputError([Problem(str(folder / name), "filen har ikke det forventede indhold.")])
    return data


def open_docx(path: Path):
    """Open a DOCX with python-docx; InputError when it is not one."""
    try:
        return docx.Document(str(path))
    except Exception:  # noqa: BLE001 – python-docx raises several kinds for a broken package
        raise InputError(
            [Problem(str(path), "filen kan ikke læses som DOCX.", hint="Angiv en DOCX-fil bygget af reportgen.")]
        ) from None


def revision_moment(side: Side) -> datetime:
    """The revision date of the new version: its case date (manifest "sag.dato"), else the DOCX's own date."""
    dato = (side.manifest or {}).get("sag", {}).get("dato")
    if dato:
        return datetime.combine(datetime.fromisoformat(dato).date(), time(), tzinfo=UTC)
    props = open_docx(next(iter(side.documents.values()))).core_properties
    moment = props.modified or props.created
    if moment is None:
        raise InputError(
            [
                Problem(
                    str(side.path),
                    "DOCX-filen har ingen dato til ændringsmarkeringerne.",
                    hint="Sammenlign versionsmapper fra reportgen build i stedet.",
                )
            ]
        )
    return datetime.combine(moment.date(), time(), tzinfo=UTC)
