"""Ny sag: the statistics uploaded and checked, the municipality and year chosen from the file, the comparison
group prefilled by batch's rule, the recommendation chosen; then the case folder is created."""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from flask import Blueprint, flash, redirect, render_template, request, url_for

from reportgen.domain import danish, kommuner
from reportgen.domain.errors import InputError, suggest
from reportgen.domain.vocabulary import CASE_STATUSES, DRAFT
from reportgen.inputs import load_inputs
from reportgen.inputs.case import INDSTILLINGER
from reportgen.inputs.statistics import Statistics, require_year
from reportgen.lifecycle.batch import comparison_group
from reportgen.lifecycle.versions import history_owner
from reportgen.web.context import INDSTILLING_LABELS, WriteFailed, workspace, write_all, write_failed
from reportgen.web.files import Upload, safe_name
from reportgen.web.forms import Errors, lines
from reportgen.web.uploads import DATA_LABELS, read_data, received, stored_name
from reportgen.web.workspace import CaseRef

bp = Blueprint("ny", __name__)


@dataclass(frozen=True)
class Staged:
    """A statistics file that passed validation, held in memory until the case is created (nothing is written
    to the workspace before that)."""

    upload: Upload
    stats: Statistics
    made: float


class Staging:
    """The uploads waiting for their case to be created: at most KEEP, each for at most an hour."""

    KEEP = 16
    SECONDS = 3600

    def __init__(self) -> None:
        self._items: dict[str, Staged] = {}
        self._lock = threading.Lock()

    def put(self, upload: Upload, stats: Statistics) -> str:
        """Hold a checked upload; return its key."""
        key = secrets.token_urlsafe(12)
        with self._lock:
            now = time.monotonic()
            self._items = {k: v for k, v in self._items.items() if now - v.made < self.SECONDS}
            while len(self._items) >= self.KEEP:
                del self._items[next(iter(self._items))]
            self._items[key] = Staged(upload, stats, now)
        return key

    def get(self, key: str) -> Staged | None:
        """The upload held under a key, or None when it is unknown or expired."""
        staged = self._items.get(key)
        return staged if staged and time.monotonic() - staged.made < self.SECONDS else None


STAGING = Staging()


@bp.get("/ny")
def start():
    """Step 1: upload the statistics."""
    return render_template("ny.html.j2", step=1, errors=Errors())


@bp.post("/ny")
def upload():
    """Check the statistics file with the command line's reader; nothing is written, whatever the outcome."""
    errors = Errors()
    file = received("statistik")
    if file is None:
        errors.add("statistik", "Vælg statistikfilen fra Ankestyrelsen (CSV eller XLSX).")
    else:
        try:
            stats = read_data("statistik", file)
        except InputError as exc:
            errors.problems(exc.problems, lambda p: None)
            return render_template("ny.html.j2", step=1, errors=errors, problems=exc.problems, file=file.name), 422
        return redirect(url_for("ny.choose", key=STAGING.put(file, stats)), 303)
    return render_template("ny.html.j2", step=1, errors=errors), 422


def _staged_or_restart(key: str) -> Staged | None:
    staged = STAGING.get(key)
    if staged is None:
        flash(
            "Den indlæste fil er ikke længere gemt (serveren er genstartet, eller der er gået over en time). "
            "Indlæs den igen."
        )
    return staged


@bp.get("/ny/<key>")
def choose(key: str):
    """Step 2 and 3: municipality and year from the file, then group, recommendation and optional files."""
    staged = _staged_or_restart(key)
    if staged is None:
        return redirect(url_for("ny.start"), 303)
    values = {"kommune": request.args.get("kommune", "").strip(), "aar": request.args.get("aar", "").strip()}
    names = staged.stats.kommuner()
    if not values["kommune"] and len(names) == 1:
        values["kommune"] = names[0]
    errors = Errors()
    chosen = _chosen(staged.stats, values, errors) if "kommune" in request.args or values["kommune"] else None
    existing = _taken(chosen, errors)
    if errors:
        chosen = None
    form = {}
    if chosen:
        kommune, aar = chosen
        form = {
            "sammenligning": "\n".join(comparison_group(staged.stats, kommune, aar)),
            "mappe": f"{kommuner.slug(kommune)}-{aar}",
            "indstilling": "",
            "sagsnummer": "",
        }
    return _choice_page(key, staged, values, form, chosen, errors, existing), (422 if errors else 200)


