"""The case folder: sag.toml read into typed, frozen objects, and the administration's texts."""

from __future__ import annotations

import math
import os
import re
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from reportgen.domain import danish, danmarkskort, kommuner
from reportgen.domain.errors import InputError, Problem, ProblemList, allowed, suggest
from reportgen.domain.privacy import FOUND, FOUND_HINT, Ids
from reportgen.domain.vocabulary import (
    CASE_STATUSES,
    DECISION_ITEM,
    DECISION_OUTCOMES,
    DENOMINATORS,
    DRAFT,
    ITEM_TYPES,
    OFFICIAL_DENOMINATOR,
    RECOMMENDATIONS,
    DecisionOutcome,
    Denominator,
    ItemType,
    Recommendation,
)
from reportgen.inputs import files
from reportgen.inputs.limits import (
    MAX_LONG_TEXT,
    MAX_MARKDOWN_DEPTH,
    MAX_SHORT_TEXT,
    MAX_TEXT_BYTES,
    MAX_TOML_BYTES,
    MAX_TOML_DEPTH,
)
from reportgen.inputs.text import FORBIDDEN_HINT, forbidden, id_line, line_of, markdown_too_deep, text_problem

# The codes sag.toml accepts for the closed sets (domain/vocabulary.py), in order.
STATUSES = tuple(CASE_STATUSES)
INDSTILLINGER = tuple(RECOMMENDATIONS)
NAEVNERE = tuple(DENOMINATORS)
UDFALD = tuple(DECISION_OUTCOMES)
TEXT_SECTIONS = (
    "tema",
    "kompetence",
    "sagsbeskrivelse",
    "forklaring",
    "forvaltningsomraader",
    "kvalitet",
    "begrundelse",
    "indstilling",
    "oekonomi",
    "dialog",
    "genoptagelse",
    "bilag1",
)
DEFAULT_TITLE = "Årlig behandling af omgørelsesprocenter i klagesager"
DEFAULT_PLAN_TITLE = "Handleplan for kvalitetsudvikling på baggrund af Ankestyrelsens afgørelser"


def key(kind: Any, default: Any = MISSING, toml: str | None = None, limit: int = MAX_SHORT_TEXT) -> Any:
    """A dataclass field that is a TOML key (sag.toml, the plan file): its kind (a key of KEY_KINDS, or the allowed
    values: a tuple, or a table of records by code), its default (none: the key is required), its name in the file
    when that differs from the field's and the most characters a text value (or each text of a list) has."""
    return field(default=default, metadata={"kind": kind, "toml": toml, "limit": limit})


@dataclass(frozen=True)
class Handleplan:
    """The § 79 b, stk. 2 decision the administration recommends, the plan's appendix title, the plan file (Bilag 2)
    and last year's case folder or plan file (the follow-up)."""

    indstilling: str = key(RECOMMENDATIONS)
    bilag: str | None = key(str, None)
    fil: Path | None = key("file", None)
    forrige: Path | None = key("path", None)

    @property
    def recommendation(self) -> Recommendation:
        """The recommendation's record: its label, wording and rules."""
        return RECOMMENDATIONS[self.indstilling]

    @property
    def attached(self) -> bool:
        """True when the recommendation goes with a plan attached as Bilag 2 (listed, and built when `fil` is given)."""
        return self.recommendation.plan and bool(self.bilag or self.fil)

    @property
    def title(self) -> str:
        """The plan's title as an appendix."""
        return self.bilag or DEFAULT_PLAN_TITLE


@dataclass(frozen=True)
class Behandling:
    """One body's treatment of the case: who, when, what they decided."""

    organ: str = key(str)
    dato: date = key(date)
    beslutning: str = key(str, limit=MAX_LONG_TEXT)
    udfald: str | None = key(DECISION_OUTCOMES, None)
    registreret_af: str | None = key(str, None)  # who entered it (written by reportgen serve in team mode)

    @property
    def outcome(self) -> DecisionOutcome | None:
        """The outcome's record, or None when the decision names none."""
        return DECISION_OUTCOMES[self.udfald] if self.udfald is not None else None


