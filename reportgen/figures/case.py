"""Every figure of one case, computed from its validated inputs, with the warnings the data gives rise to."""

from __future__ import annotations

from dataclasses import dataclass, replace

from reportgen.domain import danish as d
from reportgen.domain import danmarkskort
from reportgen.domain.areas import (
    AREAS,
    BILAG_AREAS,
    GENERAL,
    HANDICAP_AREAS,
    MAP_AREAS,
    OEVRIGE,
)
from reportgen.domain.counts import Counts, total, whole_percent
from reportgen.domain.errors import Problem
from reportgen.domain.kommuner import HELE_LANDET, regions
from reportgen.figures import klagesager as ks
from reportgen.figures import ranking
from reportgen.figures import rates as f
from reportgen.figures.plan import PlanFigures, compute_plan, plan_warnings
from reportgen.inputs import Inputs
from reportgen.inputs.case import Case
from reportgen.inputs.statistics import OUTCOME_WORDS, Statistics


@dataclass(frozen=True)
class Tabel1Row:
    """One row of Tabel 1: a municipality (or Hele landet) and its counts per year (None = no data)."""

    navn: str
    rolle: str  # "kommune", "sammenligning" or "landet"
    counts: tuple[Counts | None, ...]


@dataclass(frozen=True)
class AreaYear:
    """One area of Bilag 1 in one year: the municipality's counts, the national counts and all decisions."""

    omraade: str
    aar: int
    counts: Counts | None
    landet: Counts | None
    afgoerelser_i_alt: int | None


@dataclass(frozen=True)
class Tabel2Row:
    """One forvaltningsområde of Tabel 2."""

    navn: str
    counts: Counts
    i_danmarkskort: bool


@dataclass(frozen=True)
class GroupFigures:
    """The municipality against its comparison group in the danmarkskort year."""

    navne: tuple[str, ...]  # comparison municipalities with data for the year
    mangler: tuple[str, ...]  # comparison municipalities in Tabel 1 without data for the year
    samlet: Counts  # the group's counts pooled
    hoejere: int  # how many of them have a higher shown rate than the municipality
    lavere: int  # … a lower shown rate
    stigning: int  # how many of them had a higher rate than the year before
    fald: int
    med_forrige: int  # how many of them have both years (so stigning/fald are out of this)


@dataclass(frozen=True)
class CaseFigures:
    """All figures the documents and `reportgen figures` show for one case."""

    kommune: str
    aar: int
    years: tuple[int, ...]  # Tabel 1 columns, newest first: the years of the span with data in any of its rows
    current: Counts
    previous: Counts | None
    landet: Counts | None
    tabel1: tuple[Tabel1Row, ...]
    group: GroupFigures | None
    areas: tuple[tuple[AreaYear, ...], ...]  # per Bilag 1 area, one AreaYear per year (newest first)
    tabel2: tuple[Tabel2Row, ...]
    kilder: tuple[str, ...]
    warnings: tuple[Problem, ...]
    klagesager: ks.KlagesagerFigures | None = None
    udeladte_kommuner: tuple[str, ...] = ()  # comparison municipalities (or Hele landet) without any data: no row
    udeladte_aar: tuple[int, ...] = ()  # years of the span without data in any row: no column, newest first
    kort: tuple[ranking.MapFigures, ...] = ()  # one per map (MAP_AREAS): every municipality's rate, the rank
    plan: PlanFigures | None = None  # this year's action plan and the follow-up of last year's

    @property
    def landet_row(self) -> Tabel1Row | None:
        """Tabel 1's row for Hele landet, when the extract has national figures."""
        return next((r for r in self.tabel1 if r.rolle == "landet"), None)

    def map(self, omraade: str) -> ranking.MapFigures:
        """The danmarkskort of an area (socialomraadet, boernehandicap, voksenhandicap) in the year."""
        return self.kort[MAP_AREAS.index(omraade)]

    @property
    def change(self) -> f.Change | None:
        """The change from the previous year, when the file has it."""
        return f.change(self.previous, self.current) if self.previous else None

    @property
    def tabel2_total(self) -> Counts | None:
        """The "I alt" row of Tabel 2."""
        return total(r.counts for r in self.tabel2) if self.tabel2 else None

    @property
    def tabel2_danmarkskort(self) -> Counts | None:
        """Tabel 2's rows marked i_danmarkskort, summed."""
        return total(r.counts for r in self.tabel2 if r.i_danmarkskort) if self.tabel2 else None

    @property
    def tabel2_uden_for(self) -> Counts | None:
        """Tabel 2's rows outside the danmarkskort, summed."""
        return total(r.counts for r in self.tabel2 if not r.i_danmarkskort) if self.tabel2 else None

    def area(self, omraade: str) -> tuple[AreaYear, ...]:
        """One Bilag 1 area's years, newest first."""
        return self.areas[BILAG_AREAS.index(omraade)]


