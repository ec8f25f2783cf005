"""Sagen: the key figures and warnings, the texts with a live preview, the decisions, the send-back, and the
case's other details; every save validates first and never overwrites a save made meanwhile."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, request, url_for

from reportgen.domain import danmarkskort
from reportgen.domain.errors import InputError, Problem
from reportgen.domain.vocabulary import DECISION_ITEM, DENOMINATORS, ITEM_TYPES, OFFICIAL_DENOMINATOR, SENT_BACK
from reportgen.inputs.case import INDSTILLINGER, STATUSES, TEXT_SECTIONS, UDFALD
from reportgen.lifecycle import preview
from reportgen.web.context import (
    INDSTILLING_LABELS,
    SECTION_LABELS,
    STATUS_LABELS,
    UDFALD_LABELS,
    Loaded,
    NotSaved,
    case_page,
    case_ref,
    clean_text,
    form_errors,
    load,
    problem_document,
    replace_data,
    save,
    workspace,
)
from reportgen.web.files import Upload, check_bilag_file, free_name
from reportgen.web.fixes import shown
from reportgen.web.forms import BadValue, Errors, lines, parse_date
from reportgen.web.guard import document_response
from reportgen.web.team import runtime
from reportgen.web.tomledit import SagToml, Value
from reportgen.web.uploads import DATA_LABELS, read_data, received, stored_name
from reportgen.web.workspace import CaseRef

bp = Blueprint("sag", __name__, url_prefix="/sag/<name>")
BILAG_FOLDER = "bilag"


def _terminal(line: str) -> str:
    return line.replace("\u00a0", " ").strip()


@bp.get("/")
def overblik(name: str):
    """The key figures and every warning, as `reportgen check` prints them, and the case's next steps."""
    loaded = load(case_ref(name))
    lines_ = [_terminal(line) for line in loaded.checked.summary()] if loaded.checked else []
    warnings = [shown(w, name) for w in loaded.checked.warnings] if loaded.checked else []
    return case_page("sag.html.j2", loaded, "overblik", summary=lines_, warnings=warnings, sections=len(TEXT_SECTIONS))


# --- Tekster ---------------------------------------------------------------------------------------------------


def _section(section: str) -> str:
    if section not in TEXT_SECTIONS:
        abort(404)
    return section


@bp.get("/tekster")
def tekster(name: str):
    """The text editor opens on the administration's explanation of the development."""
    return redirect(url_for("sag.tekst", name=name, section="forklaring"))


@bp.get("/tekster/<section>")
def tekst(name: str, section: str):
    """One section: its text (or the tool's default text when not yet written) beside the live preview."""
    return _text_page(load(case_ref(name)), _section(section))


def _text_page(loaded: Loaded, section: str, text: str | None = None, errors: Errors | None = None, status=200):
    own = loaded.inputs.case.text(section) if loaded.inputs else None
    default = loaded.checked.default_text(section) if loaded.checked else ""
    written = {s: bool(loaded.inputs and loaded.inputs.case.text(s)) for s in TEXT_SECTIONS}
    return case_page(
        "tekster.html.j2",
        loaded,
        "tekster",
        status,
        section=section,
        labels=SECTION_LABELS,
        written=written,
        text=(own or "") if text is None else text,
        default=default,
        document=preview.section_document(section),
        errors=errors or Errors(),
    )


@bp.post("/tekster/<section>")
def gem_tekst(name: str, section: str):
    """Save a section's text; an empty text (or "Brug standardteksten") returns the section to the default."""
    ref = case_ref(name)
    section = _section(section)
    text = "" if "standard" in request.form else clean_text(request.form.get("tekst", ""))
    try:
        save(ref, request.form.get("version", ""), tekster={section: text or None})
    except NotSaved as exc:
        errors = Errors()
        errors.add(None, str(exc))
        return _text_page(load(ref), section, request.form.get("tekst", ""), errors, exc.status)
    except InputError as exc:
        return _text_page(load(ref), section, request.form.get("tekst", ""), form_errors(exc, set(), {}), 422)
    flash(
        f"Teksten til '{SECTION_LABELS[section]}' er gemt."
        if text
        else f"'{SECTION_LABELS[section]}' bruger nu standardteksten."
    )
    return redirect(url_for("sag.tekst", name=name, section=section), 303)


