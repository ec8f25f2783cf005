"""The action plan measured: targets whose outcome is known in advance, initiatives in every status, a plan carried
over two years, and the § 79 b decision options with their plan (Bilag 2, the follow-up, the warnings).

The cases are copies of the two examples: allerod-2024 (its plan, handleplan.toml, made on the 2024 map) and
allerod-2025 (synthetic 2025 figures, pointing back at ../allerod-2024). The 2025 figures the targets are measured on:
socialområdet 29/7/24 (52 %, 31 af 60), børnehandicap 5/1/4 (50 %; landsplan 52 %), voksenhandicap 4/1/3 (50 %;
landsplan 41 %), øvrige 20/5/17 (hjemvist 17 af 42 = 40,48 %, shown 40 %), Tabel 2 "Børneområdet" 13/3/9 (48 %,
hjemvist 9 af 25 = 36 %); "Ældre- og Sundhed" exists only in 2024 (19 af 25 = 76 %).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from casefactory import DELETE, NEXT_YEAR, dump_toml, make_case, run_cli

from reportgen.documents.compose import compose
from reportgen.documents.model import BulletList, Document, Heading, Paragraph, Table, plain_text
from reportgen.domain.noegletal import STATUSES
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs


def target(id: str, noegletal: str, sammenligning: str, vaerdi: Any = None, aar: int = 2025, **place: str) -> dict:
    """A [[maal]] table; place is omraade=… or forvaltningsomraade=…"""
    out: dict[str, Any] = {"id": id, **place, "noegletal": noegletal, "sammenligning": sammenligning}
    if vaerdi is not None:
        out["vaerdi"] = vaerdi
    return {**out, "aar": aar}


def initiative(titel: str, status: str = "igangsat", **extra: Any) -> dict:
    """An [[indsats]] table with dates that are not overdue in either example."""
    return {
        "titel": titel,
        "maal": ["M1"],
        "ansvarlig": "Juridisk team",
        "start": date(2025, 11, 1),
        "frist": date(2027, 6, 30),
        "status": status,
        **extra,
    }


def plan_file(maal: list[dict], indsats: list[dict], **top: Any) -> str:
    """A handleplan.toml."""
    return dump_toml({**top, "maal": maal, "indsats": indsats})


def two_years(tmp_path: Path, old_plan: str | None = None, new_plan: str | None = None, **kw: Any) -> Path:
    """allerod-2024 and allerod-2025 side by side, their plan files replaced when given; returns the 2025 case."""
    make_case(tmp_path, name="allerod-2024", files={"handleplan.toml": old_plan} if old_plan else None)
    files = dict(kw.pop("files", None) or {})
    if new_plan is not None:
        files["handleplan.toml"] = new_plan
    return make_case(tmp_path, name="allerod-2025", example=NEXT_YEAR, files=files, **kw)


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def figures(case: Path):
    inputs = load_inputs(case)
    return inputs, compute(inputs)


def follow_up(case: Path):
    _, cf = figures(case)
    assert cf.plan is not None and cf.plan.follow_up is not None
    return cf.plan.follow_up


def text(doc: Document | None) -> str:
    """A document's text: headings, paragraphs, list items and table cells, whitespace folded."""
    assert doc is not None
    parts: list[str] = [doc.title]

    def walk(blocks) -> None:
        for b in blocks:
            if isinstance(b, (Heading, Paragraph)):
                parts.append(plain_text(b.children))
            elif isinstance(b, BulletList):
                for item in b.items:
                    walk(item)
            elif isinstance(b, Table):
                parts.extend([b.caption, *b.header, *(c for row in b.rows for c in row), *b.notes, b.source])

    walk(doc.blocks)
    return " ".join(" ".join(parts).replace("\u00a0", " ").split())


def packet(case: Path):
    inputs, cf = figures(case)
    return compose(inputs, cf), cf


# --- targets with known outcomes -------------------------------------------------------------------------------