@dataclass(frozen=True)
class Moede:
    """A planned meeting where a body will treat the case."""

    organ: str = key(str)
    dato: date = key(date)


@dataclass(frozen=True)
class Bilag:
    """An appendix listed under the case (besides Bilag 1, which the tool makes)."""

    titel: str = key(str)
    fil: str | None = key(str, None)
    ny: bool = key(bool, False)  # added since the case was last sent back


@dataclass(frozen=True)
class Case:
    """A validated case folder."""

    folder: Path
    kommune: str = key("kommune")
    aar: int = key(int)
    statistik: Path = key("file")
    handleplan: Handleplan = key(dict)
    sammenligning: tuple[str, ...] = key("kommuner", ())
    forvaltningsomraader: Path | None = key("file", None)
    klagesager: Path | None = key("file", None)
    landsudtraek: Path | None = key("file", None)
    status: str = key(CASE_STATUSES, DRAFT.code)
    punkttype: str = key(ITEM_TYPES, DECISION_ITEM.code)
    sagsnummer: str | None = key(str, None)
    titel: str = key(str, DEFAULT_TITLE)
    kompetence: str | None = key(str, None)
    ministerium: str | None = key(str, None)
    forfatter: str | None = key(str, None)
    dato: date | None = key(date, None)
    antal_aar: int = key(int, 4)
    tabel2_naevner: str = key(DENOMINATORS, OFFICIAL_DENOMINATOR.code)
    hoering: tuple[str, ...] = key(list, ())
    diskretion: int | None = key(int, None)
    moeder: tuple[Moede, ...] = key("tables", (), toml="moede")
    behandling: tuple[Behandling, ...] = key("tables", ())
    bilag: tuple[Bilag, ...] = key("tables", ())
    stil: Path | None = key("folder", None)
    tekster: tuple[tuple[str, str], ...] = ()

    @property
    def draft(self) -> bool:
        """True while the case is a draft (every page says so)."""
        return CASE_STATUSES[self.status].draft

    @property
    def plan_decision(self) -> bool:
        """True when the item holds the § 79 b, stk. 2 decision on a handleplan (maps from 2021); before, it treats
        the map only (stk. 1)."""
        return danmarkskort.plan_decision_required(self.aar)

    @property
    def plan_point(self) -> Recommendation | None:
        """The recommendation the Indstilling words as its point on a plan: the case's, except one that means
        something only as the stk. 2 decision when the item has none."""
        recommendation = self.handleplan.recommendation
        return None if recommendation.stk2_only and not self.plan_decision else recommendation

    @property
    def item_type(self) -> ItemType:
        """The agenda item's type (`punkttype`)."""
        return ITEM_TYPES[self.punkttype]

    @property
    def denominator(self) -> Denominator:
        """The rate Tabel 2 shows (`tabel2_naevner`)."""
        return DENOMINATORS[self.tabel2_naevner]

    @property
    def council(self) -> str:
        """The deciding council as the documents name it: `kompetence`, else the municipality's own name for its
        council (kommuner.csv), else the statutory "Kommunalbestyrelsen"."""
        return self.kompetence or kommuner.council(self.kommune)

    @property
    def ministry(self) -> str:
        """The ministry that publishes the year's danmarkskort: `ministerium`, else the one in office for the year."""
        return self.ministerium or danmarkskort.ministry(self.aar)

    @property
    def official_name(self) -> str:
        """The municipality as an authority: its official name ("Københavns Kommune"), from kommuner.csv."""
        return kommuner.official_name(self.kommune)

    @property
    def author(self) -> str:
        """The documents' author: `forfatter`, else the municipality's official name."""
        return self.forfatter or self.official_name

    @property
    def document_date(self) -> date:
        """The documents' date: `dato`, else the latest decision or meeting, else 1 January after the year."""
        if self.dato:
            return self.dato
        dates = [b.dato for b in self.behandling] + [m.dato for m in self.moeder]
        return max(dates) if dates else date(self.aar + 1, 1, 1)

    def text(self, section: str) -> str | None:
        """The administration's own Markdown for a section, or None for the default text."""
        return dict(self.tekster).get(section)


