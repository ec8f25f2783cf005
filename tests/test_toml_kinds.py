"""The kinds of a TOML key (sag.toml, the plan file, a style's tokens): what each accepts, what it returns and the
exact message for each value it refuses."""

from __future__ import annotations

import dataclasses
import importlib
import math
import pkgutil
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.domain.errors import ProblemList
from reportgen.domain.privacy import Ids
from reportgen.inputs import __path__ as inputs_path
from reportgen.inputs.case import KEY_KINDS, TableReader, schema

CHOICES = ("udkast", "endelig")
MUNICIPALITY_HINT = "Brug navnet, som Ankestyrelsen skriver det (fx 'Lyngby-Taarbæk')."


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A case folder with a file and a folder in it, and a file beside it."""
    root = tmp_path_factory.mktemp("kinds")
    (root / "sag").mkdir()
    (root / "sag" / "stat.csv").write_text("", encoding="utf-8")
    (root / "sag" / "stil").mkdir()
    (root / "udenfor.csv").write_text("", encoding="utf-8")
    return (root / "sag").resolve()


def check(folder: Path, value: Any, kind: Any, key: str = "k") -> tuple[Any, list[tuple[str, str | None, str | None]]]:
    """TableReader.value's result and the problems it recorded as (message, key, hint)."""
    problems = ProblemList()
    out = TableReader("sag.toml", folder, problems, Ids()).value(value, kind, key)
    return out, [(p.message, p.column, p.hint) for p in problems.items]


def used_kinds() -> set[Any]:
    """The kinds of every TOML key of every record the loaders read (sag.toml, the plan file, a style's tokens),
    with each set of allowed values (a tuple, or a table of records by code) counted as the kind `tuple`."""
    kinds = set()
    for module in pkgutil.iter_modules(inputs_path):
        for record in vars(importlib.import_module(f"reportgen.inputs.{module.name}")).values():
            if isinstance(record, type) and dataclasses.is_dataclass(record):
                kinds |= {tuple if isinstance(kind, tuple | dict) else kind for kind, _, _ in schema(record).values()}
    return kinds


def test_every_kind_a_key_has_is_in_the_table_of_kinds_and_every_row_is_used() -> None:
    assert used_kinds() == set(KEY_KINDS)


ACCEPTED = [
    (CHOICES, "endelig", "endelig"),
    ("kommune", "Allerød", "Allerød"),
    ("kommune", "allerød", "Allerød"),
    ("kommune", "Ta\u030arnby", "Tårnby"),  # decomposed å
    ("kommuner", ["Furesø", "Allerød"], ("Furesø", "Allerød")),
    ("kommuner", [], ()),
    ("tables", [{"a": 1}], [{"a": 1}]),
    (list, ["a", "b"], ("a", "b")),
    (list, [], ()),
    (int, 3, 3),
    (float, 1.5, 1.5),
    (date, date(2025, 9, 23), date(2025, 9, 23)),
    (str, "x", "x"),
    (dict, {"a": 1}, {"a": 1}),
    (bool, False, False),
]


@pytest.mark.parametrize(("kind", "value", "expected"), ACCEPTED)
def test_a_value_of_its_kind_is_returned_converted(folder: Path, kind: Any, value: Any, expected: Any) -> None:
    out, problems = check(folder, value, kind)
    assert (out, type(out), problems) == (expected, type(expected), [])


def test_a_whole_number_is_taken_as_a_float(folder: Path) -> None:
    out, problems = check(folder, 2, float)
    assert (out, type(out), problems) == (2.0, float, [])


@pytest.mark.parametrize(
    ("kind", "value"), [("file", "stat.csv"), ("folder", "stil"), ("path", "stat.csv"), ("path", "stil")]
)
def test_a_path_is_resolved_in_the_case_folder(folder: Path, kind: str, value: str) -> None:
    assert check(folder, value, kind) == (folder / value, [])


