"""Composes the sagsfremstilling and Bilag 1 as document models from a case, its figures and the prose templates."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from reportgen.documents import charts, handleplan, maps, markdown, tables
from reportgen.documents.letter import SLUG as LETTER_SLUG
from reportgen.documents.letter import compose_letter
from reportgen.documents.model import (
    Block,
    BulletList,
    Decision,
    Document,
    Emph,
    Figure,
    Paragraph,
    Text,
)
from reportgen.documents.prose import templates
from reportgen.documents.prose.bilag1 import BILAG1_TITLE, bilag1_ctx
from reportgen.documents.prose.counts import trend_ctx
from reportgen.documents.prose.maps import class_label, map_ctx
from reportgen.documents.prose.sagsfremstilling import appendices, sagsfremstilling_ctx
from reportgen.documents.prose.templates import alt_text, render, source
from reportgen.domain import danish as d
from reportgen.domain.areas import AREAS, BILAG_AREAS, GENERAL, HANDICAP_AREAS
from reportgen.domain.kommuner import HELE_LANDET
from reportgen.figures import ranking
from reportgen.figures import rates as f
from reportgen.figures.case import CaseFigures
from reportgen.inputs import Inputs
from reportgen.inputs.case import TEXT_SECTIONS, Behandling

BILAG1_NUMBERING = "B1."  # Bilag 1's tables are Tabel B1.1, B1.2 …, next to the sagsfremstilling's Tabel 1, 2
BILAG2_NUMBERING = "B2."  # and Bilag 2's Tabel B2.1, B2.2 …


@dataclass(frozen=True)
class Packet:
    """The composed documents of a case (Bilag 2 and the letter to Ankestyrelsen only when required) and their
    charts."""

    sagsfremstilling: Document
    bilag1: Document
    letter: Document | None = None
    bilag2: Document | None = None  # the action plan, when the case holds one and the recommendation attaches it

    def documents(self) -> tuple[Document, ...]:
        """The documents present, in order."""
        docs = (self.sagsfremstilling, self.bilag1, self.bilag2, self.letter)
        return tuple(doc for doc in docs if doc is not None)

    def figures(self) -> list[Figure]:
        """Every chart of the documents, in order."""
        return [b for doc in self.documents() for b in doc.blocks if isinstance(b, Figure)]


def compose(inputs: Inputs, cf: CaseFigures, ready: Callable[[Document], object] | None = None) -> Packet:
    """The documents of a case: the sagsfremstilling, Bilag 1, the action plan as Bilag 2 when the case holds one, and
    the letter to Ankestyrelsen when required.

    `ready` is called with each document as soon as it is composed, so that a build can start laying them out
    while the rest is composed: first the documents without charts (Bilag 2, the letter), which are composed at
    once and laid out while the charts are drawn, then Bilag 1 (its PDF takes longest) and the sagsfremstilling.
    """
    ready = ready or (lambda doc: None)
    if (bilag2 := _bilag2(inputs, cf)) is not None:
        ready(bilag2)
    if (letter := compose_letter(inputs, cf)) is not None:
        ready(letter)
    texts = _texts(inputs)
    ready(bilag1 := _bilag1(inputs, cf, texts))
    ready(sagsfremstilling := _sagsfremstilling(inputs, cf, texts))
    return Packet(sagsfremstilling, bilag1, letter, bilag2)


def compose_document(inputs: Inputs, cf: CaseFigures, slug: str) -> Document | None:
    """One document of the packet by its slug (None: the case has no such document), composed without the others
    and their figures: the live preview shows one document at a time."""
    if slug == LETTER_SLUG:
        return compose_letter(inputs, cf)
    if slug == "bilag-2":
        return _bilag2(inputs, cf)
    make = {"sagsfremstilling": _sagsfremstilling, "bilag-1": _bilag1}.get(slug)
    return make(inputs, cf, _texts(inputs)) if make else None


def _texts(inputs: Inputs) -> dict[str, tuple[Block, ...]]:
    """The administration's texts as blocks, by section, parsed once for the sagsfremstilling and Bilag 1."""
    return {section: markdown.parse(text, heading_offset=1) for section, text in inputs.case.tekster}


