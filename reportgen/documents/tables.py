"""The documents' tables as model Tables: cells formatted for Danish readers from the case's figures."""

from __future__ import annotations

from collections.abc import Sequence

from reportgen.documents.model import Table, label_and_numbers
from reportgen.domain import danish as d
from reportgen.domain import danmarkskort
from reportgen.domain.areas import AREAS, OEVRIGE
from reportgen.domain.counts import Counts
from reportgen.domain.kommuner import HELE_LANDET
from reportgen.domain.vocabulary import Denominator
from reportgen.figures import klagesager as ks
from reportgen.figures import rates as f
from reportgen.figures.case import AreaYear, CaseFigures
from reportgen.figures.discretion import Suppression
from reportgen.inputs import Inputs
from reportgen.inputs.statistics import Statistics

OUTCOME_HEADERS = ("Stadfæstet", "Ændret/ophævet", "Hjemvist")
# Soft hyphens let long headers break inside narrow numeric columns.
RATE_HEADER = "Omgørelses\u00adprocent"
REALITET_HEADER = "Realitets\u00adbehandlede"
ALL_HEADER = "Omgjort af alle afgjorte"
# The sources as the reader knows them: no file name or folder of the case reaches a published document.
STATISTICS = "Ankestyrelsens statistik"
FORVALTNING_SOURCE = "Kommunens egen opgørelse af klagesagerne fordelt på forvaltningsområder"
RECORDS_SOURCE = "Forvaltningens registrering af klagesagerne."


def source_line(kilder: Sequence[str | None], fallback: str) -> str:
    """The source note (writers prefix "Kilde:"): the distinct `kilde` texts of the rows a table shows, each
    exactly as written, in order of first use and ended with a full stop.

    A row without `kilde` counts as `fallback` (the source as the reader knows it). A text that another one begins
    with ("Illustrativ" beside "Illustrativ; kun procenten er offentliggjort") is said by that one and left out.
    """
    texts: dict[str, str] = {}
    for kilde in kilder:
        text = " ".join((kilde or fallback).split())
        if text:
            texts.setdefault(text.casefold(), text)
    kept = [text for folded, text in texts.items() if not any(_continues(other, folded) for other in texts)]
    return " ".join(text if text.endswith((".", "!", "?")) else f"{text}." for text in kept)


def _continues(longer: str, text: str) -> bool:
    """Whether `longer` is `text` followed by more after a punctuation mark."""
    return len(longer) > len(text) and longer.startswith(text) and longer[len(text)] in ";:,."


def extract_years(years: Sequence[int]) -> str:
    """The years an extract covers: "2021–2024" when they follow each other, else "2021, 2023 og 2024"."""
    ordered = sorted(set(years))
    contiguous = ordered == list(range(ordered[0], ordered[-1] + 1)) if ordered else True
    return d.period(ordered) if contiguous else d.years_text(ordered)


def statistics_source(stats: Statistics) -> str:
    """Ankestyrelsen's statistics as the reader knows them, with the years the extract covers (never its file)."""
    years = sorted({aar for (_, aar, _) in stats.records})
    return f"Ankestyrelsens statistik, udtræk af tallene for {extract_years(years)}" if years else STATISTICS


def _stat_sources(inputs: Inputs, keys: list[tuple[str, int, str]]) -> str:
    """The source line for the statistics records a table shows; Ankestyrelsen's statistics where they name none."""
    records = [r for key in keys if (r := inputs.statistik.get(*key)) is not None]
    return source_line([r.kilde for r in records], statistics_source(inputs.statistik))


