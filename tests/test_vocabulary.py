"""The closed sets of a case (domain/vocabulary.py): each value is stated once, in its table, and every room asks the
table. A fourth recommendation is its record in the table plus its sentence in the sagsfremstilling's template; a
value sag.toml does not know is refused at load, and a value the templates have no wording for fails the build
instead of reading as another value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from casefactory import DELETE, make_case, run_cli
from test_plan import text

from reportgen.documents.compose import compose, default_text
from reportgen.documents.prose import templates
from reportgen.domain import danmarkskort
from reportgen.domain.vocabulary import DENOMINATORS, RECOMMENDATIONS, Denominator, Recommendation
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs
from reportgen.resources import PROSE_TEMPLATES

# The Indstilling's second point as each recommendation words it (the example case attaches its plan as Bilag 2).
SENTENCES = {
    "udarbejdes": "udarbejdes en handleplan, der skal styrke den juridiske kvalitet i kommunens sagsbehandling, og "
    "handleplanen i bilag 2 godkendes.",
    "videreføres": "arbejdet med handleplanen i bilag 2, »Handleplan for kvalitetsudvikling på baggrund af "
    "Ankestyrelsens afgørelser«, videreføres efter retssikkerhedslovens § 79 b, stk. 2.",
    "udarbejdes-ikke": "ikke udarbejdes en handleplan, og Ankestyrelsen orienteres om beslutningen, som loven kræver.",
}
REVISE = Recommendation(
    "revideres",
    "Den eksisterende handleplan revideres",
    wording="revideres",
    plan=True,
    continues=True,
    letter=False,
    reason=True,
)
REVISE_SENTENCE = "2. handleplanen revideres, og den reviderede plan i bilag {{ handleplan.bilag_nr }} godkendes."


def packet(case: Path):
    inputs = load_inputs(case)
    cf = compute(inputs)
    return compose(inputs, cf), cf


@pytest.fixture
def prose_templates(tmp_path, monkeypatch):
    """A copy of the prose templates that a test may edit, used for every document until the test ends."""
    folder = tmp_path / "prose"
    shutil.copytree(PROSE_TEMPLATES, folder)
    monkeypatch.setattr(templates, "PROSE_TEMPLATES", folder)
    templates.environment.cache_clear()
    yield folder
    templates.environment.cache_clear()


@pytest.fixture
def fourth_recommendation(monkeypatch, prose_templates):
    """A fourth recommendation, added as the two places it belongs: its record in the table and its sentence among
    the Indstilling's branches."""
    monkeypatch.setitem(RECOMMENDATIONS, REVISE.code, REVISE)
    template = prose_templates / "sagsfremstilling.md.j2"
    last = '{% elif handleplan.ordlyd == "udarbejdes-ikke" %}\n'
    assert last in template.read_text(encoding="utf-8")
    branch = '{% elif handleplan.ordlyd == "revideres" %}\n' + REVISE_SENTENCE + "\n"
    template.write_text(template.read_text(encoding="utf-8").replace(last, branch + last), encoding="utf-8")
    return REVISE


@pytest.mark.parametrize("code", list(RECOMMENDATIONS))
def test_every_recommendation_has_its_sentence(tmp_path, code):
    docs, _ = packet(make_case(tmp_path, sag_toml_patch={"handleplan.indstilling": code}))
    assert SENTENCES[code] in text(docs.sagsfremstilling)
    assert (docs.letter is not None) == RECOMMENDATIONS[code].letter
    assert (docs.bilag2 is not None) == RECOMMENDATIONS[code].plan


@pytest.mark.parametrize("code", list(RECOMMENDATIONS))
def test_before_the_2021_map_a_recommendation_is_no_stk_2_decision(tmp_path, monkeypatch, code):
    """Stk. 1 only: a plan is a point the council may adopt of its own accord, cited without stk. 2; not preparing
    one is no point at all, and neither the reasons' warning nor the letter follows."""
    monkeypatch.setattr(danmarkskort, "PLAN_DECISION_FROM", 2025)  # the example's 2024 map, as if before stk. 2
    docs, cf = packet(make_case(tmp_path, sag_toml_patch={"handleplan.indstilling": code}))
    recommendation = RECOMMENDATIONS[code]
    for doc in docs.documents():
        assert "stk. 2" not in text(doc) and "Grundlaget for beslutningen" not in text(doc), doc.slug
    sag = text(docs.sagsfremstilling)
    assert (
        SENTENCES[code].replace(" efter retssikkerhedslovens § 79 b, stk. 2", "") in sag
    ) != recommendation.stk2_only
    assert ("tages til efterretning." in sag) == recommendation.stk2_only  # the only point, or the first of two
    assert docs.letter is None and (docs.bilag2 is not None) == recommendation.plan
    assert not any("begrundelse" in str(w) for w in cf.warnings)


