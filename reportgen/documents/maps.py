"""The danmarkskort as a choropleth: the 98 municipalities coloured by class, the case's municipality outlined.

The boundaries (reportgen/data/kommuner.geojson, DAGI 1:500.000) are parsed once per process into matplotlib
paths in a flat projection (x = longitude × cos 56°, y = latitude). The map shows the country without
Bornholm, Bornholm in an inset, and an enlarged section around the municipality and its comparison group.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
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

Point = tuple[float, float]
Bounds = tuple[float, float, float, float]  # x0, y0, x1, y1 in map units
Rect = tuple[float, float, float, float]  # x, y, width, height in inches from the figure's lower left corner


@dataclass(frozen=True)
class Geometry:
    """One municipality's boundary as a projected path, with a point to attach its label to."""

    kommune: str
    kommunekode: int
    path: Any  # matplotlib.path.Path
    rings: tuple[tuple[Point, ...], ...]  # outer rings and holes, projected, each closed
    anchor: Point  # centroid of its largest ring
    bounds: Bounds


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
    from matplotlib.path import Path

    data = json.loads(KOMMUNEGRAENSER.read_text(encoding="utf-8"))
    out = {}
    for feature in data["features"]:
        props, geom = feature["properties"], feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        projected = [[tuple(project(lon, lat) for lon, lat in ring) for ring in polygon] for polygon in polygons]
        rings = tuple(ring for polygon in projected for ring in polygon)
        vertices: list[tuple[float, float]] = []
        codes: list[int] = []
        for ring in rings:
            vertices += ring
            codes += [int(Path.MOVETO)] + [int(Path.LINETO)] * (len(ring) - 2) + [int(Path.CLOSEPOLY)]
        xs, ys = [x for ring in rings for x, _ in ring], [y for ring in rings for _, y in ring]
        largest = max((polygon[0] for polygon in projected), key=lambda ring: abs(ring_area(ring)))
        out[props["kommune"]] = Geometry(
            props["kommune"],
            int(props["kommunekode"]),
            Path(vertices, codes),
            rings,
            centroid(largest),
            (min(xs), min(ys), max(xs), max(ys)),
        )
    return out


def ring_area(ring: Sequence[Point]) -> float:
    """The signed area of a closed ring (shoelace formula)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def centroid(ring: Sequence[Point]) -> Point:
    """The centroid of a closed ring."""
    area = ring_area(ring)
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    return cx / (6 * area), cy / (6 * area)


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
    """The map as deterministic PNG bytes (remembered: a live preview recomposes the same maps)."""
    labels: list[_Label] = []
    return charts.render_png(
        lambda fig, _renderer: labels.extend(_draw(fig, spec)),
        HEIGHT_IN,
        finish=lambda image: _write(image, labels),
        dpi=DPI,
    )


def section_names(kommune: str, gruppe: tuple[str, ...]) -> list[str]:
    """The municipalities the enlarged section shows with name and rate: the municipality and its comparison
    group, or the municipality alone when the group is spread over a large part of the country."""
    names = [kommune, *gruppe]
    x0, y0, x1, y1 = _bounds(names)
    w = _country_bounds()
    spread = max((x1 - x0) / (w[2] - w[0]), (y1 - y0) / (w[3] - w[1]))
    return names if spread <= SPREAD_OUT else [kommune]


def warm_up() -> None:
    """Parse the boundaries and draw one map, so a worker's first real map costs what the others do."""
    names = tuple(geometries())
    danmarkskort(
        MapSpec(tuple((n, 0) for n in names), "", names[0], names[0], (), ("",) * len(CLASS_COLOURS), None, None)
    )


# --- drawing (straight onto the figure: no Axes, whose ticks and spines cost more than the map) -------------------