def tabel1(cf: CaseFigures, inputs: Inputs) -> Table:
    """Tabel 1: rate and count per municipality (kommune, comparison, Hele landet) per year, newest first."""
    rows = tuple(
        (
            r.navn,
            *(
                d.rate_cell(f.omgoerelsesprocent(c) if c else None, c.realitetsbehandlede if c else None)
                for c in r.counts
            ),
        )
        for r in cf.tabel1
    )
    notes = [
        "Tallet i parentes er antallet af realitetsbehandlede sager; procenten er Ankestyrelsens "
        "omgørelsesprocent (ændret/ophævet og hjemvist i procent af de realitetsbehandlede sager)."
    ]
    missing = [
        f"for {r.navn} i {d.years_text(y for y, c in zip(cf.years, r.counts, strict=True) if c is None)}"
        for r in cf.tabel1
        if any(c is None for c in r.counts)
    ]
    if missing:
        notes.append(f"Udtrækket har ingen tal {d.join(missing)}.")
    if any(c is not None and c.realitetsbehandlede == 0 for r in cf.tabel1 for c in r.counts):
        notes.append("– (0) betyder, at der ikke var realitetsbehandlede sager, så der er ingen procent.")
    notes += _left_out(cf)
    return Table(
        caption=f"Omgørelsesprocent og antal realitetsbehandlede sager, socialområdet generelt, {d.period(cf.years)}",
        header=("Kommune", *(str(y) for y in cf.years)),
        rows=rows,
        align=label_and_numbers(len(cf.years)),
        source=_stat_sources(inputs, [(r.navn, y, "socialomraadet") for r in cf.tabel1 for y in cf.years]),
        notes=tuple(notes),
    )


def _left_out(cf: CaseFigures) -> list[str]:
    """Notes naming the rows and years Tabel 1 leaves out because the extract has no figures for them."""
    notes = []
    if cf.udeladte_kommuner:
        names = list(cf.udeladte_kommuner)
        them = "kommunen" if len(names) == 1 and names[0] != HELE_LANDET else "dem"
        notes.append(
            f"{d.join(names)} er ikke med, fordi udtrækket ikke har tal for {them} i "
            f"{d.period(cf.years + cf.udeladte_aar)}."
        )
    earlier = [y for y in cf.udeladte_aar if danmarkskort.FIRST_YEAR <= y < cf.years[-1]]
    between = [y for y in cf.udeladte_aar if y > cf.years[-1]]
    if between:
        them = "året er" if len(between) == 1 else "årene er"
        notes.append(f"Udtrækket har ingen tal for {d.years_text(between)}, så {them} ikke med.")
    if earlier:
        notes.append(f"Udtrækket har ingen tal fra før {cf.years[-1]}.")
    return notes


def tabel2(cf: CaseFigures, inputs: Inputs, naevner: Denominator) -> Table:
    """Tabel 2: every appeal decided in the year per forvaltningsområde, with an "I alt" row."""
    official, all_decided = naevner.official, naevner.all_decided
    header = ["Forvaltningsområde", "Afgjorte i alt", *OUTCOME_HEADERS, "Afvist/henvist"]
    if official:
        header.append(RATE_HEADER)
    if all_decided:
        header.append(ALL_HEADER)

    def cells(name: str, c: Counts) -> tuple[str, ...]:
        out = [
            name,
            d.count(c.afgjorte),
            d.count(c.stadfaestet),
            d.count(c.aendret_ophaevet),
            d.count(c.hjemvist),
            d.count(c.afvist_henvist),
        ]
        if official:
            out.append(d.percent(f.omgoerelsesprocent(c)))
        if all_decided:
            out.append(d.percent(f.omgoerelse_af_alle(c)))
        return tuple(out)

    notes = []
    if official:
        notes.append(
            "Omgørelsesprocenten er Ankestyrelsens: ændrede/ophævede og hjemviste sager i procent af de "
            "realitetsbehandlede sager; afviste og henviste sager tæller ikke med."
        )
    if all_decided:
        notes.append(
            f"{d.quoted(ALL_HEADER)} er kommunens egen opgørelse: ændrede/ophævede og hjemviste sager "
            "i procent af alle afgjorte sager, også de afviste. Den er derfor lavere end eller lig med "
            "Ankestyrelsens omgørelsesprocent."
        )
    outside = [r.navn for r in cf.tabel2 if not r.i_danmarkskort]
    if outside:
        notes.append(f"Indgår ikke i danmarkskortet: {d.join(outside)}.")
    assert inputs.forvaltning is not None and cf.tabel2_total is not None
    return Table(
        caption=f"Klagesager afgjort af Ankestyrelsen i {cf.aar} fordelt på forvaltningsområder",
        header=tuple(header),
        rows=tuple(cells(r.navn, r.counts) for r in cf.tabel2),
        total=cells("I alt", cf.tabel2_total),
        align=label_and_numbers(len(header) - 1),
        source=source_line([r.kilde for r in inputs.forvaltning.year(cf.aar)], FORVALTNING_SOURCE),
        notes=tuple(notes),
    )


