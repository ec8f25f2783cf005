"""Byg and Sammenlign: new versions built as `reportgen build` builds them, the version list with downloads
and the PDF in the page, and two versions compared with the redline, the changed figures and Word files."""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, jsonify, redirect, request, send_file, url_for

from reportgen.domain.errors import InputError
from reportgen.domain.kommuner import slug
from reportgen.lifecycle import diff
from reportgen.lifecycle.failures import BuildFailed
from reportgen.web import fixes
from reportgen.web.context import DOCUMENT_LABELS, builds, case_page, case_ref, load, workspace
from reportgen.web.guard import document_response
from reportgen.web.team import runtime
from reportgen.web.workspace import Version

bp = Blueprint("versioner", __name__, url_prefix="/sag/<name>")

MIMETYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".html": "text/html",
    ".json": "application/json",
    ".png": "image/png",
}
FORMAT_LABELS = {".docx": "Word", ".pdf": "PDF", ".html": "HTML"}
_PAIR = re.compile(r"^v(\d+)-v(\d+)$")


def _case_versions(name: str):
    loaded = load(case_ref(name))
    kommune_aar = workspace().kommune_aar(loaded.ref)
    return loaded, (workspace().versions(loaded.ref, *kommune_aar) if kommune_aar else []), kommune_aar


def documents(version: Version) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """A version's documents in order, each with its name and files by format:
    [("Sagsfremstilling", "sagsfremstilling", [("Word", "sagsfremstilling.docx"), …]), …]."""
    stems: dict[str, list[tuple[str, str]]] = {}
    for file in version.files:
        stem, dot, ext = file.rpartition(".")
        if f".{ext}" in FORMAT_LABELS and not stem.endswith(diff.TRACKED_SUFFIX.removesuffix(".docx")):
            stems.setdefault(stem, []).append((FORMAT_LABELS[f".{ext}"], file))
    order = list(DOCUMENT_LABELS)
    return [
        (DOCUMENT_LABELS.get(stem, stem), stem, sorted(files, key=lambda f: list(FORMAT_LABELS.values()).index(f[0])))
        for stem, files in sorted(stems.items(), key=lambda s: (order.index(s[0]) if s[0] in order else 99, s[0]))
    ]


@bp.get("/versioner")
def versioner(name: str):
    """Build, the running build's progress, the versions with their downloads and (?vis=N) the PDF."""
    loaded, versions, kommune_aar = _case_versions(name)
    other = workspace().other_owner(loaded.ref, *kommune_aar) if kommune_aar else None
    job_id = request.args.get("byg")
    job = builds().job(name, job_id) if job_id else builds().running(name)
    shown = request.args.get("vis", "")
    shown_version = next((v for v in versions if str(v.number) == shown), None)
    document = request.args.get("dok", "sagsfremstilling")
    if shown_version is not None and f"{document}.pdf" not in shown_version.files:
        document = "sagsfremstilling"
    return case_page(
        "versioner.html.j2",
        loaded,
        "versioner",
        versions=list(reversed(versions)),
        documents=documents,
        job=job,
        shown=shown_version,
        document=document,
        labels=DOCUMENT_LABELS,
        other=other,
        warnings=[fixes.shown(w, name) for w in job.result.warnings] if job and job.result else [],
        other_case=next((c for c in workspace().cases() if other and c.folder == other), None),
    )


@bp.post("/byg")
def byg(name: str):
    """Start a build of the case; the page follows its progress."""
    ref = case_ref(name)
    ws = workspace()
    try:
        ws.confine(ref)
    except InputError as exc:
        for problem in exc.problems:
            flash(f"Kan ikke bygges: {problem}", "fejl")
        return redirect(url_for("versioner.versioner", name=name), 303)
    if kommune_aar := ws.kommune_aar(ref):
        ws.within(ws.output_base(*kommune_aar), ws.out)  # the version is written there
    job = builds().submit(name, ref.folder, runtime.user())
    return redirect(url_for("versioner.versioner", name=name, byg=job.id), 303)


@bp.get("/byg/<job_id>")
def byg_status(name: str, job_id: str):
    """A build's progress as JSON for the page's script."""
    job = builds().job(case_ref(name).name, job_id)
    if job is None:
        abort(404)
    return jsonify(
        state=job.state,
        done=job.done,
        steps=job.steps,
        message=job.message(),
        problems=job.problems,
        version=job.result.version if job.result else None,
    )


def _version(name: str, number: int) -> Version:
    _, versions, _ = _case_versions(name)
    version = next((v for v in versions if v.number == number), None)
    if version is None:
        abort(404)
    return version