def _present(texts: dict[str, tuple[Block, ...]]) -> dict[str, bool]:
    """Which sections have a text of the administration's (the prose templates' `tekster`)."""
    return {section: section in texts for section in TEXT_SECTIONS}


def _texts_in(slug: str, texts: dict[str, tuple[Block, ...]]) -> dict[str, tuple[Block, ...]]:
    """The administration's texts that a document shows, by insert name."""
    return {f"tekst:{section}": blocks for section, blocks in texts.items() if section_document(section) == slug}


def warm_up() -> None:
    """Load what composing needs once per process: the prose templates, and matplotlib and the municipal
    boundaries by drawing a map (charts.warm_up loads the chart fonts)."""
    templates.warm_up()
    maps.warm_up()


def section_document(section: str) -> str:
    """The slug of the document a text section appears in: Bilag 1's introduction in Bilag 1, every other text in
    the sagsfremstilling."""
    return "bilag-1" if section == "bilag1" else "sagsfremstilling"


# The values each document's prose template receives, by the document's slug.
PROSE_VALUES = {"sagsfremstilling": sagsfremstilling_ctx, "bilag-1": bilag1_ctx}


def section_template(section: str) -> str:
    """The prose template a text section belongs to."""
    return f"{section_document(section)}.md.j2"


def default_text(inputs: Inputs, cf: CaseFigures, section: str) -> str:
    """The tool's own Markdown for a text section, which the document holds while the section has no text of the
    administration's; "" where the tool writes nothing there (the section is only the administration's)."""
    ctx = PROSE_VALUES[section_document(section)](inputs, cf)
    ctx["mangler"] = ()  # a draft's placeholder for a missing text is not the tool's own text
    ctx["tekster"] = {s: False for s in TEXT_SECTIONS}
    without = source(section_template(section), ctx).splitlines()
    ctx["tekster"] = {s: s == section for s in TEXT_SECTIONS}
    with_text = source(section_template(section), ctx).splitlines()
    placeholder = f"@@tekst:{section}@@"
    lines: list[str] = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=without, b=with_text, autojunk=False).get_opcodes():
        if op != "equal" and placeholder in with_text[b1:b2]:
            lines += without[a1:a2]
    return _readable("\n".join(lines).strip())


def _readable(text: str) -> str:
    """Markdown without the backslashes that make template values literal, where they change nothing."""
    plain = re.sub(r"\\([^\w\s])", r"\1", text)
    return plain if markdown.parse(plain) == markdown.parse(text) else text


def _document(inputs: Inputs, slug: str, title: str, blocks: tuple[Block, ...], item: bool = False) -> Document:
    """A Document with the case's metadata; the agenda `item` itself also names its Punkttype."""
    case = inputs.case
    parts = [
        f"Sagsnr. {case.sagsnummer}" if case.sagsnummer else None,
        f"Sagen afgøres i: {case.council}",
        f"Punkttype: {case.item_type.label}" if item else None,
        f"Danmarkskortet {case.aar}",
    ]
    return Document(
        slug=slug,
        title=title,
        subtitle=" · ".join(p for p in parts if p),
        header=f"{case.official_name} – {case.titel}",
        draft=case.draft,
        date=case.document_date,
        author=case.author,
        blocks=blocks,
    )


def _sagsfremstilling(inputs: Inputs, cf: CaseFigures, texts: dict[str, tuple[Block, ...]]) -> Document:
    """The agenda item itself."""
    case = inputs.case
    blocks = _texts_in("sagsfremstilling", texts)
    blocks["tabel1"] = (tables.tabel1(cf, inputs),)
    blocks["tabel2"] = (tables.tabel2(cf, inputs, case.denominator),) if cf.tabel2 else ()
    blocks["figur:udvikling"] = (_trend_figure(cf),) if trend_ctx(cf.years, cf.tabel1[0].counts)["figur"] else ()
    blocks["figur:kort:" + GENERAL] = _map_figure(inputs, cf, GENERAL, "danmarkskort-socialomraadet.png")
    blocks["beslutninger"] = tuple(
        Decision(f"Beslutning {b.organ} den {d.short_date(b.dato)}", markdown.parse(b.beslutning) + _registered(b))
        for b in case.behandling
    )
    blocks["bilag"] = (BulletList(tuple((Paragraph((Text(t),)),) for t in bilag_titles(inputs))),)
    fu = cf.plan.follow_up if cf.plan else None
    if fu is not None:
        blocks["tabel:opfoelgning:maal"] = (handleplan.follow_up_targets_table(fu, inputs),)
        blocks["tabel:opfoelgning:indsatser"] = (handleplan.follow_up_initiatives_table(fu),)
    ctx = {**sagsfremstilling_ctx(inputs, cf), "tekster": _present(texts)}
    return _document(inputs, "sagsfremstilling", case.titel, render("sagsfremstilling.md.j2", ctx, blocks), item=True)