@bp.get("/forhaandsvisning/<document>")
def forhaandsvisning(name: str, document: str):
    """The saved case's document as the HTML writer makes it (the preview's starting point)."""
    return _preview(name, document, {})


@bp.post("/forhaandsvisning/<document>")
def live_forhaandsvisning(name: str, document: str):
    """The document with a text as typed (not saved), through the same compose path and HTML writer as build."""
    section = request.form.get("afsnit", "")
    drafts = {_section(section): clean_text(request.form.get("tekst", "")) or None} if section else {}
    return _preview(name, document, drafts)


def _preview(name: str, document: str, drafts: dict[str, str | None]):
    ref = case_ref(name)
    try:
        page = preview.preview(workspace().inputs(ref, tekster=drafts), document)
    except InputError as exc:
        return problem_document([str(p) for p in exc.problems]), 422
    if page is None:
        if document == "bilag-2":  # the plan editor's preview before the plan is written
            return problem_document(
                ["Bilag 2 vises her, når handleplanen er skrevet og gemt."], "Bilag 2 er ikke skrevet"
            )
        abort(404)
    return document_response(page)


# --- Beslutninger ----------------------------------------------------------------------------------------------

DECISION_FIELDS = {"organ", "dato", "beslutning", "udfald"}


def _decision_values() -> tuple[dict[str, str], dict[str, Value], Errors]:
    """A decision as typed, and as sag.toml values; a date that cannot be read is an error at its field."""
    typed = {k: request.form.get(k, "").strip() for k in DECISION_FIELDS}
    errors = Errors()
    values: dict[str, Value] = {
        "organ": typed["organ"],
        "dato": None,
        "beslutning": clean_text(typed["beslutning"]).strip(),
        "udfald": typed["udfald"] or None,
    }
    try:
        values["dato"] = parse_date(typed["dato"])
    except BadValue as exc:
        errors.add("dato", str(exc))
    if not typed["organ"]:
        errors.add("organ", "Skriv hvilket udvalg eller råd der har behandlet sagen.")
    if not values["beslutning"]:
        errors.add("beslutning", "Skriv beslutningen, som den står i protokollen.")
    if values["udfald"] is not None and values["udfald"] not in UDFALD:
        errors.add("udfald", "Vælg et af udfaldene på listen.")
    if (author := runtime.author()) is not None:  # team mode: the documents' decision history names who entered it
        values["registreret_af"] = author
    return typed, values, errors


ORDER_MESSAGE = "Datoen ligger før en tidligere beslutning; beslutningerne skal stå i den rækkefølge, de er truffet."


def _decision_errors(exc: InputError) -> Errors:
    errors = Errors()
    for p in exc.problems:
        if p.column == "behandling":
            errors.add("dato", ORDER_MESSAGE)
        else:
            errors.problems(
                [p], lambda q: field if (field := (q.column or "").rsplit(".", 1)[-1]) in DECISION_FIELDS else None
            )
    return errors


@bp.get("/beslutninger")
def beslutninger(name: str):
    """The decision history, oldest first, with a form to add one and (?ret=N) to change one."""
    return _decisions_page(load(case_ref(name)))


def _decisions_page(loaded: Loaded, typed=None, errors: Errors | None = None, editing: int | None = None, status=200):
    if editing is None and request.args.get("ret", "").isdigit():
        editing = int(request.args["ret"])
    case = loaded.inputs.case if loaded.inputs else None
    organs = (
        sorted({b.organ for b in case.behandling} | {m.organ for m in case.moeder} | {case.council}) if case else []
    )
    return case_page(
        "beslutninger.html.j2",
        loaded,
        "beslutninger",
        status,
        typed=typed or {},
        errors=errors or Errors(),
        editing=editing,
        organs=organs,
        udfald=UDFALD_LABELS,
        today=date.today().isoformat(),
    )


