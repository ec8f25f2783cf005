"""The action plan file (handleplan.toml): targets on computed figures, initiatives and the follow-up, validated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

from reportgen.domain.areas import AREAS
from reportgen.domain.errors import Problem, ProblemList, suggest
from reportgen.domain.noegletal import COMPARISON_ALIASES, COMPARISONS, KEY_FIGURES, STAGES, Comparison, Stage
from reportgen.domain.privacy import Ids
from reportgen.inputs.case import TableReader, key, read_toml, schema
from reportgen.inputs.limits import MAX_LONG_TEXT


@dataclass(frozen=True)
class Maal:
    """A target: a key figure of an area or forvaltningsområde compared with a value (or the national rate) in a
    given danmarkskort year."""

    id: str = key(str)
    noegletal: str = key(tuple(KEY_FIGURES))
    sammenligning: str = key((*COMPARISONS, *COMPARISON_ALIASES))
    aar: int = key(int)
    omraade: str | None = key(tuple(AREAS), None)
    forvaltningsomraade: str | None = key(str, None)
    vaerdi: float | None = key(float, None)

    @property
    def target(self) -> Fraction | None:
        """The target value exactly (None for "under landsplan")."""
        return None if self.vaerdi is None else Fraction(str(self.vaerdi))

    @property
    def comparison(self) -> Comparison:
        """The comparison ("≤" written as "<=")."""
        return COMPARISONS[COMPARISON_ALIASES.get(self.sammenligning, self.sammenligning)]

    @property
    def scope(self) -> str:
        """The area code or the forvaltningsområde's name the target is measured on."""
        return self.omraade or self.forvaltningsomraade or ""


@dataclass(frozen=True)
class Indsats:
    """An initiative: what is done, for which targets or theme, by whom, when, and how far it has come."""

    titel: str = key(str)
    ansvarlig: str = key(str)
    start: date = key(date)
    frist: date = key(date)
    status: str = key(STAGES)
    beskrivelse: str | None = key(str, None, limit=MAX_LONG_TEXT)
    maal: tuple[str, ...] = key(list, ())
    tema: str | None = key(str, None)
    statusnote: str | None = key(str, None, limit=MAX_LONG_TEXT)

    @property
    def stage(self) -> Stage:
        """How far the initiative has come: its status's record."""
        return STAGES[self.status]


@dataclass(frozen=True)
class Opfoelgning:
    """When, and to whom, progress on the plan is reported."""

    dato: date = key(date)
    organ: str = key(str)
    indhold: str | None = key(str, None, limit=MAX_LONG_TEXT)


@dataclass(frozen=True)
class Plan:
    """A validated plan file: the map year it was made on, its own introduction, targets, initiatives, follow-up."""

    file: str  # the name to show in messages and source lines
    path: Path
    aar: int
    indledning: str | None = key(str, None, limit=MAX_LONG_TEXT)
    maal: tuple[Maal, ...] = key("tables", ())
    indsatser: tuple[Indsats, ...] = key("tables", (), toml="indsats")
    opfoelgning: tuple[Opfoelgning, ...] = key("tables", ())
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def target(self, maal_id: str) -> Maal | None:
        """The target with this id."""
        return next((m for m in self.maal if m.id == maal_id), None)

    def initiative(self, titel: str) -> Indsats | None:
        """The initiative with this title (case and spacing ignored)."""
        return next((i for i in self.indsatser if same_title(i.titel, titel)), None)


