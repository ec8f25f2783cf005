"""The action plan as the browser's form edits it: the rows typed (targets, initiatives, follow-up meetings) read into
the plan file's values, written into handleplan.toml with tomlkit (comments and unchanged keys kept), and the plan
reader's problems found again at the fields they concern."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import tomlkit
from tomlkit import TOMLDocument
from tomlkit.items import AoT, Table
from werkzeug.datastructures import MultiDict

from reportgen.domain.areas import AREAS
from reportgen.domain.errors import Problem
from reportgen.domain.noegletal import COMPARISONS, KEY_FIGURES, STAGES
from reportgen.web.forms import BadValue, Errors, parse_date

AREA = "omraade:"  # a target's place as the form sends it: "omraade:oevrige" or "forvaltning:Børneområdet"
FORVALTNING = "forvaltning:"
TABLES = {"maal": "maal", "indsats": "indsats", "opfoelgning": "opfoelgning"}  # the form's rows → [[table]]
TARGET_FIELDS = ("id", "sted", "noegletal", "sammenligning", "vaerdi", "aar")
INITIATIVE_FIELDS = ("titel", "beskrivelse", "tema", "ansvarlig", "start", "frist", "status", "statusnote")
FOLLOW_UP_FIELDS = ("dato", "organ", "indhold")
PREFILLED = {"maal": ("id", "sammenligning"), "indsats": ("status",), "opfoelgning": ()}  # an empty row has these
_ROW = re.compile(r"^(maal|indsats|opfoelgning)-(\d+)-(\w+)$")


@dataclass
class PlanForm:
    """The plan as typed: the introduction and the rows, each a dictionary of its fields as text (an initiative's
    targets as a list) with the row's number in the form, so a problem finds its field again."""

    indledning: str = ""
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def target_ids(self) -> list[str]:
        """The targets' ids, in order."""
        return [row["id"] for row in self.rows["maal"] if row.get("id")]


def from_plan(data: Mapping[str, Any]) -> PlanForm:
    """The form's values of a plan file's content (as tomllib reads it)."""
    form = PlanForm(indledning=str(data.get("indledning") or "").strip())
    for i, m in enumerate(data.get("maal") or [], start=1):
        place = f"{AREA}{m['omraade']}" if m.get("omraade") else f"{FORVALTNING}{m.get('forvaltningsomraade', '')}"
        row = {k: _shown(m.get(k)) for k in TARGET_FIELDS} | {"sted": place, "nr": i}
        form.rows["maal"].append(row)
    for i, ind in enumerate(data.get("indsats") or [], start=1):
        row = {k: _shown(ind.get(k)) for k in INITIATIVE_FIELDS} | {"maal": list(ind.get("maal") or []), "nr": i}
        form.rows["indsats"].append(row)
    for i, o in enumerate(data.get("opfoelgning") or [], start=1):
        form.rows["opfoelgning"].append({k: _shown(o.get(k)) for k in FOLLOW_UP_FIELDS} | {"nr": i})
    return form