def _counts(stats: Statistics, kommune: str, aar: int, omraade: str = GENERAL) -> Counts | None:
    record = stats.get(kommune, aar, omraade)
    return record.counts if record else None


def _shown(c: Counts | None) -> int | None:
    """The whole percentage a reader sees for counts, or None."""
    rate = f.omgoerelsesprocent(c) if c else None
    return None if rate is None else whole_percent(rate)


def compute(inputs: Inputs) -> CaseFigures:
    """Compute every figure for a case, with the warnings in the order they are shown."""
    case, stats = inputs.case, inputs.statistik
    current = _counts(stats, case.kommune, case.aar)
    assert current is not None  # guaranteed by load_inputs
    span = _span(case)
    candidates = _candidates(case)
    udeladte_kommuner = _without_figures(stats, candidates, span)
    rows = [(navn, rolle) for navn, rolle in candidates if navn not in udeladte_kommuner]
    years = _years(stats, rows, span)
    udeladte_aar = tuple(y for y in span if y not in years)
    tabel1 = _tabel1(stats, rows, years)
    warnings = [
        *_dropped(stats.file, udeladte_kommuner, udeladte_aar, span),
        *_empty_cells(stats.file, tabel1, years),
        *_no_handicap_split(stats, case),
        *_zero_filled(stats, [row.navn for row in tabel1], years),
        *decision_warnings(case),
    ]
    tabel2 = _tabel2(inputs, current, warnings)
    klagesager = _klagesager(inputs, warnings)
    kort = tuple(_map(inputs, omraade) for omraade in MAP_AREAS)
    warnings += _map_warnings(inputs, kort)
    plan = compute_plan(inputs)
    warnings += plan_warnings(inputs, plan, case.document_date)
    comparison = tuple(n for n in case.sammenligning if n not in udeladte_kommuner)
    return CaseFigures(
        kommune=case.kommune,
        aar=case.aar,
        years=years,
        current=current,
        previous=_counts(stats, case.kommune, case.aar - 1),
        landet=_counts(stats, HELE_LANDET, case.aar),
        tabel1=tabel1,
        group=_group(stats, comparison, case.aar, current) if case.sammenligning else None,
        areas=_areas(stats, case.kommune, years),
        tabel2=tabel2,
        kilder=_sources(inputs, years),
        warnings=tuple(warnings),
        klagesager=klagesager,
        udeladte_kommuner=udeladte_kommuner,
        udeladte_aar=udeladte_aar,
        kort=kort,
        plan=plan,
    )


def _span(case: Case) -> tuple[int, ...]:
    """The years Tabel 1 may show, newest first: the case's year and the antal_aar - 1 years before it."""
    return tuple(case.aar - i for i in range(case.antal_aar))


def _candidates(case: Case) -> list[tuple[str, str]]:
    """Tabel 1's possible rows as (name, role): the municipality, its comparison municipalities, Hele landet."""
    return [(case.kommune, "kommune")] + [(k, "sammenligning") for k in case.sammenligning] + [(HELE_LANDET, "landet")]


def _without_figures(stats: Statistics, candidates: list[tuple[str, str]], span: tuple[int, ...]) -> tuple[str, ...]:
    """The rows besides the municipality's own without figures in any year of the span: Tabel 1 leaves them out."""
    return tuple(
        navn for navn, rolle in candidates if rolle != "kommune" and all(_counts(stats, navn, y) is None for y in span)
    )