def _taken(chosen: tuple[str, int] | None, errors: Errors) -> CaseRef | None:
    """The workspace's case for the chosen municipality and year, if it has one (an error at the field then: one
    case, one version history); also an error when versions for them were made by a case no longer there."""
    if chosen is None:
        return None
    ws = workspace()
    kommune, aar = chosen
    existing = ws.case_for(kommune, aar)
    if existing is not None:
        errors.add(
            "kommune",
            f"Arbejdsmappen har allerede en sag for {kommune} {aar} (mappen {existing.name}). En kommune og et år har "
            "én sag, så versionerne ikke blandes sammen; åbn den sag i stedet.",
        )
        return existing
    owner = history_owner(ws.output_base(kommune, aar))
    if owner is not None:
        errors.add(
            "kommune",
            f"Versionerne for {kommune} {aar} i {ws.output_base(kommune, aar)} er lavet af en sag, der ikke længere "
            f"er i arbejdsmappen ({owner}). Læg den sag tilbage, eller flyt versionerne væk, før en ny sag oprettes.",
        )
    return None


def _choice_page(
    key: str,
    staged: Staged,
    values: dict,
    form: dict,
    chosen: tuple[str, int] | None,
    errors: Errors,
    existing: CaseRef | None = None,
):
    """Step 2 (municipality and year) and, once they are chosen, step 3."""
    years = sorted({aar for (_, aar, _) in staged.stats.records}, reverse=True)
    return render_template(
        "ny.html.j2",
        step=3 if chosen else 2,
        key=key,
        staged=staged,
        values=values,
        form=form,
        chosen=chosen,
        errors=errors,
        years=years,
        year_options={str(y): str(y) for y in years},
        labels=INDSTILLING_LABELS,
        data_labels=DATA_LABELS,
        existing=existing,
    )


def _chosen(stats: Statistics, values: dict[str, str], errors: Errors) -> tuple[str, int] | None:
    """The municipality and year typed in step 2, checked against the file (suggesting near misses)."""
    typed = values["kommune"]
    name = kommuner.canonical(typed) if typed else None
    if not typed:
        errors.add("kommune", "Vælg kommunen.")
    elif name is None or name == kommuner.HELE_LANDET:
        errors.add("kommune", f"Ukendt kommune '{typed}'. {kommuner.hint_for(typed)}")
    elif name not in stats.kommuner():
        near = suggest(name, stats.kommuner())
        errors.add("kommune", f"Statistikfilen har ingen tal for {name}." + (f" {near}" if near else ""))
    try:
        aar = int(values["aar"])
    except ValueError:
        errors.add("aar", "Vælg danmarkskortets år.")
        return None
    if errors or name is None:
        return None
    try:
        require_year(stats, name, aar)
    except InputError as exc:
        errors.problems(exc.problems, lambda p: "aar")
        return None
    return name, aar


FIELDS = {"kommune", "aar", "sammenligning", "indstilling", "sagsnummer", "mappe", "forvaltningsomraader", "klagesager"}


@bp.post("/ny/<key>")
def create(key: str):
    """Create the case folder: validated as a whole first, written into a staging folder renamed into place."""
    staged = _staged_or_restart(key)
    if staged is None:
        return redirect(url_for("ny.start"), 303)
    ws = workspace()
    values = {"kommune": request.form.get("kommune", ""), "aar": request.form.get("aar", "")}
    form = {k: request.form.get(k, "") for k in ("sammenligning", "indstilling", "sagsnummer", "mappe")}
    errors = Errors()
    chosen = _chosen(staged.stats, values, errors)
    existing = _taken(chosen, errors)
    _check_group(staged.stats, form["sammenligning"], errors)
    if form["indstilling"] not in INDSTILLINGER:
        errors.add("indstilling", "Vælg forvaltningens indstilling efter § 79 b, stk. 2.")
    folder_name = safe_name(form["mappe"].strip(), "").replace(" ", "-")
    if not folder_name:
        errors.add("mappe", "Skriv et navn til sagsmappen, fx alleroed-2024.")
    elif unusable := ws.new_folder_problem(folder_name):
        errors.add("mappe", unusable)
    uploads: dict[str, Upload] = {}
    for kind in ("forvaltningsomraader", "klagesager"):
        if (file := received(kind)) is not None:
            try:
                read_data(kind, file)
                uploads[kind] = file
            except InputError as exc:
                for problem in exc.problems:  # the whole location: the file, row and column to fix
                    errors.add(kind, str(problem))
    if chosen and not errors:
        try:
            _create(ws.root, folder_name, chosen, form, staged.upload, uploads)
            flash(f"Sagen for {chosen[0]} {chosen[1]} er oprettet i mappen {folder_name}.")
            return redirect(url_for("sag.overblik", name=folder_name), 303)
        except InputError as exc:
            errors.problems(exc.problems, _field_of_created)
        except WriteFailed as exc:
            errors.add(None, str(exc))
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):  # another came first
                errors.add("mappe", f"Der er netop lavet en mappe, der hedder '{folder_name}'. Vælg et andet navn.")
            elif failed := write_failed(exc, "Sagen er ikke oprettet"):
                errors.add(None, str(failed))
            else:
                raise
    if existing is not None or (chosen and errors.fields.get("kommune")):
        return _choice_page(key, staged, values, form, None, errors, existing), 409
    return _choice_page(key, staged, values, form, chosen, errors), 422