REFUSED = [
    (CHOICES, "udkas", [("ugyldig værdi 'udkas'.", "k", "Mente du 'udkast'? Tilladte værdier: 'udkast', 'endelig'.")]),
    (CHOICES, 3, [("ugyldig værdi 3.", "k", "Tilladte værdier: 'udkast', 'endelig'.")]),
    ("kommune", "Xyz", [("ukendt kommune 'Xyz'.", "k", MUNICIPALITY_HINT)]),
    ("kommune", "Alerød", [("ukendt kommune 'Alerød'.", "k", "Mente du 'Allerød'?")]),
    (
        "kommune",
        "Hele landet",
        [("'Hele landet' er ikke en kommune.", "k", "Landstallet kommer automatisk med i Tabel 1; fjern det herfra.")],
    ),
    ("kommune", 3, [("skal være tekst, ikke 3.", "k", None)]),
    ("kommuner", "Allerød", [("skal være liste af tekster, ikke 'Allerød'.", "k", None)]),
    (
        "kommuner",
        ["Allerød", "Xyz", 3],
        [("ukendt kommune 'Xyz'.", "k[2]", MUNICIPALITY_HINT), ("skal være tekst, ikke 3.", "k[3]", None)],
    ),
    ("file", 3, [("skal være tekst, ikke 3.", "k", None)]),
    ("file", "stil", [("filen 'stil' er ikke en almindelig fil.", "k", "Angiv en CSV- eller XLSX-fil i sagsmappen.")]),
    (
        "file",
        "../udenfor.csv",
        [
            (
                "filen '../udenfor.csv' kan ikke bruges: filen ligger uden for sagsmappen (eller er et link dertil).",
                "k",
                "Læg filen i sagsmappen (kopiér den dertil i stedet for at linke til en fil andetsteds).",
            )
        ],
    ),
    ("folder", "stat.csv", [("mappen 'stat.csv' er ikke en mappe.", "k", "Angiv stilmappen.")]),
    ("tables", {}, [("skal skrives som [[k]]-afsnit.", "k", None)]),
    ("tables", [{}, 1], [("skal skrives som [[k]]-afsnit.", "k", None)]),
    (list, "a", [("skal være liste af tekster, ikke 'a'.", "k", None)]),
    (list, ["a", 1, 2], [("skal være tekst, ikke 1.", "k[2]", None)]),  # the first text that is not one
    (int, True, [("skal være heltal, ikke 'True'.", "k", None)]),
    (int, 1.5, [("skal være heltal, ikke 1.5.", "k", None)]),
    (int, "3", [("skal være heltal, ikke '3'.", "k", None)]),
    (float, True, [("skal være tal (fx 1.5), ikke True.", "k", None)]),
    (float, math.nan, [("skal være et endeligt tal, ikke nan.", "k", "Skriv fx 45.")]),
    (float, -math.inf, [("skal være et endeligt tal, ikke -inf.", "k", "Skriv fx 45.")]),
    (float, "50", [("skal være tal (fx 1.5), ikke '50'.", "k", None)]),
    (float, 10**400, [("tallet er for stort til at regne med.", "k", "Skriv fx 45.")]),
    (float, -(10**400), [("tallet er for stort til at regne med.", "k", "Skriv fx 45.")]),
    (date, datetime(2025, 9, 23, 7, 0), [("skal være en dato uden klokkeslæt.", "k", "Skriv fx 2025-09-23.")]),
    (date, time(7, 32), [("skal være en dato uden klokkeslæt.", "k", "Skriv fx 2025-09-23.")]),
    (date, "2025-09-23", [("skal være dato (fx 2025-09-23), ikke '2025-09-23'.", "k", None)]),
    (str, 3, [("skal være tekst, ikke 3.", "k", None)]),
    (str, ["x"], [("skal være tekst, ikke ['x'].", "k", None)]),
    (dict, "x", [("skal være tabel ([...]), ikke 'x'.", "k", None)]),
    (bool, 1, [("skal være true/false, ikke 1.", "k", None)]),
    (bool, "ja", [("skal være true/false, ikke 'ja'.", "k", None)]),
]


def short(value: Any) -> str | None:
    """A test id for a number of hundreds of digits; None keeps pytest's own id."""
    return f"{str(value)[:4]}...({len(str(value))} digits)" if isinstance(value, int) and abs(value) > 10**40 else None


@pytest.mark.parametrize(("kind", "value", "expected"), REFUSED, ids=short)
def test_a_value_not_of_its_kind_is_a_problem_with_its_message(
    folder: Path, kind: Any, value: Any, expected: list[tuple[str, str | None, str | None]]
) -> None:
    assert check(folder, value, kind) == (None, expected)