@bp.post("/beslutninger")
def gem_beslutning(name: str):
    """Add a decision, or change decision number `nr` (from 1)."""
    ref = case_ref(name)
    typed, values, errors = _decision_values()
    number = request.form.get("nr", "")
    editing = int(number) if number.isdigit() else None
    status = 422
    if not errors:
        doc = SagToml.read(ref.folder)
        if editing is None:
            doc.add_table("behandling", values)
        elif 1 <= editing <= len(doc.tables("behandling")):
            doc.replace_table("behandling", editing - 1, values)
        else:
            abort(404)
        try:
            save(ref, request.form.get("version", ""), sag_toml=doc.text())
            flash("Beslutningen er gemt." if editing is None else f"Beslutning {editing} er rettet.")
            return redirect(url_for("sag.beslutninger", name=name), 303)
        except NotSaved as exc:
            errors.add(None, str(exc))
            status = exc.status
        except InputError as exc:
            errors = _decision_errors(exc)
    return _decisions_page(load(ref), typed, errors, editing, status)


@bp.post("/beslutninger/<int:number>/slet")
def slet_beslutning(name: str, number: int):
    """Remove decision number `number` (from 1)."""
    return _remove(name, "behandling", number, "Beslutningen er slettet.", "sag.beslutninger")


def _remove(name: str, table: str, number: int, message: str, page: str):
    """Remove the number-th (from 1) [[table]] of sag.toml, validated and saved like any change."""
    ref = case_ref(name)
    doc = SagToml.read(ref.folder)
    if not 1 <= number <= len(doc.tables(table)):
        abort(404)
    doc.remove_table(table, number - 1)
    return _save_details(ref, doc, message, page)


# --- Sagen er sendt tilbage ------------------------------------------------------------------------------------


@bp.get("/tilbagesendt")
def tilbagesendt(name: str):
    """The guided send-back: the decision, the Genoptagelse text and the new appendix in one form."""
    return _sendback_page(load(case_ref(name)))


def _sendback_page(loaded: Loaded, typed=None, errors: Errors | None = None, status=200):
    case = loaded.inputs.case if loaded.inputs else None
    if typed is None and case:
        typed = {
            "organ": case.behandling[-1].organ if case.behandling else case.council,
            "beslutning": f"{case.council} sender sagen tilbage til fagudvalgene.",
            "tekst": case.text("genoptagelse") or "",
        }
    return case_page(
        "tilbagesendt.html.j2", loaded, "beslutninger", status, typed=typed or {}, errors=errors or Errors()
    )


@bp.post("/tilbagesendt")
def gem_tilbagesendt(name: str):
    """Record the send-back, write the Genoptagelse text and add the new appendix, all or nothing."""
    ref = case_ref(name)
    typed, values, errors = _decision_values()
    typed["tekst"] = request.form.get("tekst", "")
    typed["bilag_titel"] = request.form.get("bilag_titel", "").strip()
    values["udfald"] = SENT_BACK.code
    file = received("bilag_fil")
    files: dict[str, bytes] = {}
    bilag: dict[str, Value] | None = None
    if file is not None and not typed["bilag_titel"]:
        errors.add("bilag_titel", "Skriv bilagets titel, som det skal stå i bilagslisten.")
    if typed["bilag_titel"]:
        bilag = {"titel": typed["bilag_titel"], "fil": None, "ny": True}  # Genoptagelse names it as new
        if file is not None:
            try:
                bilag["fil"] = _bilag_path(ref, file)
                files[str(bilag["fil"])] = file.data
            except InputError as exc:
                errors.problems(exc.problems, lambda p: "bilag_fil")
    status = 422
    if not errors:
        doc = SagToml.read(ref.folder)
        doc.add_table("behandling", values)
        if bilag:
            doc.add_table("bilag", bilag)
        text = clean_text(typed["tekst"])
        try:
            save(
                ref,
                request.form.get("version", ""),
                sag_toml=doc.text(),
                tekster={"genoptagelse": text or None},
                files=files,
            )
            flash("Tilbagesendelsen er registreret. Byg en ny version, når sagen er klar til genoptagelse.")
            return redirect(url_for("versioner.versioner", name=name), 303)
        except NotSaved as exc:
            errors.add(None, str(exc))
            status = exc.status
        except InputError as exc:
            errors = _decision_errors(exc)
    return _sendback_page(load(ref), typed, errors, status)


