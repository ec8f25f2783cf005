"""`reportgen build`: renders a case's packet into the next version folder, atomically and reproducibly."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reportgen import __version__
from reportgen.documents import keys
from reportgen.documents.compose import Packet, compose
from reportgen.documents.model import Document
from reportgen.domain.errors import InputError, Problem
from reportgen.domain.kommuner import slug
from reportgen.domain.privacy import Ids, published_problems
from reportgen.domain.recent import Recent
from reportgen.figures.case import CaseFigures, compute
from reportgen.figures.export import to_json
from reportgen.inputs import Inputs, load_inputs
from reportgen.inputs.style import DEFAULT_LOOK, Look
from reportgen.lifecycle.failures import failure
from reportgen.lifecycle.reuse import KEYS, NOTHING, PREPARED, DocumentKeys, Earlier, renew
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

FORMATS = (".html", ".pdf", ".docx")  # every document's files, the HTML first: a PDF laid out here is made from it
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


def render_packet(
    packet: Packet,
    pdfs: PdfProcesses | None = None,
    look: Look = DEFAULT_LOOK,
    earlier: Earlier = NOTHING,
    doc_keys: DocumentKeys | None = None,
) -> dict[str, bytes]:
    """Every output file of a packet by name: the documents in three formats, in the look, and the charts.

    A document format whose key the earlier version holds is taken from it. With PdfProcesses the PDFs that were
    not taken were submitted there as each document was composed; this process writes the HTML and DOCX meanwhile
    and then collects them.
    """
    doc_keys = doc_keys or DocumentKeys(look)
    files: dict[str, bytes] = {}
    missing: list[tuple[Document, str]] = []
    for doc in packet.documents():
        key = doc_keys(doc)
        for fmt in FORMATS:
            name = f"{doc.slug}{fmt}"
            if (data := earlier.take(key, fmt)) is not None:
                files[name] = data
            else:
                missing.append((doc, fmt))
    laid_out = _render(missing, pdfs, look)
    for doc in packet.documents():
        for fmt in FORMATS:
            name = f"{doc.slug}{fmt}"
            files[name] = files[name] if name in files else laid_out[name]
    for figure in packet.figures():
        files[figure.name] = figure.png
    return files


def _render(missing: list[tuple[Document, str]], pdfs: PdfProcesses | None, look: Look) -> dict[str, bytes]:
    """The formats of documents that have to be written, by file name; the PDFs submitted to pdfs are collected
    there, the others are laid out here."""
    files: dict[str, bytes] = {}
    if not missing:
        return files
    from reportgen.writers import docx, html

    for doc, fmt in missing:
        name = f"{doc.slug}{fmt}"
        if fmt == ".html":
            files[name] = html.render(doc, look)
        elif fmt == ".docx":
            files[name] = docx.render(doc, look)
        elif pdfs is None or doc.slug not in pdfs.submitted():
            from reportgen.writers import pdf

            files[name] = pdf.render(doc, files.get(f"{doc.slug}.html") or html.render(doc, look), look)
        if pdfs is not None:
            pdfs.poll()  # a PDF process that has finished gets the next document now
    if pdfs is not None:
        files.update((f"{slug}.pdf", data) for slug, data in pdfs.results().items())
    return files


def output_keys(packet: Packet, doc_keys: DocumentKeys, drawn: keys.Drawing) -> dict[str, str]:
    """The key of every output that a later build can take instead of rendering it, by file name."""
    named = {f.name: k for f in packet.figures() if (k := drawn.key_of(f.png)) is not None}
    for doc in packet.documents():
        key = doc_keys(doc)
        named.update((f"{doc.slug}{fmt}", key) for fmt in FORMATS)
    return dict(sorted(named.items()))


class _Pdfs:
    """Where a cold command-line build lays out its PDFs: PdfProcesses, started at once for a build from scratch,
    else at the first document whose PDF the earlier version does not hold. A warm process (tests, batch workers,
    the server's build thread) lays them out faster by itself: `processes` stays None."""

    def __init__(self, at_once: bool) -> None:
        """Start the PDF processes now when at_once and this process has not loaded WeasyPrint."""
        self.cold = "weasyprint" not in sys.modules
        self.processes: PdfProcesses | None = None
        if at_once:
            self._start()

    def _start(self) -> PdfProcesses | None:
        """The PDF processes, started if not yet (None in a warm process)."""
        if self.processes is None and self.cold:
            from reportgen.writers.pdf_processes import PdfProcesses

            self.processes = PdfProcesses()
        return self.processes

    def submit(self, doc: Document, look: Look) -> None:
        """Lay out a composed document's PDF in the PDF processes (in a warm process: later, here)."""
        if (processes := self._start()) is not None:
            processes.submit(doc, look)

    def __enter__(self) -> _Pdfs:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Stop the PDF processes, if started."""
        if self.processes is not None:
            self.processes.__exit__(*exc_info)


def load_pdf_writer() -> None:
    """Load and warm the PDF writer (WeasyPrint, the house stylesheet and fonts) in this process: every build it
    runs after this lays out its PDFs here, warm, instead of starting PDF processes (a server's build thread)."""
    from reportgen.writers import pdf

    pdf.warm_up()


def warm_up() -> None:
    """Load once per process what a build uses, so that every build after it is warm: compose's warm-up (prose
    templates, a map), and a chart through the HTML, PDF and DOCX writers in a tiny document (fonts, stylesheet,
    templates). A process that has run it lays out its PDFs itself (batch workers, the server's build thread).

    What is loaded by then is never garbage, so it is moved out of the collector's way: a full collection no longer
    walks the libraries' objects (some 100 ms each in a warm server, during a build that takes a second)."""
    from reportgen.documents import charts
    from reportgen.documents import compose as composing
    from reportgen.documents.model import Figure
    from reportgen.writers import docx, pdf

    composing.warm_up()
    doc = pdf.warm_up_document(Figure("opvarmning.png", charts.warm_up(), "Opvarmning", "Opvarmning"))
    pdf.render(doc)
    docx.render(doc)
    gc.collect()
    gc.freeze()


def manifest(inputs: Inputs, outputs: dict[str, bytes], version: int, named: dict[str, str] | None = None) -> bytes:
    """The manifest: inputs and outputs with SHA-256, tool and library versions, the statistics extract, and the
    key of every output a later build can take instead of rendering it (`reuse.KEYS`)."""
    case = inputs.case
    stats = inputs.statistik
    data = {
        "version": version,
        "reportgen": __version__,
        "biblioteker": {name: keys.library_version(name) for name in LIBRARIES},
        "sag": {
            "kommune": case.kommune,
            "aar": case.aar,
            "status": case.status,
            "sagsnummer": case.sagsnummer,
            "dato": case.document_date.isoformat(),
        },
        "input": input_digests(inputs),
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
        KEYS: dict(sorted((named or {}).items())),
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def input_digests(inputs: Inputs) -> dict[str, str]:
    """The SHA-256 of every input file by its name in the manifest."""
    return {name: sha256(path.read_bytes()) for name, path in sorted(inputs.files().items())}


def refuse_published(outputs: dict[str, bytes], ids: Ids) -> None:
    """Raise InputError naming each output file and section whose text, as its reader sees it, shows one of ids.

    The HTML and DOCX are read as their readers see them (writers' `sections`), the figures' JSON by its texts.
    The PDFs are not read: each is laid out from its document's HTML (the same bytes, or, in a PDF process, the
    same HTML writer on the same document and look: the writers are reproducible to the byte), and the stylesheets
    add only page numbers and copies of the page's own text (running header, draft mark). A file this process has
    lately found clean of the same ids, byte for byte, is not read again (the server's builds after a change to one
    text: the other documents are the latest version's).
    """
    if not ids:
        return
    from reportgen.writers import docx, html

    readers: dict[str, Callable[[bytes], list[tuple[str, str]]]] = {
        ".html": html.sections,
        ".docx": docx.sections,
        ".json": _json_texts,
    }
    problems: list[Problem] = []
    for name, data in sorted(outputs.items()):
        if (read := readers.get(Path(name).suffix)) is None or FOUND_CLEAN.get(seen := (name, sha256(data), ids)):
            continue
        if found := published_problems(name, read(data), ids):
            problems += found
        else:
            FOUND_CLEAN.keep(seen, True)
    if problems:
        raise InputError(problems)


# the output files (name, SHA-256, ids) this process found clean lately: some twenty packets' worth
FOUND_CLEAN: Recent[tuple[str, str, Ids], bool] = Recent(256)


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


def build(case_folder: Path, out: Path, progress: Progress = _silent, stil: Path | None = None) -> BuildResult:
    """Build a case into out/<kommune-slug>/<aar>/v<N>/; an unchanged build makes no new version.

    Every chart and document whose key the latest version holds is taken from it instead of being rendered, so an
    unchanged case is known without rendering anything and a changed text lays out only its own document.
    `stil` is a style folder to use instead of the one sag.toml names. Raises InputError for invalid input
    and BuildFailed, naming the cause, when the version could not be written (a full disk, a folder that
    cannot be written, a PDF process that died).
    """
    progress("Læser og kontrollerer sagen")
    inputs = load_inputs(case_folder, stil=stil)
    require_owner(history(out, inputs), inputs.case.folder)  # before the work: refused at once, also under the lock
    earlier = Earlier.latest(history(out, inputs))
    try:
        # the PDF processes load WeasyPrint while the case is composed, unless the latest version was made from the
        # same input files and so probably holds every PDF (if not, they start at the first document that needs one)
        with _Pdfs(at_once=not earlier or earlier.inputs != input_digests(inputs)) as pdfs:
            progress("Beregner tallene og tegner figurerne")
            cf = compute(inputs)
            outputs, named = make_packet(inputs, cf, earlier, pdfs)
            return write_packet(inputs, cf, outputs, out, progress, named)
    except Exception as exc:
        failed = failure(exc, out)
        if failed is None:
            raise
        raise failed from exc


def prepare(case_folder: Path, out: Path) -> None:
    """Render what the next build of a case will need and its latest version does not hold, and keep it in this
    process's memory (reuse.PREPARED) instead of writing a version: the server does this after each save, so that
    "Byg" finds the changed document laid out. Nothing for a case without a version yet (its first build makes
    everything). Raises what build raises for invalid input; writes nothing."""
    inputs = load_inputs(case_folder)
    base = history(out, inputs)
    require_owner(base, inputs.case.folder)
    earlier = Earlier.latest(base)
    if not earlier:
        return
    outputs, named = make_packet(inputs, compute(inputs), earlier)
    PREPARED.keep(outputs, {name: key for name, key in named.items() if not earlier.holds(key, Path(name).suffix)})


def make_packet(
    inputs: Inputs, cf: CaseFigures, earlier: Earlier = NOTHING, pdfs: _Pdfs | None = None
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Compose a case's packet and render it, taking from the earlier version every chart and document format whose
    key it holds; returns the output files and their keys by file name."""
    look = inputs.look
    doc_keys = DocumentKeys(look)

    def ready(doc: Document) -> None:
        """Send a composed document to the PDF processes, unless the earlier version holds its PDF."""
        if pdfs is not None and earlier.take(doc_keys(doc), ".pdf") is None:
            pdfs.submit(doc, look)

    with keys.drawing(earlier.take) as drawn:
        packet = compose(inputs, cf, ready=ready)
    outputs = render_packet(packet, pdfs.processes if pdfs else None, look, earlier, doc_keys)
    return outputs, output_keys(packet, doc_keys, drawn)


def history(out: Path, inputs: Inputs) -> Path:
    """A case's version history: <out>/<kommune-slug>/<aar>/."""
    return out / slug(inputs.case.kommune) / str(inputs.case.aar)


def write_packet(
    inputs: Inputs,
    cf: CaseFigures,
    outputs: dict[str, bytes],
    out: Path,
    progress: Progress = _silent,
    named: dict[str, str] | None = None,
) -> BuildResult:
    """Write rendered outputs, with their keys, as the next version, unless they equal the latest version; InputError,
    and nothing written, when an output would show one of the records' pseudonyms."""
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
                if named:
                    renew(base, existing[-1], named)
                claim(base, inputs.case.folder)
                return BuildResult(latest, existing[-1], created=False, warnings=cf.warnings)
        target, version = write_version(base, outputs, lambda version: manifest(inputs, outputs, version, named))
        claim(base, inputs.case.folder)
    return BuildResult(target, version, created=True, edited=tuple(changed), warnings=cf.warnings)