def schema(cls: type) -> dict[str, tuple[Any, bool, int]]:
    """A dataclass's sag.toml keys: name in the file → (kind, required, most characters of a text)."""
    return {
        f.metadata["toml"] or f.name: (f.metadata["kind"], f.default is MISSING, f.metadata["limit"])
        for f in fields(cls)
        if "kind" in f.metadata
    }


_TOP = schema(Case)
_TABLES = {"behandling": Behandling, "moede": Moede, "bilag": Bilag}  # the [[…]] sections, each a list of tables


class TableReader:
    """Checks one TOML table against a schema, collecting problems with the key's full name (sag.toml, the plan
    file)."""

    def __init__(self, file: str, folder: Path, problems: ProblemList, ids: Ids):
        self.file, self.folder, self.problems, self.ids = file, folder, problems, ids

    def table(self, data: dict, schema: dict, prefix: str = "") -> dict[str, Any]:
        """Return the valid values of a table; unknown, missing and mistyped keys become problems."""
        out: dict[str, Any] = {}
        for key in data:
            if key not in schema:
                hint = suggest(key, schema) or "Gyldige nøgler: " + ", ".join(schema) + "."
                self.problems.add(self.file, "ukendt nøgle.", column=prefix + key, hint=hint)
        for key, (kind, required, limit) in schema.items():
            if key not in data:
                if required:
                    self.problems.add(
                        self.file,
                        "påkrævet nøgle mangler.",
                        column=prefix + key,
                        hint=f"Tilføj {key} = … ({self._kind_name(kind)}).",
                    )
                continue
            value = self.value(data[key], kind, prefix + key) if self._text_ok(data[key], prefix + key, limit) else None
            if value is not None:
                out[key] = value
        return out

    def _kind_name(self, kind: Any) -> str:
        """A kind as a message names it: "heltal", or 'en af "udkast", "endelig"' for allowed values."""
        name = key_kind(kind).name
        if isinstance(kind, tuple | dict):
            return name + " " + ", ".join(f'"{v}"' for v in kind)
        return name

    def _text_ok(self, value: Any, key: str, limit: int) -> bool:
        """False after recording a problem when a text (or a text in a list) has a forbidden character, is
        longer than limit or holds a pseudonym of the records."""
        texts = [(key, value)] if isinstance(value, str) else []
        if isinstance(value, list):
            texts = [(f"{key}[{i + 1}]", v) for i, v in enumerate(value) if isinstance(v, str)]
        ok = True
        for name, text in texts:
            problem = text_problem(text, limit, self.ids)
            if problem:
                self.problems.add(self.file, f"teksten {problem[0]}", column=name, hint=problem[1])
                ok = False
        return ok

    def value(self, value: Any, kind: Any, key: str) -> Any:
        """Check one value against its kind and return it converted, or None after recording a problem."""
        return key_kind(kind).parse(self, value, key, kind)

    def _is(self, value: Any, kind: type, key: str) -> bool:
        """True when value is of type kind; else False after recording the problem."""
        if isinstance(value, kind):
            return True
        self.problems.add(self.file, f"skal være {key_kind(kind).name}, ikke {value!r}.", column=key)
        return False

    def _choice(self, value: Any, key: str, kind: tuple[Any, ...] | dict[str, Any]) -> Any:
        """One of the allowed values."""
        if value in kind:
            return value
        hint = " ".join(h for h in (suggest(str(value), kind), allowed(kind)) if h)
        self.problems.add(self.file, f"ugyldig værdi {value!r}.", column=key, hint=hint)
        return None

    def _kommune(self, value: Any, key: str, kind: str = "kommune") -> str | None:
        """A municipality's name as Ankestyrelsen writes it; Hele landet and an unknown name are problems."""
        if not self._is(value, str, key):
            return None
        value = unicodedata.normalize("NFC", value)
        name = kommuner.canonical(value)
        if name == kommuner.HELE_LANDET:
            hint = (
                "Skriv kommunens navn, fx 'Allerød'."
                if key == "kommune"
                else "Landstallet kommer automatisk med i Tabel 1; fjern det herfra."
            )
            self.problems.add(self.file, "'Hele landet' er ikke en kommune.", column=key, hint=hint)
            return None
        if name is None:
            self.problems.add(self.file, f"ukendt kommune '{value}'.", column=key, hint=kommuner.hint_for(value))
            return None
        return name

    def _kommuner(self, value: Any, key: str, kind: str) -> tuple[str, ...] | None:
        """A list of municipalities' names, as a tuple; each item that is not one is a problem."""
        if not self._is(value, list, key):
            return None
        names = [self._kommune(v, f"{key}[{i + 1}]") for i, v in enumerate(value)]
        return tuple(n for n in names if n) if all(names) else None

    def _path(self, value: Any, key: str, kind: str) -> Path | None:
        """An existing file inside the case folder ("file"), an existing folder anywhere ("folder": a style folder
        is shared by a municipality's cases) or either anywhere ("path": last year's case folder or plan file),
        relative to the case folder; else None after recording a problem."""
        if not self._is(value, str, key):
            return None
        folder, anywhere = kind == "folder", kind != "file"
        path, message, hint = files.resolve(self.folder / value, None if anywhere else self.folder)
        noun = {"file": "filen", "folder": "mappen", "path": "filen eller mappen"}[kind]
        if path is not None and not (path.is_dir() if folder else path.is_file() or (anywhere and path.is_dir())):
            message = f"{noun} '{value}' er ikke en " + ("mappe." if folder else "almindelig fil.")
            hint = "Angiv stilmappen." if folder else "Angiv en CSV- eller XLSX-fil i sagsmappen."
        elif message == files.MISSING:
            message = f"{noun} '{value}' findes ikke" + ("." if anywhere else " i sagsmappen.")
            hint = f"Tjek navnet; stien er relativ til {self.folder}."
            if folder:
                hint += f" `reportgen stil skabelon {self.folder / value}` laver en stilmappe at begynde fra."
        elif message:
            message = f"{noun} '{value}' kan ikke bruges: {message}"
        if message:
            self.problems.add(self.file, message, column=key, hint=hint)
            return None
        return path

    def _tables(self, value: Any, key: str, kind: str) -> list[dict] | None:
        """The [[key]] sections, a list of tables (records() checks each)."""
        if isinstance(value, list) and all(isinstance(v, dict) for v in value):
            return value
        self.problems.add(self.file, "skal skrives som [[" + key + "]]-afsnit.", column=key)
        return None

    def _text_list(self, value: Any, key: str, kind: type) -> tuple[str, ...] | None:
        """A list of texts, as a tuple; the first item that is not a text is a problem."""
        if not self._is(value, list, key) or not all(self._is(v, str, f"{key}[{i + 1}]") for i, v in enumerate(value)):
            return None
        return tuple(value)

    def _whole(self, value: Any, key: str, kind: type) -> int | None:
        """A whole number; true/false is not one (though Python counts it as an int)."""
        return value if self._is(str(value) if isinstance(value, bool) else value, int, key) else None

    def _number(self, value: Any, key: str, kind: type) -> float | None:
        """A finite number, as a float (a whole number too)."""
        if isinstance(value, int) and not isinstance(value, bool):
            try:
                value = float(value)
            except OverflowError:
                self.problems.add(self.file, "tallet er for stort til at regne med.", column=key, hint="Skriv fx 45.")
                return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problems.add(self.file, f"skal være et endeligt tal, ikke {value!r}.", column=key, hint="Skriv fx 45.")
            return None
        return value if self._is(value, float, key) else None

    def _date(self, value: Any, key: str, kind: type) -> date | None:
        """A date without a time of day."""
        if hasattr(value, "hour"):
            self.problems.add(self.file, "skal være en dato uden klokkeslæt.", column=key, hint="Skriv fx 2025-09-23.")
            return None
        return value if self._is(value, date, key) else None

    def _typed(self, value: Any, key: str, kind: type) -> Any:
        """A value of the kind's own type: a text, true/false or a table."""
        return value if self._is(value, kind, key) else None

    def records(self, tables: Any, cls: type, name: str) -> tuple[Any, ...]:
        """The [[name]] tables that are valid, as cls objects; the problems of the others are recorded."""
        table_schema = schema(cls)
        items = []
        for i, table in enumerate(tables or ()):
            found = self.table(table, table_schema, f"{name}[{i + 1}].")
            if all(k in found for k, (_, required, _) in table_schema.items() if required):
                items.append(cls(**found))
        return tuple(items)


