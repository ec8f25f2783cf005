"""The danmarkskort as a choropleth: the 98 municipalities coloured by class, the case's municipality outlined.

The boundaries (reportgen/data/kommuner.geojson, DAGI 1:500.000) are parsed once per process into matplotlib
paths in a flat projection (x = longitude × cos 56°, y = latitude). The map shows the country without
Bornholm, Bornholm in an inset, and an enlarged section around the municipality and its comparison group. The
section names the municipality, every comparison municipality and every municipality enclosed by another
(Frederiksberg in København) that lies in it; the labels are placed so that none covers another (see `_place`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from typing import Any

from reportgen.documents import charts
from reportgen.domain.danish import NBSP
from reportgen.resources import KOMMUNEGRAENSER

ATTRIBUTION = "Kortgrundlag: Geodatastyrelsen og Danske Kommuner (DAGI, 1:500.000)"
COS_LAT = math.cos(math.radians(56))
BORNHOLM = "Bornholm"

# ColorBrewer YlGnBu, 5 classes: sequential, safe for colour-blind readers and in greyscale print.
CLASS_COLOURS = ("#FFFFCC", "#A1DAB4", "#41B6C4", "#2C7FB8", "#253494")
NO_CASES = "#FFFFFF"  # figures, but no realitetsbehandlede cases: no class, white with grey dots
NO_CASES_HATCH = "...."
NO_DATA = "#D9D9D9"  # no figures in the data: hatched grey
NO_DATA_HATCH = "////"
BORDER = "#FFFFFF"
GREY_BORDER = "#8C8C8C"  # the border of the uncoloured municipalities and the colour of their hatching
OUTLINE = "#000000"
FRAME = "#888888"

HEIGHT_IN = 12.2 * charts.CM
MAP_SHARE = 0.58  # share of the width the country map takes; the legend and the section share the rest
GAP_IN = 0.12
ROW_IN = 0.165  # one legend row
SWATCH_IN = (0.24, 0.12)
DPI = 170  # fine enough for a map with 9 pt labels, and a third fewer pixels to draw and compress than 200 dpi
SPREAD_OUT = 0.45  # a comparison group wider or taller than this share of the country: the section shows the
# municipality alone
LEGEND_TOP_IN = 0.02
POLE_GRID = 16  # points a side of the grid a label's point is sought on, twice (coarse, then around the best)
MIN_VISIBLE_IN = 0.06  # the section names a municipality when it shows a circle this wide of it
LEADER_GAP_IN = 0.05  # a label set apart from its municipality is joined to it by a leader at least this long …
REACH_IN = 0.5  # … and at most this long
LABEL_SPACING_PX = 2  # between two labels' boxes
LEADER = "#222222"

Point = tuple[float, float]
Ring = tuple[Point, ...]
Bounds = tuple[float, float, float, float]  # x0, y0, x1, y1 in map units
Rect = tuple[float, float, float, float]  # x, y, width, height in inches from the figure's lower left corner
Box = tuple[int, int, int, int]  # left, bottom, right, top in pixels at DPI from the figure's lower left corner


@dataclass(frozen=True)
class Geometry:
    """One municipality's boundary as polygons and, made when a map is first drawn, as a projected path."""

    kommune: str
    kommunekode: int
    polygons: tuple[tuple[Ring, ...], ...]  # each polygon's outer ring, then its holes; projected, each closed
    bounds: Bounds

    @property
    def rings(self) -> tuple[Ring, ...]:
        """Every ring of every polygon."""
        return tuple(ring for polygon in self.polygons for ring in polygon)

    @cached_property
    def path(self) -> Any:
        """The rings as one matplotlib Path (made once; a build that draws no map never loads matplotlib)."""
        from matplotlib.path import Path

        vertices: list[Point] = []
        codes: list[int] = []
        for ring in self.rings:
            vertices += ring
            codes += [int(Path.MOVETO)] + [int(Path.LINETO)] * (len(ring) - 2) + [int(Path.CLOSEPOLY)]
        return Path(vertices, codes)