def _registered(decision: Behandling) -> tuple[Block, ...]:
    """ "Registreret af Ole Hansen." under a decision entered in team mode (nothing otherwise)."""
    if decision.registreret_af is None:
        return ()
    return (Paragraph((Emph((Text(f"Registreret af {decision.registreret_af}."),)),)),)


def bilag_titles(inputs: Inputs) -> list[str]:
    """The Bilag list: Bilag 1, the action plan when attached, then the case's own appendices."""
    return [f"Bilag {number}. {title}" for number, title, _ in appendices(inputs.case)]


def _bilag2(inputs: Inputs, cf: CaseFigures) -> Document | None:
    """Bilag 2: the action plan – its baseline, targets, initiatives and follow-up – when the case attaches one."""
    hp = inputs.case.handleplan
    if cf.plan is None or cf.plan.plan is None or not hp.attached:
        return None
    plan = cf.plan.plan
    blocks: dict[str, tuple[Block, ...]] = {
        "tabel:udgangspunkt": (handleplan.baseline_table(cf, inputs),),
        "tabel:aarsager": tuple(t for t in (handleplan.reasons_table(cf, inputs),) if t),
        "tabel:paragraffer": tuple(t for t in (handleplan.paragraphs_table(cf, inputs),) if t),
        "tabel:maal": (handleplan.targets_table(cf.plan, inputs, cf.aar),) if plan.maal else (),
        "tabel:indsatser": (handleplan.initiatives_table(cf.plan),),
        "tekst:handleplan": markdown.parse(plan.indledning or "", heading_offset=1),
    }
    ctx = handleplan.plan_ctx(inputs, cf)
    doc = _document(inputs, "bilag-2", f"Bilag 2. {hp.title}", render("bilag-2.md.j2", ctx, blocks))
    return replace(doc, numbering=BILAG2_NUMBERING)


def _bilag1(inputs: Inputs, cf: CaseFigures, texts: dict[str, tuple[Block, ...]]) -> Document:
    """Bilag 1: the general map per area."""
    blocks = _texts_in("bilag-1", texts)
    labels = {a: AREAS[a].label for a in BILAG_AREAS}
    blocks["tabel:oversigt"] = (tables.area_overview(cf, inputs, labels),)
    for area in BILAG_AREAS:
        blocks[f"tabel:{area}"] = tuple(t for t in (tables.area_years(cf, inputs, area, labels[area]),) if t)
    blocks["figur:fordeling"] = (_outcome_figure(cf),)
    blocks.update(_area_figures(cf))
    for area in HANDICAP_AREAS:
        blocks[f"figur:kort:{area}"] = _map_figure(inputs, cf, area, f"bilag-1-danmarkskort-{area}.png")
    blocks.update(_klagesager_tables(inputs, cf, labels))
    ctx = {**bilag1_ctx(inputs, cf), "tekster": _present(texts)}
    doc = _document(inputs, "bilag-1", f"Bilag 1. {BILAG1_TITLE}", render("bilag-1.md.j2", ctx, blocks))
    return replace(doc, numbering=BILAG1_NUMBERING)


