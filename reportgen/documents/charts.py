"""Deterministic, accessible PNG charts (trend lines and stacked outcome bars) for the danmarkskort documents."""

from __future__ import annotations

import textwrap
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache, lru_cache, wraps
from math import floor
from typing import Any

from reportgen.documents import keys, png
from reportgen.domain import danish as d
from reportgen.resources import FONTS

FONT_FILES = tuple(f"Carlito-{style}.ttf" for style in ("Regular", "Bold", "Italic", "BoldItalic"))

CM = 1 / 2.54
WIDTH_IN = 16 * CM
HEIGHT_IN = 8 * CM
SMALL_HEIGHT_IN = 5.5 * CM  # a chart that sits in one section of Bilag 1
DPI = 200
FONT_SIZE = 9
LINE_HEIGHT_PT = FONT_SIZE * 1.2
LABEL_GAP_PT = 8  # between the plot area and the direct labels
LABEL_PAD_PT = 2  # around a direct label's text, where its connector starts …
CONNECTOR_GAP_PT = (1, 2)  # … and from there, how far short of the label and of the series' last point it stops
LABEL_WRAP = 26  # characters per line in direct labels and bar category labels
TICK_LENGTH_PT = 3
TICK_PAD_PT = 3.5  # matplotlib's default between a tick and its label

TEXT = "#222222"
GRID = "#DDDDDD"

# Okabe–Ito palette; TEXT_ON_WHITE darkens each colour just enough for 4.5:1 contrast in labels.
BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, BLACK = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
)
COMPARISON = "#9A9A9A"
TEXT_ON_WHITE = {
    BLUE: BLUE,
    VERMILLION: "#BF5400",
    GREEN: "#008460",
    PURPLE: "#A15F83",
    ORANGE: "#9C6C00",
    SKY: "#3A7A9E",
    BLACK: BLACK,
    COMPARISON: "#5E5E5E",
}
COMPARISON_MARKERS = ("^", "D", "v", "P", "X", "<", ">", "*")
COMPARISON_STYLES = ("-", (0, (1, 1.2)))
AREA_COLOURS = (BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY)
AREA_MARKERS = ("o", "s", "^", "D", "v", "P")
AREA_STYLES = ("-", (0, (4, 1.5)), (0, (4, 1.2, 1, 1.2)), (0, (1, 1.2)))

OUTCOMES = (  # legend label, fill colour, hatch, colour of counts inside the segment (>= 4.5:1 contrast)
    ("Stadfæstet", BLUE, "", "white"),
    ("Ændret/ophævet", VERMILLION, "////", "black"),
    ("Hjemvist", ORANGE, "....", "black"),
)
BAR_HEIGHT = 0.62
BAR_RIGHT_PT = 10  # right margin of the bar chart; total labels may extend into it
TOTAL_GAP_PT = 4  # between a bar's end and its total

ROLES = ("kommune", "sammenligning", "landet", "omraade")

# Scoped matplotlib settings for every chart (Any keys: the stubs type them as a Literal of every rc name).
RC: dict[Any, Any] = {
    "font.family": "Carlito",
    "font.size": FONT_SIZE,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": "#888888",
    "axes.linewidth": 0.6,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": FONT_SIZE,
    "ytick.labelsize": FONT_SIZE,
    "hatch.linewidth": 0.7,
    "text.hinting": "no_hinting",  # at 200 dpi hinting changes nothing visible, and it cost a fifth of a chart
    "svg.hashsalt": "reportgen",  # deterministic ids should SVG output ever be used
}


@dataclass(frozen=True)
class Series:
    """One line in a trend chart: a share in [0, 1] per year (None = no data)."""

    label: str
    values: tuple[Fraction | None, ...]
    role: str


# --- pure formatting helpers ---------------------------------------------


def _percent_tick(value: float, _pos: object = None) -> str:
    """A percent-axis tick: '20 %', '12,5 %'."""
    number = d.count(int(value)) if float(value).is_integer() else d.decimal(Fraction(value).limit_denominator(100))
    return f"{number}{d.NBSP}%"


def _count_label(count: float, _pos: object = None) -> str:
    """A count with the Danish thousands separator: '1.234'."""
    return d.count(int(count))


def _wrap(text: str) -> str:
    """Break a long label into lines of at most LABEL_WRAP characters."""
    return "\n".join(textwrap.wrap(text, LABEL_WRAP, break_on_hyphens=False)) or text