def test_the_municipality_key_is_told_to_name_a_municipality(folder: Path) -> None:
    assert check(folder, "Hele landet", "kommune", "kommune") == (
        None,
        [("'Hele landet' er ikke en kommune.", "kommune", "Skriv kommunens navn, fx 'Allerød'.")],
    )


def test_a_missing_path_says_where_it_was_looked_for(folder: Path) -> None:
    relative = f"Tjek navnet; stien er relativ til {folder}."
    assert check(folder, "nej.csv", "file") == (None, [("filen 'nej.csv' findes ikke i sagsmappen.", "k", relative)])
    assert check(folder, "nej", "path") == (None, [("filen eller mappen 'nej' findes ikke.", "k", relative)])
    assert check(folder, "nej", "folder") == (
        None,
        [
            (
                "mappen 'nej' findes ikke.",
                "k",
                f"{relative} `reportgen stil skabelon {folder / 'nej'}` laver en stilmappe at begynde fra.",
            )
        ],
    )


NAMES = [
    (CHOICES, 'en af "udkast", "endelig"'),
    ("kommune", "kommunenavn"),
    ("kommuner", "liste af kommunenavne"),
    ("file", "filsti"),
    ("folder", "mappesti"),
    ("path", "sti til en fil eller mappe"),
    ("tables", "[[tabel]]-afsnit"),
    (list, "liste af tekster"),
    (int, "heltal"),
    (float, "tal (fx 1.5)"),
    (date, "dato (fx 2025-09-23)"),
    (str, "tekst"),
    (dict, "tabel ([...])"),
    (bool, "true/false"),
]


@pytest.mark.parametrize(("kind", "name"), NAMES)
def test_a_missing_required_key_is_named_with_its_kind(folder: Path, kind: Any, name: str) -> None:
    problems = ProblemList()
    assert TableReader("sag.toml", folder, problems, Ids()).table({}, {"k": (kind, True, 100)}) == {}
    assert [(p.message, p.column, p.hint) for p in problems.items] == [
        ("påkrævet nøgle mangler.", "k", f"Tilføj k = … ({name}).")
    ]


SCALARS = st.one_of(
    st.sampled_from(["Allerød", "Hele landet", "udkast", "stat.csv", "stil", "../udenfor.csv"]),
    st.sampled_from([math.nan, math.inf, -math.inf, 10**400, True, 0, date(2025, 9, 23)]),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(),
    st.times(),
)
TOML_VALUES = st.one_of(
    SCALARS, st.lists(SCALARS, max_size=3), st.dictionaries(st.text(max_size=4), SCALARS, max_size=2)
)


def of_kind(value: Any, kind: Any) -> bool:
    """True when a returned value has the type its kind promises."""
    if isinstance(kind, tuple):
        return value in kind
    promised = {
        "kommune": lambda v: isinstance(v, str),
        "kommuner": lambda v: isinstance(v, tuple) and all(isinstance(n, str) for n in v),
        "file": lambda v: isinstance(v, Path) and v.is_file(),
        "folder": lambda v: isinstance(v, Path) and v.is_dir(),
        "path": lambda v: isinstance(v, Path) and v.exists(),
        "tables": lambda v: isinstance(v, list) and all(isinstance(t, dict) for t in v),
        list: lambda v: isinstance(v, tuple) and all(isinstance(t, str) for t in v),
        int: lambda v: isinstance(v, int) and not isinstance(v, bool),
        float: lambda v: isinstance(v, float) and math.isfinite(v),
        date: lambda v: isinstance(v, date) and not isinstance(v, datetime),
        str: lambda v: isinstance(v, str),
        dict: lambda v: isinstance(v, dict),
        bool: lambda v: isinstance(v, bool),
    }
    return promised[kind](value)


@pytest.mark.parametrize("kind", [kind for kind, _ in NAMES])
@settings(deadline=None)
@given(value=TOML_VALUES)
def test_every_value_is_either_returned_as_its_kind_or_refused_with_a_problem_at_its_key(
    folder: Path, kind: Any, value: Any
) -> None:
    problems = ProblemList()
    out = TableReader("sag.toml", folder, problems, Ids()).table({"k": value}, {"k": (kind, True, 100)})
    assert ("k" in out) is not bool(problems.items)
    assert all(p.column == "k" or p.column.startswith("k[") for p in problems.items)
    if "k" in out:
        assert of_kind(out["k"], kind)
