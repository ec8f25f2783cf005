"""Handleplan: the action plan written in the browser – introduction, targets with their current value, initiatives,
follow-up meetings and last year's case – saved as handleplan.toml (checked by the command line's plan reader) with
the live preview of Bilag 2 beside it."""

from __future__ import annotations

import tomllib
from pathlib import Path

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for

from reportgen.domain.errors import InputError
from reportgen.lifecycle import preview
from reportgen.web import planform
from reportgen.web.context import (
    Loaded,
    NotSaved,
    case_page,
    case_ref,
    load,
    problem_document,
    proposed_file,
    replace_data,
    workspace,
)
from reportgen.web.forms import Errors
from reportgen.web.guard import document_response
from reportgen.web.tomledit import SagToml
from reportgen.web.workspace import PLAN_TOML, CaseRef

bp = Blueprint("handleplan", __name__, url_prefix="/sag/<name>")
PLAN_KEY = "handleplan.fil"
PREVIOUS_KEY = "handleplan.forrige"
NO_PREVIOUS = ""


def plan_file(ref: CaseRef) -> str:
    """The plan file the editor writes: the one sag.toml names when it is a file directly in the case folder, else
    handleplan.toml."""
    named = SagToml.read(ref.folder).get(PLAN_KEY)
    return named if isinstance(named, str) and Path(named).name == named and named.endswith(".toml") else PLAN_TOML


def _saved_plan(ref: CaseRef) -> tuple[str | None, planform.PlanForm]:
    """The plan file's text (None when the case has none yet) and its values as the form shows them."""
    path = ref.folder / plan_file(ref)
    if not path.is_file() or not workspace().inside(path, ref.folder):
        return None, planform.PlanForm()
    text = path.read_text(encoding="utf-8-sig")
    try:
        return text, planform.from_plan(tomllib.loads(text))
    except tomllib.TOMLDecodeError:
        return text, planform.PlanForm()


def previous_options(ref: CaseRef) -> dict[str, str]:
    """Last year's case as the form offers it: none, or another case of the workspace (by its sag.toml value
    "../<folder>"), the same municipality's cases first; and what sag.toml names now, if it is something else."""
    ws = workspace()
    own = ws.kommune_aar(ref)
    others = []
    for other in ws.cases():
        if other.name == ref.name:
            continue
        found = ws.kommune_aar(other)
        label = f"{found[0]} {found[1]} (mappen {other.name})" if found else f"Mappen {other.name}"
        same = bool(found and own and found[0] == own[0])
        others.append((not same, -(found[1] if found else 0), other.name, label))
    options = {NO_PREVIOUS: "Ingen: sagen følger ikke op på en tidligere handleplan"}
    options |= {f"../{name}": label for _, _, name, label in sorted(others)}
    current = SagToml.read(ref.folder).get(PREVIOUS_KEY)
    if isinstance(current, str) and current not in options:
        options[current] = f"{current} (som sag.toml nævner nu)"
    return options


@bp.get("/handleplan")
def handleplan(name: str):
    """The plan editor with the preview of Bilag 2."""
    loaded = load(case_ref(name))
    _, plan = _saved_plan(loaded.ref)
    current = SagToml.read(loaded.ref.folder).get(PREVIOUS_KEY)
    return _page(loaded, plan, current if isinstance(current, str) else NO_PREVIOUS)


def _page(loaded: Loaded, plan: planform.PlanForm, forrige: str, errors: Errors | None = None, status: int = 200):
    inputs = loaded.inputs
    tabel2 = tuple(dict.fromkeys(r.navn for r in inputs.forvaltning.records)) if inputs and inputs.forvaltning else ()
    now = {}
    if inputs is not None:
        for row in plan.rows["maal"]:
            now[row["nr"]] = _target_now(loaded, row)
    blank = {
        "maal": {"nr": _next(plan, "maal"), "id": f"M{len(plan.rows['maal']) + 1}", "sammenligning": "<="},
        "indsats": {"nr": _next(plan, "indsats"), "maal": [], "status": "planlagt"},
        "opfoelgning": {"nr": _next(plan, "opfoelgning")},
    }
    return case_page(
        "handleplan.html.j2",
        loaded,
        "handleplan",
        status,
        plan=plan,
        blank=blank,
        now=now,
        forrige=forrige,
        previous=previous_options(loaded.ref),
        places=planform.place_options(tabel2),
        key_figures=planform.KEY_FIGURE_OPTIONS,
        comparisons=planform.COMPARISON_OPTIONS,
        stages=planform.STAGE_OPTIONS,
        errors=errors or Errors(),
        file=plan_file(loaded.ref),
        has_bilag2=bool(inputs and inputs.case.handleplan.recommendation.plan),
    )