def _send(folder, files: tuple[str, ...] | list[str], filename: str, inline: bool, download_name: str):
    """A file of a version or comparison folder; only names listed in it are ever served. A download is named for
    the case and version (download_name), so versions do not collide in a Downloads folder; HTML opens in the
    browser."""
    if filename not in files:
        abort(404)
    path = workspace().within(folder / filename, workspace().out)
    suffix = path.suffix.lower()
    if suffix == ".html":
        response = document_response(path.read_bytes())
        response.headers["Content-Disposition"] = f'inline; filename="{download_name}"'
        return response
    return send_file(
        path,
        mimetype=MIMETYPES.get(suffix, "application/octet-stream"),
        as_attachment=not inline,
        download_name=download_name,
        max_age=0,
    )


def download_name(kommune_aar: tuple[str, int] | None, versions: str, filename: str) -> str:
    """A downloaded file's name: lyngby-taarbaek-2024-v3-sagsfremstilling.pdf (versions "v3", or "v1-v2" for a
    comparison's file)."""
    prefix = f"{slug(kommune_aar[0])}-{kommune_aar[1]}-" if kommune_aar else ""
    return f"{prefix}{versions}-{filename}"


@bp.get("/v<int:number>/<filename>")
def fil(name: str, number: int, filename: str):
    """A file of a version: downloaded, or shown in the page with ?vis=1 (PDF and HTML)."""
    version = _version(name, number)
    named = download_name(workspace().kommune_aar(case_ref(name)), f"v{number}", filename)
    return _send(version.folder, version.files, filename, request.args.get("vis") == "1", named)


# --- Sammenlign ------------------------------------------------------------------------------------------------


def _comparison_folder(name: str, old: int, new: int):
    _, _, kommune_aar = _case_versions(name)
    if kommune_aar is None:
        abort(404)
    ws = workspace()
    return ws.within(ws.output_base(*kommune_aar) / diff.COMPARISONS / f"v{old}-v{new}", ws.out)


@bp.get("/sammenlign")
def sammenlign(name: str):
    """Pick two versions to compare; the comparisons made earlier are listed."""
    loaded, versions, kommune_aar = _case_versions(name)
    earlier = []
    if kommune_aar:
        folder = workspace().within(workspace().output_base(*kommune_aar) / diff.COMPARISONS, workspace().out)
        if folder.is_dir():
            earlier = sorted(p.name for p in folder.iterdir() if p.is_dir() and _PAIR.match(p.name))
    return case_page("sammenlign.html.j2", loaded, "sammenlign", versions=versions, earlier=earlier, result=None)


@bp.post("/sammenlign")
def sammenlign_nu(name: str):
    """Compare two versions into the comparison's own folder (never into a version folder)."""
    try:
        old, new = int(request.form.get("fra", "")), int(request.form.get("til", ""))
    except ValueError:
        abort(400)
    a, b = _version(name, old), _version(name, new)
    if old == new:
        flash("Vælg to forskellige versioner.", "fejl")
        return redirect(url_for("versioner.sammenlign", name=name), 303)
    try:
        diff.run(a.folder, b.folder, out=_comparison_folder(name, old, new))
    except BuildFailed as exc:  # a full disk, a folder that cannot be written: nothing is written
        flash(str(exc), "fejl")
        return redirect(url_for("versioner.sammenlign", name=name), 303)
    return redirect(url_for("versioner.sammenligning", name=name, pair=f"v{old}-v{new}"), 303)


@bp.get("/sammenlign/<pair>")
def sammenligning(name: str, pair: str):
    """A comparison: what changed, the changed figures, the redline in the page and the Word files."""
    match = _PAIR.match(pair)
    if not match:
        abort(404)
    old, new = int(match[1]), int(match[2])
    a, b = _version(name, old), _version(name, new)
    loaded, versions, _ = _case_versions(name)
    result = diff.compare(a.folder, b.folder)
    folder = _comparison_folder(name, old, new)
    files = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    redline = next((f for f in files if f.endswith(".html")), None)
    return case_page(
        "sammenlign.html.j2",
        loaded,
        "sammenlign",
        versions=versions,
        earlier=[],
        result=result,
        summary=[line.replace("\u00a0", " ") for line in diff.summary_lines(result, [])],
        pair=pair,
        old=old,
        new=new,
        redline=redline,
        tracked=[f for f in files if f.endswith(diff.TRACKED_SUFFIX)],
    )


@bp.get("/sammenlign/<pair>/<filename>")
def sammenligning_fil(name: str, pair: str, filename: str):
    """A file of a comparison: the redline (shown with ?vis=1) or a Word file with tracked changes."""
    match = _PAIR.match(pair)
    if not match:
        abort(404)
    folder = _comparison_folder(name, int(match[1]), int(match[2]))
    files = [p.name for p in folder.iterdir() if p.is_file() and not p.is_symlink()] if folder.is_dir() else []
    named = download_name(workspace().kommune_aar(case_ref(name)), pair, filename)
    return _send(folder, files, filename, request.args.get("vis") == "1", named)