def _years(stats: Statistics, rows: list[tuple[str, str]], span: tuple[int, ...]) -> tuple[int, ...]:
    """Tabel 1's columns, newest first: the years of the span with figures in any of its rows."""
    return tuple(y for y in span if any(_counts(stats, navn, y) is not None for navn, _ in rows))


def _tabel1(stats: Statistics, rows: list[tuple[str, str]], years: tuple[int, ...]) -> tuple[Tabel1Row, ...]:
    """Tabel 1: each row's counts in each of its years (None where the extract has no figures)."""
    return tuple(Tabel1Row(navn, rolle, tuple(_counts(stats, navn, y) for y in years)) for navn, rolle in rows)


def _empty_cells(file: str, tabel1: tuple[Tabel1Row, ...], years: tuple[int, ...]) -> list[Problem]:
    """A warning for each row of Tabel 1 with years without figures (their cells say "ingen tal")."""
    out = []
    for row in tabel1:
        missing = [y for y, c in zip(years, row.counts, strict=True) if c is None]
        if missing:
            out.append(
                Problem(
                    file,
                    f"ingen tal for {row.navn} i {', '.join(map(str, sorted(missing)))}; "
                    "cellen viser 'ingen tal' i Tabel 1.",
                    hint="Brug et udtræk, der dækker alle år, hvis tallene findes.",
                    resolves="statistik",
                )
            )
    return out


def _no_handicap_split(stats: Statistics, case: Case) -> list[Problem]:
    """A warning for each handicap area without the municipality's figures in the year (Bilag 1 cannot split the
    social area then)."""
    return [
        Problem(
            stats.file,
            f"ingen tal for {case.kommune} {case.aar} på {omraade}; Bilag 1 kan ikke opdele socialområdet.",
            hint="Tilføj rækkerne for boernehandicap og voksenhandicap.",
            resolves="statistik",
        )
        for omraade in HANDICAP_AREAS
        if _counts(stats, case.kommune, case.aar, omraade) is None
    ]


def _areas(stats: Statistics, kommune: str, years: tuple[int, ...]) -> tuple[tuple[AreaYear, ...], ...]:
    """Bilag 1's areas, each with one AreaYear per year of Tabel 1 (newest first)."""
    return tuple(tuple(_area_year(stats, kommune, omraade, y) for y in years) for omraade in BILAG_AREAS)


def decision_warnings(case: Case) -> list[Problem]:
    """What the recommendation lacks that the council and Ankestyrelsen look for: the reasons for not preparing or
    for continuing a plan (where the item holds the stk. 2 decision), which plan is continued, and what is new when a
    case sent back is resumed."""
    out = []
    plan = case.handleplan
    if plan.recommendation.reason and case.plan_decision and case.text("begrundelse") is None:
        out.append(
            Problem(
                "sag.toml",
                f"indstillingen '{plan.indstilling}' har ingen begrundelse; sagen viser kun tallene, beslutningen "
                "træffes på.",
                column="handleplan.indstilling",
                hint="Skriv forvaltningens begrundelse i tekster/begrundelse.md – Ankestyrelsen ser efter den, "
                "når kommunen ikke udarbejder en ny handleplan.",
                resolves="tekster/begrundelse",
            )
        )
    if plan.recommendation.continues and not plan.attached:
        out.append(
            Problem(
                "sag.toml",
                f"indstillingen '{plan.indstilling}' nævner ikke, hvilken handleplan der videreføres.",
                column="handleplan.bilag",
                hint='Angiv handleplanen i [handleplan] som fil = "handleplan.toml" (den bygges som Bilag 2) '
                'eller som bilag = "…" (titlen på planen, der vedlægges som Bilag 2).',
                resolves="handleplan",
            )
        )
    resumed = any(b.outcome and b.outcome.sent_back for b in case.behandling)
    if resumed and not any(b.ny for b in case.bilag) and case.text("genoptagelse") is None:
        out.append(
            Problem(
                "sag.toml",
                "sagen er sendt tilbage og genoptaget, men intet bilag er markeret som nyt, og der er ingen "
                "tekst om, hvad der er nyt.",
                column="bilag",
                hint="Markér det nye materiale med ny = true under [[bilag]], eller skriv tekster/genoptagelse.md.",
                resolves="bilag",
            )
        )
    return out


