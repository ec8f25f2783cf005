"""Bad plan files through the real command line: exit 2, the file and key named, what is wrong and a fix, and
nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from casefactory import DELETE, NEXT_YEAR, make_case, run_cli
from test_bad_inputs import Expected, assert_reports

PLAN = "handleplan.toml"


@dataclass(frozen=True)
class Bad:
    """One bad plan input: how to build it and every problem the message must report."""

    id: str
    build: Callable[[Path], Path]
    expect: tuple[Expected, ...]


def plan(**patch) -> Callable[[Path], Path]:
    """The 2024 example with its handleplan.toml patched ("maal__2__vaerdi" for maal.2.vaerdi)."""
    return lambda tmp: make_case(tmp, plan_patch={k.replace("__", "."): v for k, v in patch.items()})


def plan_text(old: str, new: str) -> Callable[[Path], Path]:
    """The 2024 example with a piece of its handleplan.toml's text replaced."""

    def build(tmp: Path) -> Path:
        case = make_case(tmp)
        text = (case / PLAN).read_text(encoding="utf-8")
        assert old in text
        (case / PLAN).write_text(text.replace(old, new, 1), encoding="utf-8")
        return case

    return build


def sag(**patch) -> Callable[[Path], Path]:
    return lambda tmp: make_case(tmp, sag_toml_patch={k.replace("__", "."): v for k, v in patch.items()})


def next_year(old_plan_patch: dict | None = None, **patch) -> Callable[[Path], Path]:
    """allerod-2024 (its plan patched) beside allerod-2025 (its sag.toml patched); returns the 2025 case."""

    def build(tmp: Path) -> Path:
        make_case(tmp, name="allerod-2024", plan_patch=old_plan_patch)
        return make_case(
            tmp,
            name="allerod-2025",
            example=NEXT_YEAR,
            sag_toml_patch={k.replace("__", "."): v for k, v in patch.items()},
        )

    return build


