"""Source lines under the tables: each `kilde` exactly as written and once, Ankestyrelsen's statistics by default,
and never a file name or folder of the case."""

from __future__ import annotations

from reportgen.documents.tables import extract_years, source_line, statistics_source
from reportgen.inputs.statistics import Statistics

FALLBACK = "Ankestyrelsens statistik, udtræk af tallene for 2021–2024"


def test_each_kilde_as_written_and_once():
    line = source_line(
        [
            "Illustrativ",
            "Illustrativ; kun omgørelsesprocenten 45 % for 2024 er offentliggjort",
            "Dagsordenspunkt 22/15769 (Allerød Kommune 2025); procent og antal",
            "Dagsordenspunkt 22/15769 (Allerød Kommune 2025); procent og antal; fordelingen er illustrativ",
            "illustrativ",
        ],
        FALLBACK,
    )
    assert line == (
        "Illustrativ; kun omgørelsesprocenten 45 % for 2024 er offentliggjort. "
        "Dagsordenspunkt 22/15769 (Allerød Kommune 2025); procent og antal; fordelingen er illustrativ."
    )


def test_the_punctuation_of_a_kilde_is_kept():
    kilde = "Tabel 1 (2025); procent og antal: afrundet"
    assert source_line([kilde, kilde], FALLBACK) == kilde + "."
    assert source_line(["Danmarks Statistik."], FALLBACK) == "Danmarks Statistik."


def test_rows_without_kilde_name_ankestyrelsens_statistik():
    assert source_line([None, "", None], FALLBACK) == FALLBACK + "."
    assert source_line([None, "Kommunens egen opgørelse"], FALLBACK) == f"{FALLBACK}. Kommunens egen opgørelse."


def test_a_url_is_kept_whole():
    assert source_line(["https://ast.dk/tal-og-undersoegelser"], FALLBACK) == "https://ast.dk/tal-og-undersoegelser."


def test_the_statistics_are_named_by_the_years_of_the_extract_not_by_the_file():
    stats = Statistics("../andre/statistik.csv", {("Allerød", y, "socialomraadet"): None for y in (2024, 2021, 2023)})  # type: ignore[misc]
    assert statistics_source(stats) == "Ankestyrelsens statistik, udtræk af tallene for 2021, 2023 og 2024"
    assert extract_years([2022, 2021, 2023]) == "2021–2023"
    assert extract_years([2024]) == "2024"