def _collections(spec: MapSpec, names: list[str]) -> list:
    """Patch collections of the named municipalities: classes, no cases, no data; then the outlines on top."""
    from matplotlib.collections import PathCollection

    geo = geometries()
    classes = dict(spec.fills)
    coloured = [(n, k) for n in names if (k := classes.get(n)) is not None]
    out = []
    if coloured:
        paths, colours = [geo[n].path for n, _ in coloured], [CLASS_COLOURS[k] for _, k in coloured]
        out.append(PathCollection(paths, facecolors=colours, edgecolors=BORDER, linewidths=0.35))
    for fill, hatch, chosen in (
        (NO_CASES, NO_CASES_HATCH, [n for n in names if n in classes and classes[n] is None]),
        (NO_DATA, NO_DATA_HATCH, [n for n in names if n not in classes]),
    ):
        if chosen:
            out.append(
                PathCollection(
                    [geo[n].path for n in chosen], facecolors=fill, edgecolors=GREY_BORDER, linewidths=0.35, hatch=hatch
                )
            )
    group = [geo[n].path for n, _ in spec.gruppe if n in names]
    if group:
        out.append(PathCollection(group, facecolors="none", edgecolors=OUTLINE, linewidths=0.9))
    if spec.kommune in names:
        own = [geo[spec.kommune].path]
        out.append(PathCollection(own, facecolors="none", edgecolors="white", linewidths=3.2))
        out.append(PathCollection(own, facecolors="none", edgecolors=OUTLINE, linewidths=1.6))
    return out


class _Panel:
    """A rectangle of the figure that shows the map at equal scale, all of `bounds` in view and centred."""

    def __init__(self, fig, rect: Rect, bounds: Bounds, frame: bool) -> None:
        """Place the panel and compute its transform; with `frame`, draw a white box with a grey frame."""
        from matplotlib.patches import Rectangle
        from matplotlib.transforms import Affine2D, Bbox, TransformedBbox

        x, y, w, h = rect
        x0, y0, x1, y1 = bounds
        scale = min(w / (x1 - x0), h / (y1 - y0))  # inches per map unit
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        self.fig = fig
        self.view: Bounds = (cx - w / scale / 2, cy - h / scale / 2, cx + w / scale / 2, cy + h / scale / 2)
        self.transform = Affine2D().translate(-cx, -cy).scale(scale).translate(x + w / 2, y + h / 2)
        self.transform += fig.dpi_scale_trans
        self.clip = TransformedBbox(Bbox.from_bounds(*rect), fig.dpi_scale_trans)
        if frame:
            fig.add_artist(
                Rectangle(
                    (x, y), w, h, transform=fig.dpi_scale_trans, facecolor="white", edgecolor=FRAME, linewidth=0.6
                )
            )

    def draw(self, spec: MapSpec, names: list[str] | None = None) -> None:
        """Draw the named municipalities (default: all in view)."""
        if names is None:
            names = [n for n in geometries() if self.sees(n)]
        for collection in _collections(spec, names):
            collection.set_transform(self.transform)
            collection.set_clip_box(self.clip)
            self.fig.add_artist(collection)

    def sees(self, name: str) -> bool:
        """True when part of the municipality lies in the panel's view."""
        e = geometries()[name].bounds
        x0, y0, x1, y1 = self.view
        return e[2] > x0 and e[0] < x1 and e[3] > y0 and e[1] < y1


def _draw(fig, spec: MapSpec) -> list[_Label]:
    """The country without Bornholm, Bornholm in a box, the legend and the enlarged section; returns the texts."""
    width, height = fig.get_figwidth(), fig.get_figheight()
    country = _Panel(fig, (0.03, 0.03, width * MAP_SHARE - 0.06, height - 0.06), _country_bounds(), frame=False)
    country.draw(spec, [n for n in geometries() if n != BORNHOLM])
    _bornholm(fig, spec, country)
    left = width * MAP_SHARE + GAP_IN
    labels: list[_Label] = []
    legend_bottom = _legend(fig, spec, left, height - 0.02, labels)
    section_rect = (left, 0.03, width - left - 0.03, legend_bottom - GAP_IN - 0.03)
    _section(fig, spec, section_rect, country, labels)
    return labels


def _bornholm(fig, spec: MapSpec, country: _Panel) -> None:
    """Bornholm in a framed box in the country panel's upper right corner, where the map has only sea."""
    box_w, box_h = 0.2 * MAP_SHARE * fig.get_figwidth(), 0.13 * fig.get_figheight()
    top_right = country.transform.transform((country.view[2], country.view[3]))
    x, y = fig.dpi_scale_trans.inverted().transform(top_right)
    _Panel(fig, (x - box_w, y - box_h, box_w, box_h), _bounds([BORNHOLM]), frame=True).draw(spec, [BORNHOLM])


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


