"""Files the web app receives: safe file names, upload limits and type checks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportgen.domain.errors import InputError, Problem
from reportgen.inputs.files import size
from reportgen.inputs.limits import MAX_UPLOAD_BYTES

DATA_TYPES = {".csv": "CSV", ".xlsx": "XLSX"}  # what the validating readers read
BILAG_TYPES = (".pdf", ".docx", ".doc", ".xlsx", ".odt", ".txt", ".md", ".csv")
_UNSAFE = re.compile(r"[^0-9A-Za-zÆØÅæøåÄÖÜäöüÉé._ -]+")
MAX_NAME = 80
ZIP = b"PK\x03\x04"  # how an XLSX file (a zip package) starts


def safe_name(name: str, fallback: str = "fil") -> str:
    """A file name from a browser, reduced to a plain name in the folder: no path, no leading dot, no control
    or shell characters, at most MAX_NAME characters with the extension kept."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("-", name).strip(" .-")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = ext[:10].lower()
    stem = stem[: MAX_NAME - len(ext) - 1].strip(" .-") or fallback
    return f"{stem}.{ext}" if ext else stem


def free_name(folder: Path, name: str) -> str:
    """name, or name with -2, -3 … before the extension when the folder already has a file of that name."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while (folder / candidate).exists():
        n += 1
        candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
    return candidate


@dataclass(frozen=True)
class Upload:
    """One file received from the browser: the name it had (made safe) and its bytes."""

    name: str
    data: bytes

    @property
    def suffix(self) -> str:
        """The extension, lower case with the dot."""
        return Path(self.name).suffix.lower()

    @property
    def data_suffix(self) -> str:
        """The extension a data file is read (and stored) with: .xlsx for an Excel file whatever its name says (a
        workbook saved as 'statistik.csv' is still a workbook), else its own."""
        return ".xlsx" if self.suffix == ".csv" and self.data.startswith(ZIP) else self.suffix


def check_data_file(upload: Upload) -> None:
    """Refuse a data file that is too big, empty or not a CSV or XLSX file, before any reader sees it."""
    problem = None
    if upload.suffix not in DATA_TYPES:
        problem = "er hverken en CSV- eller en XLSX-fil."
        hint = "Gem filen som 'CSV UTF-8' eller som Excel-projektmappe (.xlsx)."
    elif not upload.data:
        problem = "filen er tom (0 byte)."
        hint = "Tjek, at det er den rigtige fil; hent eller gem statistikken igen, og vælg den nye fil."
    elif len(upload.data) > MAX_UPLOAD_BYTES:
        problem = f"filen er større end {size(MAX_UPLOAD_BYTES)}."
        hint = "Statistikfiler fylder normalt under 1 MB; tjek at det er den rigtige fil."
    elif upload.suffix == ".xlsx" and not upload.data.startswith(ZIP):
        problem, hint = "er ikke en rigtig XLSX-fil.", "Åbn den i Excel og gem den som .xlsx eller som CSV."
    elif upload.data_suffix == ".csv" and b"\x00" in upload.data[:4096]:
        problem, hint = "er ikke en tekstfil (CSV).", "Gem filen som 'CSV UTF-8', eller vælg .xlsx-filen."
    if problem:
        raise InputError([Problem(upload.name, problem, hint=hint)])


def check_bilag_file(upload: Upload) -> None:
    """Refuse an appendix file of a type the agenda system does not take, or too big."""
    if upload.suffix not in BILAG_TYPES:
        raise InputError(
            [Problem(upload.name, "filtypen kan ikke vedlægges.", hint="Tilladt: " + ", ".join(BILAG_TYPES) + ".")]
        )
    if not upload.data or len(upload.data) > MAX_UPLOAD_BYTES:
        raise InputError([Problem(upload.name, f"filen er tom eller større end {size(MAX_UPLOAD_BYTES)}.")])