def _bilag_path(ref, file: Upload) -> str:
    """Where an uploaded appendix is stored: bilag/<safe name>, numbered when the name is taken."""
    check_bilag_file(file)
    return f"{BILAG_FOLDER}/{free_name(workspace().within(ref.folder / BILAG_FOLDER, ref.folder), file.name)}"


# --- Oplysninger: indstilling, status, bilag, høring, møder, data ------------------------------------------------

DETAIL_FIELDS = {
    *("status", "indstilling", "plan_bilag", "sagsnummer", "kompetence", "sammenligning", "hoering", "stil"),
    *("punkttype", "ministerium", "forfatter", "antal_aar", "tabel2_naevner", "diskretion"),
}
NUMBER_FIELDS = {"antal_aar": (1, 10), "diskretion": (2, 100)}  # whole numbers, as sag.toml allows them
OWN_LOOK = "Reportgens eget udseende"
DETAIL_ALIASES = {"handleplan.bilag": "plan_bilag", "handleplan.indstilling": "indstilling"}


@bp.get("/oplysninger")
def oplysninger(name: str):
    """The recommendation, status, comparison group, consultations, appendices, meetings and data files."""
    return _details_page(load(case_ref(name)))


def _details_page(loaded: Loaded, typed=None, errors: Errors | None = None, status=200):
    case = loaded.inputs.case if loaded.inputs else None
    if typed is None and case:
        typed = {
            "status": case.status,
            "indstilling": case.handleplan.indstilling,
            "plan_bilag": case.handleplan.bilag or "",
            "sagsnummer": case.sagsnummer or "",
            "kompetence": case.kompetence or "",
            "sammenligning": "\n".join(case.sammenligning),
            "hoering": "\n".join(case.hoering),
            "stil": _current_style(loaded.ref),
            "punkttype": case.punkttype,
            "ministerium": case.ministerium or "",
            "forfatter": case.forfatter or "",
            "antal_aar": str(case.antal_aar),
            "tabel2_naevner": case.tabel2_naevner,
            "diskretion": str(case.diskretion) if case.diskretion is not None else "",
        }
    data = {}
    if case:
        data = {
            "statistik": case.statistik.name,
            "forvaltningsomraader": case.forvaltningsomraader.name if case.forvaltningsomraader else None,
            "klagesager": case.klagesager.name if case.klagesager else None,
            "landsudtraek": case.landsudtraek.name if case.landsudtraek else None,
        }
    return case_page(
        "oplysninger.html.j2",
        loaded,
        "oplysninger",
        status,
        typed=typed or {},
        errors=errors or Errors(),
        statuses={s: STATUS_LABELS[s] for s in STATUSES},
        indstillinger={i: INDSTILLING_LABELS[i] for i in INDSTILLINGER},
        data=data,
        data_labels=DATA_LABELS,
        looks=_looks(loaded.ref),
        item_types={code: t.label for code, t in ITEM_TYPES.items()},
        denominators={code: n.label for code, n in DENOMINATORS.items()},
        defaults={
            "ministerium": danmarkskort.ministry(case.aar) if case else "",
            "forfatter": f"{case.kommune} Kommune" if case else "",
        },
    )


