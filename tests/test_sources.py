"""Source lines under the tables: each source once, its remarks grouped under it, Ankestyrelsen by default."""

from __future__ import annotations

from reportgen.documents.tables import source_line

FALLBACK = "Ankestyrelsens statistik (statistik.csv)"


def test_each_source_once_with_its_remarks():
    line = source_line(
        [
            "Illustrativ",
            "Illustrativ; kun omgørelsesprocenten 45 % for 2024 er offentliggjort",
            "Dagsordenspunkt 22/15769: procent og antal; fordelingen er illustrativ",
            "Dagsordenspunkt 22/15769: procent og antal",
            "illustrativ",
        ],
        FALLBACK,
    )
    assert line == (
        "Illustrativ: kun omgørelsesprocenten 45 % for 2024 er offentliggjort. "
        "Dagsordenspunkt 22/15769: procent og antal; fordelingen er illustrativ."
    )
    assert line.count("Illustrativ") == 1


def test_rows_without_kilde_name_ankestyrelsen():
    assert source_line([None, "", None], FALLBACK) == FALLBACK + "."
    assert source_line([None, "Kommunens egen opgørelse"], FALLBACK) == f"{FALLBACK}. Kommunens egen opgørelse."


def test_a_url_is_not_split_at_its_colon():
    assert source_line(["https://ast.dk/tal-og-undersoegelser"], FALLBACK) == "https://ast.dk/tal-og-undersoegelser."