def _klagesager_tables(inputs: Inputs, cf: CaseFigures, labels: dict[str, str]) -> dict[str, tuple[Block, ...]]:
    """Bilag 1's tables from the case-level records: the overview and, per area, paragraphs, reasons, follow-up."""
    records = cf.klagesager
    year = records.year(cf.aar) if records else None
    if records is None or year is None:
        return {}
    diskretion = inputs.case.diskretion
    out: dict[str, tuple[Block, ...]] = {"tabel:klagesager": (tables.klagesager_overview(year, diskretion),)}
    for area in year.covered:
        a = year.area(area)
        out[f"tabel:{area}:paragraffer"] = (
            (tables.klagesager_paragraphs(a, year.hidden, labels[area], diskretion),) if a.counts.afgjorte else ()
        )
        out[f"tabel:{area}:aarsager"] = (
            (tables.klagesager_reasons(a, year.hidden, labels[area], diskretion),) if a.omgjorte else ()
        )
        out[f"tabel:{area}:opfoelgning"] = (
            (tables.klagesager_follow_up(a, year.hidden, labels[area], diskretion),) if a.counts.hjemvist else ()
        )
    return out


def _values_text(years: tuple[int, ...], counts) -> str:
    """ "44 % i 2023, 63 % i 2024" (oldest first) for alt text; years without figures, and years without cases (no
    rate), are named as such."""
    parts = []
    for year, c in sorted(zip(years, counts, strict=True)):
        rate = f.omgoerelsesprocent(c) if c else None
        if rate is not None:
            parts.append(f"{d.percent(rate)} i {year}")
        else:
            parts.append(f"ingen tal i {year}" if c is None else f"ingen realitetsbehandlede sager i {year}")
    return ", ".join(parts)


def _trend(
    name: str, what: str, years: tuple[int, ...], rows: list[tuple[str, tuple, str]], height_in: float
) -> Figure:
    """A trend chart of `what` (an area, as inside a sentence) over the years, one line per (name, counts newest
    first, role) row, with alternative text that states every value."""
    series = tuple(
        charts.Series(label, tuple(_rate(c) for c in reversed(counts)), role) for label, counts, role in rows
    )
    alt = alt_text(
        "alt-udvikling.txt.j2",
        {
            "omraade": what,
            "periode": d.period(years),
            "serier": [{"navn": label, "vaerdier": _values_text(years, counts)} for label, counts, _ in rows],
        },
    )
    caption = f"Omgørelsesprocent på {what} {d.period(years)}"
    return Figure(name, charts.trend_chart(tuple(sorted(years)), series, height_in=height_in), caption, alt)


def _trend_figure(cf: CaseFigures) -> Figure:
    """Figur 1: Tabel 1 as a trend chart."""
    rows = [(r.navn, r.counts, r.rolle) for r in cf.tabel1]
    return _trend("figur-1-udvikling.png", AREAS[GENERAL].in_sentence, cf.years, rows, charts.HEIGHT_IN)


def _area_figures(cf: CaseFigures) -> dict[str, tuple[Block, ...]]:
    """Bilag 1: per area, the municipality's rate over the years against the same area's national rate."""
    out: dict[str, tuple[Block, ...]] = {}
    number = 1  # Figur 1 is the outcomes per area
    for omraade in BILAG_AREAS:
        years = cf.area(omraade)
        out[f"figur:{omraade}"] = ()
        if not trend_ctx(cf.years, tuple(a.counts for a in years))["figur"]:
            continue
        number += 1
        rows = [
            (cf.kommune, tuple(a.counts for a in years), "kommune"),
            (HELE_LANDET, tuple(a.landet for a in years), "landet"),
        ]
        name = f"bilag-1-figur-{number}-{omraade}.png"
        what = AREAS[omraade].in_sentence
        out[f"figur:{omraade}"] = (_trend(name, what, cf.years, rows, charts.SMALL_HEIGHT_IN),)
    return out


def _outcome_figure(cf: CaseFigures) -> Figure:
    """Bilag 1: the year's outcomes per area as stacked bars."""
    present = [(AREAS[a].label, c) for a in BILAG_AREAS if (c := cf.area(a)[0].counts) is not None]
    labels = tuple(name for name, _ in present)
    counts = [c for _, c in present]
    alt = alt_text(
        "alt-fordeling.txt.j2",
        {
            "aar": cf.aar,
            "omraader": [
                {
                    "navn": name,
                    "stadfaestet": d.count(c.stadfaestet),
                    "aendret": d.count(c.aendret_ophaevet),
                    "hjemvist": d.count(c.hjemvist),
                }
                for name, c in present
            ],
        },
    )
    png = charts.outcome_bars(
        labels or ("Socialområdet",),
        tuple(c.stadfaestet for c in counts) or (0,),
        tuple(c.aendret_ophaevet for c in counts) or (0,),
        tuple(c.hjemvist for c in counts) or (0,),
    )
    return Figure(
        "bilag-1-figur-1-fordeling.png",
        png,
        f"Realitetsbehandlede sager fordelt på områder og afgørelse, {cf.aar}",
        alt,
    )