def same_title(a: str, b: str) -> bool:
    """True when two titles differ at most in case and spacing (an initiative keeps its title from year to year)."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


_TOP = schema(Plan)
_TABLES = {"maal": Maal, "indsats": Indsats, "opfoelgning": Opfoelgning}


def load_plan(path: Path, file: str, aar: int, tabel2: tuple[str, ...] | None, root: Path | None, ids: Ids) -> Plan:
    """Read and validate a plan made on the danmarkskort of `aar`, a regular file inside root (any place without
    root); a text holding one of ids is refused. `tabel2` holds the forvaltningsområder a target may name (None:
    not checked, as for last year's plan, whose areas may since have changed)."""
    data = read_toml(path, file, root)
    problems = ProblemList()
    warnings: list[Problem] = []
    reader = TableReader(file, path.parent, problems, ids)
    top = reader.table(data, _TOP)
    maal = reader.records(top.get("maal"), Maal, "maal")
    indsatser = reader.records(top.get("indsats"), Indsats, "indsats")
    opfoelgning = reader.records(top.get("opfoelgning"), Opfoelgning, "opfoelgning")
    if problems.items:  # keys and types first: the checks below rely on every table being complete
        problems.raise_if_any()
    checks = _Checks(file, aar, problems, warnings)
    for i, m in enumerate(maal, start=1):
        checks.target(m, f"maal[{i}].", tabel2)
    checks.unique([m.id for m in maal], "maal", "id", "Giv hvert mål sit eget id, fx M1, M2 …")
    checks.unique(
        [_definition(m) for m in maal], "maal", "", "To mål måler det samme; slet det ene eller ret område eller år."
    )
    target_ids = [m.id for m in maal]
    for i, ind in enumerate(indsatser, start=1):
        checks.initiative(ind, f"indsats[{i}].", target_ids)
    checks.unique(
        [" ".join(i.titel.split()).casefold() for i in indsatser],
        "indsats",
        "titel",
        "Giv indsatserne forskellige titler; titlen følger indsatsen, når planen videreføres.",
    )
    if not indsatser:
        problems.add(
            file,
            "handleplanen har ingen indsatser.",
            column="indsats",
            hint="Tilføj mindst én [[indsats]] med titel, ansvarlig, start, frist og status.",
        )
    if not maal:
        warnings.append(
            Problem(
                file,
                "handleplanen har ingen mål; næste års sag kan derfor ikke måle, om planen virkede.",
                column="maal",
                hint="Tilføj [[maal]] på et nøgletal, fx omgoerelsesprocent på et område.",
                resolves="handleplan",
            )
        )
    problems.raise_if_any()
    return Plan(file, path.resolve(), aar, top.get("indledning"), maal, indsatser, opfoelgning, tuple(warnings))


def _definition(m: Maal) -> str:
    """What a target measures and demands; two targets with the same definition are one target twice."""
    return f"{m.scope.casefold()}|{m.noegletal}|{m.comparison.code}|{m.vaerdi}|{m.aar}"


class _Checks:
    """The plan's rules beyond each key's type: consistent targets, dates in order, references that exist."""

    def __init__(self, file: str, aar: int, problems: ProblemList, warnings: list[Problem]):
        self.file, self.aar, self.problems, self.warnings = file, aar, problems, warnings

    def add(self, key: str, message: str, hint: str) -> None:
        self.problems.add(self.file, message, column=key, hint=hint)

    def target(self, m: Maal, at: str, tabel2: tuple[str, ...] | None) -> None:
        """A target names exactly one place, a figure computed there, a sensible value and a year not passed."""
        figure = KEY_FIGURES[m.noegletal]
        if (m.omraade is None) == (m.forvaltningsomraade is None):
            self.add(
                at + "omraade",
                "målet skal have enten omraade eller forvaltningsomraade.",
                'Skriv fx omraade = "oevrige" eller forvaltningsomraade = "Børneområdet" (et navn fra Tabel 2).',
            )
        if m.forvaltningsomraade is not None:
            self._forvaltning(m, at, tabel2)
        if m.comparison.national:
            if not figure.landsplan or m.forvaltningsomraade is not None:
                self.add(
                    at + "sammenligning",
                    f"{figure.label.lower()} har intet landstal"
                    + (" for forvaltningsområder." if figure.landsplan else "."),
                    "Brug <=, <, >= eller > med en vaerdi, eller omgoerelsesprocent på et område.",
                )
            if m.vaerdi is not None:
                self.add(
                    at + "vaerdi",
                    "vaerdi bruges ikke, når målet er under landsplan.",
                    'Slet vaerdi, eller brug sammenligning = "<=".',
                )
        elif m.vaerdi is None:
            self.add(
                at + "vaerdi", "påkrævet nøgle mangler.", f"Skriv målets værdi, fx vaerdi = {_example(figure.unit)}."
            )
        else:
            self._value(m, at)
        if m.aar < self.aar:
            self.add(
                at + "aar",
                f"målåret {m.aar} ligger før danmarkskortet {self.aar}, som planen bygger på.",
                f"Skriv det danmarkskort-år, målet skal være nået i, fx aar = {self.aar + 1}.",
            )
        elif m.aar == self.aar:
            self.warnings.append(
                Problem(
                    self.file,
                    f"målet {m.id} gælder danmarkskortet {self.aar}, hvis tal allerede kendes.",
                    column=at + "aar",
                    hint=f"Sæt et senere år, fx aar = {self.aar + 1}, hvis målet skal gælde fremover.",
                    resolves="handleplan",
                )
            )

    def _forvaltning(self, m: Maal, at: str, tabel2: tuple[str, ...] | None) -> None:
        figure = KEY_FIGURES[m.noegletal]
        if not figure.forvaltning:
            self.add(
                at + "noegletal",
                f"{figure.label.lower()} kan ikke opgøres for et forvaltningsområde.",
                "Brug et område (omraade) eller et andet nøgletal, fx omgoerelsesprocent.",
            )
        if tabel2 is None:
            return
        known = {" ".join(n.split()).casefold() for n in tabel2}
        name = m.forvaltningsomraade or ""
        if " ".join(name.split()).casefold() not in known:
            hint = suggest(name, tabel2) or (
                "Forvaltningsområderne i Tabel 2: " + ", ".join(f"'{n}'" for n in tabel2) + "."
                if tabel2
                else "Sagen har ingen Tabel 2; angiv forvaltningsomraader i sag.toml eller brug omraade."
            )
            self.add(at + "forvaltningsomraade", f"ukendt forvaltningsområde '{name}'.", hint)

    def _value(self, m: Maal, at: str) -> None:
        figure = KEY_FIGURES[m.noegletal]
        value = m.target
        assert value is not None
        written = f"{value.numerator}" if value.denominator == 1 else f"{m.vaerdi}"
        if figure.unit == "antal":
            if value < 0 or value.denominator != 1:
                self.add(at + "vaerdi", f"{written} er ikke et antal sager.", "Skriv et helt tal ≥ 0, fx 40.")
            return
        decimals_ok = (value * 10**figure.decimals).denominator == 1
        if not 0 <= value <= 100 or not decimals_ok:
            shown = "et helt tal" if figure.decimals == 0 else f"et tal med højst {figure.decimals} decimal"
            self.add(
                at + "vaerdi",
                f"{written} er ikke en procent, som {figure.label.lower()} vises med.",
                f"Skriv {shown} mellem 0 og 100, fx {_example(figure.unit, figure.decimals)}.",
            )

    def initiative(self, ind: Indsats, at: str, ids: list[str]) -> None:
        """An initiative ends after it starts and serves targets that exist, or a theme."""
        if ind.frist < ind.start:
            self.add(
                at + "frist",
                f"fristen {ind.frist.isoformat()} ligger før start {ind.start.isoformat()}.",
                "Ret datoerne, så fristen ligger efter start.",
            )
        for j, ref in enumerate(ind.maal, start=1):
            if ref not in ids:
                hint = suggest(ref, ids) or (
                    "Målene i planen: " + ", ".join(f"'{i}'" for i in dict.fromkeys(ids)) + "."
                    if ids
                    else "Planen har ingen mål."
                )
                self.add(f"{at}maal[{j}]", f"ukendt mål '{ref}'.", hint)
        if not ind.maal and not ind.tema:
            self.add(
                at + "maal",
                "indsatsen peger hverken på et mål eller et tema.",
                'Skriv maal = ["M1"] (målenes id) eller tema = "…".',
            )

    def unique(self, values: list[str], table: str, name: str, hint: str) -> None:
        """A problem for each value that repeats an earlier one in the same [[table]]."""
        first: dict[str, int] = {}
        for i, value in enumerate(values, start=1):
            if value in first:
                where = f"{table}[{i}]" + (f".{name}" if name else "")
                self.add(where, f"gentager {table}[{first[value]}].", hint)
            else:
                first[value] = i


def _example(unit: str, decimals: int = 0) -> str:
    return "40" if unit == "antal" or decimals == 0 else "4.5"
