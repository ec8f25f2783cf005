"""What every page of the web app shares: the workspace, the build queue, the case a page is about, the
Danish labels of the case's values, and how a validator's problems find their form field."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from flask import abort, current_app, render_template

from reportgen.domain.errors import InputError, Problem
from reportgen.domain.vocabulary import CASE_STATUSES, DECISION_OUTCOMES, RECOMMENDATIONS
from reportgen.inputs import Inputs
from reportgen.lifecycle import preview
from reportgen.lifecycle.failures import cause
from reportgen.web.builds import Builds
from reportgen.web.forms import Errors
from reportgen.web.guard import document_response
from reportgen.web.team import runtime
from reportgen.web.tomledit import SagToml
from reportgen.web.workspace import SAG_TOML, TEKSTER, CaseRef, Workspace

INDSTILLING_LABELS = {code: r.label for code, r in RECOMMENDATIONS.items()}
STATUS_LABELS = {code: s.label for code, s in CASE_STATUSES.items()}
UDFALD_LABELS = {code: o.label for code, o in DECISION_OUTCOMES.items()}
SECTION_LABELS = {
    "tema": "Tema",
    "kompetence": "Kompetence",
    "sagsbeskrivelse": "Sagsbeskrivelse (indledning)",
    "forklaring": "Forvaltningens vurdering af udviklingen",
    "forvaltningsomraader": "Tabel 2: alle klagesager (indledning)",
    "kvalitet": "Arbejdet med kvaliteten i sagsbehandlingen",
    "begrundelse": "Grundlaget for beslutningen om en handleplan (begrundelse)",
    "indstilling": "Indstilling",
    "oekonomi": "Økonomi og finansiering",
    "dialog": "Dialog/høring",
    "genoptagelse": "Genoptagelse",
    "bilag1": "Bilag 1 (indledning)",
}
DOCUMENT_LABELS = {
    "sagsfremstilling": "Sagsfremstilling",
    "bilag-1": "Bilag 1",
    "bilag-2": "Bilag 2 (handleplan)",
    "orientering-ankestyrelsen": "Orientering af Ankestyrelsen",
}


def workspace() -> Workspace:
    """The served workspace."""
    return current_app.extensions["reportgen.workspace"]


def builds() -> Builds:
    """The server's build queue."""
    return current_app.extensions["reportgen.builds"]


def case_ref(name: str) -> CaseRef:
    """The case of an address, or 404: only folders the workspace lists as cases are opened."""
    ref = workspace().case(name)
    if ref is None:
        abort(404)
    return ref


@dataclass(frozen=True)
class Loaded:
    """A case as the pages show it: checked (its inputs and figures), or the problems that stop it from loading."""

    ref: CaseRef
    state: str
    checked: preview.Checked | None = None
    problems: tuple[Problem, ...] = ()

    @property
    def inputs(self) -> Inputs | None:
        """The case's inputs, when it loads."""
        return self.checked.inputs if self.checked else None

    @property
    def title(self) -> str:
        """ "Allerød 2024", or the folder's name when sag.toml cannot be read."""
        case = self.inputs.case if self.inputs else None
        return f"{case.kommune} {case.aar}" if case else self.ref.name


def load(ref: CaseRef) -> Loaded:
    """Read and compute a case as `reportgen check` does."""
    ws = workspace()
    state = ws.state(ref)
    try:
        return Loaded(ref, state, preview.validate(ws.inputs(ref)))
    except InputError as exc:
        return Loaded(ref, state, problems=exc.problems)


def problem_document(problems: list[str], title: str = "Forhåndsvisningen kan ikke vises"):
    """The page a preview shows instead of the document when what was typed cannot be shown: the problems."""
    page = render_template("problemer.html.j2", problems=problems, title=title)
    response = document_response(page.encode("utf-8"))
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    return response


def case_page(template: str, loaded: Loaded, tab: str, status: int = 200, **values):
    """A page about one case, with the case's navigation."""
    page = render_template(template, sag=loaded, tab=tab, **values)
    return page, status


_INDEX = re.compile(r"\[\d+\]")


def field_of(fields: set[str], aliases: dict[str, str] | None = None):
    """Map a sag.toml problem to the form field it concerns: 'handleplan.indstilling' → 'indstilling',
    'behandling[3].dato' → 'dato', 'sammenligning[2]' → 'sammenligning'; None when the form has no such field."""

    def find(problem: Problem) -> str | None:
        key = problem.column or ""
        if aliases and key in aliases:
            return aliases[key]
        name = _INDEX.sub("", key).rsplit(".", 1)[-1]
        return name if name in fields else None

    return find


def form_errors(exc: InputError, fields: set[str], aliases: dict[str, str] | None = None) -> Errors:
    """A validator's problems as form errors."""
    errors = Errors()
    errors.problems(exc.problems, field_of(fields, aliases))
    return errors


STALE_MESSAGE = (
    "Sagen er ændret et andet sted (fx i en anden fane), efter at du åbnede siden. Dine ændringer er ikke gemt, "
    "men står stadig i formularen. Kopiér det, du vil beholde, og åbn siden igen for at se den nye udgave."
)


class NotSaved(Exception):
    """A save that wrote nothing, for a reason outside the form's values; str() says why in Danish, `status` is
    the HTTP status of the page that shows it."""

    status = 409