def _spread(targets: list[float], heights: list[float], low: float, high: float) -> list[float]:
    """Return label centres close to targets, non-overlapping and within [low, high]."""
    clusters: list[tuple[list[int], float]] = []  # (members bottom to top, bottom edge)
    for i in sorted(range(len(targets)), key=lambda k: targets[k]):
        members = [i]
        while True:
            bottom = _cluster_bottom(members, targets, heights, low, high)
            if not clusters or clusters[-1][1] + sum(heights[k] for k in clusters[-1][0]) <= bottom:
                break
            members = clusters.pop()[0] + members
        clusters.append((members, bottom))
    centres = [0.0] * len(targets)
    for members, bottom in clusters:
        for k in members:
            centres[k] = bottom + heights[k] / 2
            bottom += heights[k]
    return centres


def _cluster_bottom(members: list[int], targets: list[float], heights: list[float], low: float, high: float) -> float:
    """Bottom edge that centres a stacked cluster on its targets, clamped to [low, high]."""
    offsets, below = [], 0.0
    for k in members:
        offsets.append(targets[k] - below - heights[k] / 2)
        below += heights[k]
    return max(low, min(sum(offsets) / len(offsets), high - below))


def _y_max(series: tuple[Series, ...]) -> int:
    """Top of the percent axis: the next multiple of 10 above the largest value, at most 100."""
    values = [v for s in series for v in s.values if v is not None]
    return min(100, (floor(max(values) * 10) + 1) * 10) if values else 100


# --- matplotlib plumbing ---------------------------------------------------


@cache
def _setup() -> None:
    """Select the Agg backend and register the Carlito fonts (once)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    for name in FONT_FILES:
        font_manager.fontManager.addfont(str(FONTS / name))


_DRAWING = threading.Lock()  # matplotlib's rc_context and font cache are process-wide: one chart at a time
REMEMBERED = 16  # charts kept per chart function: a live preview recomposes the same case as its text changes


def remembered(chart: Callable[..., bytes]) -> Callable[..., bytes]:
    """A chart function that returns the PNG it drew recently for the same arguments (the bytes are
    deterministic, so they are the same), or inside `keys.drawing` the one an earlier version holds for the same
    key; `chart.__wrapped__` always draws."""
    drawn = lru_cache(maxsize=REMEMBERED)(chart)
    keyed = wraps(chart)(keys.keyed_chart(chart, drawn))
    keyed.cache_clear = drawn.cache_clear  # type: ignore[attr-defined]
    return keyed


def render_png(
    draw, height_in: float = HEIGHT_IN, finish=None, dpi: int = DPI, background: bytes | None = None
) -> bytes:
    """Create a figure, let ``draw(fig, renderer)`` fill it, and return deterministic PNG bytes.

    ``finish(image)`` may draw on the rendered RGB image before it is saved. With a `background` (see
    `render_background`, same height and dpi) the figure's artists are drawn onto a copy of it instead of onto white.
    """
    with _DRAWING:
        return _render_locked(draw, height_in, finish, dpi, background)


def render_background(draw, height_in: float = HEIGHT_IN, dpi: int = DPI) -> bytes:
    """Draw what many charts share once: a figure filled by ``draw(fig)``, rendered and kept as its RGBA pixels
    (compressed: a batch worker keeps one per area), for `render_png` to draw each chart's own artists on. The
    result is the bytes of drawing all artists in one figure when the shared artists come first in their z-order,
    or no pixel of theirs is under a chart's own artist that would be drawn before them."""
    with _DRAWING:
        _setup()
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        with matplotlib.rc_context(RC):
            fig = Figure(figsize=(WIDTH_IN, height_in), dpi=dpi, facecolor="white")
            canvas = FigureCanvasAgg(fig)
            draw(fig)
            canvas.draw()
        pixels = zlib.compress(canvas.buffer_rgba(), 1)
        fig.clear()
        return pixels


def warm_up() -> bytes:
    """A small chart, drawn to load matplotlib and the chart fonts once per process."""
    return trend_chart((2023, 2024), (Series("Opvarmning", (Fraction(1, 2), None), "kommune"),))