@dataclass(frozen=True)
class KeyKind:
    """A kind of TOML key: its name in a message, and its parser (reader, value, the key's full name, the kind) that
    returns the value converted, or None after recording a problem."""

    name: str
    parse: Callable[[TableReader, Any, str, Any], Any]


KEY_KINDS: dict[Any, KeyKind] = {
    tuple: KeyKind("en af", TableReader._choice),  # allowed values: a tuple, or a table of records by code
    "kommune": KeyKind("kommunenavn", TableReader._kommune),
    "kommuner": KeyKind("liste af kommunenavne", TableReader._kommuner),
    "file": KeyKind("filsti", TableReader._path),
    "folder": KeyKind("mappesti", TableReader._path),
    "path": KeyKind("sti til en fil eller mappe", TableReader._path),
    "tables": KeyKind("[[tabel]]-afsnit", TableReader._tables),
    list: KeyKind("liste af tekster", TableReader._text_list),
    int: KeyKind("heltal", TableReader._whole),
    float: KeyKind("tal (fx 1.5)", TableReader._number),
    date: KeyKind("dato (fx 2025-09-23)", TableReader._date),
    str: KeyKind("tekst", TableReader._typed),
    dict: KeyKind("tabel ([...])", TableReader._typed),
    bool: KeyKind("true/false", TableReader._typed),
}