def test_the_placeholder_for_missing_reasons_is_in_the_draft_not_in_the_default_text(tmp_path):
    """The draft shows where the reasons belong; the web app's default text of the section is not that placeholder
    (saved as the administration's text, it would pass for the reasons)."""
    case = make_case(
        tmp_path, sag_toml_patch={"handleplan.indstilling": "udarbejdes-ikke"}, tekster={"begrundelse.md": None}
    )
    inputs = load_inputs(case)
    cf = compute(inputs)
    assert "[Her mangler forvaltningens begrundelse" in text(compose(inputs, cf).sagsfremstilling)
    assert "Her mangler" not in default_text(inputs, cf, "begrundelse")


@pytest.mark.parametrize("code", list(DENOMINATORS))
def test_every_denominator_has_its_sentence(tmp_path, code):
    docs, _ = packet(make_case(tmp_path, sag_toml_patch={"tabel2_naevner": code}))
    sag = text(docs.sagsfremstilling)
    official, all_decided = "af de realitetsbehandlede sager omgjort", "af alle afgjorte sager"
    assert (official in sag, all_decided in sag) == (DENOMINATORS[code].official, DENOMINATORS[code].all_decided)


def test_a_fourth_recommendation_is_its_record_and_its_sentence(tmp_path, capsys, fourth_recommendation):
    """Nothing else changes: sag.toml accepts it, and the documents and warnings follow the record's rules – a plan
    (Bilag 2), no letter, reasons expected, last year's plan continued."""
    case = make_case(
        tmp_path,
        sag_toml_patch={"handleplan.indstilling": "revideres", "handleplan.forrige": DELETE},
        tekster={"begrundelse.md": None},
    )
    docs, cf = packet(case)
    sag = text(docs.sagsfremstilling)
    assert "handleplanen revideres, og den reviderede plan i bilag 2 godkendes." in sag
    assert not any(sentence in sag for sentence in SENTENCES.values())
    assert docs.bilag2 is not None and docs.letter is None
    assert "Den viderefører arbejdet fra tidligere år" in text(docs.bilag2)
    assert [w.column for w in cf.warnings] == ["handleplan.indstilling", "handleplan.forrige"]
    assert "indstillingen 'revideres' har ingen begrundelse" in cf.warnings[0].message
    result = run_cli(capsys, "check", case)
    assert result.code == 0, result.err


def test_an_unknown_recommendation_is_refused_at_load_naming_the_tables_values(tmp_path, capsys, fourth_recommendation):
    case = make_case(tmp_path, sag_toml_patch={"handleplan.indstilling": "revidere"})
    result = run_cli(capsys, "build", case, "--out", tmp_path / "ud")
    assert result.code == 2
    assert (
        "sag.toml, nøgle 'handleplan.indstilling': ugyldig værdi 'revidere'. Mente du 'revideres'? Tilladte værdier: "
        "'udarbejdes', 'videreføres', 'udarbejdes-ikke', 'revideres'." in result.err
    )
    assert "Intet er skrevet." in result.err and not (tmp_path / "ud").exists()


def test_a_recommendation_without_its_sentence_fails_instead_of_reading_as_another(tmp_path, capsys, monkeypatch):
    """The Indstilling's branches end in unknown(): a wording key without a sentence never falls through to the
    last option's sentence ("no plan"); the build fails as an internal error and writes nothing."""
    monkeypatch.setitem(RECOMMENDATIONS, REVISE.code, REVISE)
    case = make_case(tmp_path, sag_toml_patch={"handleplan.indstilling": "revideres"})
    with pytest.raises(templates.UnknownValue, match="'revideres'"):
        packet(case)
    result = run_cli(capsys, "build", case, "--out", tmp_path / "ud")
    assert result.code == 1 and "Intern fejl: UnknownValue" in result.err
    assert not (tmp_path / "ud").exists()


def test_a_denominator_without_its_sentence_fails(tmp_path, monkeypatch):
    other = Denominator("kun-stadfaestede", official=True, all_decided=False)
    monkeypatch.setitem(DENOMINATORS, other.code, other)
    case = make_case(tmp_path, sag_toml_patch={"tabel2_naevner": other.code})
    with pytest.raises(templates.UnknownValue, match="tabel2_naevner 'kun-stadfaestede'"):
        packet(case)