def _render_locked(draw, height_in: float, finish, dpi: int, background: bytes | None = None) -> bytes:
    _setup()
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(WIDTH_IN, height_in), dpi=dpi, facecolor="white")
        canvas = FigureCanvasAgg(fig)
        renderer = canvas.get_renderer()
        draw(fig, renderer)
        if background is None:
            canvas.draw()
        else:
            fig.patch.set_visible(False)  # the background has the white page already
            memoryview(renderer.buffer_rgba()).cast("B")[:] = zlib.decompress(background)
            fig.draw(renderer)
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")
    fig.clear()  # break artist reference cycles at once so batch runs stay flat in memory
    if finish is not None:
        finish(image)
    # Opaque RGB without metadata: the same bytes every time, and the PDF writer embeds its rows as they are.
    return png.encode(image, dpi)


def _text_width_in(renderer, text: str, bold: bool = False) -> float:
    """Width in inches of (possibly multi-line) text at the chart font size."""
    from matplotlib.font_manager import FontProperties

    prop = FontProperties(family="Carlito", size=FONT_SIZE, weight="bold" if bold else "normal")
    widths = [renderer.get_text_width_height_descent(line, prop, ismath=False)[0] for line in text.split("\n")]
    return max(widths) / DPI


def _clean_axes(ax) -> None:
    """Remove top/right spines; gridlines and ticks come from _ticks."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)


def _ticks(ax, axis: str, locations, labels: list[str], grid: bool, length: float = TICK_LENGTH_PT) -> None:
    """Gridlines, tick marks and tick labels of one axis, drawn as matplotlib's Axis draws them (same artists,
    transforms and order of layers) but as a few artists instead of five per tick, which cost a third of a chart.

    `locations` are in data coordinates; those outside the view are left out, as matplotlib does.
    """
    from matplotlib import lines
    from matplotlib.markers import TICKDOWN, TICKLEFT, MarkerStyle
    from matplotlib.text import Text
    from matplotlib.ticker import NullLocator

    horizontal = axis == "x"
    getattr(ax, f"{axis}axis").set_major_locator(NullLocator())
    low, high = sorted(ax.get_xlim() if horizontal else ax.get_ylim())
    span = high - low
    shown = [
        (loc, label)
        for loc, label in zip(locations, labels, strict=True)
        if low - span * 1e-10 <= loc <= high + span * 1e-10
    ]
    pad = TICK_PAD_PT + length
    for loc, _ in shown if grid else ():
        xs, ys = ([loc, loc], [0, 1]) if horizontal else ([0, 1], [loc, loc])
        line = lines.Line2D(xs, ys, color=GRID, linewidth=0.6, zorder=ax.xaxis.get_zorder())
        line.set_transform(ax.get_xaxis_transform("grid") if horizontal else ax.get_yaxis_transform("grid"))
        line.set_clip_path(ax.patch)
        ax.add_artist(line)
    if length and shown:
        locs = [loc for loc, _ in shown]
        marks = lines.Line2D(
            locs if horizontal else [0] * len(locs),
            [0] * len(locs) if horizontal else locs,
            color=TEXT,
            linestyle="none",
            marker=MarkerStyle(TICKDOWN if horizontal else TICKLEFT),
            markeredgecolor=TEXT,
            markersize=length,
            markeredgewidth=0.6,
            zorder=ax.xaxis.get_zorder(),
            clip_on=False,
        )
        marks.set_transform(ax.get_xaxis_transform("tick1") if horizontal else ax.get_yaxis_transform("tick1"))
        ax.add_artist(marks)
    transform, va, ha = ax.get_xaxis_text1_transform(pad) if horizontal else ax.get_yaxis_text1_transform(pad)
    for loc, label in shown:
        text = Text(loc if horizontal else 0, 0 if horizontal else loc, label, fontsize=FONT_SIZE, color=TEXT)
        text.set(verticalalignment=va, horizontalalignment=ha, transform=transform, clip_on=False)
        ax.figure.add_artist(text)


# --- trend chart -----------------------------------------------------------


def _line_style(series: Series, index_in_role: int) -> dict:
    """Colour, width, dash, marker and label weight for a series by role."""
    if series.role == "kommune":
        return dict(color=BLUE, linewidth=2.6, linestyle="-", marker="o", markersize=6, zorder=5, bold=True)
    if series.role == "landet":
        return dict(color=BLACK, linewidth=1.4, linestyle=(0, (5, 2)), marker="s", markersize=4.5, zorder=4, bold=False)
    if series.role == "sammenligning":
        return dict(
            color=COMPARISON,
            linewidth=1.0,
            linestyle=COMPARISON_STYLES[index_in_role % len(COMPARISON_STYLES)],
            marker=COMPARISON_MARKERS[index_in_role % len(COMPARISON_MARKERS)],
            markersize=4.5,
            zorder=3,
            bold=False,
        )
    return dict(
        color=AREA_COLOURS[index_in_role % len(AREA_COLOURS)],
        linewidth=1.8,
        linestyle=AREA_STYLES[index_in_role % len(AREA_STYLES)],
        marker=AREA_MARKERS[index_in_role % len(AREA_MARKERS)],
        markersize=5,
        zorder=4,
        bold=False,
    )


@dataclass(frozen=True)
class _EndLabel:
    """A direct label at the right of the plot for a series' last known value."""

    index: int  # position in years of that value
    value: Fraction
    text: str
    style: dict