@dataclass(frozen=True)
class MapSpec:
    """What one map shows, with every text already formatted (Danish numbers come from the caller)."""

    fills: tuple[tuple[str, int | None], ...]  # municipality with figures → class (None: no cases, no class)
    title: str  # over the legend
    kommune: str
    kommune_label: str  # "Allerød 63 %"
    gruppe: tuple[tuple[str, str], ...]  # comparison municipality → its label
    legend: tuple[str, ...]  # one text per class, lowest first
    no_cases: str | None  # legend text for municipalities without cases, when there are any
    no_data: str | None  # legend text for municipalities without figures ("ingen tal"), when there are any
    notes: tuple[str, ...] = ()  # lines under the legend ("Hele landet: 45 %")


def project(lon: float, lat: float) -> Point:
    """The map's flat projection: x = longitude × cos 56°, y = latitude."""
    return lon * COS_LAT, lat


@cache
def geometries() -> dict[str, Geometry]:
    """Every municipality's boundary by name, read from the package once per process."""
    data = json.loads(KOMMUNEGRAENSER.read_text(encoding="utf-8"))
    out = {}
    for feature in data["features"]:
        props, geom = feature["properties"], feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        projected = tuple(
            tuple(tuple(project(lon, lat) for lon, lat in ring) for ring in polygon) for polygon in polygons
        )
        rings = tuple(ring for polygon in projected for ring in polygon)
        out[props["kommune"]] = Geometry(props["kommune"], int(props["kommunekode"]), projected, _ring_bounds(rings))
    return out


def _ring_bounds(rings: Sequence[Ring]) -> Bounds:
    """x0, y0, x1, y1 around the rings."""
    xs, ys = [x for ring in rings for x, _ in ring], [y for ring in rings for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def ring_area(ring: Sequence[Point]) -> float:
    """The signed area of a closed ring (shoelace formula)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _edges(rings: Sequence[Ring]):
    """Every edge of the rings as a row x0, y0, x1, y1 (a numpy array)."""
    import numpy as np

    return np.concatenate([np.hstack([np.array(ring[:-1]), np.array(ring[1:])]) for ring in rings])


def _inside(points, edges):
    """Which points lie inside the edges' rings by the even-odd rule, so a hole is outside (numpy arrays)."""
    import numpy as np

    x, y = points[:, :1], points[:, 1:]
    x0, y0, x1, y1 = edges.T
    crossing = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return ((crossing & (x < at)).sum(axis=1) % 2) == 1


def _distance(points, edges):
    """Each point's distance to the nearest edge (numpy arrays)."""
    import numpy as np

    x, y = points[:, :1], points[:, 1:]
    x0, y0, x1, y1 = edges.T
    dx, dy = x1 - x0, y1 - y0
    length2 = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / length2, 0.0, 1.0)
    return np.hypot(x - (x0 + t * dx), y - (y0 + t * dy)).min(axis=1)


def _pole(edges, box: Bounds) -> tuple[Point, float] | None:
    """The point inside the edges' rings and inside `box` farthest from both their edges, with that distance,
    sought on a grid over the box and again on a grid around the best point; None when no grid point is inside."""
    import numpy as np

    best: tuple[Point, float] | None = None
    x0, y0, x1, y1 = box
    search = box
    for _ in range(2):
        sx0, sy0, sx1, sy1 = search
        xs = np.linspace(sx0, sx1, POLE_GRID + 2)[1:-1]
        ys = np.linspace(sy0, sy1, POLE_GRID + 2)[1:-1]
        grid = np.array([(x, y) for y in ys for x in xs if x0 < x < x1 and y0 < y < y1])
        if len(grid):
            points = grid[_inside(grid, edges)]
            if len(points):
                to_box = np.minimum.reduce([points[:, 0] - x0, x1 - points[:, 0], points[:, 1] - y0, y1 - points[:, 1]])
                depth = np.minimum(_distance(points, edges), to_box)
                i = int(np.argmax(depth))  # the first of equals: deterministic
                if best is None or depth[i] > best[1]:
                    best = (float(points[i, 0]), float(points[i, 1])), float(depth[i])
        if best is None:
            return None
        (bx, by), step = best[0], max((sx1 - sx0), (sy1 - sy0)) / (POLE_GRID + 1)
        search = (bx - step, by - step, bx + step, by + step)
    return best