def key_kind(kind: Any) -> KeyKind:
    """The name and parser of a key's kind; all allowed values (a tuple, or a table by code) are one kind."""
    return KEY_KINDS[tuple if isinstance(kind, tuple | dict) else kind]


TOO_DEEP = f"filen har tabeller eller lister lagt mere end {MAX_TOML_DEPTH} lag inden i hinanden."
TOO_DEEP_HINT = "Fjern de overflødige [ ] og { }: filen har kun få lag (fx [[behandling]] med sine nøgler)."


def parse_toml(text: str, file: str) -> dict[str, Any]:
    """A TOML text's content; InputError naming the file when it is not valid TOML or nests tables and lists more
    than MAX_TOML_DEPTH deep (Python's TOML reader recurses once per level: thousands would overflow)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(file, f"ugyldig TOML: {exc}.", hint="Tjek anførselstegn og = på linjen.")]) from None
    except ValueError:  # a whole number longer than Python reads (sys.get_int_max_str_digits())
        raise InputError([too_many_digits(text, file)]) from None
    except RecursionError:
        data = None
    if data is None or toml_depth(data) > MAX_TOML_DEPTH:
        raise InputError([Problem(file, TOO_DEEP, hint=TOO_DEEP_HINT)])
    return data


WHOLE_NUMBER = re.compile(r"(?:^|[=\[,{])[ \t]*[+-]?([0-9][0-9_]*)", re.MULTILINE)


def too_many_digits(text: str, file: str) -> Problem:
    """The problem of a TOML text with a whole number of more digits than Python reads, naming its line."""
    most = sys.get_int_max_str_digits()
    where = next(
        (
            f"linje {text.count(chr(10), 0, m.start(1)) + 1} har"
            for m in WHOLE_NUMBER.finditer(text)
            if len(m.group(1).replace("_", "")) > most
        ),
        "filen har",
    )
    return Problem(
        file,
        f"{where} et heltal med mere end {danish.count(most)} cifre, og så lange tal kan ikke læses.",
        hint="Ret tallet til det, der er ment: intet tal i filen skal have så mange cifre.",
    )


def toml_depth(value: Any) -> int:
    """How many tables and lists lie inside each other in a TOML value (counted without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth + 1)
            stack += [(v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def read_toml(path: Path, file: str, root: Path | None) -> dict[str, Any]:
    """A TOML file's content, read as a regular file inside root (any place without root) of at most
    MAX_TOML_BYTES; InputError naming the file when it cannot be read, is not UTF-8 or not valid TOML."""
    return parse_toml(_decode(files.read_file(path, file, MAX_TOML_BYTES, root), file), file)


def load_case(
    folder: Path,
    ids: Ids | None = None,
    sag_toml: str | None = None,
    tekster: Mapping[str, str | None] | None = None,
) -> Case:
    """Read and validate a case folder (sag.toml and tekster/*.md); a text holding one of ids is refused.

    A proposed change is validated before it is written by passing it here: `sag_toml` replaces the file's text,
    and `tekster` replaces (or, with None, removes) the texts of the sections it names.
    """
    ids = ids or Ids()
    resolved, message, hint = files.resolve(Path(folder), None)
    if resolved is None or (sag_toml is None and not os.path.lexists(resolved / "sag.toml")):
        if message is None or message == files.MISSING:
            message, hint = "mappen har ingen sag.toml.", "Angiv en sagsmappe, fx data/eksempler/allerod-2024."
        raise InputError([Problem(files.shown(Path(folder)), message, hint=hint)])
    folder = resolved
    file = "sag.toml"
    if sag_toml is not None and (too_big := files.proposal_problem(sag_toml, file, MAX_TOML_BYTES)):
        raise InputError([too_big])
    data = read_toml(folder / file, file, folder) if sag_toml is None else parse_toml(sag_toml, file)
    problems = ProblemList()
    reader = TableReader(file, folder, problems, ids)
    top = reader.table(data, _TOP)
    attribute = {f.metadata["toml"] or f.name: f.name for f in fields(Case) if "kind" in f.metadata}
    values: dict[str, Any] = {attribute[k]: v for k, v in top.items() if k != "handleplan" and k not in _TABLES}
    if "handleplan" in top:
        plan = reader.table(top["handleplan"], schema(Handleplan), "handleplan.")
        if "indstilling" in plan:
            values["handleplan"] = Handleplan(**plan)
    for name, cls in _TABLES.items():
        values[attribute[name]] = reader.records(top.get(name), cls, name)
    _check_ranges(values, file, problems)
    values["tekster"] = _texts(folder, problems, ids, tekster or {})
    _check_final(values, file, problems)
    problems.raise_if_any()
    return Case(folder=folder, **values)


def _check_final(values: dict[str, Any], file: str, problems: ProblemList) -> None:
    """A final case whose recommendation calls for the administration's reasons has them (a draft shows a
    placeholder where they belong, and `check` warns)."""
    plan, aar = values.get("handleplan"), values.get("aar")
    if plan is None or aar is None or values.get("status") is None or CASE_STATUSES[values["status"]].draft:
        return
    if plan.recommendation.reason and danmarkskort.plan_decision_required(aar):
        if "begrundelse" not in dict(values["tekster"]):
            problems.add(
                file,
                f"sagen er endelig, men indstillingen '{plan.indstilling}' har ingen begrundelse.",
                column="status",
                hint="Skriv forvaltningens begrundelse i tekster/begrundelse.md – Ankestyrelsen ser efter den – "
                'eller lad sagen være et udkast (status = "udkast"), til begrundelsen er skrevet.',
            )


def _check_ranges(values: dict[str, Any], file: str, problems: ProblemList) -> None:
    """Values that have the right type but an impossible size."""
    if "aar" in values and not danmarkskort.FIRST_YEAR <= values["aar"] <= 2100:
        problems.add(
            file,
            f"{values['aar']} er ikke et danmarkskort-år.",
            column="aar",
            hint=f"Danmarkskortet findes fra {danmarkskort.FIRST_YEAR}; skriv fx aar = 2024.",
        )
    if "antal_aar" in values and not 1 <= values["antal_aar"] <= 10:
        problems.add(file, "skal være mellem 1 og 10.", column="antal_aar")
    if "diskretion" in values and not 2 <= values["diskretion"] <= 100:
        problems.add(file, "skal være mellem 2 og 100.", column="diskretion")
    if values.get("kommune") in values.get("sammenligning", ()):
        problems.add(
            file,
            "kommunen selv står i listen.",
            column="sammenligning",
            hint="Sammenligningen skal kun nævne de andre kommuner.",
        )
    names = values.get("sammenligning", ())
    for i, name in enumerate(names):
        if name in names[:i]:
            problems.add(
                file,
                f"{name} står to gange i listen.",
                column=f"sammenligning[{i + 1}]",
                hint=f"Fjern den ene; ellers tæller {name} dobbelt i sammenligningen.",
            )
    dates = [b.dato for b in values.get("behandling", ())]
    if dates != sorted(dates):
        problems.add(
            file,
            "beslutningerne står ikke i datoorden.",
            column="behandling",
            hint="Skriv [[behandling]]-afsnittene med den ældste først.",
        )


def _decode(data: bytes, file: str) -> str:
    """A text file's bytes as UTF-8 (with or without BOM)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(file, "filen er ikke gemt som UTF-8.", hint="Gem den som UTF-8.")]) from None


def _texts(
    folder: Path, problems: ProblemList, ids: Ids, changes: Mapping[str, str | None]
) -> tuple[tuple[str, str], ...]:
    """The Markdown files in tekster/, by section name, with proposed changes applied; unknown names, and texts a
    document cannot hold, are problems."""
    texts: dict[str, str] = {}
    directory = folder / "tekster"
    for path in sorted(directory.glob("*.md")) if directory.is_dir() else ():
        section, file = path.stem, f"tekster/{path.name}"
        if section not in TEXT_SECTIONS:
            hint = suggest(section, TEXT_SECTIONS) or "Gyldige navne: " + ", ".join(TEXT_SECTIONS) + "."
            problems.add(file, "ukendt afsnit.", hint=hint)
            continue
        if section in changes:
            continue
        try:
            text = _decode(files.read_file(path, file, MAX_TEXT_BYTES, folder), file)
        except InputError as exc:
            problems.items.extend(exc.problems)
            continue
        if _text_usable(text, file, problems, ids):
            texts[section] = text
    for section, change in changes.items():
        file = f"tekster/{section}.md"
        if section not in TEXT_SECTIONS:
            problems.add(file, "ukendt afsnit.", hint=suggest(section, TEXT_SECTIONS))
        elif change is not None and (too_big := files.proposal_problem(change, file, MAX_TEXT_BYTES)):
            problems.items.append(too_big)
        elif change is not None and _text_usable(change, file, problems, ids):
            texts[section] = change
    return tuple(sorted(texts.items()))


def _text_usable(text: str, file: str, problems: ProblemList, ids: Ids) -> bool:
    """True for a text the writers can take and that holds no pseudonym; else False after recording the problem
    with its line."""
    line = id_line(text, ids)
    if line is not None:
        problems.add(file, f"linje {line} {FOUND}", hint=FOUND_HINT)
        return False
    found = forbidden(text)
    if found:
        problems.add(
            file,
            f"linje {line_of(text, found[0])} indeholder {found[1]}, som ikke kan stå i et dokument.",
            hint=FORBIDDEN_HINT,
        )
        return False
    deep = markdown_too_deep(text)
    if deep:
        problems.add(
            file,
            f"afsnittet på linje {deep[0]} har fremhævning (* eller _) lagt {deep[1]} lag inden i hinanden; "
            f"højst {MAX_MARKDOWN_DEPTH} lag er tilladt.",
            hint="Fjern de overflødige * og _ omkring teksten.",
        )
        return False
    return True