def _end_label(years: tuple[int, ...], series: Series, style: dict) -> _EndLabel | None:
    """The direct label for a series, or None if it has no values at all."""
    known = [i for i, v in enumerate(series.values) if v is not None]
    if not known:
        return None
    last = known[-1]
    value = series.values[last]
    assert value is not None
    suffix = "" if last == len(years) - 1 else f" ({years[last]})"
    text = _wrap(f"{series.label} {d.percent(value)}{suffix}")
    return _EndLabel(last, value, text, style)


def _check_series(years: tuple[int, ...], series: tuple[Series, ...]) -> None:
    """Reject malformed input early with a clear message."""
    if not years or list(years) != sorted(set(years)):
        raise ValueError(f"years must be non-empty, unique and ascending: {years}")
    for s in series:
        if s.role not in ROLES:
            raise ValueError(f"unknown role {s.role!r} for {s.label!r}")
        if len(s.values) != len(years):
            raise ValueError(f"{s.label!r} has {len(s.values)} values for {len(years)} years")
        if any(v is not None and not 0 <= v <= 1 for v in s.values):
            raise ValueError(f"{s.label!r} has a share outside [0, 1]")


@remembered
def trend_chart(
    years: tuple[int, ...], series: tuple[Series, ...], title: str | None = None, height_in: float = HEIGHT_IN
) -> bytes:
    """Line chart of rates over the years (oldest → newest left to right)."""
    _check_series(years, series)
    return render_png(lambda fig, renderer: _draw_trend(fig, renderer, years, series, title, height_in), height_in)


def _draw_trend(fig, renderer, years, series, title, height_in: float = HEIGHT_IN) -> None:
    """Draw the trend chart onto fig: axes sized to the direct labels, lines, then labels."""
    counters = {role: 0 for role in ROLES}
    styles = []
    for s in series:
        styles.append(_line_style(s, counters[s.role]))
        counters[s.role] += 1
    labels = [lab for s, st in zip(series, styles, strict=True) if (lab := _end_label(years, s, st))]
    label_width = max((_text_width_in(renderer, lab.text, lab.style["bold"]) for lab in labels), default=0)
    right_in = min(label_width + LABEL_GAP_PT / 72 + 0.08, WIDTH_IN * 0.4)
    ax = _trend_axes(fig, years, _y_max(series), right_in, title, height_in)
    for s, st in zip(series, styles, strict=True):
        ax.plot(
            years,
            [float(v) * 100 if v is not None else float("nan") for v in s.values],
            color=st["color"],
            linewidth=st["linewidth"],
            linestyle=st["linestyle"],
            marker=st["marker"],
            markersize=st["markersize"],
            markerfacecolor=st["color"],
            markeredgecolor="white",
            markeredgewidth=0.6,
            zorder=st["zorder"],
            clip_on=False,
        )
    _draw_end_labels(fig, renderer, ax, years, labels)


def _trend_axes(fig, years, y_max: int, right_in: float, title: str | None, height_in: float = HEIGHT_IN):
    """Axes with fixed margins, plain-year x ticks and a Danish percent y axis."""
    from matplotlib.ticker import MultipleLocator

    left_in, bottom_in, top_in = 0.5, 0.3, 0.12 + (0.3 if title else 0)
    ax = fig.add_axes(
        (
            left_in / WIDTH_IN,
            bottom_in / height_in,
            1 - (left_in + right_in) / WIDTH_IN,
            1 - (bottom_in + top_in) / height_in,
        )
    )
    _clean_axes(ax)
    pad = max(0.2, (years[-1] - years[0]) * 0.04)
    ax.set_xlim(years[0] - pad, years[-1] + pad)
    ax.set_ylim(0, y_max)
    percents = MultipleLocator(20 if y_max in (80, 100) else 10).tick_values(0, y_max)
    _ticks(ax, "x", years, [str(year) for year in years], grid=False)
    _ticks(ax, "y", percents, [_percent_tick(p) for p in percents], grid=True)
    if title:
        ax.set_title(title, loc="left", fontsize=FONT_SIZE + 1, fontweight="bold")
    return ax