@cache
def _municipality_edges(name: str):
    """Every edge of a municipality's rings (numpy array), computed once per process."""
    return _edges(geometries()[name].rings)


def representative_point(name: str) -> Point:
    """A point well inside the municipality (not in a hole, not in the sea of a bay): where its label belongs."""
    found = _pole(_municipality_edges(name), geometries()[name].bounds)
    assert found is not None, name  # every municipality has area
    return found[0]


@cache
def enclosures() -> dict[str, str]:
    """Every municipality that lies inside another's outer boundary, with the one around it, from the geometry
    (Frederiksberg: København)."""
    import numpy as np

    geo = geometries()
    out = {}
    for inner in geo.values():
        for outer in geo.values():
            a, b = inner.bounds, outer.bounds
            if outer is inner or not (b[0] <= a[0] and b[1] <= a[1] and a[2] <= b[2] and a[3] <= b[3]):
                continue
            exteriors = _edges([polygon[0] for polygon in outer.polygons])
            points = [_pole(_edges(polygon), _ring_bounds(polygon)) for polygon in inner.polygons]
            if all(p is not None and _inside(np.array([p[0]]), exteriors)[0] for p in points):
                out[inner.kommune] = outer.kommune
    return out


def _bounds(names: list[str]) -> Bounds:
    """x0, y0, x1, y1 around the named municipalities."""
    extents = [geometries()[n].bounds for n in names]
    return (
        min(e[0] for e in extents),
        min(e[1] for e in extents),
        max(e[2] for e in extents),
        max(e[3] for e in extents),
    )


@cache
def _country_bounds() -> Bounds:
    """The country without Bornholm."""
    return _bounds([n for n in geometries() if n != BORNHOLM])


@charts.remembered
def danmarkskort(spec: MapSpec) -> bytes:
    """The map as deterministic PNG bytes (remembered: a live preview recomposes the same maps), drawn onto the
    choropleth that every map of the same area and year shares, which is drawn once (`_background`)."""
    labels: list[_Label] = []
    return charts.render_png(
        lambda fig, _renderer: labels.extend(_draw(fig, spec, shared=False)),
        HEIGHT_IN,
        finish=lambda image: _write(image, labels),
        dpi=DPI,
        background=_background(_common(spec)),
    )


BACKGROUNDS = 4  # choropleths kept: a packet's three areas (a batch draws each once per worker)


def _common(spec: MapSpec) -> MapSpec:
    """The part of a spec that every municipality's map of the same area and year shares: fills, legend, notes."""
    return replace(spec, kommune="", kommune_label="", gruppe=())


@lru_cache(maxsize=BACKGROUNDS)
def _background(shared: MapSpec) -> bytes:
    """The choropleth of a shared spec drawn once: the country's and Bornholm's fills, Bornholm's box and the
    legend's swatches. Every map's own artists (outlines, the section, the legend's outline samples) are drawn on
    it; those that `_draw` draws before a shared one lie outside it (the country's outlines are clipped to the
    country panel, which Bornholm's box and the legend do not reach into), so the pixels are those of one drawing."""
    return charts.render_background(lambda fig: _draw(fig, shared, own=False), HEIGHT_IN, DPI)


def section_names(kommune: str, gruppe: tuple[str, ...]) -> list[str]:
    """The municipalities the enlarged section is fitted around: the municipality and its comparison group, or
    the municipality alone when the group is spread over a large part of the country."""
    names = [kommune, *gruppe]
    x0, y0, x1, y1 = _bounds(names)
    w = _country_bounds()
    spread = max((x1 - x0) / (w[2] - w[0]), (y1 - y0) / (w[3] - w[1]))
    return names if spread <= SPREAD_OUT else [kommune]


def inset_names(spec: MapSpec) -> tuple[str, ...]:
    """The municipalities the enlarged section names: the municipality, then every comparison municipality and
    every municipality enclosed by another that lies in the section (what the drawing labels)."""
    return tuple(name for name, _ in _named(spec.kommune, _group(spec), _section_rect(spec)))


def _group(spec: MapSpec) -> tuple[str, ...]:
    """The comparison municipalities' names."""
    return tuple(name for name, _ in spec.gruppe)