KNOWN = [
    # (target, outcome, shown value in 2025)
    (target("M1", "omgoerelsesprocent", "<=", 55, omraade="socialomraadet"), "naaet", 52),
    (target("M2", "omgoerelsesprocent", "<=", 50, omraade="socialomraadet"), "ikke-naaet", 52),
    (target("M3", "omgoerelsesprocent", "<=", 52, omraade="socialomraadet"), "naaet", 52),  # exactly at the target
    (target("M4", "omgoerelsesprocent", "<", 52, omraade="socialomraadet"), "ikke-naaet", 52),  # exactly, strictly
    (target("M5", "omgoerelsesprocent", "≥", 52, omraade="socialomraadet"), "naaet", 52),
    (target("M6", "hjemvisningsandel", "<=", 40, omraade="oevrige"), "naaet", 40),  # 40,48 % is shown as 40 %
    (target("M7", "aendringsandel", "<=", 10, omraade="boernehandicap"), "naaet", 10),
    (target("M8", "omgoerelsesprocent", "under-landsplan", omraade="boernehandicap"), "naaet", 50),  # 50 < 52
    (target("M9", "omgoerelsesprocent", "under-landsplan", omraade="voksenhandicap"), "ikke-naaet", 50),  # 50 ≥ 41
    (target("M10", "realitetsbehandlede", "<=", 60, omraade="socialomraadet"), "naaet", 60),
    (target("M11", "omgjorte", "<", 31, omraade="socialomraadet"), "ikke-naaet", 31),
    (target("M12", "omgoerelsesprocent", "<=", 45, forvaltningsomraade="Børneområdet"), "ikke-naaet", 48),
    (target("M13", "hjemvisningsandel", "<=", 40, forvaltningsomraade="Børneområdet"), "naaet", 36),
    (target("M14", "omgoerelsesprocent", "<=", 60, forvaltningsomraade="Ældre- og Sundhed"), "kan-ikke-opgoeres", None),
    (target("M15", "omgjort_af_alle_afgoerelser", "<=", 2.5, omraade="socialomraadet"), "kan-ikke-opgoeres", None),
    (target("M16", "omgoerelsesprocent", "<=", 50, aar=2026, omraade="socialomraadet"), "ikke-naaet", 52),
]


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    """Last year's plan with every target of KNOWN, followed up in 2025: the figures and the sagsfremstilling."""
    tmp = tmp_path_factory.mktemp("kendte")
    old = plan_file([t for t, _, _ in KNOWN], [initiative("Gennemgang af omgjorte sager")])
    case = two_years(tmp, old)
    docs, cf = packet(case)
    return {m.maal.id: m for m in cf.plan.follow_up.targets}, text(docs.sagsfremstilling)


@pytest.mark.parametrize(("maal", "outcome", "shown"), KNOWN, ids=[t["id"] for t, _, _ in KNOWN])
def test_target_outcome_is_the_expected(known, maal, outcome, shown):
    m = known[0][maal["id"]]
    assert m.outcome == outcome
    assert (None if m.value.shown is None else int(m.value.shown)) == shown


def test_follow_up_gives_both_years_and_the_change(known):
    m = known[0]["M1"]
    assert (m.baseline.aar, m.baseline.numerator, m.baseline.denominator, m.baseline.shown) == (2024, 41, 65, 63)
    assert (m.value.aar, m.value.numerator, m.value.denominator, m.value.shown) == (2025, 31, 60, 52)
    assert m.change == -11
    row = "M1: Omgørelsesprocent på socialområdet generelt ≤ 55 % i 2025 63 % (41 af 65) 52 % (31 af 60) −11 Nået"
    assert row in known[1]


def test_a_target_for_a_later_year_is_provisional(known):
    m = known[0]["M16"]
    assert not m.due
    assert "Ikke nået foreløbig (målet gælder 2026)" in known[1]
    assert "Målet M16 gælder et senere danmarkskort, så resultatet er foreløbigt." in known[1]


def test_the_summary_counts_every_verdict(known):
    assert "Af målene blev otte nået og seks ikke nået, mens to ikke kan opgøres med årets tal." in known[1]


def test_a_vanished_forvaltningsomraade_is_not_guessed(known):
    """Ældre- og Sundhed is not in the 2025 Tabel 2: no value, but its 2024 value comes from last year's case."""
    m = known[0]["M14"]
    assert m.value.missing == "ikke-i-tabel2" and m.value.shown is None
    assert (m.baseline.numerator, m.baseline.denominator, m.baseline.shown) == (19, 25, 76)
    assert m.baseline.kilde == "../allerod-2024/forvaltningsomraader.csv"
    assert m.change is None
    assert (
        "Mål M14 kan ikke opgøres, fordi forvaltningsområdet Ældre- og Sundhed ikke findes i Tabel 2 for 2025."
        in (known[1])
    )


