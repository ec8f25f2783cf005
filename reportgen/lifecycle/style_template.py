"""`reportgen stil skabelon`: a style folder to start from – reportgen's Word template and its design tokens."""

from __future__ import annotations

from pathlib import Path

from reportgen.domain.errors import InputError, Problem
from reportgen.inputs.style import REFERENCE, STYLE_TOML
from reportgen.resources import REFERENCE_DOCX, STYLE_TOML_TEMPLATE

FILES = {REFERENCE: REFERENCE_DOCX, STYLE_TOML: STYLE_TOML_TEMPLATE}


def write_style_template(folder: Path) -> list[Path]:
    """Write reference.docx and stil.toml (reportgen's own look, commented) into the folder, created if needed;
    a folder that has either file already is left alone."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(str(folder), "er en fil, ikke en mappe.", hint="Angiv en ny mappe.")])
    taken = [name for name in FILES if (folder / name).exists() or (folder / name).is_symlink()]
    if taken:
        raise InputError(
            [
                Problem(
                    f"{folder}/{name}",
                    "findes allerede; reportgen overskriver den ikke.",
                    hint="Angiv en ny mappe, eller flyt filen væk først.",
                )
                for name in taken
            ]
        )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, source in FILES.items():
        (folder / name).write_bytes(source.read_bytes())
        written.append(folder / name)
    return written