def warm_up() -> None:
    """Parse the boundaries and draw one map, so a worker's first real map costs what the others do."""
    names = tuple(geometries())
    danmarkskort(
        MapSpec(tuple((n, 0) for n in names), "", names[0], names[0], (), ("",) * len(CLASS_COLOURS), None, None)
    )


# --- drawing (straight onto the figure: no Axes, whose ticks and spines cost more than the map) -------------------


def _collections(spec: MapSpec, names: list[str], fills: bool = True, outlines: bool = True) -> list:
    """Patch collections of the named municipalities: classes, no cases, no data (`fills`); then the outlines on
    top (`outlines`)."""
    from matplotlib.collections import PathCollection

    geo = geometries()
    classes = dict(spec.fills)
    coloured = [(n, k) for n in names if (k := classes.get(n)) is not None]
    out = []
    if not fills:
        coloured = []
    if coloured:
        paths, colours = [geo[n].path for n, _ in coloured], [CLASS_COLOURS[k] for _, k in coloured]
        out.append(PathCollection(paths, facecolors=colours, edgecolors=BORDER, linewidths=0.35))
    for fill, hatch, chosen in (
        (NO_CASES, NO_CASES_HATCH, [n for n in names if n in classes and classes[n] is None]),
        (NO_DATA, NO_DATA_HATCH, [n for n in names if n not in classes]),
    ):
        if chosen and fills:
            out.append(
                PathCollection(
                    [geo[n].path for n in chosen], facecolors=fill, edgecolors=GREY_BORDER, linewidths=0.35, hatch=hatch
                )
            )
    if not outlines:
        return out
    group = [geo[n].path for n, _ in spec.gruppe if n in names]
    if group:
        out.append(PathCollection(group, facecolors="none", edgecolors=OUTLINE, linewidths=0.9))
    if spec.kommune in names:
        own = [geo[spec.kommune].path]
        out.append(PathCollection(own, facecolors="none", edgecolors="white", linewidths=3.2))
        out.append(PathCollection(own, facecolors="none", edgecolors=OUTLINE, linewidths=1.6))
    return out


def _fit(rect: Rect, bounds: Bounds) -> tuple[Bounds, float]:
    """What a rectangle shows of the map at equal scale with all of `bounds` in view and centred, and the scale
    in inches per map unit."""
    x, y, w, h = rect
    x0, y0, x1, y1 = bounds
    scale = min(w / (x1 - x0), h / (y1 - y0))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - w / scale / 2, cy - h / scale / 2, cx + w / scale / 2, cy + h / scale / 2), scale


def _section_bounds(kommune: str, gruppe: tuple[str, ...]) -> Bounds:
    """The map bounds the enlarged section is fitted around: its municipalities with a margin."""
    x0, y0, x1, y1 = _bounds(section_names(kommune, gruppe))
    pad_x, pad_y = (x1 - x0) * 0.12 + 0.01, (y1 - y0) * 0.12 + 0.01
    return x0 - pad_x, y0 - pad_y, x1 + pad_x, y1 + pad_y


def _section_rect(spec: MapSpec) -> Rect:
    """Where the enlarged section sits: right of the country map, under the legend."""
    left = charts.WIDTH_IN * MAP_SHARE + GAP_IN
    legend_bottom = HEIGHT_IN - LEGEND_TOP_IN - ROW_IN * (1 + sum(len(rows) for rows in _legend_rows(spec)))
    return left, 0.03, charts.WIDTH_IN - left - 0.03, legend_bottom - GAP_IN - 0.03


def _overlap(a: Bounds, b: Bounds) -> Bounds | None:
    """The part two bounds share, None when they share no area."""
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None


@lru_cache(maxsize=256)
def _named(kommune: str, gruppe: tuple[str, ...], rect: Rect) -> tuple[tuple[str, Point], ...]:
    """The municipalities the section names, each with the point (map units) its label belongs to: the
    municipality, then every comparison municipality and every enclosed municipality the section shows enough
    of to point at, at the visible point farthest from their boundary and the section's edge."""
    view, scale = _fit(rect, _section_bounds(kommune, gruppe))
    others = [n for n in dict.fromkeys([*gruppe, *enclosures()]) if n != kommune]
    out = []
    for name in [kommune, *others]:
        box = _overlap(geometries()[name].bounds, view)
        found = None if box is None else _pole(_municipality_edges(name), box)
        if found is not None and (name == kommune or found[1] * scale >= MIN_VISIBLE_IN / 2):
            out.append((name, found[0]))
    return tuple(out)