def test_share_of_all_decisions_needs_the_number_of_decisions(known):
    assert known[0]["M15"].value.missing == "ingen-afgoerelser"
    assert "antallet af afgørelser i alt på socialområdet generelt ikke er oplyst for 2025" in known[1]


def test_share_of_all_decisions_is_judged_on_one_decimal(tmp_path):
    """31 reversed of 1.200 decisions = 2,583 % → shown 2,6 %: ≤ 2,6 is met, < 2,6 is not."""
    old = plan_file(
        [
            target("A", "omgjort_af_alle_afgoerelser", "<=", 2.6, omraade="socialomraadet"),
            target("B", "omgjort_af_alle_afgoerelser", "<", 2.6, omraade="socialomraadet"),
        ],
        [initiative("Gennemgang", maal=["A"])],
    )
    case = two_years(tmp_path, old)
    replace_in(
        case / "statistik.csv", "Allerød,2025,socialomraadet,29,7,24,2,,", "Allerød,2025,socialomraadet,29,7,24,2,1200,"
    )
    a, b = follow_up(case).targets
    assert a.value.shown * 10 == 26 and (a.outcome, b.outcome) == ("naaet", "ikke-naaet")


def test_zero_cases_cannot_be_measured(tmp_path):
    """An area without realitetsbehandlede cases has no rate: the target says so instead of guessing 0 %."""
    old = plan_file(
        [target("V", "omgoerelsesprocent", "<=", 40, omraade="voksenhandicap")], [initiative("X", maal=["V"])]
    )
    case = two_years(tmp_path, old)
    replace_in(case / "statistik.csv", "Allerød,2025,voksenhandicap,4,1,3,0", "Allerød,2025,voksenhandicap,0,0,0,0")
    (m,) = follow_up(case).targets
    assert m.outcome == "kan-ikke-opgoeres" and m.value.missing == "ingen-sager"
    docs, cf = packet(case)
    assert "Ingen af målene kan opgøres med årets tal." in text(docs.sagsfremstilling)
    assert (
        "Mål V kan ikke opgøres, fordi Ankestyrelsen ikke realitetsbehandlede nogen sager på voksenhandicapområdet "
        "i 2025." in text(docs.sagsfremstilling)
    )
    assert any("målet V (omgoerelsesprocent for voksenhandicap)" in str(w) for w in cf.warnings)


# --- initiatives ---------------------------------------------------------------------------------------------------


def test_initiatives_in_every_status(tmp_path):
    """Last year's five initiatives, one per status this year: Bilag 2 and the follow-up show each status and note;
    postponed and abandoned ones without a note are warned about, and so is an open one whose deadline passed."""
    titles = {s: f"Indsats der er {s}" for s in STATUSES}
    old = plan_file(
        [target("M1", "omgoerelsesprocent", "<=", 50, omraade="socialomraadet")],
        [initiative(t, "planlagt") for t in titles.values()],
    )
    notes = {"gennemført": "Afsluttet i juni.", "udskudt": "Flyttet et år"}
    new = [initiative(titles[s], s, **({"statusnote": notes[s]} if s in notes else {})) for s in STATUSES]
    new[0]["frist"] = date(2026, 6, 30)  # planlagt, and the deadline has passed by the meetings in 2026
    case = two_years(
        tmp_path,
        old,
        plan_file([target("M1", "omgoerelsesprocent", "<=", 48, aar=2026, omraade="socialomraadet")], new),
    )
    docs, cf = packet(case)
    fu = cf.plan.follow_up
    assert [s.status for s in fu.initiatives] == list(STATUSES)
    assert all(s.updated for s in fu.initiatives)
    sag, bilag2 = text(docs.sagsfremstilling), text(docs.bilag2)
    assert "Af indsatserne er én planlagt, én igangsat, én gennemført, én udskudt og én opgivet." in sag
    assert "Afsluttet i juni." in sag and "Flyttet et år." in sag
    for status in STATUSES:
        assert f"Status: {status}." in bilag2
    warnings = [str(w) for w in cf.warnings]
    assert any("'Indsats der er opgivet' er opgivet uden en statusnote" in w for w in warnings)
    assert not any("'Indsats der er udskudt' er udskudt uden" in w for w in warnings)
    assert any("fristen for 'Indsats der er planlagt' (30. juni 2026) er overskredet" in w for w in warnings)
    assert not any("fristen for 'Indsats der er gennemført'" in w for w in warnings)


