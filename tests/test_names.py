"""Names that depend on the year and the municipality: the ministry, the laws, the council and the municipality's own
official name."""

from __future__ import annotations

import pytest
from casefactory import make_case

from reportgen.domain import danmarkskort, kommuner
from reportgen.inputs.case import load_case


@pytest.mark.parametrize(
    ("aar", "ministry"),
    [
        (2018, "Børne- og Socialministeriet"),
        (2019, "Social- og Indenrigsministeriet"),
        (2021, "Social- og Ældreministeriet"),
        (2023, "Social-, Bolig- og Ældreministeriet"),
        (2024, "Social- og Boligministeriet"),
        (2026, "Social- og Boligministeriet"),
    ],
)
def test_the_ministry_is_the_one_in_office_when_the_map_is_published(aar, ministry):
    assert danmarkskort.ministry(aar) == ministry


@pytest.mark.parametrize(
    ("aar", "laws"),
    [
        (2021, ("serviceloven",)),
        (2023, ("serviceloven",)),
        (2024, ("serviceloven", "barnets lov")),
        (2025, ("serviceloven", "barnets lov", "ældreloven")),
    ],
)
def test_barnets_lov_from_2024_and_aeldreloven_from_2025(aar, laws):
    assert danmarkskort.laws(aar) == laws


def test_the_case_can_name_another_ministry(tmp_path):
    case = load_case(make_case(tmp_path, sag_toml_patch={"ministerium": "Social- og Seniorministeriet"}))
    assert case.ministry == "Social- og Seniorministeriet"


@pytest.mark.parametrize(
    ("kommune", "council"),
    [
        ("Allerød", "Byrådet"),
        ("København", "Borgerrepræsentationen"),
        ("Lyngby-Taarbæk", "Kommunalbestyrelsen"),
        ("Albertslund", "Kommunalbestyrelsen"),  # nothing in the table: the statutory name
    ],
)
def test_the_council_from_the_municipality_table_else_the_statutory_name(kommune, council):
    assert kommuner.council(kommune) == council


def test_the_case_names_its_own_council(tmp_path):
    from casefactory import DELETE

    default = load_case(make_case(tmp_path, name="a", sag_toml_patch={"kompetence": DELETE}))
    own = load_case(make_case(tmp_path, name="b", sag_toml_patch={"kompetence": "Kommunalbestyrelsen"}))
    assert (default.council, own.council) == ("Byrådet", "Kommunalbestyrelsen")


@pytest.mark.parametrize(
    ("kommune", "official"),
    [
        ("København", "Københavns Kommune"),
        ("Bornholm", "Bornholms Regionskommune"),
        ("Lyngby-Taarbæk", "Lyngby-Taarbæk Kommune"),
        ("Ærø", "Ærø Kommune"),
        ("Vesthimmerlands", "Vesthimmerlands Kommune"),
    ],
)
def test_the_official_name_from_the_municipality_table(kommune, official):
    assert kommuner.official_name(kommune) == official


def test_every_other_municipality_is_its_short_name_and_kommune():
    exceptions = {"København": "Københavns Kommune", "Bornholm": "Bornholms Regionskommune"}
    names = {k: kommuner.official_name(k) for k in kommuner.regions()}
    assert len(names) == 98
    assert names == {k: exceptions.get(k, f"{k} Kommune") for k in names}


@pytest.mark.parametrize(
    ("name", "genitive"),
    [
        ("Københavns Kommune", "Københavns Kommunes"),
        ("Bornholms Regionskommune", "Bornholms Regionskommunes"),
        ("Allerød Kommune", "Allerød Kommunes"),
        ("Aarhus", "Aarhus'"),
        ("Marx", "Marx'"),
        ("Schultz", "Schultz'"),
        ("Fanø", "Fanøs"),
    ],
)
def test_the_possessive_takes_an_apostrophe_after_s_x_and_z(name, genitive):
    from reportgen.domain.danish import possessive

    assert possessive(name) == genitive


def test_the_author_is_the_official_name_unless_the_case_names_one(tmp_path):
    from casefactory import DELETE

    kbh = load_case(make_case(tmp_path, name="a", sag_toml_patch={"kommune": "København", "forfatter": DELETE}))
    own = load_case(
        make_case(tmp_path, name="b", sag_toml_patch={"kommune": "Bornholm", "forfatter": "Center for Social"})
    )
    assert (kbh.official_name, kbh.author) == ("Københavns Kommune", "Københavns Kommune")
    assert (own.official_name, own.author) == ("Bornholms Regionskommune", "Center for Social")
