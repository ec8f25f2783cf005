"""`reportgen build`: renders a case's packet into the next version folder, atomically and reproducibly."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen import __version__
from reportgen.documents.compose import Packet, compose
from reportgen.domain.errors import InputError, Problem
from reportgen.domain.kommuner import slug
from reportgen.domain.privacy import Ids, published_problems
from reportgen.figures.case import CaseFigures, compute
from reportgen.figures.export import to_json
from reportgen.inputs import Inputs, load_inputs
from reportgen.inputs.style import DEFAULT_LOOK, Look
from reportgen.lifecycle.failures import failure
from reportgen.lifecycle.versions import (
    FIGURES,
    claim,
    edited,
    require_owner,
    same_as,
    sha256,
    version_lock,
    versions,
    write_version,
)

if TYPE_CHECKING:
    from reportgen.writers.pdf_processes import PdfProcesses

LIBRARIES = ("weasyprint", "python-docx", "matplotlib", "jinja2", "markdown-it-py", "babel", "openpyxl", "pydyf")


@dataclass(frozen=True)
class BuildResult:
    """Where the packet is, whether this build made a new version, and the warnings `check` prints."""

    folder: Path
    version: int
    created: bool
    edited: tuple[str, ...] = ()  # files of the previous latest version that were changed by hand
    warnings: tuple[Problem, ...] = ()


Progress = Callable[[str], None]  # told, in Danish, what a build is doing now


def _silent(step: str) -> None:
    """The progress of a build nobody watches."""


def render_packet(packet: Packet, pdfs: PdfProcesses | None = None, look: Look = DEFAULT_LOOK) -> dict[str, bytes]:
    """Every output file of a packet by name: the documents in three formats, in the look, and the charts.

    With PdfProcesses the PDFs were submitted there as each document was composed; this process writes the
    HTML and DOCX meanwhile and then collects them.
    """
    from reportgen.writers import docx, html

    if pdfs is None:
        from reportgen.writers import pdf
    files: dict[str, bytes] = {}
    for doc in packet.documents():
        page = html.render(doc, look)
        files[f"{doc.slug}.html"] = page
        if pdfs is None:
            files[f"{doc.slug}.pdf"] = pdf.render(doc, page, look)
        else:
            pdfs.poll()  # a PDF process that has finished gets the next document now
        files[f"{doc.slug}.docx"] = docx.render(doc, look)
    if pdfs is not None:
        files.update((f"{slug}.pdf", data) for slug, data in pdfs.results().items())
    for figure in packet.figures():
        files[figure.name] = figure.png
    return files


def _pdf_processes() -> AbstractContextManager[PdfProcesses | None]:
    """PdfProcesses when this process has not loaded WeasyPrint yet (a cold command-line build);
    a warm process (tests, batch workers) renders faster by itself."""
    if "weasyprint" in sys.modules:
        return nullcontext()
    from reportgen.writers.pdf_processes import PdfProcesses

    return PdfProcesses()


def load_pdf_writer() -> None:
    """Load the PDF writer (WeasyPrint) into this process: every build it runs after this lays out its PDFs here,
    warm, instead of starting PDF processes (a server's build thread)."""
    from reportgen.writers import pdf  # noqa: F401


def manifest(inputs: Inputs, outputs: dict[str, bytes], version: int) -> bytes:
    """The manifest: inputs and outputs with SHA-256, tool and library versions, the statistics extract."""
    case = inputs.case
    stats = inputs.statistik
    data = {
        "version": version,
        "reportgen": __version__,
        "biblioteker": {name: _library_version(name) for name in LIBRARIES},
        "sag": {
            "kommune": case.kommune,
            "aar": case.aar,
            "status": case.status,
            "sagsnummer": case.sagsnummer,
            "dato": case.document_date.isoformat(),
        },
        "input": {name: sha256(path.read_bytes()) for name, path in sorted(inputs.files().items())},
        "udtraek": {
            "fil": stats.file,
            "sha256": sha256(case.statistik.read_bytes()),
            "raekker": sum(len(r.rows) for r in stats.records.values()),
            "kommuner": len(stats.kommuner()),
            "aar": sorted({a for (_, a, _) in stats.records}),
            "kilder": sorted({r.kilde for r in stats.records.values() if r.kilde}),
        },
        "landsudtraek": None
        if inputs.landsudtraek is None or case.landsudtraek is None
        else {
            "fil": inputs.landsudtraek.file,
            "sha256": sha256(case.landsudtraek.read_bytes()),
            "kommuner": len(inputs.landsudtraek.kommuner()),
            "kilder": sorted({r.kilde for r in inputs.landsudtraek.records.values() if r.kilde}),
        },
        "output": {name: sha256(content) for name, content in sorted(outputs.items())},
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def refuse_published(outputs: dict[str, bytes], ids: Ids) -> None:
    """Raise InputError naming each output file and section whose text, as its reader sees it, shows one of ids.

    The HTML and DOCX are read as their readers see them (writers' `sections`), the figures' JSON by its texts.
    The PDFs are not read: each is laid out from its document's HTML (the same bytes, or, in a PDF process, the
    same HTML writer on the same document and look: the writers are reproducible to the byte), and the stylesheets
    add only page numbers and copies of the page's own text (running header, draft mark).
    """
    if not ids:
        return
    from reportgen.writers import docx, html

    readers: dict[str, Callable[[bytes], list[tuple[str, str]]]] = {
        ".html": html.sections,
        ".docx": docx.sections,
        ".json": _json_texts,
    }
    problems = [
        problem
        for name, data in sorted(outputs.items())
        if (read := readers.get(Path(name).suffix))
        for problem in published_problems(name, read(data), ids)
    ]
    if problems:
        raise InputError(problems)


def _json_texts(data: bytes) -> list[tuple[str, str]]:
    """Every text in a JSON file, as one section."""
    texts: list[str] = []
    stack = [json.loads(data)]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            stack += value
    return [("tallene", "\n".join(texts))]


def _library_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def build(case_folder: Path, out: Path, progress: Progress = _silent, stil: Path | None = None) -> BuildResult:
    """Build a case into out/<kommune-slug>/<aar>/v<N>/; an unchanged build makes no new version.

    `stil` is a style folder to use instead of the one sag.toml names. Raises InputError for invalid input
    and BuildFailed, naming the cause, when the version could not be written (a full disk, a folder that
    cannot be written, a PDF process that died).
    """
    progress("Læser og kontrollerer sagen")
    inputs = load_inputs(case_folder, stil=stil)
    require_owner(history(out, inputs), inputs.case.folder)  # before the work: refused at once, also under the lock
    look = inputs.look
    try:
        with _pdf_processes() as pdfs:
            progress("Beregner tallene og tegner figurerne")
            cf = compute(inputs)
            packet = compose(inputs, cf, ready=(lambda doc: pdfs.submit(doc, look)) if pdfs else None)
            progress("Skriver dokumenterne som HTML, PDF og Word")
            return write_packet(inputs, cf, render_packet(packet, pdfs, look), out, progress)
    except Exception as exc:
        failed = failure(exc, out)
        if failed is None:
            raise
        raise failed from exc


def history(out: Path, inputs: Inputs) -> Path:
    """The case's version history: out/<kommune-slug>/<aar>/."""
    return out / slug(inputs.case.kommune) / str(inputs.case.aar)


def write_packet(
    inputs: Inputs, cf: CaseFigures, outputs: dict[str, bytes], out: Path, progress: Progress = _silent
) -> BuildResult:
    """Write rendered outputs as the next version, unless they equal the latest version; InputError, and nothing
    written, when an output would show one of the records' pseudonyms."""
    outputs = dict(outputs)
    outputs[FIGURES] = (json.dumps(to_json(cf, inputs), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    refuse_published(outputs, inputs.pseudonyms)
    base = history(out, inputs)
    with version_lock(base):
        require_owner(base, inputs.case.folder)
        progress("Sammenligner med seneste version og gemmer")
        existing = versions(base)
        latest = base / f"v{existing[-1]}" if existing else None
        changed: list[str] = []
        if latest and same_as(latest, outputs):
            changed = edited(latest)
            if not changed:
                claim(base, inputs.case.folder)
                return BuildResult(latest, existing[-1], created=False, warnings=cf.warnings)
        target, version = write_version(base, outputs, lambda version: manifest(inputs, outputs, version))
        claim(base, inputs.case.folder)
    return BuildResult(target, version, created=True, edited=tuple(changed), warnings=cf.warnings)