def test_statuses_left_out_of_this_years_plan(tmp_path):
    """An open initiative missing from this year's plan keeps last year's status, marked so, and is warned about."""
    old = plan_file(
        [target("M1", "omgoerelsesprocent", "<=", 50, omraade="socialomraadet")],
        [initiative("Gammel og åben"), initiative("Gammel og færdig", "gennemført"), initiative("Fortsætter")],
    )
    new = plan_file(
        [target("M1", "omgoerelsesprocent", "<=", 48, aar=2026, omraade="socialomraadet")],
        [initiative("  fortsætter ", "gennemført")],  # the same title, spacing and case aside
    )
    case = two_years(tmp_path, old, new)
    docs, cf = packet(case)
    fu = cf.plan.follow_up
    assert [(s.status, s.updated) for s in fu.initiatives] == [
        ("igangsat", False),
        ("gennemført", False),
        ("gennemført", True),
    ]
    sag = text(docs.sagsfremstilling)
    assert "igangsat (som i 2024)" in sag
    assert (
        "For »Gammel og åben« er status som i handleplanen for 2024, fordi indsatsen ikke er med i årets handleplan."
        in sag
    )
    warnings = [str(w) for w in cf.warnings]
    assert sum("fra handleplanen for 2024 er igangsat og står ikke i årets handleplan" in w for w in warnings) == 1
    bilag2 = text(docs.bilag2)
    assert "Gammel og færdig: gennemført." in bilag2 and "Gammel og åben: igangsat." in bilag2


def test_plan_warnings_come_initiative_by_initiative(tmp_path):
    """The plan file's warnings in the order of its initiatives, each initiative's passed deadline before its missing
    note; then last year's targets that cannot be measured, then last year's open initiatives left out."""
    old = plan_file(
        [
            target("M1", "omgoerelsesprocent", "<=", 50, omraade="socialomraadet"),
            target("X", "omgoerelsesprocent", "<=", 50, forvaltningsomraade="Ældre- og Sundhed"),  # none in 2025
        ],
        [initiative("Første", "planlagt"), initiative("Glemt"), initiative("Anden", "planlagt"), initiative("Tredje")],
    )
    passed = date(2026, 6, 30)  # passed by the meetings in 2026
    new = plan_file(
        [target("M1", "omgoerelsesprocent", "<=", 48, aar=2026, omraade="socialomraadet")],
        [
            initiative("Første", "planlagt", frist=passed),
            initiative("Anden", "opgivet"),
            initiative("Tredje", frist=passed),
        ],
    )
    _, cf = packet(two_years(tmp_path, old, new))
    assert [(w.column, w.message.split(" er ")[0].split(" kan ")[0]) for w in cf.warnings] == [
        (
            "handleplan.indstilling",
            "indstillingen 'videreføres' har ingen begrundelse; sagen viser kun tallene, beslutningen træffes på.",
        ),
        ("indsats[1].status", "fristen for 'Første' (30. juni 2026)"),
        ("indsats[2].statusnote", "'Anden'"),
        ("indsats[3].status", "fristen for 'Tredje' (30. juni 2026)"),
        (None, "målet X (omgoerelsesprocent for Ældre- og Sundhed) fra handleplanen for 2024"),
        ("indsats", "indsatsen 'Glemt' fra handleplanen for 2024"),
    ]


# --- a plan carried over two years -------------------------------------------------------------------------------


def test_plan_carried_over_two_years(tmp_path):
    """2023 → 2024 → 2025 (the examples): what has been in the plan since 2023 says so, target by target."""
    case = two_years(tmp_path)
    docs, cf = packet(case)
    plan = cf.plan.plan
    since_targets = dict(zip([m.id for m in plan.maal], cf.plan.target_since, strict=True))
    assert since_targets == {"M1": 2023, "M2": 2024, "M3": 2024, "M5": None}  # M2, M3 of 2023 measured other figures
    since = dict(zip([i.titel for i in plan.indsatser], cf.plan.initiative_since, strict=True))
    assert since["Gennemgang af alle omgjorte sager med sagsbehandleren"] == 2023
    assert since["Faglig koordinator i genvurderingen af påklagede sager"] == 2024
    assert since["Tjekliste for oplysning og begrundelse i afgørelser"] is None
    bilag2 = text(docs.bilag2)
    assert "I planen siden" in bilag2 and "I handleplanen siden 2023." in bilag2
    assert "Af de seks indsatser fra handleplanen for 2024 står fem i denne plan" in bilag2
    assert "Samarbejde med Task Force på handicapområdet om børnehandicapområdet: gennemført." in bilag2
    assert "Planen har desuden én ny indsats." in bilag2


