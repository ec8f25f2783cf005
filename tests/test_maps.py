"""The danmarkskort as a map: the boundaries, the drawing, the national extract and the rank sentences."""

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from casefactory import DELETE, EXAMPLE, figures_json, make_case, read_csv_rows, run_cli, to_csv

from reportgen.documents import charts, maps
from reportgen.documents.compose import compose
from reportgen.documents.model import Figure, Paragraph, plain_text
from reportgen.domain.kommuner import HELE_LANDET, regions
from reportgen.figures.case import compute
from reportgen.inputs import load_inputs

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = EXAMPLE / "landsudtraek-2024.csv"


# --- the boundaries ----------------------------------------------------------------------------------------------


def _segments_cross(ring: np.ndarray) -> bool:
    """True when two non-adjacent edges of a closed ring intersect (the ring is not simple)."""
    a, b = ring[:-1], ring[1:]
    n = len(a)
    d = b - a

    def orient(p, q, r):
        return np.sign(
            (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])
        )

    p1, p2 = a[:, None, :], b[:, None, :]
    q1, q2 = a[None, :, :], b[None, :, :]
    crossing = (orient(p1, p2, q1) * orient(p1, p2, q2) < 0) & (orient(q1, q2, p1) * orient(q1, q2, p2) < 0)
    i, j = np.indices((n, n))
    adjacent = (abs(i - j) <= 1) | ((i == 0) & (j == n - 1)) | ((j == 0) & (i == n - 1))
    return bool((crossing & ~adjacent & (d.any(axis=1)[:, None])).any())


def test_the_geometry_has_the_98_municipalities_the_package_names():
    geo = maps.geometries()
    assert len(geo) == 98
    assert sorted(geo) == sorted(regions())
    codes = [g.kommunekode for g in geo.values()]
    assert len(set(codes)) == 98 and all(101 <= c <= 860 for c in codes)
    assert geo["Allerød"].kommunekode == 201 and geo["København"].kommunekode == 101


def test_every_polygon_is_valid():
    for name, g in maps.geometries().items():
        for ring in g.rings:
            assert len(ring) >= 4, name
            assert ring[0] == ring[-1], f"{name}: ring not closed"
            assert abs(maps.ring_area(ring)) > 0, f"{name}: ring without area"
            assert not _segments_cross(np.array(ring)), f"{name}: a ring crosses itself"


def _rings_around(point, rings) -> int:
    """How many of the rings have the point inside (odd: inside the polygon, even: in a hole or outside)."""
    from matplotlib.path import Path as MplPath

    return sum(MplPath(ring).contains_point(point) for ring in rings)


def test_each_label_point_lies_inside_its_own_municipality_and_no_other():
    geo = maps.geometries()
    for name in geo:
        point = maps.representative_point(name)
        assert _rings_around(point, geo[name].rings) % 2 == 1, name
        assert all(_rings_around(point, g.rings) % 2 == 0 for other, g in geo.items() if other != name), name
    # København's own point is not in Frederiksberg, which lies in a hole of København
    assert _rings_around(maps.representative_point("København"), geo["Frederiksberg"].rings) == 0


def test_an_enclosed_municipality_is_found_from_the_boundaries():
    assert maps.enclosures() == {"Frederiksberg": "København"}


def test_the_geometry_is_parsed_once_per_process():
    assert maps.geometries() is maps.geometries()


# --- the drawing -------------------------------------------------------------------------------------------------


def example_spec(**changes) -> maps.MapSpec:
    fills = {k: 2 for k in regions()}
    fills.update({"Allerød": 4, "Fredensborg": 0, "Furesø": None})
    del fills["Læsø"]
    values = dict(
        fills=tuple(fills.items()),
        title="Omgørelsesprocent 2024",
        kommune="Allerød",
        kommune_label="Allerød 63 %",
        gruppe=(("Hillerød", "Hillerød 53 %"), ("Furesø", "Furesø –")),
        legend=("Under 30 %", "30–39 %", "40–49 %", "50–59 %", "60 % og derover"),
        no_cases="Ingen realitetsbehandlede sager",
        no_data="Ingen tal",
        notes=("Hele landet: 45 %",),
    )
    values.update(changes)
    return maps.MapSpec(**values)


