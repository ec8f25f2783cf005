"""Data files uploaded in the browser: received within limits and read by the same validating readers as
the command line, so a bad file gets the same Danish message (file, row, column, fix)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import request

from reportgen.inputs.forvaltning import load_forvaltning
from reportgen.inputs.klagesager import load_klagesager
from reportgen.inputs.limits import MAX_UPLOAD_BYTES
from reportgen.inputs.statistics import load_statistics
from reportgen.web.files import Upload, check_data_file, safe_name

READERS: dict[str, Callable[[Path, str], Any]] = {
    "statistik": load_statistics,
    "forvaltningsomraader": load_forvaltning,
    "klagesager": load_klagesager,
    "landsudtraek": load_statistics,
}
DATA_LABELS = {
    "statistik": "Statistikken fra Ankestyrelsen",
    "forvaltningsomraader": "Tabel 2: alle klagesager fordelt på forvaltningsområder",
    "klagesager": "Klagesager på sagsniveau",
    "landsudtraek": "Landsudtræk med alle kommuners tal (til danmarkskortet som kort og kommunens placering)",
}


def received(name: str) -> Upload | None:
    """The file sent in a form field, or None when none was chosen; at most MAX_UPLOAD_BYTES + 1 bytes are read."""
    storage = request.files.get(name)
    if storage is None or not storage.filename:
        return None
    return Upload(safe_name(storage.filename, name), storage.stream.read(MAX_UPLOAD_BYTES + 1))


def read_data(kind: str, upload: Upload) -> Any:
    """An uploaded data file checked and read by its validating reader; InputError names the user's file."""
    check_data_file(upload)
    with tempfile.TemporaryDirectory(prefix="reportgen-upload-") as folder:
        path = Path(folder) / f"{kind}{upload.data_suffix}"
        path.write_bytes(upload.data)
        return READERS[kind](path, upload.name)


def stored_name(kind: str, upload: Upload) -> str:
    """The name a data file gets in the case folder: statistik.csv, klagesager.xlsx (also for a workbook that was
    named .csv) …"""
    return f"{kind}{upload.data_suffix}"
