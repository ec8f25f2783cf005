"""The comparison-group sentences of the sagsfremstilling for every shape of the group's development."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from casefactory import DELETE, make_case
from test_plan import text

from reportgen.documents.compose import compose
from reportgen.documents.model import Paragraph, plain_text
from reportgen.domain.counts import Counts
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs
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


# The bodies a case passes (planned meetings) and whom the Indstilling then addresses.
ROUTES = [
    ([], "Forvaltningen indstiller til Byrådet, at"),
    (["Allerød Byråd 2022-2025"], "Forvaltningen indstiller til Byrådet, at"),
    (
        ["Økonomiudvalget 2022-2025", "Allerød Byråd 2022-2025"],
        "Forvaltningen anbefaler, at Økonomiudvalget indstiller til Byrådet, at",
    ),
    (
        ["Socialudvalget 2022-2025", "Allerød Byråd 2022-2025"],
        "Forvaltningen anbefaler, at Socialudvalget indstiller til Byrådet, at",
    ),
    (
        ["Socialudvalget 2022-2025", "Børne- og Skoleudvalget 2022-2025", "Økonomiudvalget 2022-2025"],
        "Forvaltningen anbefaler, at Socialudvalget og Børne- og Skoleudvalget indstiller til Økonomiudvalget og "
        "Byrådet, at",
    ),
]


@pytest.mark.parametrize(("organs", "lead"), ROUTES)
def test_the_indstilling_follows_the_planned_route(tmp_path, organs, lead):
    """Committees recommend to Økonomiudvalget (when it treats the case) and the council; Økonomiudvalget alone
    recommends to the council; without committees or Økonomiudvalget the administration addresses the council."""
    moeder = [{"organ": organ, "dato": date(2025, 9, 20 + i)} for i, organ in enumerate(organs)]
    case = make_case(tmp_path, sag_toml_patch={"behandling": DELETE, "bilag": DELETE, "moede": moeder})
    inputs = load_inputs(case)
    doc = compose(inputs, compute(inputs)).sagsfremstilling
    assert lead in [plain_text(b.children) for b in doc.blocks if isinstance(b, Paragraph)]
    assert all(
        f"{organ.removesuffix(' 2022-2025')} den {20 + i}. september 2025" in text(doc)
        for i, organ in enumerate(organs)
    )