def _dropped(file: str, kommuner: tuple[str, ...], years: tuple[int, ...], span: tuple[int, ...]) -> list[Problem]:
    """Warnings for the Tabel 1 rows and columns left out because the extract has no figures for them at all."""
    out = [
        Problem(
            file,
            f"ingen tal for {name} i {d.period(span)}; {name} er udeladt af Tabel 1 og sammenligningen.",
            hint="Tjek stavemåden i udtrækket, eller fjern kommunen fra 'sammenligning'.",
            resolves="sammenligning",
        )
        for name in kommuner
    ]
    missing = sorted(y for y in years if y >= danmarkskort.FIRST_YEAR)
    if missing:
        out.append(
            Problem(
                file,
                f"ingen tal for {d.years_text(missing)} i udtrækket; "
                f"{'året er' if len(missing) == 1 else 'årene er'} udeladt af tabeller og figurer.",
                hint="Brug et udtræk, der dækker alle år, hvis tallene findes, eller sæt antal_aar ned.",
                resolves="antal_aar",
            )
        )
    return out


def _map(inputs: Inputs, omraade: str) -> ranking.MapFigures:
    """One danmarkskort from the national figures (the landsudtraek, else the statistics file)."""
    stats, case = inputs.landstal, inputs.case
    country = tuple(regions())
    counts = {k: record.counts for k in country if (record := stats.get(k, case.aar, omraade))}
    landet = _counts(stats, HELE_LANDET, case.aar, omraade)
    return ranking.map_figures(omraade, case.aar, case.kommune, counts, country, landet)


def _map_warnings(inputs: Inputs, kort: tuple[ranking.MapFigures, ...]) -> list[Problem]:
    """With a national extract: a warning for each map the extract does not cover completely."""
    if inputs.landsudtraek is None:
        return []
    out = []
    for mf in kort:
        if mf.fuld:
            continue
        shown = "kortet viser dem som 'ingen tal'" if ranking.drawn(mf) else "kortet udelades"
        out.append(
            Problem(
                inputs.landsudtraek.file,
                f"ingen tal for {d.plural(len(mf.mangler), 'kommune', 'kommuner')} i {mf.aar} på {mf.omraade} "
                f"({d.join(list(mf.mangler[:5]))}{' …' if len(mf.mangler) > 5 else ''}); {shown}, "
                "og kommunens placering blandt landets kommuner nævnes ikke.",
                hint="Brug et udtræk med alle 98 kommuner.",
                resolves="landsudtraek",
            )
        )
    return out


def _zero_filled(stats: Statistics, names: list[str], years: tuple[int, ...]) -> list[Problem]:
    """Warnings for the shown figures a long export had no row for (and that are therefore counted as 0)."""
    out = []
    for name in names:
        for aar in sorted(years):
            for omraade in MAP_AREAS:
                record = stats.get(name, aar, omraade)
                if record and record.zero_filled:
                    words = " og ".join(f"'{OUTCOME_WORDS[o]}'" for o in record.zero_filled)
                    out.append(
                        Problem(
                            stats.file,
                            f"udtrækket har ingen række med {words} for {name} {aar} "
                            f"på {omraade}; {'den er' if len(record.zero_filled) == 1 else 'de er'} "
                            "talt som 0.",
                            hint="Tjek at udtrækket ikke er filtreret på afgørelsestype.",
                            resolves="statistik",
                        )
                    )
    return out


def _group(stats: Statistics, names: tuple[str, ...], aar: int, current: Counts) -> GroupFigures:
    """The comparison group's figures for the year."""
    now = _with_figures(stats, names, aar)
    present = tuple(n for n in names if n in now)
    rates = _rates(stats, present, aar)
    before = _rates(stats, tuple(rates), aar - 1)
    own = _shown(current)
    hoejere, lavere = _higher_lower([] if own is None else [(rate, own) for rate in rates.values()])
    stigning, fald = _higher_lower([(rates[n], rate) for n, rate in before.items()])
    return GroupFigures(
        navne=present,
        mangler=tuple(n for n in names if n not in now),
        samlet=total(now[n] for n in present),
        hoejere=hoejere,
        lavere=lavere,
        stigning=stigning,
        fald=fald,
        med_forrige=len(before),
    )