class _Panel:
    """A rectangle of the figure that shows the map at equal scale, all of `bounds` in view and centred."""

    def __init__(self, fig, rect: Rect, bounds: Bounds, frame: bool) -> None:
        """Place the panel and compute its transform; with `frame`, draw a white box with a grey frame."""
        from matplotlib.patches import Rectangle
        from matplotlib.transforms import Affine2D, Bbox, TransformedBbox

        x, y, w, h = rect
        self.fig = fig
        self.view, scale = _fit(rect, bounds)
        cx, cy = (self.view[0] + self.view[2]) / 2, (self.view[1] + self.view[3]) / 2
        self.inches = Affine2D().translate(-cx, -cy).scale(scale).translate(x + w / 2, y + h / 2)
        self.transform = self.inches + fig.dpi_scale_trans
        self.clip = TransformedBbox(Bbox.from_bounds(*rect), fig.dpi_scale_trans)
        if frame:
            fig.add_artist(
                Rectangle(
                    (x, y), w, h, transform=fig.dpi_scale_trans, facecolor="white", edgecolor=FRAME, linewidth=0.6
                )
            )

    def draw(self, spec: MapSpec, names: list[str] | None = None, fills: bool = True, outlines: bool = True) -> None:
        """Draw the named municipalities (default: all in view): their fills, their outlines or both."""
        if names is None:
            names = [n for n in geometries() if self.sees(n)]
        for collection in _collections(spec, names, fills, outlines):
            collection.set_transform(self.transform)
            collection.set_clip_box(self.clip)
            self.fig.add_artist(collection)

    def sees(self, name: str) -> bool:
        """True when part of the municipality lies in the panel's view."""
        e = geometries()[name].bounds
        x0, y0, x1, y1 = self.view
        return e[2] > x0 and e[0] < x1 and e[3] > y0 and e[1] < y1


def _draw(fig, spec: MapSpec, shared: bool = True, own: bool = True) -> list[_Label]:
    """The country without Bornholm, Bornholm in a box, the legend and the enlarged section; returns the texts.

    `shared` draws what every map of the area and year shares (the fills, Bornholm's box, the legend's swatches),
    `own` what is this map's own (the outlines, the section and its mark, the legend's outline samples); the texts
    are all returned either way."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    country = _Panel(fig, (0.03, 0.03, width * MAP_SHARE - 0.06, height - 0.06), _country_bounds(), frame=False)
    country.draw(spec, [n for n in geometries() if n != BORNHOLM], fills=shared, outlines=own)
    _bornholm(fig, spec, country, shared, own)
    labels = _legend(fig, spec, width * MAP_SHARE + GAP_IN, height - LEGEND_TOP_IN, swatches=shared, samples=own)
    if own:
        labels += _section(fig, spec, _section_rect(spec), country)
    return labels


def _bornholm(fig, spec: MapSpec, country: _Panel, fills: bool = True, outlines: bool = True) -> None:
    """Bornholm in a framed box in the country panel's upper right corner, where the map has only sea."""
    box_w, box_h = 0.2 * MAP_SHARE * fig.get_figwidth(), 0.13 * fig.get_figheight()
    top_right = country.transform.transform((country.view[2], country.view[3]))
    x, y = fig.dpi_scale_trans.inverted().transform(top_right)
    box = _Panel(fig, (x - box_w, y - box_h, box_w, box_h), _bounds([BORNHOLM]), frame=fills)
    box.draw(spec, [BORNHOLM], fills, outlines)


@dataclass(frozen=True)
class _Label:
    """A text to write on the rendered map at a position in inches from the figure's lower left corner.

    The texts are written with Pillow after matplotlib has drawn the shapes: laying out text costs matplotlib
    several milliseconds per string, Pillow a fraction of one.
    """

    x: float
    y: float
    text: str
    anchor: str = "lm"  # Pillow's anchor: "lm" left-middle, "mm" centred
    size: float = charts.FONT_SIZE
    bold: bool = False
    box: bool = False  # on a rounded, mostly opaque white box