def _in_style_folder(problem: Problem, folder: str) -> bool:
    """True when a problem is about the style folder sag.toml names as folder (its files are named from it)."""
    parts = Path(folder).parts
    return bool(folder) and Path(problem.file).parts[: len(parts)] == parts


def _current_style(ref: CaseRef) -> str:
    """The style folder as the case's sag.toml names it ("" for reportgen's own look, and when sag.toml cannot be
    read: the page shows why)."""
    try:
        value = SagToml.read(ref.folder).get("stil")
    except InputError:
        return ""
    return value if isinstance(value, str) else ""


def _looks(ref: CaseRef) -> dict[str, str]:
    """The looks a case may choose, by their sag.toml value: reportgen's own, each style folder of the workspace
    (beside the cases, so "../<name>"), and the one sag.toml names now."""
    looks = {"": OWN_LOOK} | {f"../{name}": f"Stilmappen {name}" for name in workspace().style_folders()}
    if current := _current_style(ref):
        looks.setdefault(current, f"Stilmappen {current}")
    return looks


@bp.post("/oplysninger")
def gem_oplysninger(name: str):
    """Save the recommendation, status and the other details of the form."""
    ref = case_ref(name)
    typed = {k: request.form.get(k, "").strip() for k in DETAIL_FIELDS}
    doc = SagToml.read(ref.folder)
    doc.set("status", typed["status"])
    doc.set("handleplan.indstilling", typed["indstilling"])
    doc.set("handleplan.bilag", typed["plan_bilag"])
    doc.set("sagsnummer", typed["sagsnummer"])
    doc.set("kompetence", typed["kompetence"])
    doc.set("sammenligning", lines(typed["sammenligning"]))
    doc.set("hoering", [line.strip() for line in typed["hoering"].splitlines() if line.strip()])
    errors = Errors()
    sent = set(request.form)  # a key whose field the form did not send is left as it is
    for key in {"ministerium", "forfatter"} & sent:
        doc.set(key, typed[key])
    for key, default in (("punkttype", DECISION_ITEM.code), ("tabel2_naevner", OFFICIAL_DENOMINATOR.code)):
        if key in sent:
            doc.set(key, None if typed[key] == default and doc.get(key) is None else typed[key])
    for key, (low, high) in NUMBER_FIELDS.items():
        if key not in sent:
            continue
        if not typed[key]:
            doc.set(key, None)
        elif typed[key].isdigit() and low <= int(typed[key]) <= high:
            doc.set(key, int(typed[key]))
        else:
            errors.add(key, f"Skriv et helt tal fra {low} til {high}.")
    if errors:
        return _details_page(load(ref), typed, errors, 422)
    if typed["stil"] not in _looks(ref):
        errors.add("stil", "Vælg et udseende på listen.")
        return _details_page(load(ref), typed, errors, 422)
    doc.set("stil", typed["stil"] or None)
    status = 422
    try:
        save(ref, request.form.get("version", ""), sag_toml=doc.text())
        flash("Oplysningerne er gemt.")
        return redirect(url_for("sag.oplysninger", name=name), 303)
    except NotSaved as exc:
        errors.add(None, str(exc))
        status = exc.status
    except InputError as exc:
        style = [p for p in exc.problems if _in_style_folder(p, typed["stil"])]
        errors = form_errors(InputError(p for p in exc.problems if p not in style), DETAIL_FIELDS, DETAIL_ALIASES)
        for problem in style:  # a problem of the chosen style folder, shown at the choice with its file and key
            errors.add("stil", str(problem))
    return _details_page(load(ref), typed, errors, status)


def _save_details(ref, doc: SagToml, message: str, page: str, files: dict[str, bytes] | None = None):
    """Save a change made from one of the smaller forms; its problems are shown on the page it came from."""
    try:
        save(ref, request.form.get("version", ""), sag_toml=doc.text(), files=files)
        flash(message)
    except NotSaved as exc:
        flash(str(exc), "fejl")
    except InputError as exc:
        for problem in exc.problems:
            flash(f"Ikke gemt: {problem}", "fejl")
    return redirect(url_for(page, name=ref.name), 303)