def _shown(value: Any) -> str:
    """A plan value as a form field shows it: dates as 2025-06-30, numbers without a needless ".0"."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_form(form: MultiDict) -> PlanForm:
    """The plan as the browser sent it; a row left empty, or marked for removal, is left out."""
    plan = PlanForm(indledning=form.get("indledning", "").strip())
    numbers: dict[str, set[int]] = {t: set() for t in TABLES}
    for name in form:
        if match := _ROW.match(name):
            numbers[match[1]].add(int(match[2]))
    fields = {"maal": TARGET_FIELDS, "indsats": INITIATIVE_FIELDS, "opfoelgning": FOLLOW_UP_FIELDS}
    for table, found in numbers.items():
        for n in sorted(found):
            if form.get(f"{table}-{n}-fjern"):
                continue
            row: dict[str, Any] = {k: form.get(f"{table}-{n}-{k}", "").strip() for k in fields[table]}
            if table == "indsats":
                row["maal"] = [v for v in form.getlist(f"indsats-{n}-maal") if v]
            filled = [v for k, v in row.items() if v and k not in PREFILLED[table]]
            if filled:
                plan.rows[table].append(row | {"nr": n})
    return plan


def values(plan: PlanForm, errors: Errors) -> dict[str, list[dict[str, Any]]]:
    """The rows as the plan file's values (numbers, dates); a value that cannot be read is an error at its field
    and left out, so the reader reports what else is wrong too."""
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for row in plan.rows["maal"]:
        n, place = row["nr"], row["sted"]
        target: dict[str, Any] = {"id": row["id"] or None, "omraade": None, "forvaltningsomraade": None}
        if place.startswith(AREA):
            target["omraade"] = place.removeprefix(AREA)
        elif place.startswith(FORVALTNING):
            target["forvaltningsomraade"] = place.removeprefix(FORVALTNING)
        target["noegletal"] = row["noegletal"] or None
        target["sammenligning"] = row["sammenligning"] or None
        target["vaerdi"] = number(row["vaerdi"], f"maal-{n}-vaerdi", errors)
        target["aar"] = year(row["aar"], f"maal-{n}-aar", errors)
        if KEY_FIGURES.get(row["noegletal"]) is not None and COMPARISONS.get(row["sammenligning"], None) is not None:
            if COMPARISONS[row["sammenligning"]].national:
                target["vaerdi"] = None  # "under landsplan" takes no value; a value left in the field is not kept
        out["maal"].append(target)
    for row in plan.rows["indsats"]:
        n = row["nr"]
        initiative: dict[str, Any] = {k: row[k] or None for k in ("titel", "beskrivelse", "tema", "ansvarlig")}
        initiative["maal"] = row["maal"] or None
        initiative["start"] = _date(row["start"], f"indsats-{n}-start", errors)
        initiative["frist"] = _date(row["frist"], f"indsats-{n}-frist", errors)
        initiative["status"] = row["status"] or None
        initiative["statusnote"] = row["statusnote"] or None
        out["indsats"].append(initiative)
    for row in plan.rows["opfoelgning"]:
        n = row["nr"]
        out["opfoelgning"].append(
            {
                "dato": _date(row["dato"], f"opfoelgning-{n}-dato", errors),
                "organ": row["organ"] or None,
                "indhold": row["indhold"] or None,
            }
        )
    return out


def number(text: str, name: str, errors: Errors) -> int | float | None:
    """A target's value typed as 50, 4,5 or 4.5; an error at the field named `name` when it is not a number."""
    if not text:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        errors.add(name, f"'{text}' er ikke et tal. Skriv fx 50 eller 4,5.")
        return None
    return int(number) if number.is_integer() else number


def year(text: str, name: str, errors: Errors) -> int | None:
    """A year typed as 2026; an error at the field named `name` when it is not one."""
    if not text:
        return None
    if not text.isdigit() or len(text) != 4:
        errors.add(name, f"'{text}' er ikke et årstal. Skriv fx 2026.")
        return None
    return int(text)


def _date(text: str, name: str, errors: Errors) -> date | None:
    """A date typed as 2026-06-30 or 30-06-2026; an error at the field named `name` when it cannot be read."""
    if not text:
        return None
    try:
        return parse_date(text)
    except BadValue as exc:
        errors.add(name, str(exc))
        return None


def plan_toml(existing: str | None, plan: PlanForm, rows: dict[str, list[dict[str, Any]]]) -> str:
    """The plan file with the form's values: an existing file edited in place (its comments and the layout of what
    is unchanged kept), else a new file with a comment saying what it is."""
    if existing is None:
        doc = tomlkit.document()
        doc.add(
            tomlkit.comment("Handleplanen – Bilag 2 i sagen om danmarkskortet. Skrevet i browseren (reportgen serve);")
        )
        doc.add(
            tomlkit.comment("filen kan også rettes i en teksteditor. Formatet står i README.md under Handleplanen.")
        )
        doc.add(tomlkit.nl())
    else:
        doc = tomlkit.parse(existing)
    _update(doc, {"indledning": plan.indledning or None})
    for table in TABLES.values():
        _sync(doc, table, rows[table])
    return tomlkit.dumps(doc)