def _with_figures(stats: Statistics, names: tuple[str, ...], aar: int) -> dict[str, Counts]:
    """The counts in the year of each of the municipalities that has figures for it."""
    return {n: c for n in names if (c := _counts(stats, n, aar)) is not None}


def _rates(stats: Statistics, names: tuple[str, ...], aar: int) -> dict[str, int]:
    """The whole percentage a reader sees for each of the municipalities with a rate in the year."""
    return {n: rate for n in names if (rate := _shown(_counts(stats, n, aar))) is not None}


def _higher_lower(pairs: list[tuple[int, int]]) -> tuple[int, int]:
    """How many of the pairs have the first number above the second, and how many below."""
    return sum(1 for a, b in pairs if a > b), sum(1 for a, b in pairs if a < b)


def _area_year(stats: Statistics, kommune: str, omraade: str, aar: int) -> AreaYear:
    """A Bilag 1 area in one year; øvrige is the general map minus the two handicap maps."""
    if omraade != OEVRIGE:
        record = stats.get(kommune, aar, omraade)
        return AreaYear(
            omraade,
            aar,
            record.counts if record else None,
            _counts(stats, HELE_LANDET, aar, omraade),
            record.afgoerelser_i_alt if record else None,
        )

    def rest(name: str) -> Counts | None:
        general = _counts(stats, name, aar)
        boern, voksen = (_counts(stats, name, aar, a) for a in HANDICAP_AREAS)
        return f.oevrige(general, boern, voksen) if general and boern and voksen else None

    return AreaYear(OEVRIGE, aar, rest(kommune), rest(HELE_LANDET), None)


def _tabel2(inputs: Inputs, current: Counts, warnings: list[Problem]) -> tuple[Tabel2Row, ...]:
    """Tabel 2's rows for the year, with a warning when the danmarkskort rows do not match the map."""
    if inputs.forvaltning is None:
        return ()
    records = inputs.forvaltning.year(inputs.case.aar)
    if not records:
        warnings.append(
            Problem(
                inputs.forvaltning.file,
                f"ingen rækker for {inputs.case.aar}; Tabel 2 udelades.",
                hint="Tilføj rækker med aar = " + str(inputs.case.aar) + ".",
                resolves="forvaltningsomraader",
            )
        )
        return ()
    rows = tuple(Tabel2Row(r.navn, r.counts, r.i_danmarkskort) for r in records)
    marked = total(r.counts for r in rows if r.i_danmarkskort)
    examined = ("stadfaestet", "aendret_ophaevet", "hjemvist")
    if any(getattr(marked, o) != getattr(current, o) for o in examined):
        warnings.append(
            Problem(
                inputs.forvaltning.file,
                f"rækkerne med i_danmarkskort = ja giver {marked.realitetsbehandlede} realitetsbehandlede sager "
                f"({marked.stadfaestet}/{marked.aendret_ophaevet}/{marked.hjemvist}), men danmarkskortet har "
                f"{current.realitetsbehandlede} ({current.stadfaestet}/{current.aendret_ophaevet}/{current.hjemvist}).",
                hint="Tjek markeringen i_danmarkskort og tallene i Tabel 2.",
                resolves="forvaltningsomraader",
            )
        )
    return rows


def _sources(inputs: Inputs, years: tuple[int, ...]) -> tuple[str, ...]:
    """The distinct `kilde` texts of the statistics rows the documents use, in first-use order."""
    seen: dict[str, None] = {}
    for record in inputs.statistik.records.values():
        if record.aar in years and record.kilde:
            seen.setdefault(record.kilde, None)
    return tuple(seen)