@cache
def _font(size: float, bold: bool):
    """The Carlito font at a size in points, at the charts' resolution."""
    from PIL import ImageFont

    file = charts.FONTS / f"Carlito-{'Bold' if bold else 'Regular'}.ttf"
    return ImageFont.truetype(str(file), round(size * DPI / 72), layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=512)
def _text_mask(text: str, size: float, bold: bool, anchor: str):
    """A text rendered once as a mask, with the offset of its anchor: the legend's texts recur on every map."""
    from PIL import Image, ImageDraw

    font = _font(size, bold)
    text = text.replace(NBSP, " ")  # Pillow's basic layout draws the no-break space as a missing glyph
    left, top, right, bottom = font.getbbox(text, anchor=anchor)
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), text, fill=255, font=font, anchor=anchor)
    return mask, left, top


def _pad(size: float, bold: bool) -> int:
    """The white margin around a boxed label's text, in pixels."""
    return round(_font(size, bold).size * 0.25)


def _write(image, labels: list[_Label]) -> None:
    """Write the labels on the rendered RGB image."""
    from PIL import Image, ImageDraw

    for label in labels:
        mask, left, top = _text_mask(label.text, label.size, label.bold, label.anchor)
        x, y = round(label.x * DPI) + left, round(image.height - label.y * DPI) + top
        if label.box:
            pad = _pad(label.size, label.bold)
            box = (x - pad, y - pad, x + mask.width + pad, y + mask.height + pad)
            back = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
            ImageDraw.Draw(back).rounded_rectangle((0, 0, back.width - 1, back.height - 1), pad, fill=217)
            image.paste("white", box, back)
        image.paste(charts.TEXT, (x, y), mask)


def _legend_rows(spec: MapSpec) -> tuple[list[tuple[dict, str]], list[tuple[float, str]], tuple[str, ...]]:
    """The legend's rows under its title: swatches with their texts, outlines with their widths, notes."""
    swatches: list[tuple[dict, str]] = [
        (dict(facecolor=colour, edgecolor="#BBBBBB"), text)
        for colour, text in zip(CLASS_COLOURS, spec.legend, strict=True)
    ]
    if spec.no_cases:
        swatches.append((dict(facecolor=NO_CASES, edgecolor=GREY_BORDER, hatch=NO_CASES_HATCH), spec.no_cases))
    if spec.no_data:
        swatches.append((dict(facecolor=NO_DATA, edgecolor=GREY_BORDER, hatch=NO_DATA_HATCH), spec.no_data))
    lines = [(2.0, spec.kommune)] + ([(0.9, "Sammenligningskommuner")] if spec.gruppe else [])
    return swatches, lines, spec.notes