@bp.post("/bilag")
def nyt_bilag(name: str):
    """Add an appendix to the Bilag list, optionally with its file."""
    ref = case_ref(name)
    titel = request.form.get("titel", "").strip()
    if not titel:
        flash("Ikke gemt: skriv bilagets titel.", "fejl")
        return redirect(url_for("sag.oplysninger", name=name), 303)
    files: dict[str, bytes] = {}
    values: dict[str, Value] = {"titel": titel, "fil": None}
    if (file := received("fil")) is not None:
        try:
            values["fil"] = _bilag_path(ref, file)
        except InputError as exc:
            flash(f"Ikke gemt: {exc.problems[0]}", "fejl")
            return redirect(url_for("sag.oplysninger", name=name), 303)
        files[str(values["fil"])] = file.data
    doc = SagToml.read(ref.folder)
    doc.add_table("bilag", values)
    return _save_details(ref, doc, f"Bilaget '{titel}' er tilføjet.", "sag.oplysninger", files)


@bp.post("/bilag/<int:number>/slet")
def slet_bilag(name: str, number: int):
    """Remove an appendix from the list (its file stays in the case folder)."""
    return _remove(name, "bilag", number, "Bilaget er fjernet fra listen.", "sag.oplysninger")


@bp.post("/moeder")
def nyt_moede(name: str):
    """Add a planned meeting."""
    ref = case_ref(name)
    organ = request.form.get("organ", "").strip()
    try:
        dato = parse_date(request.form.get("dato", ""))
    except BadValue as exc:
        flash(f"Ikke gemt: {exc}", "fejl")
        return redirect(url_for("sag.oplysninger", name=name), 303)
    if not organ:
        flash("Ikke gemt: skriv hvilket udvalg eller råd der holder mødet.", "fejl")
        return redirect(url_for("sag.oplysninger", name=name), 303)
    doc = SagToml.read(ref.folder)
    doc.add_table("moede", {"organ": organ, "dato": dato})
    return _save_details(ref, doc, "Mødet er tilføjet.", "sag.oplysninger")


@bp.post("/moeder/<int:number>/slet")
def slet_moede(name: str, number: int):
    """Remove a planned meeting."""
    return _remove(name, "moede", number, "Mødet er fjernet.", "sag.oplysninger")


@bp.post("/data/<kind>")
def ny_datafil(name: str, kind: str):
    """Replace (or add) a data file: checked by its reader, then the whole case validated with it."""
    ref = case_ref(name)
    if kind not in DATA_LABELS:
        abort(404)
    doc = SagToml.read(ref.folder)
    if "fjern" in request.form and kind != "statistik":
        doc.set(kind, None)
        return _save_details(ref, doc, f"{DATA_LABELS[kind]} er fjernet fra sagen.", "sag.oplysninger")
    file = received("fil")
    if file is None:
        flash("Ikke gemt: vælg filen.", "fejl")
        return redirect(url_for("sag.oplysninger", name=name), 303)
    try:
        read_data(kind, file)
    except InputError as exc:
        for problem in exc.problems:
            flash(f"Ikke gemt: {problem}", "fejl")
        return redirect(url_for("sag.oplysninger", name=name), 303)
    try:
        replace_data(ref, request.form.get("version", ""), doc, kind, stored_name(kind, file), file.data)
        flash(f"{DATA_LABELS[kind]} er udskiftet med {file.name}.")
    except NotSaved as exc:
        flash(str(exc), "fejl")
    except InputError as exc:
        for problem in exc.problems:
            flash(f"Ikke gemt: {problem}", "fejl")
    return redirect(url_for("sag.oplysninger", name=name), 303)