def _landet_rate(landet: Counts | None) -> str:
    """The national rate as a table cell: "45 %", "–" without cases, "ingen tal" when the extract has none."""
    return d.percent(f.omgoerelsesprocent(landet)) if landet else d.NO_FIGURES


def area_overview(cf: CaseFigures, inputs: Inputs, labels: dict[str, str]) -> Table:
    """Bilag 1: the year's counts per area with the general map as the total row; an area the extract has no
    figures for is left out and named in a note."""
    header = ("Område", *OUTCOME_HEADERS, REALITET_HEADER, RATE_HEADER, "Hele landet")

    def cells(name: str, c: Counts, landet: Counts | None) -> tuple[str, ...]:
        return (
            name,
            d.count(c.stadfaestet),
            d.count(c.aendret_ophaevet),
            d.count(c.hjemvist),
            d.count(c.realitetsbehandlede),
            d.percent(f.omgoerelsesprocent(c)),
            _landet_rate(landet),
        )

    years = {a: cf.area(a)[0] for a in labels}
    rows = tuple(cells(labels[a], y.counts, y.landet) for a, y in years.items() if y.counts is not None)
    notes = [
        "Øvrige er det generelle socialområde fratrukket børne- og voksenhandicapområdet, "
        "opgjort af kommunen selv; Ankestyrelsen laver ikke et kort for det."
    ]
    lacking = [a for a, y in years.items() if y.counts is None]
    if lacking:
        extract = [AREAS[a].in_sentence for a in lacking if a != OEVRIGE]
        notes.append(
            f"Udtrækket har ingen tal på {d.join(extract)} for {cf.kommune} i {cf.aar}"
            + (", så det øvrige socialområde kan ikke opgøres." if OEVRIGE in lacking else ".")
        )
    return Table(
        caption=f"Realitetsbehandlede sager fordelt på områder, {cf.aar}",
        header=header,
        rows=rows,
        total=cells("Socialområdet i alt", cf.current, cf.landet),
        align=label_and_numbers(len(header) - 1),
        source=_stat_sources(
            inputs,
            [
                (k, cf.aar, o)
                for k in (cf.kommune, HELE_LANDET)
                for o in ("socialomraadet", "boernehandicap", "voksenhandicap")
            ],
        ),
        notes=tuple(notes),
    )


def area_years(cf: CaseFigures, inputs: Inputs, omraade: str, label: str) -> Table | None:
    """Bilag 1: one area's counts and rate against Hele landet in each year the extract has the municipality's
    figures for (newest first), with a note naming those years when it lacks any; None when it has none."""
    years = [a for a in cf.area(omraade) if a.counts is not None]
    if not years:
        return None
    header = ("År", *OUTCOME_HEADERS, REALITET_HEADER, RATE_HEADER, "Hele landet")

    def cells(a: AreaYear) -> tuple[str, ...]:
        c = a.counts
        assert c is not None
        return (
            str(a.aar),
            d.count(c.stadfaestet),
            d.count(c.aendret_ophaevet),
            d.count(c.hjemvist),
            d.count(c.realitetsbehandlede),
            d.percent(f.omgoerelsesprocent(c)),
            _landet_rate(a.landet),
        )

    shown = [a.aar for a in years]
    span = [y for y in cf.years + cf.udeladte_aar if y >= danmarkskort.FIRST_YEAR]
    notes = []
    if sorted(shown) != sorted(span):
        where = AREAS[omraade].in_sentence
        notes.append(f"Udtrækket har kun tal på {where} for {cf.kommune} i {d.years_text(shown)}.")
    source_areas = ("socialomraadet", "boernehandicap", "voksenhandicap") if omraade == OEVRIGE else (omraade,)
    return Table(
        caption=f"{label} {d.period(shown)}",
        header=header,
        rows=tuple(cells(a) for a in years),
        align=label_and_numbers(len(header) - 1),
        notes=tuple(notes),
        source=_stat_sources(
            inputs, [(k, a.aar, o) for a in years for k in (cf.kommune, HELE_LANDET) for o in source_areas]
        ),
    )


