"""The rules of "Words the reader checks" (tests/wording.py) catch the mistakes they are about – the ones issue 23
found in built items – and let the right wording pass; tests/test_corpus.py runs them over every corpus document."""

from __future__ import annotations

import lxml.html
import pytest
import wording as w


def packet(*paragraphs: str, doc: str = "sagsfremstilling", extra: str = "") -> w.Packet:
    """A packet of one document with these paragraphs as its running text (and extra HTML after them)."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs) + extra
    out = w.Packet()
    w.read_document(out, doc, lxml.html.document_fromstring(f"<html><body><main>{body}</main></body></html>"))
    return out


def test_sentences_split_at_full_stops_not_after_abbreviations_or_ordinals():
    text = (
        "Efter § 79 b, stk. 2, skal den beslutte. Den 7. oktober 2025 sendte den sagen tilbage. 34 af dem blev omgjort."
    )
    assert w.sentences(text) == [
        "Efter § 79 b, stk. 2, skal den beslutte.",
        "Den 7. oktober 2025 sendte den sagen tilbage.",
        "34 af dem blev omgjort.",
    ]


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        ("Af de 41 sager blev omgjort. 34 af dem blev hjemvist.", "Af dem blev 34 hjemvist."),
        (
            "På landsplan var den 45 %. 11 kommuner havde en højere procent.",
            "Af kommunerne havde 11 en højere procent.",
        ),
        ("2018 er det første år med et danmarkskort.", "Danmarkskortet for 2018 er det første."),
    ],
)
def test_a_sentence_never_starts_with_a_numeral(bad, good):
    assert w.starts_with_numeral(packet(bad))
    assert w.starts_with_numeral(packet(good)) == []


def test_no_sentence_twice_in_one_document():
    repeated = "Registreringen omfatter 12 sager, og sagerne vedrørte 9 borgere."
    assert w.repeated_sentences(packet(repeated, "Noget andet står imellem.", repeated))
    assert w.repeated_sentences(packet("Status: igangsat.", "Status: igangsat.")) == []  # a label and its value
    assert w.repeated_sentences(packet(repeated, doc="bilag-1")) == []


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        ("Flest sager vedrørte serviceloven § 42.", "Flest sager vedrørte servicelovens § 42."),
        ("De omgjorte sager vedrørte oftest § 42 (8 sager).", "De vedrørte barnets lov § 32 (8 sager)."),
        ("Efter retssikkerhedsloven § 79 b skal den beslutte.", "Efter retssikkerhedslovens § 79 b, stk. 2, skal den."),
    ],
)
def test_paragraphs_are_named_with_their_law_in_the_genitive(bad, good):
    assert w.provisions_without_law(packet(bad))
    assert w.provisions_without_law(packet(good)) == []


@pytest.mark.parametrize(
    "bad",
    [
        "Kilde: Ankestyrelsens statistik (statistik.csv).",
        "Kilde: handleplanen (../aarhus-2024/handleplan.toml).",
        "Teksten står i tekster/begrundelse.md.",
    ],
)
def test_no_file_name_or_folder_of_the_case(bad):
    assert w.file_names(packet(bad))
    assert w.file_names(packet("Kilde: Ankestyrelsens statistik, udtræk af tallene for 2021–2024.")) == []
    assert w.file_names(packet("Sagsnr. 22/15769, sagen aarhus-2024."), ["aarhus-2024"])


def test_the_official_name_never_the_short_name_with_kommune():
    official = {"København": "Københavns Kommune", "Bornholm": "Bornholms Regionskommune", "Allerød": "Allerød Kommune"}
    assert w.short_names(packet("I 2024 realitetsbehandlede Ankestyrelsen 898 sager fra København Kommune."), official)
    assert w.short_names(packet("Bornholm Kommune skal behandle kortet."), official)
    fine = packet("Sager fra Københavns Kommune, Bornholms Regionskommune og Allerød Kommune. København lå over.")
    assert w.short_names(fine, official) == []


@pytest.mark.parametrize("bad", ["Status som i 'Gammel og åben'.", 'Bilag 2, "Handleplan", videreføres.'])
def test_quotations_in_danish_quotation_marks(bad):
    assert w.straight_quotes(packet(bad))
    assert w.straight_quotes(packet("Bilag 2, »Handleplan«, videreføres. Aarhus' procent og Marx' teori.")) == []


def test_no_double_parentheses():
    assert w.double_parentheses(packet("Procenten var 33 % (40 af 120) (landsplan 39 %)."))
    assert w.double_parentheses(packet("Procenten var 33 % (40 af 120) mod 39 % på landsplan.")) == []


def test_oftest_only_before_a_strict_subset_and_with_its_total():
    every = "Det viser, at de 16 omgjorte sager oftest vedrørte § 42 (8 sager), § 41 (6 sager) og § 3 (2 sager)."
    some = "Registreringen viser, at de 20 omgjorte sager oftest vedrørte § 42 (8 sager) og § 41 (6 sager)."
    no_total = "De omgjorte sager vedrørte oftest § 42 (8 sager) og § 41 (6 sager)."
    assert w.loose_oftest(packet(every))
    assert w.loose_oftest(packet(no_total))
    assert w.loose_oftest(packet(some)) == []


def test_a_list_of_one_is_not_introduced_as_many():
    one = packet("Af de tre indsatser står to i planen. Disse er ikke med:", extra="<ul><li>Kursus: opgivet.</li></ul>")
    two = packet("Disse er ikke med:", extra="<ul><li>Kursus: opgivet.</li><li>Tilsyn: udskudt.</li></ul>")
    assert w.plural_before_one_item(one)
    assert w.plural_before_one_item(two) == []


def test_plan_counts_in_words_not_mixed_with_digits():
    assert w.small_counts_in_digits(packet("Planen havde to indsatser. Af indsatserne er 1 igangsat og 1 udskudt."))
    assert w.small_counts_in_digits(packet("Af indsatserne er én igangsat og én udskudt.")) == []


def test_a_comparison_municipality_is_not_named_in_three_sentences_in_a_row():
    three = (
        "Tabel 1 sammenligner København med Frederiksberg. Frederiksberg havde 47 %. København lå over Frederiksberg."
    )
    two = "Tabel 1 sammenligner København med Frederiksberg, der havde 47 %. Begge kommuner havde en stigning."
    assert w.named_in_consecutive_sentences(packet(three), ["Frederiksberg"])
    assert w.named_in_consecutive_sentences(packet(two), ["Frederiksberg"]) == []


def test_a_note_speaks_of_columns_the_table_has():
    def table(header: str, note: str) -> str:
        return (
            f"<div><table><caption>Tabel B2.1: Mål</caption><thead><tr><th>Mål</th><th>{header}</th></tr></thead>"
            f'<tbody><tr><td>M1</td><td>3</td></tr></tbody></table><div class="table-notes"><p>{note}</p></div></div>'
        )

    for note in ("I alt-kolonnen tæller alle sager.", "En borger tæller kun én gang i kolonnen »I alt«."):
        assert w.notes_about_missing_columns(packet(extra=table("Sager", note)))
        assert w.notes_about_missing_columns(packet(extra=table("I alt", note))) == []


TABEL2 = (
    "<div><table><caption>Tabel 2: Klagesager</caption><thead><tr><th>Forvaltningsområde</th><th>Afgjorte i alt</th>"
    "<th>Afvist/henvist</th></tr></thead><tbody><tr><td>Børn</td><td>1.240</td><td>60</td></tr>"
    "<tr><td>Beskæftigelse</td><td>440</td><td>40</td></tr><tr><td>I alt</td><td>1.680</td><td>100</td></tr>"
    "</tbody></table></div>"
)


def test_a_count_stated_twice_is_the_same_number():
    """The issue's case: the opening counted the rejected cases of the map's areas, the Tabel 2 paragraph and the
    table all of them."""
    opening = (
        "I 2024 afgjorde Ankestyrelsen i alt 1.680 sager fra Københavns Kommune. Danmarkskortet for 2024 bygger på "
        "1.180 af de 1.680; de øvrige 500 sager er 440 sager fra områder uden for danmarkskortet og 60 sager, der blev "
        "afvist eller henvist."
    )
    tabel2 = (
        "Tabel 2 omfatter alle 1.680 sager, som Ankestyrelsen afgjorde i 2024, også 440 sager fra områder uden for "
        "danmarkskortet og 100 sager, der blev afvist eller henvist."
    )
    assert any("tabel2:afvist" in v for v in w.disagreeing_counts(packet(opening, tabel2, extra=TABEL2)))
    right = (
        "I 2024 afgjorde Ankestyrelsen i alt 1.680 sager fra Københavns Kommune. Danmarkskortet for 2024 bygger på "
        "1.180 af de 1.680; de øvrige 500 sager er 400 realitetsbehandlede sager fra områder uden for danmarkskortet "
        "og 100 sager, der blev afvist eller henvist."
    )
    assert (
        w.disagreeing_counts(packet(right, tabel2.replace("440 sager", "400 realitetsbehandlede sager"), extra=TABEL2))
        == []
    )


def test_parts_add_up_to_their_total():
    wrong = (
        "Danmarkskortet for 2024 bygger på 1.180 af de 1.680; de øvrige 500 sager er 440 sager fra områder uden for "
        "danmarkskortet og 100 sager, der blev afvist eller henvist."
    )
    assert w.parts_that_do_not_add_up(packet(wrong))
    areas = (
        "Af de 65 sager vedrørte 12 sager børnehandicapområdet, 9 sager voksenhandicapområdet og 45 sager "
        "det øvrige socialområde."
    )
    assert w.parts_that_do_not_add_up(packet(areas))
    assert w.parts_that_do_not_add_up(packet(areas.replace("45 sager", "44 sager"))) == []
    group = "Tabel 1 sammenligner Allerød med Hillerød, Hørsholm og Furesø. Samlet havde de fire kommuner 49 %."
    assert w.parts_that_do_not_add_up(packet(group))
    plan = (
        "Handleplanen, der blev lagt på baggrund af danmarkskortet for 2023, havde tre mål og to indsatser. "
        "Af målene blev ét nået og ét ikke nået."
    )
    assert w.parts_that_do_not_add_up(packet(plan))
    table = TABEL2.replace("<td>1.680</td>", "<td>1.720</td>")
    assert w.parts_that_do_not_add_up(packet(extra=table))
    assert w.parts_that_do_not_add_up(packet(extra=TABEL2)) == []