def drawing(spec: maps.MapSpec):
    """The artists the map draws, and the texts written on it afterwards."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure

    charts._setup()
    with matplotlib.rc_context(charts.RC):
        fig = MplFigure(figsize=(charts.WIDTH_IN, maps.HEIGHT_IN), dpi=maps.DPI)
        FigureCanvasAgg(fig)
        labels = maps._draw(fig, spec)
    return fig, labels


def test_the_drawing_colours_outlines_and_labels_what_the_spec_says():
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex

    fig, labels = drawing(example_spec())
    geo = maps.geometries()
    collections = [a for a in fig.artists if isinstance(a, PathCollection)]
    country, no_cases, missing, group, halo, own = collections[:6]  # the country panel comes first
    fills = dict(example_spec().fills)
    drawn = [n for n in geo if fills.get(n) is not None and n != maps.BORNHOLM]
    assert [p for p in country.get_paths()] == [geo[n].path for n in drawn]
    expected = [maps.CLASS_COLOURS[fills[n]] for n in drawn]
    assert [to_hex(c).upper() for c in country.get_facecolors()] == [c.upper() for c in expected]
    assert no_cases.get_paths() == [geo["Furesø"].path] and no_cases.get_hatch() == maps.NO_CASES_HATCH
    assert missing.get_paths() == [geo["Læsø"].path] and missing.get_hatch() == maps.NO_DATA_HATCH
    assert group.get_paths() == [geo["Hillerød"].path, geo["Furesø"].path]
    assert own.get_paths() == [geo["Allerød"].path] and halo.get_linewidths()[0] > own.get_linewidths()[0]
    assert own.get_linewidths()[0] > group.get_linewidths()[0]  # strongly vs lightly outlined
    texts = [label.text for label in labels]
    assert texts[:6] == ["Omgørelsesprocent 2024", *example_spec().legend]
    assert {"Ingen realitetsbehandlede sager", "Ingen tal", "Allerød", "Sammenligningskommuner"} <= set(texts)
    assert {"Hele landet: 45 %", "Allerød 63 %", "Hillerød 53 %", "Furesø –"} <= set(texts)


def test_the_legend_names_no_data_and_no_cases_only_when_the_map_has_them():
    _, labels = drawing(example_spec(no_cases=None, no_data=None, gruppe=()))
    texts = {label.text for label in labels}
    assert "Ingen tal" not in texts and "Ingen realitetsbehandlede sager" not in texts
    assert "Sammenligningskommuner" not in texts


def test_bornholm_as_the_municipality_is_shown_in_the_section():
    _, labels = drawing(example_spec(kommune="Bornholm", kommune_label="Bornholm 40 %", gruppe=(("Gribskov", "x"),)))
    assert [label.text for label in labels if label.box] == ["Bornholm 40 %"]  # the group is far away: alone


def test_the_map_is_a_deterministic_png_the_width_of_the_charts():
    from io import BytesIO

    from PIL import Image

    first, second = maps.danmarkskort.__wrapped__(example_spec()), maps.danmarkskort.__wrapped__(example_spec())
    assert first == second
    image = Image.open(BytesIO(first))
    assert image.format == "PNG" and image.width == int(charts.WIDTH_IN * maps.DPI)
    assert image.mode == "RGB"  # opaque: WeasyPrint embeds it as it is, without an alpha mask or a palette to convert


# --- the national extract ----------------------------------------------------------------------------------------


def _extract_rows() -> list[list[str]]:
    return read_csv_rows(EXTRACT)


def test_the_example_extract_is_what_its_script_writes_and_adds_up_to_hele_landet():
    spec = importlib.util.spec_from_file_location("eksempel", ROOT / "scripts" / "eksempel_landsudtraek.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.extract() == EXTRACT.read_text(encoding="utf-8")
    rows = _extract_rows()
    header, body = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(header)}
    own = {(r[0], r[2]): r for r in read_csv_rows(EXAMPLE / "statistik.csv")[1:] if r[1] == "2024"}
    for r in body:
        if (r[0], r[2]) in own:
            assert r == own[(r[0], r[2])], "the example's own rows are copied unchanged"
        else:
            assert r[col["kilde"]].startswith("Syntetisk, ikke Ankestyrelsens tal")
    for area in ("socialomraadet", "boernehandicap", "voksenhandicap"):
        area_rows = [r for r in body if r[2] == area]
        assert len(area_rows) == 99
        landet = next(r for r in area_rows if r[0] == HELE_LANDET)
        for outcome in ("stadfaestet", "aendret_ophaevet", "hjemvist", "afvist_henvist"):
            total = sum(int(r[col[outcome]]) for r in area_rows if r[0] != HELE_LANDET)
            assert total == int(landet[col[outcome]]), (area, outcome)


def test_an_extract_that_disagrees_with_the_case_statistics_names_both_files_and_rows(tmp_path, capsys):
    rows = _extract_rows()
    row = next(i for i, r in enumerate(rows) if r[0] == "Allerød" and r[2] == "socialomraadet")
    rows[row][5] = "30"  # hjemvist 33 in statistik.csv
    case = make_case(
        tmp_path,
        files={"landsudtraek-2024.csv": to_csv(rows)},
        sag_toml_patch={"landsudtraek": "landsudtraek-2024.csv"},
    )
    result = run_cli(capsys, "check", case)
    assert result.code == 2
    assert f"landsudtraek-2024.csv, række {row + 1}" in result.err
    assert "statistik.csv række 5" in result.err and "Allerød 2024 socialomraadet" in result.err
    assert "30 hjemvist" in result.err and "33 hjemvist" in result.err


def test_a_missing_extract_file_is_named(tmp_path, capsys):
    case = make_case(tmp_path, sag_toml_patch={"landsudtraek": "findes-ikke.csv"})
    result = run_cli(capsys, "check", case)
    assert result.code == 2 and "landsudtraek" in result.err and "findes-ikke.csv" in result.err


def paragraphs(doc) -> list[str]:
    return [plain_text(b.children) for b in doc.blocks if isinstance(b, Paragraph)]


def maps_of(packet) -> dict[str, Figure]:
    return {f.name: f for f in packet.figures() if "danmarkskort" in f.name}


def test_the_example_shows_three_maps_and_says_where_allerod_ranks():
    inputs = load_inputs(EXAMPLE)
    packet = compose(inputs, compute(inputs))
    found = maps_of(packet)
    assert sorted(found) == [
        "bilag-1-danmarkskort-boernehandicap.png",
        "bilag-1-danmarkskort-voksenhandicap.png",
        "danmarkskort-socialomraadet.png",
    ]
    general = found["danmarkskort-socialomraadet.png"]
    assert general.source.startswith("Syntetisk, ikke Ankestyrelsens tal")  # nobody takes the demo for real figures
    assert general.source.endswith("Kortgrundlag: Geodatastyrelsen og Danske Kommuner (DAGI, 1:500.000).")
    text = paragraphs(packet.sagsfremstilling)
    assert any(p.startswith("Blandt landets 98 kommuner havde Allerød den højeste omgørelsesprocent") for p in text)
    bilag = " ".join(paragraphs(packet.bilag1))
    assert (
        "den 15. højeste omgørelsesprocent på børnehandicapområdet i 2024 – en plads, Allerød deler med tre andre"
        in bilag
    )


def _case_with_extract(tmp_path, rows: list[list[str]], **patch):
    return make_case(
        tmp_path,
        files={"landsudtraek-2024.csv": to_csv(rows)},
        sag_toml_patch={"landsudtraek": "landsudtraek-2024.csv", **patch},
    )


def test_partial_coverage_draws_the_map_without_a_rank_and_warns(tmp_path, capsys):
    rows = _extract_rows()
    kept = ("Allerød", "Hillerød", "Hørsholm", "Furesø", "Rudersdal", HELE_LANDET)  # also in statistik.csv
    dropped = {r[0] for r in rows[1:] if r[0] not in kept}
    dropped = set(sorted(dropped)[:30])
    case = _case_with_extract(tmp_path, [r for r in rows if r[0] not in dropped])
    figures = figures_json(capsys, case)
    general = figures["kort"]["socialomraadet"]
    assert general["kommuner_med_tal"] == 68 and general["placering"] is None and general["tegnes"]
    assert general["over_landsgennemsnittet"] is None
    assert any("ingen tal for 30 kommuner i 2024 på socialomraadet" in w for w in figures["advarsler"])
    inputs = load_inputs(case)
    packet = compose(inputs, compute(inputs))
    text = " ".join(paragraphs(packet.sagsfremstilling))
    assert "Blandt landets" not in text
    assert "Kortet viser de 68 af landets 98 kommuner, som udtrækket har tal for" in text
    general_map = maps_of(packet)["danmarkskort-socialomraadet.png"]
    assert general_map.caption.endswith("(tal for 68 af 98 kommuner)")
    assert "30 kommuner uden tal er skraveret gråt" in general_map.alt


def test_without_a_national_extract_there_is_no_map(tmp_path):
    inputs = load_inputs(make_case(tmp_path, sag_toml_patch={"landsudtraek": DELETE}))
    packet = compose(inputs, compute(inputs))
    assert maps_of(packet) == {}  # statistik.csv has 5 of 98 municipalities
    assert not any("Blandt landets" in p for p in paragraphs(packet.sagsfremstilling))


def test_zero_cases_give_no_place_and_no_colour(tmp_path):
    rows = _extract_rows()
    for kommune in ("Hillerød", "Hørsholm", "Furesø", "Rudersdal"):
        row = next(r for r in rows if r[0] == kommune and r[2] == "voksenhandicap")
        row[3:7] = ["1", "0", "1", "0"]  # 50 %
    next(r for r in rows if r[0] == "Allerød" and r[2] == "voksenhandicap")[3:7] = ["0", "0", "0", "0"]  # "–"
    statistik = read_csv_rows(EXAMPLE / "statistik.csv")
    for r in statistik:
        if r[0] == "Allerød" and r[1] == "2024" and r[2] == "voksenhandicap":
            r[3:7] = ["0", "0", "0", "0"]
    case = _case_with_extract(tmp_path, rows)
    (case / "statistik.csv").write_text(to_csv(statistik), encoding="utf-8")
    inputs = load_inputs(case)
    cf = compute(inputs)
    assert cf.map("voksenhandicap").placering is None
    bilag = " ".join(paragraphs(compose(inputs, cf).bilag1))
    assert (
        "Allerød havde ingen realitetsbehandlede sager på voksenhandicapområdet i 2024 og har derfor ingen placering"
        in bilag
    )
    alt = maps_of(compose(inputs, cf))["bilag-1-danmarkskort-voksenhandicap.png"].alt
    assert "Allerød er fremhævet uden farve" in alt


def test_the_lowest_rate_is_the_lowest_place(tmp_path):
    rows = _extract_rows()
    lowest = ["200", "9", "29", "0"]  # 16 %, below every other municipality; the handicap rows still fit inside
    next(r for r in rows if r[0] == "Hillerød" and r[2] == "socialomraadet")[3:7] = lowest
    statistik = read_csv_rows(EXAMPLE / "statistik.csv")
    for r in statistik:
        if r[0] == "Hillerød" and r[1] == "2024":
            r[3:7] = lowest
    case = _case_with_extract(tmp_path, rows, kommune="Hillerød", sammenligning=["Allerød"])
    (case / "statistik.csv").write_text(to_csv(statistik), encoding="utf-8")
    inputs = load_inputs(case)
    text = " ".join(paragraphs(compose(inputs, compute(inputs)).sagsfremstilling))
    assert "Blandt landets 98 kommuner havde Hillerød den laveste omgørelsesprocent på socialområdet generelt" in text
    assert "den fjerdedel af kommunerne med de laveste omgørelsesprocenter" in text


@pytest.mark.parametrize("area", ["socialomraadet", "boernehandicap", "voksenhandicap"])
def test_the_figures_json_has_every_map(area, capsys):
    figures = figures_json(capsys, EXAMPLE)
    kort = figures["kort"][area]
    assert kort["kommuner_i_alt"] == kort["kommuner_med_tal"] == 98 and len(kort["procenter"]) == 98
    assert sum(c["kommuner"] for c in kort["klasser"]) == 98
    assert kort["klassegraenser"] == [30, 40, 50, 60]


def test_the_section_shows_the_group_only_when_it_lies_close_together():
    group = ("Hillerød", "Hørsholm", "Furesø", "Rudersdal")
    assert maps.section_names("Allerød", group) == ["Allerød", *group]
    assert maps.section_names("Aarhus", ("Aalborg", "Esbjerg")) == ["Aarhus"]


# --- the capital inset: every comparison municipality and every enclosed one named, no label on another -----------


def inset_spec(kommune: str, gruppe: tuple[str, ...]) -> maps.MapSpec:
    return example_spec(
        kommune=kommune,
        kommune_label=f"{kommune} 47\u00a0%",
        gruppe=tuple((g, f"{g} {40 + i}\u00a0%") for i, g in enumerate(gruppe)),
    )


@dataclass(frozen=True)
class SectionLabel:
    name: str
    text: str
    box: tuple[int, int, int, int]  # left, bottom, right, top in display pixels of the rendered map


@dataclass(frozen=True)
class Section:
    labels: list[SectionLabel]
    frame: tuple[float, float, float, float]  # the section's frame in display pixels
    to_map: object  # display pixels → map units in the section
    leaders: list[tuple[tuple[float, float], tuple[float, float]]]  # display pixels, from the point to the label


def section_of(spec: maps.MapSpec) -> Section:
    """The section's labels with the boxes the renderer paints (Pillow's own extents of each text, with the white
    box around it), the section's frame, its transform and the leader lines, from the drawing."""
    from matplotlib.collections import PathCollection
    from matplotlib.colors import to_hex
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    from reportgen.domain.danish import NBSP

    fig, labels = drawing(spec)
    frames = [
        a.get_window_extent()
        for a in fig.artists
        if isinstance(a, Rectangle) and to_hex(a.get_edgecolor()) == maps.FRAME.lower()
    ]
    frame = max(frames, key=lambda e: e.x0)  # right of the country map; the other frame is Bornholm's
    section = next(
        a
        for a in fig.artists
        if isinstance(a, PathCollection) and np.allclose(a.get_clip_box().bounds, frame.bounds, atol=1)
    )
    leaders = [
        tuple(map(tuple, line.get_transform().transform(line.get_xydata())))
        for line in fig.artists
        if isinstance(line, Line2D) and len(line.get_xdata()) == 2 and to_hex(line.get_color()) == maps.LEADER.lower()
    ]  # the legend's outline samples are black
    out = []
    for label in labels:
        if not label.box:
            continue
        font = maps._font(label.size, label.bold)
        left, top, right, bottom = font.getbbox(label.text.replace(NBSP, " "), anchor=label.anchor)
        pad = round(font.size * 0.25)
        x, y = round(label.x * maps.DPI), round(label.y * maps.DPI)
        name = next(n for n in maps.geometries() if label.text == n or label.text.startswith(n + " "))
        out.append(SectionLabel(name, label.text, (x + left - pad, y - bottom - pad, x + right + pad, y - top + pad)))
    return Section(out, (frame.x0, frame.y0, frame.x1, frame.y1), section.get_transform().inverted(), leaders)