CORPUS: tuple[Bad, ...] = (
    Bad(
        "unknown-figure",
        plan(maal__1__noegletal="omgørelsesprocent"),
        (
            (
                f"{PLAN}, nøgle 'maal[1].noegletal'",
                "ugyldig værdi 'omgørelsesprocent'",
                "Mente du 'omgoerelsesprocent'?",
            ),
        ),
    ),
    Bad(
        "unknown-area",
        plan(maal__2__omraade="oevrig"),
        ((f"{PLAN}, nøgle 'maal[2].omraade'", "ugyldig værdi 'oevrig'", "Mente du 'oevrige'?"),),
    ),
    Bad(
        "unknown-forvaltningsomraade",
        plan(maal__4__forvaltningsomraade="Ældre og Sundhed"),
        (
            (
                f"{PLAN}, nøgle 'maal[4].forvaltningsomraade'",
                "ukendt forvaltningsområde 'Ældre og Sundhed'",
                "Mente du 'Ældre- og Sundhed'?",
            ),
        ),
    ),
    Bad(
        "forvaltningsomraade-without-tabel2",
        lambda tmp: make_case(tmp, sag_toml_patch={"forvaltningsomraader": DELETE}),
        ((f"{PLAN}, nøgle 'maal[4].forvaltningsomraade'", "ukendt forvaltningsområde", "Sagen har ingen Tabel 2"),),
    ),
    Bad(
        "target-year-before-map-year",
        plan(maal__1__aar=2023),
        ((f"{PLAN}, nøgle 'maal[1].aar'", "målåret 2023 ligger før danmarkskortet 2024", "aar = 2025"),),
    ),
    Bad(
        "date-as-text",
        plan(indsats__2__frist="2023-12-31"),
        ((f"{PLAN}, nøgle 'indsats[2].frist'", "skal være dato"),),
    ),
    Bad(
        "deadline-before-start",
        plan_text("frist = 2026-06-30", "frist = 2023-12-31"),
        ((f"{PLAN}, nøgle 'indsats[2].frist'", "fristen 2023-12-31 ligger før start 2024-01-01", "Ret datoerne"),),
    ),
    Bad(
        "duplicate-titles",
        plan(indsats__4__titel="  gennemgang af alle omgjorte sager med  sagsbehandleren"),
        ((f"{PLAN}, nøgle 'indsats[4].titel'", "gentager indsats[2]", "forskellige titler"),),
    ),
    Bad(
        "duplicate-target-ids",
        plan(maal__3__id="M2"),
        (
            (f"{PLAN}, nøgle 'maal[3].id'", "gentager maal[2]", "sit eget id"),
            (f"{PLAN}, nøgle 'indsats[1].maal[1]'", "ukendt mål 'M3'", "Målene i planen: 'M1', 'M2', 'M4'."),
            (f"{PLAN}, nøgle 'indsats[3].maal[1]'", "ukendt mål 'M3'"),
        ),
    ),
    Bad(
        "value-as-text",
        plan(maal__1__vaerdi="50"),
        ((f"{PLAN}, nøgle 'maal[1].vaerdi'", "skal være tal (fx 1.5), ikke '50'"),),
    ),
    Bad(
        "value-not-a-number",
        plan_text("vaerdi = 50", "vaerdi = nan"),
        ((f"{PLAN}, nøgle 'maal[1].vaerdi'", "skal være et endeligt tal, ikke nan"),),
    ),
    Bad(
        "value-too-large",
        plan_text("vaerdi = 50", "vaerdi = 1" + "0" * 400),
        ((f"{PLAN}, nøgle 'maal[1].vaerdi'", "tallet er for stort til at regne med", "Skriv fx 45."),),
    ),
    Bad(
        "year-as-text",
        plan(maal__1__aar="2025"),
        ((f"{PLAN}, nøgle 'maal[1].aar'", "skal være heltal"),),
    ),
    Bad(
        "targets-not-a-list",
        plan(indsats__2__maal="M1"),
        ((f"{PLAN}, nøgle 'indsats[2].maal'", "skal være liste af tekster"),),
    ),
    Bad(
        "unknown-target-reference",
        plan(indsats__2__maal=["M1", "M9"]),
        ((f"{PLAN}, nøgle 'indsats[2].maal[2]'", "ukendt mål 'M9'", "Målene i planen: 'M1', 'M2', 'M3', 'M4'."),),
    ),
    Bad(
        "unknown-status",
        plan(indsats__3__status="igang"),
        ((f"{PLAN}, nøgle 'indsats[3].status'", "ugyldig værdi 'igang'", "Mente du 'igangsat'?"),),
    ),
    Bad(
        "unknown-key",
        plan(maal__1__vardi=45),
        ((f"{PLAN}, nøgle 'maal[1].vardi'", "ukendt nøgle", "Mente du 'vaerdi'?"),),
    ),
    Bad(
        "missing-responsible",
        plan(indsats__1__ansvarlig=DELETE),
        ((f"{PLAN}, nøgle 'indsats[1].ansvarlig'", "påkrævet nøgle mangler"),),
    ),
    Bad(
        "value-out-of-range",
        plan(maal__1__vaerdi=150),
        ((f"{PLAN}, nøgle 'maal[1].vaerdi'", "150 er ikke en procent", "mellem 0 og 100"),),
    ),
    Bad(
        "decimal-for-whole-percent",
        plan(maal__1__vaerdi=45.5),
        ((f"{PLAN}, nøgle 'maal[1].vaerdi'", "45.5 er ikke en procent", "et helt tal"),),
    ),
    Bad(
        "missing-value",
        plan(maal__1__vaerdi=DELETE),
        ((f"{PLAN}, nøgle 'maal[1].vaerdi'", "påkrævet nøgle mangler", "vaerdi = 40"),),
    ),
    Bad(
        "value-with-under-landsplan",
        plan(maal__3__vaerdi=50),
        ((f"{PLAN}, nøgle 'maal[3].vaerdi'", "vaerdi bruges ikke, når målet er under landsplan"),),
    ),
    Bad(
        "under-landsplan-for-forvaltningsomraade",
        plan(maal__4__sammenligning="under-landsplan", maal__4__vaerdi=DELETE),
        ((f"{PLAN}, nøgle 'maal[4].sammenligning'", "har intet landstal for forvaltningsområder"),),
    ),
    Bad(
        "both-area-and-forvaltningsomraade",
        plan(maal__4__omraade="oevrige"),
        ((f"{PLAN}, nøgle 'maal[4].omraade'", "enten omraade eller forvaltningsomraade"),),
    ),
    Bad(
        "figure-not-for-forvaltningsomraade",
        plan(maal__4__noegletal="omgjort_af_alle_afgoerelser", maal__4__vaerdi=4.5),
        ((f"{PLAN}, nøgle 'maal[4].noegletal'", "kan ikke opgøres for et forvaltningsområde"),),
    ),
    Bad(
        "no-initiatives",
        plan(indsats=DELETE),
        ((f"{PLAN}, nøgle 'indsats'", "handleplanen har ingen indsatser"),),
    ),
    Bad(
        "initiative-without-target-or-theme",
        plan(indsats__1__maal=DELETE),
        ((f"{PLAN}, nøgle 'indsats[1].maal'", "hverken på et mål eller et tema"),),
    ),
    Bad(
        "invalid-toml",
        plan_text('status = "planlagt"', 'status = "planlagt'),
        ((PLAN, "ugyldig TOML"),),
    ),
    Bad(
        "plan-file-missing",
        sag(handleplan__fil="handlingsplan.toml"),
        (("sag.toml, nøgle 'handleplan.fil'", "filen 'handlingsplan.toml' findes ikke"),),
    ),
    Bad(
        "plan-file-outside-the-case-folder",
        lambda tmp: make_case(
            tmp, sag_toml_patch={"handleplan.fil": "../handleplan.toml"}, files={"../handleplan.toml": "x = 1\n"}
        ),
        (("sag.toml, nøgle 'handleplan.fil'", "ligger uden for sagsmappen", "Læg filen i sagsmappen"),),
    ),
    Bad(
        "control-character-in-a-text",
        plan(indsats__2__statusnote="Gennemgået\u000bi marts"),
        ((f"{PLAN}, nøgle 'indsats[2].statusnote'", "lodret tabulator (U+000B)"),),
    ),
    Bad(
        "text-too-long",
        plan(indsats__2__ansvarlig="x" * 300),
        ((f"{PLAN}, nøgle 'indsats[2].ansvarlig'", "300 tegn lang; højst 255"),),
    ),
    Bad(
        "previous-missing",
        sag(handleplan__forrige="../allerod-2023"),
        (("sag.toml, nøgle 'handleplan.forrige'", "filen eller mappen '../allerod-2023' findes ikke"),),
    ),
    Bad(
        "previous-is-this-case",
        sag(handleplan__forrige="."),
        (("sag.toml, nøgle 'handleplan.forrige'", "peger tilbage på en sag, der selv bygger på denne sag"),),
    ),
    Bad(
        "previous-is-a-later-year",
        next_year(),
        (),  # filled in below: the 2024 case pointing at the 2025 case
    ),
    Bad(
        "previous-case-without-plan",
        lambda tmp: (
            make_case(tmp, name="allerod-2024", sag_toml_patch={"handleplan.fil": DELETE}),
            make_case(tmp, name="allerod-2025", example=NEXT_YEAR),
        )[1],
        (("sag.toml, nøgle 'handleplan.forrige'", "sagen i '../allerod-2024' har ingen handleplan-fil"),),
    ),
    Bad(
        "bad-previous-plan",
        next_year({"maal.1.noegletal": "omgoerelse"}),
        (
            (
                "../allerod-2024/handleplan.toml, nøgle 'maal[1].noegletal'",
                "ugyldig værdi 'omgoerelse'",
                "Mente du 'omgoerelsesprocent'?",
            ),
        ),
    ),
)