def _sync(doc: Any, name: str, rows: list[dict[str, Any]]) -> None:
    """Make the [[name]] tables hold rows, in order: a table kept where it stands with only its changed keys
    rewritten, new ones appended, the rest removed."""
    tables = doc.get(name)
    if not isinstance(tables, AoT):
        if name in doc:
            del doc[name]
        if not rows:
            return
        doc.append(name, tomlkit.aot())
        tables = doc[name]
    while len(tables) > len(rows):
        del tables[len(tables) - 1]
    for i, row in enumerate(rows):
        if i < len(tables):
            _update(tables[i], row)
        else:
            table = tomlkit.table()
            _update(table, row)
            tables.append(table)
    if not len(tables):
        del doc[name]


def _update(table: Table | TOMLDocument, row: Mapping[str, Any]) -> None:
    """Set a table's keys to the row's values; a key without a value is removed."""
    for key, value in row.items():
        current = table.get(key)
        if value is None or value == [] or value == "":
            if key in table:
                del table[key]
        elif isinstance(value, str) and isinstance(current, str) and current.strip() == value.strip():
            continue  # a text as typed back: its layout in the file (a multi-line string) stays
        elif current != value:
            table[key] = _toml_text(value) if isinstance(value, str) else value


def _toml_text(text: str) -> Any:
    """A text as the file holds it: a text of several lines as a multi-line string, one line as a plain string."""
    text = text.replace("\r\n", "\n")
    return tomlkit.string("\n" + text + "\n", multiline=True) if "\n" in text else text


def in_form_words(problem: Problem) -> Problem:
    """A plan reader's problem as the form shows it: a required key missing is a field to fill in."""
    if problem.message.startswith("påkrævet nøgle mangler"):
        key = (problem.column or "").rsplit(".", 1)[-1]
        return replace(problem, message=f"{FIELD_WORDS.get(key, key)} skal udfyldes.", hint=None)
    return problem


FIELD_WORDS = {"noegletal": "nøgletal", "omraade": "område", "vaerdi": "værdi", "aar": "året", "dato": "datoen"}


def field_of(problem: Problem, plan: PlanForm) -> str | None:
    """The form field a plan reader's problem concerns: 'maal[2].noegletal' → 'maal-<row>-noegletal' (the row's
    number in the form), 'indsats[1].maal[2]' → 'indsats-<row>-maal'; None for a problem of the whole plan."""
    match = re.match(r"^(maal|indsats|opfoelgning)\[(\d+)\](?:\.(\w+))?", problem.column or "")
    if not match:
        return "indledning" if problem.column == "indledning" else None
    table, index, key = match[1], int(match[2]), match[3]
    rows = plan.rows[table]
    if not 1 <= index <= len(rows):
        return None
    n = rows[index - 1]["nr"]
    if table == "maal" and key in ("omraade", "forvaltningsomraade"):
        key = "sted"
    return f"{table}-{n}-{key or ('id' if table == 'maal' else 'titel' if table == 'indsats' else 'dato')}"


def place_options(tabel2: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """A target's places as the form offers them: the areas, then Tabel 2's forvaltningsområder."""
    options = {"Områder": {f"{AREA}{code}": area.label for code, area in AREAS.items()}}
    if tabel2:
        options["Forvaltningsområder (Tabel 2)"] = {f"{FORVALTNING}{name}": name for name in tabel2}
    return options


KEY_FIGURE_OPTIONS = {code: k.label for code, k in KEY_FIGURES.items()}
COMPARISON_OPTIONS = {code: c.label for code, c in COMPARISONS.items()}
STAGE_OPTIONS = {code: s.label for code, s in STAGES.items()}