def _legend(fig, spec: MapSpec, left: float, top: float, swatches: bool = True, samples: bool = True) -> list[_Label]:
    """The legend from the upper right down: title, classes, no cases, no data, outlines, notes; returns its texts.
    `swatches` draws the classes' swatches, `samples` the outlines' samples."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    rows, lines, notes = _legend_rows(spec)
    labels = [_Label(left, top - ROW_IN / 2, spec.title, bold=True)]
    y = top - ROW_IN * 1.5
    sw, sh = SWATCH_IN
    text_x = left + sw + 0.08
    for style, text in rows:
        if swatches:
            box = Rectangle((left, y - sh / 2), sw, sh, transform=fig.dpi_scale_trans, linewidth=0.5, **style)
            fig.add_artist(box)
        labels.append(_Label(text_x, y, text))
        y -= ROW_IN
    for width, text in lines:
        if samples:
            line = Line2D([left, left + sw], [y, y], transform=fig.dpi_scale_trans, color=OUTLINE, linewidth=width)
            fig.add_artist(line)
        labels.append(_Label(text_x, y, text))
        y -= ROW_IN
    for note in notes:
        labels.append(_Label(left, y, note))
        y -= ROW_IN
    return labels


def _section(fig, spec: MapSpec, rect: Rect, country: _Panel) -> list[_Label]:
    """An enlarged section around the municipality and its comparison group, marked on the country map, with the
    municipalities it names labelled; returns the labels."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    section = _Panel(fig, rect, _section_bounds(spec.kommune, _group(spec)), True)
    section.draw(spec)
    x0, y0, x1, y1 = section.view
    if spec.kommune != BORNHOLM:  # mark the section on the country map
        marker = Rectangle((x0, y0), x1 - x0, y1 - y0, transform=country.transform, fill=False, edgecolor=OUTLINE)
        marker.set_linewidth(0.7)
        marker.set_clip_box(country.clip)
        fig.add_artist(marker)
    texts = dict(spec.gruppe)
    wanted = []
    for name, point in _named(spec.kommune, _group(spec), rect):
        own = name == spec.kommune
        x, y = section.inches.transform(point)
        text = spec.kommune_label if own else texts.get(name, name)  # an enclosed municipality: its name
        wanted.append(_Wanted(text, charts.FONT_SIZE - (0 if own else 1.5), own, (x * DPI, y * DPI)))
    x, y, w, h = rect
    area = (
        math.ceil(x * DPI) + 3,
        math.ceil(y * DPI) + 3,
        math.floor((x + w) * DPI) - 3,
        math.floor((y + h) * DPI) - 3,
    )
    labels = []
    for want, (lx, ly), leader in _place(wanted, area):
        if leader is not None:
            (ax, ay), (bx, by) = leader
            line = Line2D([ax / DPI, bx / DPI], [ay / DPI, by / DPI], transform=fig.dpi_scale_trans, color=LEADER)
            line.set_linewidth(0.6)
            dot = Line2D([ax / DPI], [ay / DPI], transform=fig.dpi_scale_trans, color=LEADER, marker="o")
            dot.set_markersize(2.2)
            fig.add_artist(line)
            fig.add_artist(dot)
        labels.append(_Label(lx / DPI, ly / DPI, want.text, "mm", want.size, want.bold, box=True))
    return labels


# --- placing the section's labels ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Wanted:
    """A label the section needs, at the point (pixels at DPI from the figure's lower left) it belongs to."""

    text: str
    size: float
    bold: bool
    point: Point


def _extent(text: str, size: float, bold: bool) -> Box:
    """A boxed, centred label's box around its position, in pixels with y up: exactly what `_write` paints,
    measured with the font that draws it."""
    mask, left, top = _text_mask(text, size, bold, "mm")
    pad = _pad(size, bold)
    return left - pad, -(top + mask.height) - pad, left + mask.width + pad, -top + pad