def _intersect(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _in_municipality(section: Section, name: str, display_point) -> bool:
    return _rings_around(section.to_map.transform(display_point), maps.geometries()[name].rings) % 2 == 1


CAPITAL = ("Gladsaxe", "Lyngby-Taarbæk", "Herlev", "Rødovre", "Hvidovre", "Brøndby")
# kommune, comparison group, the municipalities the section must name
INSET_CASES = {
    "the example": (
        "Allerød",
        ("Hillerød", "Hørsholm", "Furesø", "Rudersdal"),
        {"Allerød", "Hillerød", "Hørsholm", "Furesø", "Rudersdal", "Frederiksberg"},
    ),
    "København with Frederiksberg": ("København", ("Frederiksberg",), {"København", "Frederiksberg"}),
    # the group reaches Bornholm, so the section shows København alone: the members in it are named all the same
    "København, group across the region": (
        "København",
        ("Frederiksberg", "Gentofte", "Gladsaxe", "Bornholm"),
        {"København", "Frederiksberg", "Gentofte", "Gladsaxe"},
    ),
    "Frederiksberg highlighted": (
        "Frederiksberg",
        ("København", "Gentofte", "Gladsaxe"),
        {"Frederiksberg", "København", "Gentofte", "Gladsaxe"},
    ),
    "Frederiksberg alone": ("Frederiksberg", (), {"Frederiksberg"}),
    "seven small capital municipalities": ("Gentofte", CAPITAL, {"Gentofte", *CAPITAL, "Frederiksberg"}),
}


@pytest.mark.parametrize("case", INSET_CASES)
def test_the_inset_names_every_comparison_and_enclosed_municipality_without_covering_a_label(case):
    kommune, gruppe, expected = INSET_CASES[case]
    spec = inset_spec(kommune, gruppe)
    section = section_of(spec)
    named = [label.name for label in section.labels]
    assert sorted(named) == sorted(expected), case
    texts = dict(spec.gruppe) | {kommune: spec.kommune_label}
    for label in section.labels:
        assert label.text == texts.get(label.name, label.name)  # an enclosed municipality outside the group: its name
    for i, a in enumerate(section.labels):
        for b in section.labels[i + 1 :]:
            assert not _intersect(a.box, b.box), f"{case}: '{a.text}' covers '{b.text}'"
        x0, y0, x1, y1 = section.frame
        assert x0 <= a.box[0] and y0 <= a.box[1] and a.box[2] <= x1 and a.box[3] <= y1, f"{case}: '{a.text}' outside"
    assert maps.inset_names(spec) == tuple(named)  # the alt text is made from what the drawing names


@pytest.mark.parametrize("case", INSET_CASES)
def test_each_inset_label_sits_on_its_municipality_or_points_at_it(case):
    kommune, gruppe, _ = INSET_CASES[case]
    section = section_of(inset_spec(kommune, gruppe))
    for label in section.labels:
        x0, y0, x1, y1 = label.box
        ends = [p for p, q in section.leaders if x0 - 1 <= q[0] <= x1 + 1 and y0 - 1 <= q[1] <= y1 + 1]
        if ends:
            assert len(ends) == 1 and _in_municipality(section, label.name, ends[0]), f"{case}: {label.text}"
        else:  # over its municipality: the middle of the label lies on it
            w, h = x1 - x0, y1 - y0
            middle = [(x0 + w * fx, y0 + h * fy) for fx in (0.25, 0.375, 0.5, 0.625, 0.75) for fy in (0.25, 0.5, 0.75)]
            assert any(_in_municipality(section, label.name, p) for p in middle), f"{case}: {label.text}"
    assert len(section.leaders) == sum(
        any(label.box[0] - 1 <= q[0] <= label.box[2] + 1 and label.box[1] - 1 <= q[1] <= label.box[3] + 1
            for label in section.labels)
        for _, q in section.leaders
    )  # fmt: skip  # every leader ends at a label


def test_every_capital_municipality_with_its_neighbours_as_group_is_labelled_without_overlap():
    """Each of Region Hovedstaden's 29, with up to six municipalities around it as its comparison group: the
    densest sections the map draws."""
    geo = maps.geometries()
    for kommune, g in geo.items():
        if regions()[kommune] != "Region Hovedstaden":
            continue
        x0, y0, x1, y1 = g.bounds
        around = sorted(
            n for n, o in geo.items()
            if n != kommune and o.bounds[0] <= x1 and x0 <= o.bounds[2] and o.bounds[1] <= y1 and y0 <= o.bounds[3]
        )[:6]  # fmt: skip
        spec = inset_spec(kommune, tuple(around))
        labels = section_of(spec).labels
        named = [label.name for label in labels]
        assert named[0] == kommune
        if len(maps.section_names(kommune, tuple(around))) > 1:
            assert set(around) <= set(named), kommune
        boxes = [label.box for label in labels]
        assert not any(_intersect(a, c) for i, a in enumerate(boxes) for c in boxes[i + 1 :]), kommune


def test_the_alt_text_names_what_the_inset_names():
    from reportgen.documents.compose import _inset_ctx
    from reportgen.documents.prose.maps import map_ctx
    from reportgen.documents.prose.templates import alt_text
    from reportgen.domain.counts import Counts
    from reportgen.figures import ranking

    country = tuple(sorted(regions()))
    counts = {k: Counts(6, 2, 2, 0) for k in country}

    def udsnit(kommune: str, gruppe: tuple[str, ...]) -> str:
        mf = ranking.map_figures("socialomraadet", 2024, kommune, counts, country, Counts(60, 20, 20, 0))
        ctx = {**map_ctx(mf, gruppe), "udsnit": _inset_ctx(inset_spec(kommune, gruppe))}
        return alt_text("alt-kort.txt.j2", ctx).split("Et forstørret udsnit viser ")[1]

    kommune, gruppe, _ = INSET_CASES["København, group across the region"]
    assert udsnit(kommune, gruppe) == (
        "København, Frederiksberg, Gentofte og Gladsaxe med navn og procent. Frederiksberg ligger inde i København."
    )
    assert udsnit("Frederiksberg", ()) == "Frederiksberg med navn og procent. Frederiksberg ligger inde i København."
    kommune, gruppe, _ = INSET_CASES["the example"]
    assert udsnit(kommune, gruppe) == (
        "Allerød og sammenligningskommunerne med navn og procent. "
        "Frederiksberg ligger inde i København og er navngivet uden procent."
    )
    assert udsnit("Aarhus", ("Aalborg", "Esbjerg")) == "Aarhus med navn og procent."


def test_diff_names_a_changed_rate_and_rank_on_the_map(tmp_path, capsys):
    from reportgen.lifecycle.diff.figures import changed_values

    rows = _extract_rows()
    next(r for r in rows if r[0] == "Albertslund" and r[2] == "socialomraadet")[3:7] = ["20", "60", "120", "0"]  # 90 %
    before = figures_json(capsys, EXAMPLE)
    after = figures_json(capsys, _case_with_extract(tmp_path, rows))
    changes = {c.path: (c.old, c.new) for c in changed_values(before, after)}
    assert changes["kort.socialomraadet.procenter.Albertslund"] == ("40", "90")
    assert changes["kort.socialomraadet.placering.plads"] == ("1", "2")


def test_an_extract_outside_the_case_folder_is_refused(tmp_path, capsys):
    (tmp_path / "faelles.csv").write_text(EXTRACT.read_text(encoding="utf-8"), encoding="utf-8")
    case = make_case(tmp_path, sag_toml_patch={"landsudtraek": "../faelles.csv"})
    result = run_cli(capsys, "check", case)
    assert result.code == 2 and "landsudtraek" in result.err


WHOLE_GROUP = {"med_procent": "", "hele_gruppen": True, "enklaver": []}  # the section names the whole group


def test_one_comparison_municipality_is_named_in_the_alt_text():
    from reportgen.documents.prose.maps import map_ctx
    from reportgen.documents.prose.templates import alt_text
    from reportgen.domain.counts import Counts
    from reportgen.figures import ranking

    country = tuple(sorted(regions()))
    counts = {k: Counts(6, 2, 2, 0) for k in country} | {"Allerød": Counts(4, 3, 3, 0)}
    mf = ranking.map_figures("socialomraadet", 2024, "Allerød", counts, country, Counts(60, 20, 20, 0))
    text = alt_text("alt-kort.txt.j2", {**map_ctx(mf, ("Hillerød",)), "udsnit": WHOLE_GROUP})
    assert "Hillerød ligger lavere end Allerød." in text and "Af de én" not in text


def test_the_comparison_group_is_summed_up_as_one_sentence_for_every_shape():
    from reportgen.documents.prose.maps import map_ctx
    from reportgen.documents.prose.templates import alt_text
    from reportgen.domain.counts import Counts
    from reportgen.figures import ranking

    country = tuple(sorted(regions()))
    counts = {k: Counts(6, 2, 2, 0) for k in country} | {"Allerød": Counts(4, 3, 3, 0), "Furesø": Counts(2, 4, 4, 0)}
    counts = {k: v for k, v in counts.items() if k != "Rudersdal"}  # no figures: "med en procent"
    mf = ranking.map_figures("socialomraadet", 2024, "Allerød", counts, country, Counts(60, 20, 20, 0))

    def group_sentence(gruppe: tuple[str, ...]) -> str:
        text = alt_text("alt-kort.txt.j2", {**map_ctx(mf, gruppe), "udsnit": WHOLE_GROUP})
        return next(s for s in text.split(". ") if "sammenligningskommune" in s and "optegnet" not in s)

    assert group_sentence(("Hillerød", "Hørsholm")) == "Begge sammenligningskommuner ligger lavere end Allerød"
    all_lower = ("Hillerød", "Hørsholm", "Gribskov", "Rudersdal")
    assert group_sentence(all_lower) == "Alle tre sammenligningskommuner med en procent ligger lavere end Allerød"
    mixed = ("Hillerød", "Hørsholm", "Furesø")
    assert (
        group_sentence(mixed)
        == "Af de tre sammenligningskommuner med en procent ligger én højere og to lavere end Allerød"
    )


# --- the choropleth shared by every map of an area and year -------------------------------------------------------


def _one_drawing(spec: maps.MapSpec) -> bytes:
    """The map as it was drawn before the choropleth was shared: every artist in one figure."""
    labels: list = []
    return charts.render_png(
        lambda fig, _renderer: labels.extend(maps._draw(fig, spec)),
        maps.HEIGHT_IN,
        finish=lambda image: maps._write(image, labels),
        dpi=maps.DPI,
    )


# the municipalities next to Bornholm's box, the legend and the section, enclosed or on small islands; with their
# region's neighbours as the group, and alone
NEAR_THE_EDGES = ("Bornholm", "København", "Frederiksberg", "Læsø", "Frederikshavn", "Norddjurs", "Helsingør")
ELSEWHERE = ("Gribskov", "Tønder", "Ærø", "Fanø", "Samsø", "Allerød")


@pytest.mark.parametrize("kommune", NEAR_THE_EDGES + ELSEWHERE)
def test_a_map_on_the_shared_choropleth_has_the_bytes_of_one_drawing(kommune):
    region = regions()[kommune]
    group = [k for k in sorted(regions()) if regions()[k] == region and k != kommune][:4]
    gruppe = tuple((k, f"{k} 4{i} %") for i, k in enumerate(group))
    for spec in (
        example_spec(kommune=kommune, kommune_label=f"{kommune} 63 %", gruppe=gruppe),
        example_spec(kommune=kommune, kommune_label=f"{kommune} –", gruppe=()),
        example_spec(kommune=kommune, kommune_label=kommune, gruppe=(("Bornholm", "Bornholm 40 %"), *gruppe[:1])),
    ):
        assert maps.danmarkskort.__wrapped__(spec) == _one_drawing(spec), spec.gruppe


def test_the_choropleth_of_an_area_and_year_is_drawn_once(monkeypatch):
    drawn = []
    background = charts.render_background
    monkeypatch.setattr(charts, "render_background", lambda *a, **k: drawn.append(1) or background(*a, **k))
    maps._background.cache_clear()
    for kommune in ("Aalborg", "Aarhus", "Odense", "Vejle"):
        maps.danmarkskort.__wrapped__(example_spec(kommune=kommune, kommune_label=kommune, gruppe=()))
    assert len(drawn) == 1
    maps.danmarkskort.__wrapped__(example_spec(title="Omgørelsesprocent 2023"))
    assert len(drawn) == 2
