"""The letter to Ankestyrelsen (§ 79 b, stk. 2): only when no plan is recommended, with the rates, a draft
until the council's decision is recorded."""

import subprocess
import zipfile
from dataclasses import replace
from datetime import date

import pytest
from casefactory import example_sag, make_case

from reportgen.documents.letter import compose_letter, council_decision
from reportgen.documents.model import BulletList, Heading, Paragraph, plain_text
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs
from reportgen.inputs.case import Behandling, load_case
from reportgen.lifecycle.build import build

ADOPTED = {
    "organ": "Allerød Byråd 2022-2025",
    "dato": date(2025, 11, 6),
    "beslutning": "Indstillingen godkendt.",
    "udfald": "vedtaget",
}


def letter_for(tmp_path, name="sag", **patch):
    """compose_letter for a copy of the example case with sag.toml keys patched."""
    inputs = load_inputs(make_case(tmp_path, name=name, sag_toml_patch=patch))
    return compose_letter(inputs, compute(inputs))


def text_of(doc) -> str:
    """All text of a composed document, in one string with spaces folded."""
    parts = []
    for block in doc.blocks:
        if isinstance(block, (Paragraph, Heading)):
            parts.append(plain_text(block.children))
        elif isinstance(block, BulletList):
            parts += [plain_text(p.children) for item in block.items for p in item if isinstance(p, Paragraph)]
    return " ".join(" ".join(parts).replace("\u00a0", " ").split())


def with_decision(**extra):
    sag = example_sag()
    return {"behandling": [*sag["behandling"], ADOPTED], **extra}


@pytest.mark.parametrize("indstilling", ["udarbejdes", "videreføres"])
def test_no_letter_for_a_plan(tmp_path, indstilling):
    assert letter_for(tmp_path, **{"handleplan.indstilling": indstilling}) is None


def test_draft_without_a_council_decision(tmp_path):
    # The example's only council treatment sent the case back, so no decision is recorded.
    doc = letter_for(tmp_path, **{"handleplan.indstilling": "udarbejdes-ikke", "status": "endelig"})
    assert doc is not None and doc.slug == "orientering-ankestyrelsen" and doc.draft
    text = text_of(doc)
    assert "Udkast." in text and "endnu ikke registreret en beslutning fra Byrådet" in text
    assert "§ 79 b, stk. 2" in text and "Ankestyrelsen" in text
    assert "63 % (41 af 65)" in text and "I 2023 var omgørelsesprocenten 44 % (20 af 45)" in text
    assert "På landsplan var omgørelsesprocenten 45 % i 2024" in text


def test_final_with_the_council_decision(tmp_path):
    doc = letter_for(tmp_path, **{"handleplan.indstilling": "udarbejdes-ikke", "status": "endelig"}, **with_decision())
    assert not doc.draft and doc.date == date(2025, 11, 6)
    text = text_of(doc)
    assert "Allerød Byråd behandlede den 6. november 2025 danmarkskortet for 2024" in text
    assert "ikke udarbejder en handleplan" in text and "»Indstillingen godkendt.«" in text
    assert "Udkast" not in text and "endnu ikke" not in text
    assert "63 % (41 af 65)" in text and "44 % (20 af 45)" in text and "45 %" in text


def test_a_draft_case_gives_a_draft_letter(tmp_path):
    doc = letter_for(tmp_path, **{"handleplan.indstilling": "udarbejdes-ikke", "status": "udkast"}, **with_decision())
    assert doc.draft and "endnu ikke" not in text_of(doc)


def test_which_treatment_is_the_council_decision(tmp_path):
    case = load_case(make_case(tmp_path, sag_toml_patch={"kompetence": "Borgerrepræsentationen"}))

    def decision(*treatments):
        return council_decision(replace(case, behandling=treatments))

    committee = Behandling("Økonomiudvalget", date(2025, 9, 30), "Indstilles.", "indstillet")
    sent_back = Behandling("Allerød Byråd", date(2025, 10, 7), "Tilbage.", "tilbagesendt")
    adopted = Behandling("Kommunalbestyrelsen", date(2025, 11, 6), "Godkendt.", "vedtaget")
    plain = Behandling("Borgerrepræsentationen", date(2025, 11, 7), "Godkendt.")
    assert decision() is None
    assert decision(committee, sent_back) is None
    assert decision(committee, adopted) == adopted
    assert decision(adopted, plain) == plain  # equal to kompetence, no udfald: the last one counts


@pytest.fixture(scope="module")
def final_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("letter")
    case = make_case(
        tmp, sag_toml_patch={"handleplan.indstilling": "udarbejdes-ikke", "status": "endelig", **with_decision()}
    )
    return build(case, tmp / "out").folder


def test_the_build_writes_the_letter(final_build):
    names = {p.name for p in final_build.iterdir()}
    assert {"orientering-ankestyrelsen.docx", "orientering-ankestyrelsen.pdf"} <= names
    pdf = subprocess.run(
        ["pdftotext", str(final_build / "orientering-ankestyrelsen.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(pdf.replace("\u00a0", " ").split())
    assert "6. november 2025" in flat and "63 % (41 af 65)" in flat and "UDKAST" not in flat
    with zipfile.ZipFile(final_build / "orientering-ankestyrelsen.docx") as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/") and n.endswith(".xml"))
    assert "UDKAST" not in xml and "Orientering om beslutning efter retssikkerhedslovens" in xml


def test_one_document_is_composed_as_in_the_packet(tmp_path):
    """The live preview composes only the document it shows; it is the packet's document, block for block."""
    from reportgen.documents.compose import compose, compose_document

    inputs = load_inputs(make_case(tmp_path, sag_toml_patch={"handleplan.indstilling": "udarbejdes-ikke"}))
    cf = compute(inputs)
    packet = compose(inputs, cf)
    assert len(packet.documents()) == 3
    for doc in packet.documents():
        assert compose_document(inputs, cf, doc.slug) == doc
    assert compose_document(inputs, cf, "bilag-9") is None


def test_the_action_plan_is_composed_alone_as_in_the_packet(tmp_path):
    """The live preview of Bilag 2 (the action plan) composes only that document, the packet's own."""
    from reportgen.documents.compose import compose, compose_document

    inputs = load_inputs(make_case(tmp_path))
    cf = compute(inputs)
    packet = compose(inputs, cf)
    assert packet.bilag2 is not None
    assert compose_document(inputs, cf, "bilag-2") == packet.bilag2