# --- case-level records (klagesager) ---------------------------------------------------------------------------

FOLLOW_UP_LABELS = {  # in the order of the table; "heraf" is a part of the row above it
    "til-fordel": "Ny afgørelse til borgerens fordel",
    "fastholdt": "Ny afgørelse med samme resultat",
    ks.APPEALED_AGAIN: "– heraf påklaget igen",
    "tilbagetrukket": "Ansøgningen trukket tilbage",
    "verserer": "Endnu ikke afgjort igen",
    ks.NOT_GIVEN: "Ikke oplyst",
}


DERIVABLE = "x"  # a cell hidden because a small count could be worked out from it


class CaseCounts:
    """Formats the cells of a table from case-level data as discretion decides: a small count as "< N", a cell it
    could be worked out from as "x", and adds the note that explains what the table hides."""

    def __init__(self, hidden: Suppression, diskretion: int | None):
        self.hidden, self.diskretion = hidden, diskretion
        self.used: set[str] = set()

    def __call__(self, key: tuple, n: int) -> str:
        state = self.hidden.state(key)
        self.used.add(state)
        if state == "small":
            return f"<{d.NBSP}{self.diskretion}"
        return DERIVABLE if state == "derivable" else d.count(n)

    def notes(self, *notes: str) -> tuple[str, ...]:
        """The table's notes, with the discretion note when a cell was hidden."""
        hidden = []
        if "small" in self.used:
            shown_as = d.quoted(f"<{d.NBSP}{self.diskretion}")
            hidden.append(f"Af hensyn til diskretion vises antal under {self.diskretion} som {shown_as}.")
        if "derivable" in self.used:
            hidden.append(
                f"{d.quoted(DERIVABLE)} er et tal, der er udeladt af hensyn til diskretion, fordi et antal under "
                f"{self.diskretion} ellers kunne regnes ud fra tabellens øvrige tal."
            )
        return tuple(n for n in (*notes, " ".join(hidden)) if n)


OVERVIEW_LABELS = {
    "sager": "Sager i alt",
    "borgere": "Borgere",
    "gentagere": "Borgere med mere end én sag",
    "gentager_sager": "Sager fra borgere med mere end én sag",
    "omgjorte": "Omgjorte sager (ændret/ophævet eller hjemvist)",
    "borgere_omgjort": "Borgere med omgjorte sager",
    "hjemvist": "Hjemviste sager",
    "delvist": "Heraf delvist hjemvist",
}


def klagesager_overview(year: ks.YearFigures, diskretion: int | None) -> Table:
    """Bilag 1: citizens and cases per covered area and, when every area is covered, in all."""
    cell = CaseCounts(year.hidden, diskretion)
    codes = (*year.covered, ks.TOTAL) if year.complete else year.covered
    areas = [year.area(a) for a in codes]
    several = (
        "En borger med sager på flere områder tæller med under hvert af dem"
        + (", men kun én gang i kolonnen »I alt«." if ks.TOTAL in codes else ".")
        if len(year.covered) > 1
        else ""
    )
    return Table(
        caption=f"Klagesager og borgere fordelt på områder, {year.aar}"
        if len(year.covered) > 1
        else f"Klagesager og borgere, {AREAS[year.covered[0]].in_sentence}, {year.aar}",
        header=("Nøgletal", *(AREAS[a].column if a in AREAS else "I alt" for a in codes)),
        rows=tuple(
            (label, *(cell(("oversigt", row, a.omraade), ks.overview_value(a, row)) for a in areas))
            for row, label in OVERVIEW_LABELS.items()
        ),
        align=label_and_numbers(len(areas)),
        source=RECORDS_SOURCE,
        notes=cell.notes(
            "Hver sag tæller med sit mest vidtgående udfald for borgeren: ændring eller ophævelse før hjemvisning "
            "før stadfæstelse; afvist er en sag kun, når intet i den blev realitetsbehandlet.",
            "Delvist hjemvist: en del af afgørelsen blev hjemvist og resten stadfæstet; sagen tæller som hjemvist.",
            several,
        ),
    )