def _draw_end_labels(fig, renderer, ax, years, labels: list[_EndLabel]) -> None:
    """Write the direct labels right of the plot, nudged apart, with a connector when moved off their line."""
    from matplotlib.transforms import ScaledTranslation

    x_right, (_, y_max) = ax.get_xlim()[1], ax.get_ylim()
    points_to_data = y_max / (ax.get_position().height * fig.get_figheight() * 72)
    heights = [(lab.text.count("\n") + 1) * LINE_HEIGHT_PT * points_to_data for lab in labels]
    targets = [float(lab.value) * 100 for lab in labels]
    offset = ax.transData + ScaledTranslation(LABEL_GAP_PT / 72, 0, fig.dpi_scale_trans)
    for lab, target, centre in zip(labels, targets, _spread(targets, heights, 0, y_max), strict=True):
        text = ax.text(
            x_right,
            centre,
            lab.text,
            transform=offset,
            color=TEXT_ON_WHITE[lab.style["color"]],
            fontweight="bold" if lab.style["bold"] else "normal",
            va="center",
            ha="left",
            linespacing=1.0,
            clip_on=False,
        )
        if lab.index == len(years) - 1 and abs(centre - target) > 2 * points_to_data:
            box = text.get_window_extent(renderer)
            _connector(ax, box, ax.transData.transform((years[lab.index], target)), lab.style["color"])


def _connector(ax, box, point, colour: str) -> None:
    """A thin straight line from the middle of a label's left edge to its series' last point, as an annotation's
    arrow would draw it (leaving the label's box padded by 2 pt, then 1 pt short of it and 2 pt short of the
    point), but as a plain line in the figure's pixels: the arrow's search along its path for the box's edge costs
    a third of a chart."""
    from matplotlib import lines
    from matplotlib.transforms import IdentityTransform

    pt = ax.figure.dpi / 72
    (x0, y0), (x1, y1) = (box.x0, (box.y0 + box.y1) / 2), point
    dx, dy = x1 - x0, y1 - y0
    length = (dx**2 + dy**2) ** 0.5
    leaves = min(LABEL_PAD_PT * pt / abs(dx) if dx else 1, (box.height / 2 + LABEL_PAD_PT * pt) / abs(dy) if dy else 1)
    start, end = leaves + CONNECTOR_GAP_PT[0] * pt / length, 1 - CONNECTOR_GAP_PT[1] * pt / length
    if start >= end:
        return  # the label sits on its point
    line = lines.Line2D(
        [x0 + dx * start, x0 + dx * end],
        [y0 + dy * start, y0 + dy * end],
        color=colour,
        linewidth=0.6,
        solid_capstyle="butt",
        zorder=3,
        clip_on=False,
    )
    line.set_transform(IdentityTransform())
    ax.add_artist(line)  # among the plot's lines, in the order of layers


# --- stacked outcome bars --------------------------------------------------


def _check_counts(labels: tuple[str, ...], *columns: tuple[int, ...]) -> None:
    """Reject an empty chart, mismatched lengths and negative counts."""
    if not labels:
        raise ValueError("outcome_bars needs at least one area")
    if any(len(column) != len(labels) for column in columns):
        raise ValueError("labels and all count columns must have the same length")
    if any(count < 0 for column in columns for count in column):
        raise ValueError("counts must be non-negative")


@remembered
def outcome_bars(
    labels: tuple[str, ...],
    stadfaestet: tuple[int, ...],
    aendret_ophaevet: tuple[int, ...],
    hjemvist: tuple[int, ...],
) -> bytes:
    """Horizontal stacked bars of counts per outcome per area, with segment counts and totals."""
    _check_counts(labels, stadfaestet, aendret_ophaevet, hjemvist)
    height_in = max(HEIGHT_IN, 0.8 + 0.32 * len(labels))
    columns = (stadfaestet, aendret_ophaevet, hjemvist)
    return render_png(lambda fig, renderer: _draw_bars(fig, renderer, labels, columns, height_in), height_in)