def _next(plan: planform.PlanForm, table: str) -> int:
    return max((row["nr"] for row in plan.rows[table]), default=0) + 1


def _target_now(loaded: Loaded, row: dict) -> str:
    """A target row's current value (see preview.target_now)."""
    assert loaded.inputs is not None
    place = row.get("sted", "")
    errors = Errors()
    vaerdi = planform.number(row.get("vaerdi", ""), "vaerdi", errors)
    aar = planform.year(row.get("aar", ""), "aar", errors)
    return preview.target_now(
        loaded.inputs,
        row.get("noegletal", ""),
        row.get("sammenligning", ""),
        omraade=place.removeprefix(planform.AREA) if place.startswith(planform.AREA) else None,
        forvaltningsomraade=place.removeprefix(planform.FORVALTNING)
        if place.startswith(planform.FORVALTNING)
        else None,
        vaerdi=vaerdi,
        aar=aar,
    )


@bp.get("/handleplan/maal")
def maal_nu(name: str):
    """A target's current value as it is typed (JSON for the page's script)."""
    loaded = load(case_ref(name))
    if loaded.inputs is None:
        return jsonify(tekst="")
    row = {k: request.args.get(k, "") for k in planform.TARGET_FIELDS}
    return jsonify(tekst=_target_now(loaded, row))


def _proposal(ref: CaseRef) -> tuple[planform.PlanForm, str, str, SagToml, Errors]:
    """The plan as typed, its file's new text, last year's case chosen, sag.toml naming both, and the errors found
    before any reader sees it (values that cannot be read, a last year's case not offered)."""
    plan = planform.read_form(request.form)
    errors = Errors()
    rows = planform.values(plan, errors)
    existing, _ = _saved_plan(ref)
    text = planform.plan_toml(existing, plan, rows)
    forrige = request.form.get("forrige", NO_PREVIOUS)
    if forrige not in previous_options(ref):
        errors.add("forrige", "Vælg sidste års sag på listen.")
    doc = SagToml.read(ref.folder)
    doc.set(PREVIOUS_KEY, forrige or None)
    return plan, text, forrige, doc, errors


@bp.post("/handleplan")
def gem_handleplan(name: str):
    """Save the plan: handleplan.toml written and named in sag.toml, all checked as `reportgen check` checks it."""
    ref = case_ref(name)
    plan, text, forrige, doc, errors = _proposal(ref)
    file = plan_file(ref)
    status = 422
    try:
        if errors:  # what the reader finds besides is shown too; nothing is written
            with proposed_file(ref, doc, PLAN_KEY, file, text.encode("utf-8")):
                preview.validate(workspace().inputs(ref, doc.text()))
        else:
            replace_data(ref, request.form.get("version", ""), doc, PLAN_KEY, file, text.encode("utf-8"))
            flash("Handleplanen er gemt.")
            return redirect(url_for("handleplan.handleplan", name=name), 303)
    except NotSaved as exc:  # saved in between (409), or the server could not write it (507)
        errors.add(None, str(exc))
        status = exc.status
    except InputError as exc:
        ours = [planform.in_form_words(p) if p.file == file else p for p in exc.problems]
        found = Errors()
        found.problems(ours, lambda p: planform.field_of(p, plan) if p.file == file else None)
        for field, messages in found.fields.items():
            if field not in errors.fields:  # a value that could not be read is already explained at its field
                for message in messages:
                    errors.add(field, message)
        for message in found.general:
            errors.add(None, message)
    return _page(load(ref), plan, forrige, errors, status)


@bp.post("/forhaandsvisning-handleplan")
def live_handleplan(name: str):
    """Bilag 2 with the plan as typed (nothing is saved), through the same compose path and HTML writer as build."""
    ref = case_ref(name)
    _, text, _, doc, errors = _proposal(ref)
    if errors:
        return problem_document([f"{message}" for _, message in errors.summary()]), 422
    try:
        with proposed_file(ref, doc, PLAN_KEY, plan_file(ref), text.encode("utf-8")):
            page = preview.preview(workspace().inputs(ref, doc.text()), "bilag-2")
    except InputError as exc:
        return problem_document([str(p) for p in exc.problems]), 422
    if page is None:
        abort(404)
    return document_response(page)