def _write(image, labels: list[_Label]) -> None:
    """Write the labels on the rendered RGB image."""
    from PIL import Image, ImageDraw

    for label in labels:
        mask, left, top = _text_mask(label.text, label.size, label.bold, label.anchor)
        x, y = round(label.x * DPI) + left, round(image.height - label.y * DPI) + top
        if label.box:
            pad = round(_font(label.size, label.bold).size * 0.25)
            box = (x - pad, y - pad, x + mask.width + pad, y + mask.height + pad)
            back = Image.new("L", (box[2] - box[0], box[3] - box[1]), 0)
            ImageDraw.Draw(back).rounded_rectangle((0, 0, back.width - 1, back.height - 1), pad, fill=217)
            image.paste("white", box, back)
        image.paste(charts.TEXT, (x, y), mask)


def _legend(fig, spec: MapSpec, left: float, top: float, labels: list[_Label]) -> float:
    """The legend from the upper right down: title, classes, no cases, no data, outlines, notes; returns its bottom."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    swatches: list[tuple[dict, str]] = [
        (dict(facecolor=colour, edgecolor="#BBBBBB"), text)
        for colour, text in zip(CLASS_COLOURS, spec.legend, strict=True)
    ]
    if spec.no_cases:
        swatches.append((dict(facecolor=NO_CASES, edgecolor=GREY_BORDER, hatch=NO_CASES_HATCH), spec.no_cases))
    if spec.no_data:
        swatches.append((dict(facecolor=NO_DATA, edgecolor=GREY_BORDER, hatch=NO_DATA_HATCH), spec.no_data))
    lines = [(2.0, spec.kommune)] + ([(0.9, "Sammenligningskommuner")] if spec.gruppe else [])
    labels.append(_Label(left, top - ROW_IN / 2, spec.title, bold=True))
    y = top - ROW_IN * 1.5
    sw, sh = SWATCH_IN
    text_x = left + sw + 0.08
    for style, text in swatches:
        fig.add_artist(Rectangle((left, y - sh / 2), sw, sh, transform=fig.dpi_scale_trans, linewidth=0.5, **style))
        labels.append(_Label(text_x, y, text))
        y -= ROW_IN
    for width, text in lines:
        fig.add_artist(Line2D([left, left + sw], [y, y], transform=fig.dpi_scale_trans, color=OUTLINE, linewidth=width))
        labels.append(_Label(text_x, y, text))
        y -= ROW_IN
    for note in spec.notes:
        labels.append(_Label(left, y, note))
        y -= ROW_IN
    return y + ROW_IN / 2


def _section(fig, spec: MapSpec, rect: Rect, country: _Panel, labels: list[_Label]) -> None:
    """An enlarged section around the municipality and its comparison group, each labelled; marked on the map."""
    from matplotlib.patches import Rectangle

    names = section_names(spec.kommune, tuple(n for n, _ in spec.gruppe))
    bounds = _bounds(names)
    pad_x, pad_y = (bounds[2] - bounds[0]) * 0.12 + 0.01, (bounds[3] - bounds[1]) * 0.12 + 0.01
    section = _Panel(fig, rect, (bounds[0] - pad_x, bounds[1] - pad_y, bounds[2] + pad_x, bounds[3] + pad_y), True)
    section.draw(spec)
    x0, y0, x1, y1 = section.view
    if spec.kommune != BORNHOLM:  # mark the section on the country map
        marker = Rectangle((x0, y0), x1 - x0, y1 - y0, transform=country.transform, fill=False, edgecolor=OUTLINE)
        marker.set_linewidth(0.7)
        marker.set_clip_box(country.clip)
        fig.add_artist(marker)
    texts = dict(spec.gruppe)
    texts[spec.kommune] = spec.kommune_label
    for name in names:
        x, y = fig.dpi_scale_trans.inverted().transform(section.transform.transform(geometries()[name].anchor))
        own = name == spec.kommune
        size = charts.FONT_SIZE - (0 if own else 1.5)
        labels.append(_Label(x, y, texts[name], "mm", size, bold=own, box=True))
