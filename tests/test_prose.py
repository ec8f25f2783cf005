"""The comparison-group sentences of the sagsfremstilling for every shape of the group's development."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.documents.compose import compose
from reportgen.documents.model import Paragraph
from reportgen.domain.counts import Counts
from reportgen.figures.case import compute
from reportgen.inputs.statistics import Statistics, StatRecord
from reportgen.lifecycle.batch import BatchInputs, batch_case

# Omgjorte af 10 realitetsbehandlede per municipality and year; None = no row for that year.
RATES = {
    "alle-steg": {"Allerød": (3, 5), "Furesø": (2, 4), "Egedal": (1, 6)},
    "alle-faldt-kommunen-steg": {"Allerød": (3, 5), "Furesø": (6, 4), "Egedal": (7, 2)},
    "alle-steg-kommunen-faldt": {"Allerød": (5, 3), "Furesø": (2, 4), "Egedal": (1, 6)},
    "en-med-begge-aar": {"Allerød": (None, 5), "Furesø": (6, 4), "Egedal": (None, 2)},
    "blandet": {"Allerød": (3, 5), "Furesø": (6, 4), "Egedal": (2, 7), "Hørsholm": (5, 5), "Rudersdal": (None, 1)},
    "ingen-med-begge-aar": {"Allerød": (3, 5), "Furesø": (None, 4)},
}


def statistics(rates: dict[str, tuple[int | None, int]]) -> Statistics:
    records = {}
    for kommune, by_year in [*rates.items(), ("Hele landet", (400, 420))]:
        total = 1000 if kommune == "Hele landet" else 10
        for aar, omgjort in zip((2023, 2024), by_year, strict=True):
            if omgjort is not None:
                counts = Counts(total - omgjort, omgjort, 0, 0)
                records[(kommune, aar, "socialomraadet")] = StatRecord(
                    kommune, aar, "socialomraadet", counts, None, "Test", (2,)
                )
    return Statistics("test.csv", records)


def group_sentences(shape: str) -> str:
    """The text of the sagsfremstilling's paragraph about Tabel 1 for Allerød with the others as its group."""
    rates = RATES[shape]
    case = batch_case(Path("test.csv"), "Allerød", 2024, tuple(k for k in rates if k != "Allerød"), "udarbejdes")
    inputs = BatchInputs(case, statistics(rates), None)
    doc = compose(inputs, compute(inputs)).sagsfremstilling
    texts = [
        "".join(getattr(child, "text", "") for child in block.children)
        for block in doc.blocks
        if isinstance(block, Paragraph)
    ]
    return next(t for t in texts if t.startswith("Tabel 1 sammenligner"))


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("alle-steg", "Begge sammenligningskommuner havde også en stigning i omgørelsesprocenten fra 2023 til 2024."),
        (
            "alle-steg-kommunen-faldt",
            "Begge sammenligningskommuner havde en stigning i omgørelsesprocenten fra 2023 til 2024.",
        ),
        (
            "alle-faldt-kommunen-steg",
            "Begge sammenligningskommuner havde et fald i omgørelsesprocenten fra 2023 til 2024.",
        ),
        (
            "en-med-begge-aar",
            "Den eneste sammenligningskommune med tal for både 2023 og 2024 havde et fald i "
            "omgørelsesprocenten fra 2023 til 2024.",
        ),
        (
            "blandet",
            "Fra 2023 til 2024 havde én kommune en stigning, én kommune et fald og én kommune en uændret "
            "omgørelsesprocent blandt sammenligningskommunerne; én kommune har ikke tal for begge år.",
        ),
    ],
)
def test_the_group_development_is_worded_for_its_shape(shape, expected):
    assert expected in group_sentences(shape)


def test_no_development_sentence_when_no_comparison_municipality_has_both_years():
    text = group_sentences("ingen-med-begge-aar")
    assert "stigning" not in text and "fald" not in text and "fra 2023 til 2024" not in text