def _total_label(counts: tuple[int, ...], breakdown: bool) -> str:
    """The text after a bar: its total, optionally followed by the counts in legend order."""
    total = _count_label(sum(counts))
    return f"{total} ({' + '.join(_count_label(c) for c in counts)})" if breakdown else total


def _bar_layout(renderer, rows: list[tuple[int, ...]], width_pt: float) -> tuple[float, list[bool]]:
    """The x-axis limit and, per row, whether a segment is too narrow for its count (then it gets a breakdown)."""
    count_width = {c: _text_width_in(renderer, _count_label(c), bold=True) * 72 + 3 for row in rows for c in row}
    largest = max((sum(row) for row in rows), default=0) or 1
    cramped = [False] * len(rows)
    while True:
        x_max = largest * 1.08
        for row, breakdown in zip(rows, cramped, strict=True):
            label_pt = _text_width_in(renderer, _total_label(row, breakdown), bold=True) * 72
            room = width_pt + BAR_RIGHT_PT - TOTAL_GAP_PT - label_pt
            x_max = max(x_max, sum(row) * width_pt / max(room, width_pt / 4))
        updated = [any(c and c / x_max * width_pt < count_width[c] for c in row) for row in rows]
        if updated == cramped:
            return x_max, cramped
        cramped = [a or b for a, b in zip(cramped, updated, strict=True)]


def _draw_bars(fig, renderer, labels, columns, height_in) -> None:
    """Draw the stacked bars onto fig: axes sized to the category labels, segments, totals, legend."""
    wrapped = [_wrap(label) for label in labels]
    left_in = max(_text_width_in(renderer, w) for w in wrapped) + 0.15
    width_pt = (WIDTH_IN - left_in) * 72 - BAR_RIGHT_PT
    rows = list(zip(*columns, strict=True))
    x_max, cramped = _bar_layout(renderer, rows, width_pt)
    ax = _bar_axes(fig, wrapped, left_in, width_pt, height_in, x_max)
    left = [0] * len(labels)
    for column, (_name, colour, hatch, text_colour) in zip(columns, OUTCOMES, strict=True):
        ax.barh(
            range(len(labels)),
            column,
            left=left,
            height=BAR_HEIGHT,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            linewidth=0.8,
        )
        for row, count in enumerate(column):
            if count and not cramped[row]:
                ax.text(
                    left[row] + count / 2,
                    row,
                    _count_label(count),
                    ha="center",
                    va="center",
                    color=text_colour,
                    fontweight="bold",
                    bbox=dict(boxstyle="square,pad=0.12", facecolor=colour, edgecolor="none"),
                )
        left = [a + b for a, b in zip(left, column, strict=True)]
    for row, counts in enumerate(rows):
        ax.annotate(
            _total_label(counts, cramped[row]),
            xy=(sum(counts), row),
            xytext=(TOTAL_GAP_PT, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontweight="bold",
            annotation_clip=False,
        )
    _bar_legend(fig, left_in)


def _bar_axes(fig, wrapped_labels, left_in: float, width_pt: float, height_in: float, x_max: float):
    """Axes for horizontal bars: categories top to bottom, integer count ticks with Danish separators."""
    from matplotlib.ticker import MaxNLocator

    top_in, bottom_in = 0.35, 0.3
    ax = fig.add_axes(
        (
            left_in / WIDTH_IN,
            bottom_in / height_in,
            width_pt / 72 / WIDTH_IN,
            1 - (bottom_in + top_in) / height_in,
        )
    )
    _clean_axes(ax)
    ax.set_xlim(0, x_max)
    ax.set_ylim(len(wrapped_labels) - 0.5, -0.5)
    ax.spines["left"].set_visible(False)
    counts = MaxNLocator(integer=True).tick_values(0, x_max)
    _ticks(ax, "x", counts, [_count_label(c) for c in counts], grid=True)
    _ticks(ax, "y", range(len(wrapped_labels)), wrapped_labels, grid=False, length=0)
    return ax


def _bar_legend(fig, left_in: float) -> None:
    """One-row legend of the three outcomes above the plot, aligned with its left edge."""
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, hatch=h, edgecolor="white", label=n) for n, c, h, _ in OUTCOMES]
    fig.legend(
        handles=handles,
        loc="upper left",
        ncols=3,
        frameon=False,
        handlelength=2.2,
        handleheight=1.1,
        bbox_to_anchor=(left_in / WIDTH_IN, 1),
        borderaxespad=0.2,
        columnspacing=1.5,
    )