class Stale(NotSaved):
    """The form was made from an earlier state of the case: saving it would overwrite another save. Its message
    says so, and in team mode who saved in between."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or STALE_MESSAGE)


class WriteFailed(NotSaved):
    """The server could not write the change: a full disk, a folder it may not write in."""

    status = 507


def write_failed(exc: OSError, what: str) -> WriteFailed | None:
    """The WriteFailed an error met while writing stands for (its cause in Danish), or None for another error."""
    found = cause(exc)
    if found is None:
        return None
    return WriteFailed(
        f"{what}: {found} på serveren. Intet er gemt, og det, du skrev, står stadig i formularen. "
        "Bed den, der driver serveren, om at rette det, og prøv så igen."
    )


def save(
    ref: CaseRef,
    expected_state: str,
    sag_toml: str | None = None,
    tekster: dict[str, str | None] | None = None,
    files: dict[str, bytes] | None = None,
) -> None:
    """Validate a change as if it were written, then write it all or nothing: new files (relative to the case
    folder), the texts and sag.toml. Refused with Stale when the case changed since the form was made, with
    InputError when the change is invalid, with WriteFailed when the server cannot write it (a full disk); in
    each case nothing is written."""
    ws = workspace()
    with ws.lock(ref):
        if ws.state(ref) != expected_state:
            raise Stale(runtime.stale_message(ref.name, expected_state))
        preview.validate(ws.inputs(ref, sag_toml, tekster))
        written = [*(files or {}), *(f"{TEKSTER}/{s}.md" for s in tekster or {}), *([SAG_TOML] if sag_toml else [])]
        old = runtime.before_save(ref.folder, written)
        changes: dict[Path, bytes | None] = {
            ws.within(ref.folder / name, ref.folder): d for name, d in (files or {}).items()
        }
        for section, text in (tekster or {}).items():
            path = ws.within(ref.folder / TEKSTER / f"{section}.md", ref.folder)
            changes[path] = None if text is None else text.encode("utf-8")
        if sag_toml is not None:
            changes[ws.within(ref.folder / SAG_TOML, ref.folder)] = sag_toml.encode("utf-8")
        write_all(changes)
        runtime.after_save(ref.name, ref.folder, old, (expected_state, ws.state(ref)))
    builds().prepare(ref.folder)  # lay out what the save changed while the officer reads on


def write_all(changes: dict[Path, bytes | None], what: str = "Ændringen er ikke gemt") -> None:
    """Write files (None removes one) so that a failure leaves every one as it was: each new content is written
    to a temporary file beside its file first, and only when all are written are they renamed into place.
    WriteFailed, its message beginning with `what`, when the server cannot write them (a full disk, a folder it
    may not write in)."""
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []  # folders made for the new files, removed again on a failure
    try:
        for target, content in changes.items():
            if content is not None:
                made += [folder for folder in reversed(target.parents) if not folder.exists()]
                target.parent.mkdir(parents=True, exist_ok=True)
                staged.append((_temporary(target, content), target))
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        failed = write_failed(exc, what)
        if failed is None:
            raise
        raise failed from exc
    for temporary, target in staged:
        os.replace(temporary, target)
    for target, content in changes.items():
        if content is None:
            target.unlink(missing_ok=True)


def _temporary(target: Path, content: bytes) -> Path:
    """content written in full to a new temporary file beside target (removed again when that fails)."""
    handle, name = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(handle, view) :]
        os.fchmod(handle, 0o644)
    except BaseException:
        os.close(handle)
        os.unlink(name)
        raise
    os.close(handle)
    return Path(name)


def clean_text(text: str) -> str:
    """A text area's content as it is stored: Unix line ends, no trailing blanks, one final newline."""
    text = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()
    return text + "\n" if text else ""


@contextmanager
def proposed_file(ref: CaseRef, doc: SagToml, kind: str, target: str, data: bytes) -> Iterator[Path]:
    """A file proposed for the case, written under a temporary name beside it and named in doc (sag.toml's `kind`
    key) while the block validates it; a problem found in it names the file as `target`. The temporary file is
    gone afterwards."""
    temporary = workspace().within(ref.folder / f".ny-{secrets.token_hex(4)}-{target}", ref.folder)
    write_all({temporary: data})  # a full disk is WriteFailed, as for every save
    try:
        doc.set(kind, temporary.name)
        yield temporary
    except InputError as exc:
        raise InputError(replace(p, file=target) if p.file == temporary.name else p for p in exc.problems) from None
    finally:
        temporary.unlink(missing_ok=True)


def replace_data(ref: CaseRef, expected_state: str, doc: SagToml, kind: str, target: str, data: bytes) -> None:
    """Put a new data file into the case: validated with the whole case under a temporary name, then written
    with sag.toml naming it, all or nothing; on any problem the case is left as it was."""
    ws = workspace()
    with ws.lock(ref):
        if ws.state(ref) != expected_state:
            raise Stale(runtime.stale_message(ref.name, expected_state))
        old = runtime.before_save(ref.folder, [target, SAG_TOML])
        with proposed_file(ref, doc, kind, target, data):
            preview.validate(ws.inputs(ref, doc.text()))
        doc.set(kind, target)
        write_all(
            {
                ws.within(ref.folder / target, ref.folder): data,
                ws.within(ref.folder / SAG_TOML, ref.folder): doc.text().encode("utf-8"),
            }
        )
        runtime.after_save(ref.name, ref.folder, old, (expected_state, ws.state(ref)))
    builds().prepare(ref.folder)  # lay out what the save changed while the officer reads on