def _check_group(stats: Statistics, typed: str, errors: Errors) -> None:
    """The comparison municipalities as typed: each a municipality the statistics file has figures for (Tabel 1
    would otherwise leave it out with only a warning)."""
    for name in lines(typed):
        canonical = kommuner.canonical(name)
        if canonical is None or canonical == kommuner.HELE_LANDET:
            errors.add("sammenligning", f"Ukendt kommune '{name}'. {kommuner.hint_for(name)}")
        elif canonical not in stats.kommuner():
            near = suggest(canonical, stats.kommuner())
            errors.add(
                "sammenligning",
                f"Statistikfilen har ingen tal for {canonical}, så kommunen kan ikke stå i Tabel 1."
                + (f" {near}" if near else " Vælg en kommune fra filen, eller indlæs en fil, der også har dens tal."),
            )


def _field_of_created(problem) -> str | None:
    column = (problem.column or "").split("[")[0]
    if column in FIELDS:
        return column
    stem = Path(problem.file).stem
    return stem if stem in FIELDS else None


def sag_toml(kommune: str, aar: int, form: dict[str, str], files: dict[str, str]) -> str:
    """The new case's sag.toml, with comments that tell a reader what the keys are."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"Danmarkskortet for {kommune} {aar}, oprettet i browseren (reportgen serve)."))
    doc.add(tomlkit.comment("Filen kan også rettes i en teksteditor; browseren bevarer kommentarer og rækkefølge."))
    doc.add(tomlkit.nl())
    doc["kommune"] = kommune
    doc["aar"] = aar
    group = lines(form["sammenligning"])
    doc["sammenligning"] = group
    doc["sammenligning"].comment("Tabel 1: kommunerne efter kommunen selv")
    for kind, name in files.items():
        doc[kind] = name
    doc["status"] = DRAFT.code
    doc["status"].comment(_one_of(CASE_STATUSES))
    if form["sagsnummer"].strip():
        doc["sagsnummer"] = form["sagsnummer"].strip()
    doc.add(tomlkit.nl())
    plan = tomlkit.table()
    plan["indstilling"] = form["indstilling"]
    plan["indstilling"].comment(_one_of(INDSTILLINGER))
    doc["handleplan"] = plan
    return tomlkit.dumps(doc)


def _one_of(codes) -> str:
    """A key's allowed values as its comment in sag.toml: '"udkast" eller "endelig"'."""
    return danish.join([f'"{code}"' for code in codes], "eller")


def _create(
    root: Path,
    folder_name: str,
    chosen: tuple[str, int],
    form: dict[str, str],
    stats: Upload,
    uploads: dict[str, Upload],
) -> None:
    """Write the case into a staging folder, validate it as `reportgen check` would, and rename it into place."""
    staging = Path(tempfile.mkdtemp(prefix=".ny-sag-", dir=root))
    try:
        files = {"statistik": stored_name("statistik", stats)}
        contents: dict[Path, bytes | None] = {staging / files["statistik"]: stats.data}
        for kind, upload in uploads.items():
            files[kind] = stored_name(kind, upload)
            contents[staging / files[kind]] = upload.data
        contents[staging / "sag.toml"] = sag_toml(*chosen, form, files).encode("utf-8")
        write_all(contents, "Sagen er ikke oprettet")
        load_inputs(staging)
        staging.chmod(0o755)
        os.rename(staging, root / folder_name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
