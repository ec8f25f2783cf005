"""A corpus of realistic case shapes, each a small case folder made by the case factory.

Every shape is what a municipality's packet can look like in practice: another year (older ministry and laws),
the first map year, data for two years only or with a year missing, a comparison municipality without data, an
area with no or one case, case-level records for one area or with every follow-up value, each recommendation
with and without reasons, a council that is not called Byrådet, a case resumed with a new bilag, an island
regionskommune (Bornholm) whose official name is not "<navn> Kommune", the capital with rejected cases outside
the map in Tabel 2 and with an enclave in its comparison group, an action plan with long titles, names and dates
in its tables, discretion 3 and 5. The statistics are synthetic but shaped like Ankestyrelsen's (sizes and rates
of real municipalities).

    from corpus import SHAPES, make
    folder = make(tmp_path, "aar-2021")
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casefactory import dump_toml, make_case, to_csv

from reportgen.domain.kommuner import HELE_LANDET, regions

HEADER = ["kommune", "aar", "omraade", "stadfaestet", "aendret_ophaevet", "hjemvist", "afvist_henvist", "kilde"]
RECORDS_HEADER = ["sags_id", "borger_id", "aar", "omraade", "paragraf", "delafgoerelser", "aarsag", "opfoelgning"]
AREAS = ("boernehandicap", "voksenhandicap", "oevrige")
EXAMPLE_FILES = ("forvaltningsomraader.csv", "klagesager.csv")
EXAMPLE_TEXTS = ("forklaring.md", "kvalitet.md", "oekonomi.md", "sagsbeskrivelse.md", "begrundelse.md")

# Realitetsbehandlede cases on the general map per year and the rate in percent, per municipality (synthetic).
SIZE = {
    "Allerød": 55,
    "Hillerød": 75,
    "Hørsholm": 26,
    "Furesø": 54,
    "Rudersdal": 45,
    "Lyngby-Taarbæk": 60,
    "Gentofte": 80,
    "Gladsaxe": 70,
    "København": 900,
    "Bornholm": 110,
    "Frederiksberg": 150,
    "Ærø": 9,
    "Fanø": 7,
    "Samsø": 6,
    HELE_LANDET: 12000,
}
RATE = {2017: 33, 2018: 34, 2019: 30, 2020: 31, 2021: 32, 2022: 37, 2023: 39, 2024: 45, 2025: 43}


def outcomes(real: int, rate: int, afvist: int = 0) -> list[int]:
    """stadfæstet, ændret/ophævet, hjemvist, afvist/henvist for `real` realitetsbehandlede cases at `rate` %."""
    reversed_ = (real * rate + 50) // 100
    changed = reversed_ // 4
    return [real - reversed_, changed, reversed_ - changed, afvist]


def statistics(
    kommuner: list[str],
    years: list[int],
    *,
    skip: Callable[[str, int, str], bool] = lambda k, y, a: False,
    override: dict[tuple[str, int, str], list[int]] | None = None,
    kilde: str = "",
) -> str:
    """A statistics file: each municipality (and Hele landet) per year with the general map and both handicap
    maps; the general map is the handicap maps plus the rest, so Bilag 1's øvrige is consistent."""
    rows = [HEADER]
    override = override or {}
    for k_index, kommune in enumerate([*kommuner, HELE_LANDET]):
        for year in years:
            size = SIZE.get(kommune, 25 + (k_index * 7) % 60) + (year % 7) - 3
            rate = RATE[year] + (k_index * 3) % 11 - 4
            parts = {
                "boernehandicap": outcomes(max(size * 18 // 100, 0), rate + 6),
                "voksenhandicap": outcomes(max(size * 14 // 100, 0), rate - 3),
            }
            parts["oevrige"] = outcomes(size - sum(sum(p[:3]) for p in parts.values()), rate, size // 20)
            parts.update({a: v for (k, y, a), v in override.items() if k == kommune and y == year})
            general = [sum(p[i] for p in parts.values()) for i in range(4)]
            for area, counts in (
                ("socialomraadet", general),
                *((a, parts[a]) for a in ("boernehandicap", "voksenhandicap")),
            ):
                if not skip(kommune, year, area):
                    rows.append([kommune, str(year), area, *map(str, counts), kilde])
    return to_csv(rows)


@dataclass(frozen=True)
class Record:
    """One appeal case of the records file."""

    borger: int
    area: str
    paragraf: str
    dele: str
    aarsag: str = ""
    opfoelgning: str = ""


def records_file(records: list[Record], year: int) -> str:
    rows = [RECORDS_HEADER] + [
        [f"KS-{i:03d}", f"BRG-{r.borger:04d}", str(year), r.area, r.paragraf, r.dele, r.aarsag, r.opfoelgning]
        for i, r in enumerate(records, start=1)
    ]
    return to_csv(rows)


def records_counts(records: list[Record]) -> dict[str, list[int]]:
    """The outcome counts per area the records give (most far-reaching outcome), to keep the statistics equal."""
    out = {a: [0, 0, 0, 0] for a in AREAS}
    for r in records:
        parts = set(r.dele.split("|"))
        index = (
            1 if parts & {"aendret", "ophaevet"} else 2 if "hjemvist" in parts else 0 if "stadfaestet" in parts else 3
        )
        out[r.area][index] += 1
    return out


FOLLOW_UPS = ("til-fordel", "fastholdt", "paaklaget-igen", "tilbagetrukket", "verserer", "")
REASONS = ("Oplysningsgrundlag/begrundelse", "skøn", "Nye oplysninger", "Formelle fejl", "Lovfortolkning")
PARAGRAPHS = {
    "boernehandicap": ("Barnets lov § 86", "Barnets lov § 87", "Barnets lov § 90"),
    "voksenhandicap": ("Serviceloven § 85", "Serviceloven § 95", "Serviceloven § 100", "Serviceloven § 107"),
    "oevrige": ("Serviceloven § 83", "Serviceloven § 112", "Serviceloven § 113", "Serviceloven § 116"),
}


def records(areas: dict[str, int], seed: int = 0) -> list[Record]:
    """A plausible set of case records: per area the given number of cases, a third of them upheld, the rest
    changed or sent back (every follow-up value in turn), some citizens with several cases."""
    out, citizen = [], 100 + seed
    for area, n in areas.items():
        for i in range(n):
            kind = (i + seed) % 6
            if i % 4 == 3:  # every fourth case is from the citizen before
                citizen -= 1
            dele = ("stadfaestet", "aendret", "hjemvist", "stadfaestet|hjemvist", "hjemvist", "stadfaestet")[kind]
            reversed_ = dele != "stadfaestet"
            hjemvist = "hjemvist" in dele and "aendret" not in dele
            out.append(
                Record(
                    citizen,
                    area,
                    PARAGRAPHS[area][i % len(PARAGRAPHS[area])],
                    dele,
                    REASONS[i % len(REASONS)] if reversed_ else "",
                    FOLLOW_UPS[i % len(FOLLOW_UPS)] if hjemvist else "",
                )
            )
            citizen += 1
    return out


@dataclass(frozen=True)
class Shape:
    """A case shape: sag.toml, the statistics and the other files, and what the documents must then say."""

    name: str
    sag: dict[str, Any]
    statistik: str
    files: dict[str, str | None] = field(default_factory=dict)
    tekster: dict[str, str] = field(default_factory=dict)
    expect: dict[str, Any] = field(default_factory=dict)  # facts the corpus tests check for this shape


GROUP = ["Hillerød", "Hørsholm", "Furesø", "Rudersdal"]
YEARS = [2021, 2022, 2023, 2024]
BEGRUNDELSE = (
    "Forvaltningen vurderer, at der ikke er behov for en handleplan. Stigningen skyldes især, at Ankestyrelsen "
    "hjemviste en række sager om hjælpemidler efter en ændret praksis, og kommunen har allerede tilrettet sin "
    "praksis. Fra efteråret gennemfører myndighedsafdelingen et kompetenceforløb om oplysning af sager."
)
# The targets of the corpus's action plans: on the areas only, so a plan needs no Tabel 2 file.
PLAN_TARGETS = """[[maal]]
id = "M1"
omraade = "socialomraadet"
noegletal = "omgoerelsesprocent"
sammenligning = "<="
vaerdi = 40
aar = 2025

[[maal]]
id = "M2"
omraade = "boernehandicap"
noegletal = "omgoerelsesprocent"
sammenligning = "under-landsplan"
aar = 2025

"""
# An action plan (Bilag 2).
HANDLEPLAN = (
    """indledning = "Planen samler forvaltningens indsatser for at styrke den juridiske kvalitet."

"""
    + PLAN_TARGETS
    + """[[indsats]]
titel = "Gennemgang af alle omgjorte sager med sagsbehandleren"
beskrivelse = "Hver omgjort sag gennemgås på et teammøde."
maal = ["M1", "M2"]
ansvarlig = "Teamlederne"
start = 2025-01-01
frist = 2025-12-31
status = "igangsat"

[[indsats]]
titel = "Kursus i partshøring og begrundelse"
tema = "kompetenceudvikling"
ansvarlig = "Myndighedschefen"
start = 2025-03-01
frist = 2025-09-30
status = "planlagt"

[[opfoelgning]]
dato = 2026-03-25
organ = "Socialudvalget"
indhold = "status på indsatserne"
"""
)
# An action plan whose tables are hard to lay out: long initiative titles and responsible names, a date in every
# row (deadlines in the long months), dates in the administration's own text, and a follow-up with three dates.
HANDLEPLAN_LANGE_DATOER = (
    """indledning = '''
Planen bygger på gennemgangen af årets afgørelser fra Ankestyrelsen,
som blev afsluttet 30. september 2025.'''

"""
    + PLAN_TARGETS
    + """[[indsats]]
titel = "Systematisk gennemgang af alle omgjorte og hjemviste afgørelser med sagsbehandleren og teamlederen"
beskrivelse = "Hver afgørelse, som Ankestyrelsen ændrer, ophæver eller hjemviser, gennemgås inden for fire uger."
maal = ["M1", "M2"]
ansvarlig = "Afdelingslederen for Myndighed, Børn og Familie sammen med teamlederne for Handicap og Psykiatri"
start = 2024-11-15
frist = 2025-12-31
status = "igangsat"

[[indsats]]
titel = "Kompetenceforløb i partshøring, oplysning af sagen og skriftlig begrundelse efter forvaltningsloven"
tema = "kompetenceudvikling"
ansvarlig = "HR- og Udviklingsafdelingen i samarbejde med Juridisk Kontor"
start = 2025-02-01
frist = 2025-09-30
status = "planlagt"

[[indsats]]
titel = "Nye skabeloner til afgørelser om merudgifter og tabt arbejdsfortjeneste"
maal = ["M1"]
ansvarlig = "Juridisk Kontor"
start = 2025-01-01
frist = 2025-11-30
status = "igangsat"
statusnote = "Skabelonerne blev taget i brug 1. september 2025 på voksenhandicapområdet."

[[indsats]]
titel = "Fagligt ledelsestilsyn med månedlige stikprøver på børnehandicapområdet"
maal = ["M2"]
ansvarlig = "Afdelingsleder, Familie og Forebyggelse"
start = 2025-09-01
frist = 2026-12-31
status = "planlagt"

[[opfoelgning]]
dato = 2025-03-25
organ = "Socialudvalget"
indhold = "status på indsatserne"

[[opfoelgning]]
dato = 2025-09-23
organ = "Børne- og Skoleudvalget"
indhold = "status på ledelsestilsynet"

[[opfoelgning]]
dato = 2026-03-24
organ = "Socialudvalget"
indhold = "handleplanen evalueres"
"""
)
# Last year's plan, which the case above follows up on: two initiatives carried into this year's plan, one not.
HANDLEPLAN_2023_LANGE_DATOER = """[[maal]]
id = "M1"
omraade = "socialomraadet"
noegletal = "omgoerelsesprocent"
sammenligning = "<="
vaerdi = 40
aar = 2024

[[indsats]]
titel = "Systematisk gennemgang af alle omgjorte og hjemviste afgørelser med sagsbehandleren og teamlederen"
maal = ["M1"]
ansvarlig = "Afdelingslederen for Myndighed, Børn og Familie sammen med teamlederne for Handicap og Psykiatri"
start = 2024-01-01
frist = 2024-12-31
status = "igangsat"

[[indsats]]
titel = "Nye skabeloner til afgørelser om merudgifter og tabt arbejdsfortjeneste"
maal = ["M1"]
ansvarlig = "Juridisk Kontor"
start = 2024-03-01
frist = 2024-09-30
status = "planlagt"

[[indsats]]
titel = "Temadag om Ankestyrelsens praksis for alle sagsbehandlere på handicapområdet"
maal = ["M1"]
ansvarlig = "HR- og Udviklingsafdelingen"
start = 2024-02-01
frist = 2024-11-30
status = "gennemført"
"""
KVALITET = "Alle afgørelser fra Ankestyrelsen gennemgås på teammøder, og læringen bruges i det faglige ledelsestilsyn."


def sag(kommune: str, aar: int, indstilling: str = "udarbejdes", **more: Any) -> dict[str, Any]:
    return {
        "kommune": kommune,
        "aar": aar,
        "statistik": "statistik.csv",
        "sammenligning": more.pop("sammenligning", GROUP if kommune == "Allerød" else []),
        "status": "udkast",
        **more,
        "handleplan": {"indstilling": indstilling, **more.pop("handleplan", {})},
    }


def general_counts(statistik: str, kommune: str, aar: int) -> list[int]:
    """A municipality's general-map counts in a statistics file made by `statistics`."""
    for row in csv.reader(io.StringIO(statistik)):
        if row[:3] == [kommune, str(aar), "socialomraadet"]:
            return [int(n) for n in row[3:7]]
    raise KeyError((kommune, aar))


def tabel2_file(general: list[int], aar: int, outside: list[int]) -> str:
    """A forvaltningsomraader file whose map rows add up to the general map (two administrative areas) and one
    area outside the map with its own counts – rejected cases among them, as in the capital's 2024 item."""
    first = [n // 3 for n in general]
    second = [n - f for n, f in zip(general, first, strict=True)]
    header = ["forvaltningsomraade", "aar", "stadfaestet", "aendret_ophaevet", "hjemvist", "afvist_henvist"]
    rows = [
        [*header, "i_danmarkskort"],
        ["Børne- og Ungdomsforvaltningen", str(aar), *map(str, first), "ja"],
        ["Socialforvaltningen", str(aar), *map(str, second), "ja"],
        ["Beskæftigelses- og Integrationsforvaltningen", str(aar), *map(str, outside), "nej"],
    ]
    return to_csv(rows)


def _shapes() -> list[Shape]:
    one_area = records({"boernehandicap": 7}, seed=1)
    every_follow_up = records({"boernehandicap": 12, "voksenhandicap": 9, "oevrige": 24}, seed=0)
    discreet = records({"boernehandicap": 8, "voksenhandicap": 5, "oevrige": 19}, seed=2)

    capital = statistics(["København", "Frederiksberg"], YEARS)

    def with_records(recs: list[Record], aar: int = 2024) -> str:
        override = {("Allerød", aar, a): c for a, c in records_counts(recs).items() if sum(c)}
        # the general map is the sum of the areas: keep every area equal to the records
        return statistics(["Allerød", *GROUP], [aar - 3, aar - 2, aar - 1, aar], override=override)

    return [
        Shape(
            "foerste-aar-2018",
            sag("Allerød", 2018),
            statistics(["Allerød", *GROUP], [2018]),
            expect={"ministry": "Børne- og Socialministeriet", "laws": "serviceloven", "years": [2018]},
        ),
        Shape(  # before the 2021 map: stk. 1 only – the map is taken note of, no decision on a plan, no letter
            "aar-2019-uden-handleplan",
            sag("Allerød", 2019, "udarbejdes-ikke"),
            statistics(["Allerød", *GROUP], [2018, 2019]),
            expect={"ministry": "Social- og Indenrigsministeriet", "laws": "serviceloven", "years": [2018, 2019]},
        ),
        Shape(
            "aar-2021",
            sag("Allerød", 2021),
            statistics(["Allerød", *GROUP], [2018, 2019, 2020, 2021]),
            expect={
                "ministry": "Social- og Ældreministeriet",
                "laws": "serviceloven",
                "years": [2018, 2019, 2020, 2021],
            },
        ),
        Shape(
            "aar-2023",
            sag("Allerød", 2023),
            statistics(["Allerød", *GROUP], [2020, 2021, 2022, 2023]),
            expect={
                "ministry": "Social-, Bolig- og Ældreministeriet",
                "laws": "serviceloven",
                "years": [2020, 2021, 2022, 2023],
            },
        ),
        Shape(
            "to-aar",
            sag("Allerød", 2024),
            statistics(["Allerød", *GROUP], [2023, 2024]),
            expect={"years": [2023, 2024]},
        ),
        Shape(
            "sammenligning-uden-tal",
            sag("Allerød", 2024, sammenligning=["Hillerød", "Gribskov", "Furesø"]),
            statistics(["Allerød", "Hillerød", "Furesø"], YEARS),
            expect={"years": YEARS, "rows": ["Allerød", "Hillerød", "Furesø", HELE_LANDET], "left_out": "Gribskov"},
        ),
        Shape(
            "aar-mangler-i-midten",
            sag("Allerød", 2024),
            statistics(["Allerød", *GROUP], [2021, 2023, 2024]),
            expect={"years": [2021, 2023, 2024]},
        ),
        Shape(  # the municipality's own figures only for the year itself; the comparison group's also the year before
            "kommunen-mangler-foerste-aar",
            sag("Allerød", 2024),
            statistics(["Allerød", *GROUP], [2023, 2024], skip=lambda k, y, a: k == "Allerød" and y == 2023),
            expect={"years": [2023, 2024], "single_point": True},
        ),
        Shape(  # a comparison municipality without figures for the first year of Tabel 1
            "sammenligning-mangler-foerste-aar",
            sag("Allerød", 2024),
            statistics(["Allerød", *GROUP], YEARS, skip=lambda k, y, a: k == "Hørsholm" and y == 2021),
            expect={"years": YEARS, "no_figures": {"Hørsholm": [2021]}},
        ),
        Shape(  # an area the extract lacks in the year: no handicap split of the general map for the year
            "omraade-mangler-i-aaret",
            sag("Ærø", 2024),
            statistics(["Ærø"], YEARS, skip=lambda k, y, a: k == "Ærø" and y == 2024 and a == "voksenhandicap"),
            expect={"years": YEARS, "warning": "Bilag 1 kan ikke opdele socialområdet"},
        ),
        Shape(
            "omraade-uden-sager",
            sag("Fanø", 2024),
            statistics(["Fanø"], YEARS, override={("Fanø", y, "voksenhandicap"): [0, 0, 0, 0] for y in YEARS}),
            expect={"years": YEARS, "council": "Kommunalbestyrelsen"},
        ),
        Shape(
            "omraade-med-en-sag",
            sag("Samsø", 2024),
            statistics(["Samsø"], YEARS, override={("Samsø", 2024, "boernehandicap"): [0, 0, 1, 0]}),
            expect={"years": YEARS, "text": ["1 sag på børnehandicapområdet"]},
        ),
        Shape(
            "klagesager-et-omraade",
            sag("Allerød", 2024, klagesager="klagesager.csv", sammenligning=[]),
            with_records(one_area),
            files={"klagesager.csv": records_file(one_area, 2024)},
            expect={
                "warning": "dækker kun børnehandicapområdet",
                "text": ["på børnehandicapområdet; de øvrige områder"],
            },
        ),
        Shape(
            "opfoelgning-alle-vaerdier",
            sag("Allerød", 2024, klagesager="klagesager.csv"),
            with_records(every_follow_up),
            files={"klagesager.csv": records_file(every_follow_up, 2024)},
            expect={"text": ["heraf", "påklaget igen"]},
        ),
        Shape(
            "udarbejdes-ikke-uden-begrundelse",
            sag("Hørsholm", 2024, "udarbejdes-ikke", sammenligning=["Allerød", "Rudersdal"]),
            statistics(["Hørsholm", "Allerød", "Rudersdal"], YEARS),
            expect={"warning": "har ingen begrundelse", "letter": True},
        ),
        Shape(
            "udarbejdes-ikke-med-begrundelse",
            sag("Gladsaxe", 2024, "udarbejdes-ikke", sammenligning=["Gentofte", "Lyngby-Taarbæk"]),
            statistics(["Gladsaxe", "Gentofte", "Lyngby-Taarbæk"], YEARS),
            tekster={"begrundelse.md": BEGRUNDELSE, "kvalitet.md": KVALITET},
            expect={"no_warning": "begrundelse", "text": ["kompetenceforløb"], "letter": True},
        ),
        Shape(
            "viderefoeres-uden-plan",
            sag("Rudersdal", 2024, "videreføres", sammenligning=["Allerød", "Hørsholm"]),
            statistics(["Rudersdal", "Allerød", "Hørsholm"], YEARS),
            expect={"warning": "nævner ikke, hvilken handleplan"},
        ),
        Shape(
            "kommunalbestyrelse",
            sag("Lyngby-Taarbæk", 2024, "udarbejdes-ikke", sammenligning=["Gentofte", "Gladsaxe"]),
            statistics(["Lyngby-Taarbæk", "Gentofte", "Gladsaxe"], YEARS),
            tekster={"begrundelse.md": BEGRUNDELSE},
            expect={"council": "Kommunalbestyrelsen", "letter": True},
        ),
        Shape(  # the capital and Frederiksberg; Tabel 2 with rejected cases both in the map's areas and outside them
            "borgerrepraesentationen",
            sag("København", 2024, sammenligning=["Frederiksberg"], forvaltningsomraader="forvaltningsomraader.csv"),
            capital,
            files={
                "forvaltningsomraader.csv": tabel2_file(
                    general_counts(capital, "København", 2024), 2024, [380, 60, 40, 40]
                )
            },
            expect={"council": "Borgerrepræsentationen", "official": "Københavns Kommune"},
        ),
        Shape(
            "genoptaget-med-nyt-bilag",
            sag(
                "Allerød",
                2024,
                "videreføres",
                handleplan={"bilag": "Handleplan for kvalitetsudvikling"},
                behandling=[
                    {
                        "organ": "Børne- og Skoleudvalget 2022-2025",
                        "dato": _date(2025, 9, 23),
                        "beslutning": "Indstilles godkendt.",
                        "udfald": "indstillet",
                    },
                    {
                        "organ": "Økonomiudvalget 2022-2025",
                        "dato": _date(2025, 9, 30),
                        "beslutning": "Indstilles godkendt.",
                        "udfald": "indstillet",
                    },
                    {
                        "organ": "Allerød Byråd 2022-2025",
                        "dato": _date(2025, 10, 7),
                        "beslutning": "Sagen sendes tilbage til fagudvalget.",
                        "udfald": "tilbagesendt",
                    },
                ],
                bilag=[{"titel": "Notat om yderligere tiltag", "ny": True}],
            ),
            statistics(["Allerød", *GROUP], YEARS),
            tekster={
                "begrundelse.md": BEGRUNDELSE.replace(
                    "der ikke er behov for en handleplan", "handleplanen skal videreføres"
                )
            },
            expect={
                "text": [
                    "Sagen genoptages med bilag 3, Notat om yderligere tiltag",
                    "Forvaltningen anbefaler, at Børne- og Skoleudvalget indstiller til Økonomiudvalget og Byrådet",
                ]
            },
        ),  # fmt: skip
        Shape(  # planned meetings: two committees, then Økonomiudvalget and the council; none held yet
            "to-udvalg-oekonomiudvalg-byraad",
            sag(
                "Allerød",
                2024,
                moede=[
                    {"organ": "Børne- og Skoleudvalget 2022-2025", "dato": _date(2025, 9, 23)},
                    {"organ": "Sundheds- og Beskæftigelsesudvalget 2022-2025", "dato": _date(2025, 9, 24)},
                    {"organ": "Økonomiudvalget 2022-2025", "dato": _date(2025, 9, 30)},
                    {"organ": "Allerød Byråd 2022-2025", "dato": _date(2025, 10, 7)},
                ],
            ),
            statistics(["Allerød", *GROUP], YEARS),
            expect={
                "text": [
                    "Forvaltningen anbefaler, at Børne- og Skoleudvalget og Sundheds- og Beskæftigelsesudvalget "
                    "indstiller til Økonomiudvalget og Byrådet, at"
                ]
            },
        ),
        Shape(
            "viderefoeres-med-handleplan",
            sag(
                "Allerød",
                2024,
                "videreføres",
                klagesager="klagesager.csv",
                diskretion=3,
                handleplan={"fil": "handleplan.toml"},
            ),
            with_records(discreet),
            files={"klagesager.csv": records_file(discreet, 2024), "handleplan.toml": HANDLEPLAN},
            tekster={
                "begrundelse.md": BEGRUNDELSE.replace("der ikke er behov for en handleplan", "planen skal videreføres")
            },
            expect={"bilag2": True, "diskretion": 3, "no_warning": "nævner ikke, hvilken handleplan"},
        ),
        Shape(  # plan tables with long titles, long responsible names and a date in every row
            "handleplan-lange-datoer",
            sag(
                "Allerød",
                2024,
                "videreføres",
                handleplan={"fil": "handleplan.toml", "forrige": "handleplan-2023.toml"},
                behandling=[
                    {
                        "organ": "Børne-, Unge- og Familieudvalget samt Sundheds- og Omsorgsudvalget 2022-2025",
                        "dato": _date(2025, 9, 23),
                        "beslutning": "Indstilles godkendt med bemærkning om, at status forelægges 24. marts 2026.",
                        "udfald": "indstillet",
                    }
                ],
            ),
            statistics(["Allerød", *GROUP], YEARS),
            files={"handleplan.toml": HANDLEPLAN_LANGE_DATOER, "handleplan-2023.toml": HANDLEPLAN_2023_LANGE_DATOER},
            tekster={
                "begrundelse.md": BEGRUNDELSE.replace("der ikke er behov for en handleplan", "planen skal videreføres")
            },
            expect={"bilag2": True},
        ),
        Shape(
            "danmarkskort-alle-kommuner",
            sag("Gentofte", 2024, sammenligning=["Gladsaxe", "Lyngby-Taarbæk"]),
            statistics(sorted(regions()), [2023, 2024]),
            expect={"maps": True, "text": ["af landets 98 kommuner"]},
        ),
        Shape(  # the capital compared with the other big cities and Frederiksberg, which lies inside it
            "hovedstad-med-enklave",
            sag("København", 2024, sammenligning=["Frederiksberg", "Aarhus", "Odense", "Aalborg"]),
            statistics(sorted(regions()), [2023, 2024]),
            expect={
                "maps": True,
                "inset": [
                    "Et forstørret udsnit viser København og Frederiksberg med navn og procent.",
                    "Frederiksberg ligger inde i København.",
                ],
            },
        ),
        Shape(  # an island regionskommune whose official name is not "<navn> Kommune", deciding against a plan
            "bornholm-regionskommune",
            sag("Bornholm", 2024, "udarbejdes-ikke", sammenligning=["Ærø", "Samsø", "Fanø"]),
            statistics(["Bornholm", "Ærø", "Samsø", "Fanø"], YEARS),
            tekster={"begrundelse.md": BEGRUNDELSE},
            expect={"council": "Kommunalbestyrelsen", "letter": True, "official": "Bornholms Regionskommune"},
        ),
        Shape(
            "diskretion-3",
            sag("Allerød", 2024, klagesager="klagesager.csv", diskretion=3),
            with_records(discreet),
            files={"klagesager.csv": records_file(discreet, 2024)},
            expect={"diskretion": 3},
        ),
        Shape(
            "diskretion-5",
            sag("Allerød", 2024, klagesager="klagesager.csv", diskretion=5),
            with_records(discreet),
            files={"klagesager.csv": records_file(discreet, 2024)},
            expect={"diskretion": 5},
        ),
    ]


def _date(y: int, m: int, d: int):
    from datetime import date

    return date(y, m, d)


SHAPES = {shape.name: shape for shape in _shapes()}


def make(tmp_path: Path, name: str) -> Path:
    """The case folder of one shape (the example's own data files and texts removed first)."""
    shape = SHAPES[name]
    files: dict[str, str | None] = {f: None for f in EXAMPLE_FILES}
    files.update(shape.files)
    tekster: dict[str, str | None] = {t: None for t in EXAMPLE_TEXTS}
    tekster.update(shape.tekster)
    return make_case(
        tmp_path, name=name, sag_toml=dump_toml(shape.sag), statistik=shape.statistik, files=files, tekster=tekster
    )