def _klagesager(inputs: Inputs, warnings: list[Problem]) -> ks.KlagesagerFigures | None:
    """The case-level figures with the areas each year covers, the loader's warnings, a warning where the file
    covers only some areas, and a check against the statistics for the areas it covers."""
    if inputs.klagesager is None:
        return None
    stats, kommune, aar = inputs.statistik, inputs.case.kommune, inputs.case.aar
    summary = ks.summarize(inputs.klagesager)
    covered = [replace(y, covered=_covered(stats, kommune, y)) for y in summary.years]
    diskretion = inputs.case.diskretion

    def hidden(y: ks.YearFigures) -> ks.YearFigures:
        agree = tuple(a for a in y.covered if _area_year(stats, kommune, a, y.aar).counts == y.area(a).counts)
        return replace(y, hidden=ks.suppression(y, diskretion, agree))

    figures = replace(summary, years=tuple(hidden(y) if y.aar == aar else y for y in covered))
    warnings.extend(inputs.klagesager.warnings)
    current = figures.year(aar)
    if current is None:
        warnings.append(
            Problem(
                figures.file,
                f"ingen sager fra {aar}; afsnittene om klagesagerne udelades.",
                hint=f"Tilføj sagerne med aar = {aar}, eller fjern 'klagesager' fra sag.toml.",
                resolves="klagesager",
            )
        )
    elif len(current.covered) < len(BILAG_AREAS):
        missing = [AREAS[a].in_sentence for a in BILAG_AREAS if a not in current.covered]
        warnings.append(
            Problem(
                figures.file,
                f"sagerne fra {aar} dækker kun {d.join([AREAS[a].in_sentence for a in current.covered])}; "
                f"Bilag 1 viser registreringen for {'det område' if len(current.covered) == 1 else 'de områder'} "
                "alene og sammenligner den kun med Ankestyrelsens tal dér.",
                hint=f"Tilføj sagerne fra {d.join(missing)}, hvis registreringen skal dække hele socialområdet.",
                resolves="klagesager",
            )
        )
    for year in figures.years:
        warnings.extend(_cross_check(stats, kommune, year, figures.file))
    return figures


def _covered(stats: Statistics, kommune: str, year: ks.YearFigures) -> tuple[str, ...]:
    """The Bilag 1 areas a year of the records covers: those with cases, and those where Ankestyrelsen's
    statistics have no cases either (nothing is missing there)."""

    def official(area: str) -> Counts | None:
        return _area_year(stats, kommune, area, year.aar).counts

    return tuple(
        a for a in BILAG_AREAS if year.area(a).counts.afgjorte or ((c := official(a)) is not None and c.afgjorte == 0)
    )


def _cross_check(stats: Statistics, kommune: str, year: ks.YearFigures, file: str) -> list[Problem]:
    """A warning with both numbers for each covered area where the records count differently from Ankestyrelsen."""
    if stats.get(kommune, year.aar) is None:
        return []
    pairs = [(a, year.area(a).counts, _area_year(stats, kommune, a, year.aar).counts) for a in year.covered]
    if any(official is None for _, _, official in pairs) and len(year.covered) == len(BILAG_AREAS):
        pairs = [(GENERAL, year.area(ks.TOTAL).counts, _counts(stats, kommune, year.aar))]
    return [
        Problem(
            file,
            f"for {AREAS[area].in_sentence} {year.aar} har filen {_outcomes(own)}, men Ankestyrelsens "
            f"statistik har {_outcomes(official)}; omgørelsesprocenten bygger på statistikken.",
            hint="Tjek, om der mangler sager, er sager for meget, eller om en sag har fået forkert område, "
            "år eller udfald.",
            resolves="klagesager",
        )
        for area, own, official in pairs
        if official is not None and own != official
    ]


def _outcomes(c: Counts) -> str:
    """ "65 sager (24 stadfæstet, 8 ændret/ophævet, 33 hjemvist, 0 afvist/henvist)"."""
    return (
        f"{d.sager(c.afgjorte)} ({d.count(c.stadfaestet)} stadfæstet, {d.count(c.aendret_ophaevet)} "
        f"ændret/ophævet, {d.count(c.hjemvist)} hjemvist, {d.count(c.afvist_henvist)} afvist/henvist)"
    )
