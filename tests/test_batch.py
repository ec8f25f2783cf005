"""`reportgen batch`: one packet per municipality, default comparison groups, failures reported, reruns unchanged."""

from pathlib import Path

import pytest
from casefactory import run_cli, to_csv

import reportgen.lifecycle.build
from reportgen.domain.counts import Counts
from reportgen.inputs.statistics import Statistics, StatRecord
from reportgen.lifecycle.batch import (
    BatchReport,
    LineProgress,
    Outcome,
    comparison_group,
    problem_lines,
    run,
    summary_lines,
)
from reportgen.lifecycle.build import BuildResult

HEADER = ["kommune", "aar", "omraade", "stadfaestet", "aendret_ophaevet", "hjemvist", "afvist_henvist", "kilde"]
DOCUMENTS = {f"{name}.{ext}" for name in ("sagsfremstilling", "bilag-1") for ext in ("docx", "pdf", "html")}
# Two municipalities in Region Hovedstaden, two in Region Midtjylland; Randers has no 2024 figures.
EXTRACT = {"Allerød": 60, "Furesø": 55, "Aarhus": 300, "Silkeborg": 80, "Randers": 90}


def extract_rows() -> list[list]:
    """A small statistics extract: three areas for 2023 and 2024, the handicap areas inside the general map."""
    rows = [HEADER]
    for kommune, size in [*EXTRACT.items(), ("Hele landet", 2000)]:
        for aar in (2023, 2024):
            if kommune == "Randers" and aar == 2024:
                continue
            n = size + (aar - 2023) * 7
            rows += [
                [kommune, aar, "socialomraadet", n, n // 5, n // 4, 2, "Testudtræk"],
                [kommune, aar, "boernehandicap", n // 10, n // 40, n // 30, 0, "Testudtræk"],
                [kommune, aar, "voksenhandicap", n // 8, n // 30, n // 20, 1, "Testudtræk"],
            ]
    return rows


@pytest.fixture(scope="module")
def statistik(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("batch") / "landsudtraek.csv"
    path.write_text(to_csv(extract_rows()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def first_run(statistik, tmp_path_factory) -> BatchReport:
    """A batch over the whole extract in which building Silkeborg raises an internal error."""
    compose = reportgen.lifecycle.build.compose

    def failing_compose(inputs, cf, ready=None):
        if inputs.case.kommune == "Silkeborg":
            raise RuntimeError("injiceret fejl")
        return compose(inputs, cf, ready)

    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(reportgen.lifecycle.build, "compose", failing_compose)  # the forked workers inherit the patch
        return run(statistik, 2024, out, jobs=2)


def by_name(report: BatchReport) -> dict[str, Outcome]:
    return {o.kommune: o for o in report.outcomes}


def test_each_municipality_gets_one_version_with_the_six_documents(first_run):
    outcomes = by_name(first_run)
    assert list(outcomes) == sorted(EXTRACT)
    for kommune in ("Allerød", "Furesø", "Aarhus"):
        result = outcomes[kommune].result
        assert result is not None and result.created and result.version == 1
        assert DOCUMENTS <= {p.name for p in result.folder.iterdir()}
        assert [p.name for p in result.folder.parent.glob("v*")] == ["v1"]


def test_the_packets_use_the_default_texts_and_the_comparison_group(first_run):
    folder = by_name(first_run)["Allerød"].result.folder
    html = (folder / "sagsfremstilling.html").read_text(encoding="utf-8")
    assert "Furesø" in html and "Hele landet" in html and "UDKAST" in html
    assert "Aarhus" not in html  # another region
    manifest = (folder / "manifest.json").read_text(encoding="utf-8")
    assert '"landsudtraek.csv"' in manifest and "sag.toml" not in manifest


def test_failures_are_reported_and_the_others_still_build(first_run):
    outcomes = by_name(first_run)
    randers, silkeborg = outcomes["Randers"], outcomes["Silkeborg"]
    assert randers.result is None and not randers.internal
    assert "ingen tal for Randers 2024" in randers.error and "2023" in randers.error
    assert silkeborg.result is None and silkeborg.internal and "injiceret fejl" in silkeborg.error
    assert not (first_run.out / "randers").exists() and not (first_run.out / "silkeborg").exists()
    assert (first_run.count("bygget"), first_run.count("fejlet")) == (3, 2)
    assert first_run.exit_code == 1


def test_a_second_run_reports_every_packet_unchanged(first_run, statistik, capsys):
    result = run_cli(
        capsys,
        "batch",
        statistik,
        "--aar",
        "2024",
        "--out",
        first_run.out,
        "--jobs",
        "1",
        "--kommuner",
        "Allerød",
        "furesø",
        "Aarhus Kommune",
    )
    assert result.code == 0, result.err
    assert "3 kommuner – 0 bygget, 3 uændret, 0 fejlet" in result.out
    assert "Aarhus: version 1 uændret" in result.err  # progress lines (stderr is not a terminal here)
    assert [p.name for p in (first_run.out / "alleroed" / "2024").glob("v*")] == ["v1"]


def test_a_misspelt_municipality_exits_2_and_suggests_the_nearest(statistik, tmp_path, capsys):
    result = run_cli(
        capsys, "batch", statistik, "--aar", "2024", "--out", tmp_path / "out", "--kommuner", "Allerød", "Silkebrog"
    )
    assert result.code == 2
    assert "'Silkebrog' er ikke en kommune" in result.err and "Mente du 'Silkeborg'?" in result.err
    assert not (tmp_path / "out").exists()


def test_a_year_missing_from_the_file_exits_2_naming_the_years(statistik, tmp_path, capsys):
    result = run_cli(capsys, "batch", statistik, "--aar", "2025", "--out", tmp_path / "out")
    assert result.code == 2 and "2023, 2024" in result.err
    assert not (tmp_path / "out").exists()


def record(kommune: str, realitetsbehandlede: int, aar: int = 2024) -> StatRecord:
    """A general-map record with the given number of realitetsbehandlede cases."""
    return StatRecord(kommune, aar, "socialomraadet", Counts(realitetsbehandlede, 0, 0, 0), None, "", (2,))


def test_the_comparison_group_is_the_four_nearest_in_size_in_the_same_region():
    records = [
        record("Allerød", 50),
        record("Furesø", 48),
        record("Hørsholm", 53),
        record("Rudersdal", 47),
        record("Gentofte", 60),
        record("Egedal", 40),
        record("København", 500),
        record("Aarhus", 50),
        record("Hillerød", 50, aar=2023),
        record("Hele landet", 5000),
    ]
    stats = Statistics("test.csv", {(r.kommune, r.aar, r.omraade): r for r in records})
    # distances 2, 3, 3, 10, 10: ties by name (Hørsholm before Rudersdal, Egedal before Gentofte);
    # Aarhus is in another region and Hillerød has no 2024 figures.
    assert comparison_group(stats, "Allerød", 2024) == ("Furesø", "Hørsholm", "Rudersdal", "Egedal")
    assert comparison_group(stats, "Aarhus", 2024) == ()


def test_the_exit_code_is_1_after_an_internal_error_else_2_after_an_input_error():
    built = Outcome("Allerød", BuildResult(Path("v1"), 1, created=True))
    unchanged = Outcome("Furesø", BuildResult(Path("v1"), 1, created=False))
    invalid = Outcome("Randers", error="ingen tal")
    internal = Outcome("Silkeborg", error="Intern fejl", internal=True)

    def code(*outcomes):
        return BatchReport(2024, Path("out"), outcomes, 1.0, 2).exit_code

    assert code(built, unchanged) == 0
    assert code(built, invalid) == 2
    assert code(built, invalid, internal) == 1


class Interrupted(Exception):
    """Raised by the progress display, as Ctrl-C would be while the batch waits."""


def test_progress_advances_as_each_municipality_finishes_and_an_interrupt_stops_the_rest(statistik, tmp_path):
    class StopAtFirst(LineProgress):
        def advance(self, outcome):
            raise Interrupted(outcome.kommune)

    with pytest.raises(Interrupted, match="Randers"):  # its missing year is known before any packet is built
        run(statistik, 2024, tmp_path, jobs=1, progress=StopAtFirst(None))
    built = [p for p in tmp_path.glob("*/2024/v1")]
    assert len(built) < 4  # the queued municipalities were cancelled, not built before the first advance


def test_the_summary_speaks_danish_for_one_and_for_many():
    one = BatchReport(
        2024,
        Path("out"),
        (Outcome("Allerød", BuildResult(Path("v1"), 1, created=True), seconds=0.5, pid=7, peak_kb=150 * 1024),),
        1.25,
        1,
    )
    lines = summary_lines(one)
    assert lines[0] == "Danmarkskortet 2024: 1 kommune – 1 bygget, 0 uændret, 0 fejlet."
    assert lines[1] == "Tid: 1,3 s med 1 proces (0,50 s pr. pakke); hukommelse højst 150 MB pr. proces."
    many = BatchReport(2024, Path("out"), (*one.outcomes, Outcome("Randers", error="ingen tal")), 12.0, 2)
    assert summary_lines(many)[0] == "Danmarkskortet 2024: 2 kommuner – 1 bygget, 0 uændret, 1 fejlet."
    assert "Tid: 12,0 s med 2 processer" in summary_lines(many)[1]


def test_warnings_are_capped_per_municipality_and_counted():
    many = Outcome(
        "Allerød", BuildResult(Path("v1"), 1, created=True), warnings=tuple(f"advarsel {i}" for i in range(8))
    )
    one = Outcome("Furesø", BuildResult(Path("v1"), 1, created=True), warnings=("kun én",))
    lines = problem_lines(BatchReport(2024, Path("out"), (many, one), 1.0, 1))
    assert lines[0] == "Advarsler (9):"
    assert lines[1:6] == [f"  - Allerød: advarsel {i}" for i in range(5)]
    assert lines[6] == "  - Allerød: … og 3 advarsler mere (alle står i figurer.json i pakken)."
    assert lines[7:] == ["  - Furesø: kun én"]


def test_a_packet_from_a_national_extract_has_the_three_maps_and_the_rank(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(Path(__file__).resolve().parents[1] / "benchmarks")  # for this test only
    from synthetic import extract

    statistik = tmp_path / "landsudtraek.csv"
    statistik.write_text(extract(), encoding="utf-8")
    report = run(statistik, 2024, tmp_path / "out", names=["Aarhus"], jobs=1)
    folder = report.outcomes[0].result.folder
    names = {p.name for p in folder.iterdir()}
    assert {
        "danmarkskort-socialomraadet.png",
        "bilag-1-danmarkskort-boernehandicap.png",
        "bilag-1-danmarkskort-voksenhandicap.png",
    } <= names
    html = (folder / "sagsfremstilling.html").read_text(encoding="utf-8")
    assert "Blandt landets 98 kommuner havde Aarhus den " in html
    assert "Kortgrundlag: Geodatastyrelsen og Danske Kommuner (DAGI, 1:500.000)" in html
    assert "Syntetisk udtræk" in html  # the source line carries the extract's kilde