@lru_cache(maxsize=512)
def _offsets(extent: Box):
    """Where a label may go relative to its point, best first, as rows dx, dy, apart (a numpy array): over the
    point (the point in the middle half of the label), nearest first; then set apart from it by a leader,
    shortest leader first."""
    import numpy as np

    left, bottom, right, top = extent
    w, h = right - left, top - bottom
    step = max(2, h // 3)
    reach, shortest = round(REACH_IN * DPI), round(LEADER_GAP_IN * DPI)
    ranked = []
    for j in range(-(h + reach) // step - 1, (h + reach) // step + 2):
        for i in range(-(w + reach) // step - 1, (w + reach) // step + 2):
            dx, dy = i * step, j * step
            cx, cy = dx + (left + right) / 2, dy + (bottom + top) / 2  # the label's centre from the point
            gap = math.hypot(max(dx + left, 0, -(dx + right)), max(dy + bottom, 0, -(dy + top)))
            if abs(cx) <= w / 4 and abs(cy) <= h / 4:
                ranked.append(((0, 0, cx * cx + cy * cy, -cy, cx), (dx, dy, 0)))
            elif shortest <= gap <= reach:
                ranked.append(((1, round(gap / step), cx * cx + cy * cy, -cy, cx), (dx, dy, 1)))
    return np.array([offset for _, offset in sorted(ranked)])


def _crosses(p: Point, q: Point, box: Box) -> bool:
    """True when the segment p–q passes through the box (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    for start, delta, low, high in ((p[0], q[0] - p[0], box[0], box[2]), (p[1], q[1] - p[1], box[1], box[3])):
        if delta == 0:
            if not low <= start <= high:
                return False
            continue
        a, b = sorted(((low - start) / delta, (high - start) / delta))
        t0, t1 = max(t0, a), min(t1, b)
        if t0 > t1:
            return False
    return True


Leader = tuple[Point, Point]


def _place(wanted: list[_Wanted], area: Box) -> list[tuple[_Wanted, tuple[int, int], Leader | None]]:
    """Each label's position (pixels) and leader, placed in order, each at the first of its candidate positions
    that lies inside `area`, keeps clear of the labels placed before it and, if it can, of the other labels'
    points and of the leaders; when none is clear, the position that overlaps the placed labels least."""
    placed: list[Box] = []
    leaders: list[Leader] = []
    out = []
    for index, want in enumerate(wanted):
        points = [w.point for k, w in enumerate(wanted) if k != index]
        position, box, line = _place_one(want, area, placed, leaders, points)
        placed.append(box)
        if line is not None:
            leaders.append(line)
        out.append((want, position, line))
    return out


def _place_one(
    want: _Wanted, area: Box, placed: list[Box], leaders: list[Leader], points: list[Point]
) -> tuple[tuple[int, int], Box, Leader | None]:
    """One label's position, box and leader among the labels and leaders placed before it (see `_place`)."""
    import numpy as np

    extent = _extent(want.text, want.size, want.bold)
    point = round(want.point[0]), round(want.point[1])
    offsets = _offsets(extent)
    x, y = offsets[:, 0] + point[0], offsets[:, 1] + point[1]
    boxes = np.column_stack([x + extent[0], y + extent[1], x + extent[2], y + extent[3]])
    fits = (boxes[:, 0] >= area[0]) & (boxes[:, 1] >= area[1]) & (boxes[:, 2] <= area[2]) & (boxes[:, 3] <= area[3])
    free = fits.copy()
    for other in placed:
        free &= ~_meets(boxes, other, LABEL_SPACING_PX)
    clear = free.copy()
    for px, py in points:
        clear &= ~_meets(boxes, (px, py, px, py), 3)
    candidates = ((int(i), tuple(int(v) for v in boxes[i]), bool(offsets[i, 2])) for i in np.flatnonzero(clear))
    chosen = next((i for i, box, apart in candidates if _untangled(point, box, apart, placed, leaders)), None)
    if chosen is None and free.any():
        chosen = int(np.argmax(free))
    if chosen is None and fits.any():  # nowhere clear: the least overlap
        covered = sum((_shared(boxes, other) for other in placed), np.zeros(len(boxes)))
        chosen = int(np.argmin(np.where(fits, covered, np.inf)))
    if chosen is None:  # a label wider than the section: over its point
        chosen = 0
    box: Box = (int(boxes[chosen, 0]), int(boxes[chosen, 1]), int(boxes[chosen, 2]), int(boxes[chosen, 3]))
    return (int(x[chosen]), int(y[chosen])), box, _leader(point, box) if offsets[chosen, 2] else None


def _leader(point: tuple[int, int], box: Box) -> Leader:
    """A leader from the point to the nearest point of the label's box."""
    return (float(point[0]), float(point[1])), (
        float(min(max(point[0], box[0]), box[2])),
        float(min(max(point[1], box[1]), box[3])),
    )


def _untangled(point: tuple[int, int], box, apart: bool, placed: list[Box], leaders: list[Leader]) -> bool:
    """True when a candidate label crosses no leader and its own leader, if it is set apart, no placed label."""
    return not any(_crosses(p, q, box) for p, q in leaders) and (
        not apart or not any(_crosses(*_leader(point, box), other) for other in placed)
    )


def _meets(boxes, box: Box | tuple[float, ...], spacing: int):
    """Which of the boxes (numpy rows) come closer to the box than `spacing` pixels."""
    return (
        (boxes[:, 0] < box[2] + spacing)
        & (box[0] < boxes[:, 2] + spacing)
        & (boxes[:, 1] < box[3] + spacing)
        & (box[1] < boxes[:, 3] + spacing)
    )


def _shared(boxes, box: Box):
    """The area each of the boxes (numpy rows) shares with the box, in square pixels."""
    import numpy as np

    w = np.clip(np.minimum(boxes[:, 2], box[2]) - np.maximum(boxes[:, 0], box[0]), 0, None)
    h = np.clip(np.minimum(boxes[:, 3], box[3]) - np.maximum(boxes[:, 1], box[1]), 0, None)
    return w * h