def _rate(c):
    return f.omgoerelsesprocent(c) if c else None


def _map_figure(inputs: Inputs, cf: CaseFigures, omraade: str, name: str) -> tuple[Block, ...]:
    """The danmarkskort of an area as a figure, when enough municipalities have figures to draw it."""
    mf = cf.map(omraade)
    if not ranking.drawn(mf):
        return ()
    gruppe = inputs.case.sammenligning
    notes = [f"Hele landet: {d.percent_int(mf.landet)}"] if mf.landet is not None else []
    if not mf.fuld:
        notes.append(f"Tal for {d.count(mf.med_tal)} af {d.count(mf.i_alt)} kommuner")
    spec = maps.MapSpec(
        fills=tuple((k, ranking.rate_class(p)) for k, p in mf.procenter),
        title=f"Omgørelsesprocent {mf.aar}",
        kommune=mf.kommune,
        kommune_label=_map_label(mf, mf.kommune),
        gruppe=tuple((k, _map_label(mf, k)) for k in gruppe),
        legend=tuple(class_label(k) for k in range(ranking.CLASSES)),
        no_cases=f"Ingen realitetsbehandlede sager ({d.DASH})" if mf.uden_procent() else None,
        no_data="Ingen tal" if mf.mangler else None,
        notes=tuple(notes),
    )
    partial = "" if mf.fuld else f" (tal for {d.count(mf.med_tal)} af {d.count(mf.i_alt)} kommuner)"
    return (
        Figure(
            name,
            maps.danmarkskort(spec),
            f"Danmarkskortet {mf.aar}: omgørelsesprocenten på {AREAS[omraade].in_sentence} i landets kommuner{partial}",
            alt_text("alt-kort.txt.j2", {**map_ctx(mf, gruppe), "udsnit": _inset_ctx(spec)}),
            source=_map_source(inputs, mf),
        ),
    )


def _inset_ctx(spec: maps.MapSpec) -> dict:
    """What the map's enlarged section names, for its alt text: the municipalities with their rate, whether that
    is the whole comparison group, and each enclosed municipality with the one around it."""
    named = maps.inset_names(spec)
    gruppe = [k for k, _ in spec.gruppe if k != spec.kommune]
    around = maps.enclosures()
    return {
        "med_procent": d.join([k for k in named if k == spec.kommune or k in gruppe]),
        "hele_gruppen": bool(gruppe) and all(k in named for k in gruppe),
        "enklaver": [
            {"navn": k, "omkring": around[k], "uden_procent": k != spec.kommune and k not in gruppe}
            for k in named
            if k in around
        ],
    }


def _map_label(mf: ranking.MapFigures, kommune: str) -> str:
    """ "Allerød 63 %", "Allerød –" (no cases) or "Allerød: ingen tal"."""
    if kommune in mf.mangler:
        return f"{kommune}: ingen tal"
    p = mf.procent(kommune)
    return f"{kommune} {d.DASH if p is None else d.percent_int(p)}"


def _map_source(inputs: Inputs, mf: ranking.MapFigures) -> str:
    """The statistics' `kilde` texts behind the map, the most frequent first, then the map's attribution."""
    stats = inputs.landstal
    records = [stats.get(k, mf.aar, mf.omraade) for k, _ in mf.procenter] + [stats.get(HELE_LANDET, mf.aar, mf.omraade)]
    kilder = [r.kilde for r in records if r and r.kilde]
    ordered = sorted(dict.fromkeys(kilder), key=lambda k: -kilder.count(k))
    statistics = tables.source_line(ordered, tables.statistics_source(stats))
    return f"{statistics.rstrip('.')}. {maps.ATTRIBUTION}."