def _later_year(tmp: Path) -> Path:
    """The 2024 case pointing at the 2025 case, which points back at it: the year is named first."""
    make_case(tmp, name="allerod-2025", example=NEXT_YEAR, sag_toml_patch={"handleplan.forrige": DELETE})
    return make_case(tmp, name="allerod-2024", sag_toml_patch={"handleplan.forrige": "../allerod-2025"})


CORPUS = tuple(
    Bad(
        b.id,
        _later_year,
        (("sag.toml, nøgle 'handleplan.forrige'", "gælder danmarkskortet 2025, ikke et tidligere år end 2024"),),
    )
    if b.id == "previous-is-a-later-year"
    else b
    for b in CORPUS
)


def test_corpus_is_unique():
    ids = [b.id for b in CORPUS]
    assert len(ids) == len(set(ids)) and len(ids) >= 25


@pytest.mark.parametrize("bad", CORPUS, ids=lambda b: b.id)
def test_bad_plan_input_exits_2_and_writes_nothing(bad: Bad, tmp_path, capsys):
    case = bad.build(tmp_path)
    out = tmp_path / "out"
    result = run_cli(capsys, "build", case, "--out", out)
    assert result.code == 2, result.err + result.out
    assert result.out == ""
    assert_reports(result.err, bad.expect, case)
    assert not out.exists() or not any(out.rglob("*"))