def klagesager_paragraphs(a: ks.AreaFigures, hidden: Suppression, label: str, diskretion: int | None) -> Table:
    """Bilag 1: one area's cases per paragraph, most frequent first, with the reversed ones."""
    cell = CaseCounts(hidden, diskretion)
    key = ("paragraf", a.omraade)
    afviste = a.counts.afvist_henvist > 0
    return Table(
        caption=f"{label}: klagesager fordelt på paragraffer, {a.aar}",
        header=("Paragraf", "Sager", "Heraf omgjort"),
        rows=tuple(
            (
                d.upper_first(d.provision(name)),
                cell((*key, name, "sager"), c.afgjorte),
                cell((*key, name, "omgjort"), c.omgjorte),
            )
            for name, c in a.paragraffer
        ),
        total=(
            "I alt",
            cell((*key, ks.TOTAL, "sager"), a.counts.afgjorte),
            cell((*key, ks.TOTAL, "omgjort"), a.omgjorte),
        ),
        align=("left", "right", "right"),
        source=RECORDS_SOURCE,
        notes=cell.notes("Sager omfatter også afviste sager." if afviste else ""),
    )


def klagesager_reasons(a: ks.AreaFigures, hidden: Suppression, label: str, diskretion: int | None) -> Table:
    """Bilag 1: one area's reversed cases per reason, most frequent first."""
    cell = CaseCounts(hidden, diskretion)
    return Table(
        caption=f"{label}: årsager til omgørelse, {a.aar}",
        header=("Årsag", "Omgjorte sager"),
        rows=tuple(
            (d.upper_first(reason) or FOLLOW_UP_LABELS[ks.NOT_GIVEN], cell(("aarsag", a.omraade, reason), n))
            for reason, n in a.aarsager
        ),
        total=("I alt", cell(("aarsag", a.omraade, ks.TOTAL), a.omgjorte)),
        align=("left", "right"),
        source=RECORDS_SOURCE,
        notes=cell.notes("Årsagen er den, kommunen har registreret for den ændrede, ophævede eller hjemviste sag."),
    )


def klagesager_follow_up(a: ks.AreaFigures, hidden: Suppression, label: str, diskretion: int | None) -> Table:
    """Bilag 1: what became of one area's hjemviste cases."""
    cell = CaseCounts(hidden, diskretion)
    n = a.follow_up
    rows = tuple(
        (label, cell(("opfoelgning", a.omraade, value), n[value]))
        for value, label in FOLLOW_UP_LABELS.items()
        if n[value] or value not in (ks.NOT_GIVEN, ks.APPEALED_AGAIN)
    )
    again = (
        "Heraf påklaget igen: afgørelser, kommunen fastholdt, og som borgeren har påklaget igen. De tæller med i "
        "rækken ovenover og ikke igen i rækken »I alt«; en ny klage er en ny klagesag."
        if n[ks.APPEALED_AGAIN]
        else "En ny klage over den nye afgørelse er en ny klagesag."
    )
    return Table(
        caption=f"{label}: opfølgning på hjemviste sager, {a.aar}",
        header=("Opfølgning", "Sager"),
        rows=rows,
        total=("I alt", cell(("opfoelgning", a.omraade, ks.TOTAL), a.counts.hjemvist)),
        align=("left", "right"),
        source=RECORDS_SOURCE,
        notes=cell.notes("Status ved opgørelsen.", again),
    )