# --- the decision options ---------------------------------------------------------------------------------------


def test_udarbejdes_with_a_plan_builds_bilag_2(tmp_path):
    case = make_case(tmp_path, sag_toml_patch={"handleplan.indstilling": "udarbejdes", "handleplan.forrige": DELETE})
    docs, cf = packet(case)
    assert docs.bilag2 is not None and docs.letter is None
    sag = text(docs.sagsfremstilling)
    assert "og handleplanen i bilag 2 godkendes." in sag
    assert "Bilag 2. Handleplan for kvalitetsudvikling på baggrund af Ankestyrelsens afgørelser" in sag
    assert "Opfølgning på handleplanen" not in sag
    assert cf.warnings == ()


def test_udarbejdes_without_a_plan_says_it_comes_later(tmp_path, capsys):
    case = make_case(
        tmp_path,
        sag_toml_patch={
            "handleplan.indstilling": "udarbejdes",
            "handleplan.fil": DELETE,
            "handleplan.bilag": DELETE,
            "handleplan.forrige": DELETE,
        },
    )
    docs, _ = packet(case)
    assert docs.bilag2 is None
    sag = text(docs.sagsfremstilling)
    assert "og handleplanen forelægges til godkendelse, når den er udarbejdet." in sag
    assert "Bilag 2. Handleplan" not in sag
    result = run_cli(capsys, "check", case)
    assert result.code == 0
    assert (
        "sag.toml, nøgle 'handleplan.fil': indstillingen er at udarbejde en handleplan, men sagen har ingen"
        in result.out
    )


def test_videreføres_without_last_years_plan_is_warned_about(tmp_path, capsys):
    case = make_case(tmp_path, sag_toml_patch={"handleplan.forrige": DELETE})
    docs, _ = packet(case)
    assert docs.bilag2 is not None
    assert "Opfølgning på handleplanen" not in text(docs.sagsfremstilling)
    result = run_cli(capsys, "check", case)
    assert result.code == 0 and "nøgle 'handleplan.forrige': indstillingen er at videreføre handleplanen" in result.out


def test_udarbejdes_ikke_still_reports_on_the_earlier_plan(tmp_path):
    """No Bilag 2 and the letter to Ankestyrelsen, but the earlier plan is followed up, with this year's statuses."""
    case = two_years(tmp_path, sag_toml_patch={"handleplan.indstilling": "udarbejdes-ikke", "handleplan.bilag": DELETE})
    docs, cf = packet(case)
    assert docs.bilag2 is None and docs.letter is not None
    sag = text(docs.sagsfremstilling)
    assert "Opfølgning på handleplanen" in sag and "Den videre plan er vedlagt som bilag 2." not in sag
    assert "efter retssikkerhedslovens § 79 b, stk. 2, ikke udarbejdes en handleplan" in sag and "Bilag 2." not in sag
    assert "danmarkskortet for 2025 og opfølgningen på handleplanen for 2024 tages til efterretning" in sag
    assert all(s.updated or s.status == "gennemført" for s in cf.plan.follow_up.initiatives)
    assert [w.message.split(" kan ")[0].split(";")[0] for w in cf.warnings] == [
        "indstillingen 'udarbejdes-ikke' har ingen begrundelse",  # the 2025 case has no tekster/begrundelse.md
        "målet M4 (omgoerelsesprocent for Ældre- og Sundhed) fra handleplanen for 2024",
    ]  # the plan file is this year's status record: no warning about it


def test_udarbejdes_ikke_with_a_plan_file_and_nothing_to_follow_up(tmp_path, capsys):
    case = make_case(
        tmp_path,
        sag_toml_patch={
            "handleplan.indstilling": "udarbejdes-ikke",
            "handleplan.bilag": DELETE,
            "handleplan.forrige": DELETE,
        },
    )
    docs, _ = packet(case)
    assert docs.bilag2 is None
    result = run_cli(capsys, "check", case)
    assert "handleplan-filen bruges ikke" in result.out
