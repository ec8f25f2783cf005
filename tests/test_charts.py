"""Charts: PNG shape, determinism, lazy import, Danish formatting, label layout and edge cases."""

import os
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reportgen.documents import charts
from reportgen.documents.charts import Series, outcome_bars, trend_chart
from reportgen.domain import danish as d

ROOT = Path(__file__).resolve().parents[1]
YEARS = (2021, 2022, 2023, 2024)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXPECTED_WIDTH_PX = 16 / 2.54 * 200


def pct(*rates):
    """Shares from whole percentages, None kept."""
    return tuple(None if r is None else Fraction(r, 100) for r in rates)


EXAMPLE = (
    Series("Allerød", pct(42, 55, 44, 63), "kommune"),
    Series("Hillerød", pct(34, 44, 37, 53), "sammenligning"),
    Series("Hørsholm", pct(36, 41, 35, 56), "sammenligning"),
    Series("Furesø", pct(25, 32, 33, 44), "sammenligning"),
    Series("Rudersdal", pct(27, 33, 43, 46), "sammenligning"),
    Series("Hele landet", pct(30, 35, 38, 45), "landet"),
)
CLOSE = (
    EXAMPLE[:1]
    + tuple(  # five municipalities and Hele landet ending within two points
        Series(s.label, s.values[:3] + pct(final), s.role)
        for s, final in zip(EXAMPLE[1:], (44, 46, 45, 44, 45), strict=True)
    )
)
LONG = (
    Series("Borgerservice – specialiseret område", pct(30, 31, 40, 60), "omraade"),
    Series("Øvrige", pct(50, 55, 52, 58), "omraade"),
)
EXAMPLE_BARS = (("Børnehandicap", "Voksenhandicap", "Øvrige"), (4, 3, 17), (2, 1, 5), (6, 5, 22))


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def png_chunk_types(png: bytes) -> list[bytes]:
    """The chunk types of a PNG, in order."""
    types, i = [], 8
    while i < len(png):
        length = int.from_bytes(png[i : i + 4], "big")
        types.append(png[i + 4 : i + 8])
        i += 12 + length
    return types


def run_python(code: str, **env: str) -> str:
    """Run code in a fresh interpreter from the project root and return its stdout."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


# --- formatting ----------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "label"),
    [
        (Fraction(5, 8), "63\u00a0%"),  # 62.5 -> 63, where round() would give 62
        (Fraction(1, 8), "13\u00a0%"),  # 12.5 -> 13, where round() would give 12
        (Fraction(1, 200), "1\u00a0%"),
        (Fraction(249, 1000), "25\u00a0%"),
        (Fraction(0), "0\u00a0%"),
        (Fraction(1), "100\u00a0%"),
    ],
)
def test_chart_labels_round_half_up(share, label):
    assert d.percent(share) == label


@given(st.fractions(min_value=0, max_value=1))
def test_chart_labels_match_decimal_half_up(share):
    expected = (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(Decimal(1), ROUND_HALF_UP)
    assert d.percent(share) == f"{expected}\u00a0%"


def test_percent_ticks_and_counts_are_danish():
    assert charts._percent_tick(20.0) == "20\u00a0%"
    assert charts._percent_tick(12.5) == "12,5\u00a0%"
    assert charts._count_label(1234567) == "1.234.567"
    assert charts._total_label((3, 1, 0), breakdown=True) == "4 (3 + 1 + 0)"


def test_y_axis_top_is_next_ten_above_the_data():
    assert charts._y_max(EXAMPLE) == 70
    assert charts._y_max((Series("X", pct(70), "kommune"),)) == 80
    assert charts._y_max((Series("X", pct(100), "kommune"),)) == 100
    assert charts._y_max((Series("X", (None,), "kommune"),)) == 100


# --- label layout ------------------------------------------------------------


def assert_separated(targets, heights, centres, low, high):
    """Labels are stacked without overlap and inside [low, high]."""
    order = sorted(range(len(centres)), key=lambda i: centres[i])
    for a, b in pairwise(order):
        assert centres[b] - centres[a] >= (heights[a] + heights[b]) / 2 - 1e-9
    for c, h in zip(centres, heights, strict=True):
        assert low - 1e-9 <= c - h / 2 and c + h / 2 <= high + 1e-9
    assert sorted(range(len(targets)), key=lambda i: (targets[i], i)) == order


def test_close_final_values_are_nudged_apart():
    targets = [63.0, 45.0, 44.0, 45.0, 46.0, 44.0]  # five municipalities and Hele landet, close at the end
    heights = [1.8] * len(targets)
    centres = charts._spread(targets, heights, 0, 70)
    assert_separated(targets, heights, centres, 0, 70)
    assert centres[0] == 63.0  # an isolated label stays on its line


@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0.5, 6)), min_size=1, max_size=12))
def test_spread_never_overlaps(labels):
    targets, heights = [t for t, _ in labels], [h for _, h in labels]
    centres = charts._spread(targets, heights, 0, 100)
    assert_separated(targets, heights, centres, 0, 100)


# --- rendering ---------------------------------------------------------------


def test_trend_chart_png_is_16_by_8_cm_at_200_dpi():
    width, height = png_size(trend_chart(YEARS, EXAMPLE))
    assert abs(width - EXPECTED_WIDTH_PX) <= 1
    assert abs(height - EXPECTED_WIDTH_PX / 2) <= 1


def test_outcome_bars_png_is_16_cm_wide():
    width, height = png_size(outcome_bars(*EXAMPLE_BARS))
    assert abs(width - EXPECTED_WIDTH_PX) <= 1
    assert abs(height - EXPECTED_WIDTH_PX / 2) <= 1


def test_png_has_no_text_metadata():
    png = trend_chart(YEARS, EXAMPLE)
    assert png_chunk_types(png) == [b"IHDR", b"pHYs"] + [b"IDAT"] * (len(png_chunk_types(png)) - 3) + [b"IEND"]


RENDER_BOTH = """
import hashlib
from fractions import Fraction
from reportgen.documents.charts import Series, trend_chart, outcome_bars
series = (Series("Allerød", (Fraction(21, 50), None, Fraction(5, 8)), "kommune"),
          Series("Hele landet", (Fraction(3, 10), Fraction(7, 20), Fraction(9, 20)), "landet"))
png = trend_chart((2022, 2023, 2024), series) + outcome_bars(("Børnehandicap", "Øvrige"), (4, 17), (2, 5), (6, 22))
print(hashlib.sha256(png).hexdigest())
"""


def test_png_bytes_identical_across_processes():
    first = run_python(RENDER_BOTH, PYTHONHASHSEED="1")
    second = run_python(RENDER_BOTH, PYTHONHASHSEED="2")
    assert first == second


def test_png_bytes_identical_within_a_process():
    assert trend_chart.__wrapped__(YEARS, EXAMPLE) == trend_chart.__wrapped__(YEARS, EXAMPLE)
    assert outcome_bars.__wrapped__(*EXAMPLE_BARS) == outcome_bars.__wrapped__(*EXAMPLE_BARS)


def test_remembered_chart_is_the_chart_drawn_anew():
    assert trend_chart(YEARS, EXAMPLE) == trend_chart.__wrapped__(YEARS, EXAMPLE)
    assert trend_chart(YEARS, EXAMPLE) is trend_chart(YEARS, EXAMPLE)


def test_charts_drawn_in_threads_at_once_are_the_same_bytes():
    """matplotlib's settings are process-wide; the web app draws from several threads, one chart at a time."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(lambda _: trend_chart.__wrapped__(YEARS, EXAMPLE), range(4)))
    assert len(set(pngs)) == 1


def test_import_does_not_load_matplotlib():
    assert run_python("import sys, reportgen.documents.charts; print('matplotlib' in sys.modules)") == "False"


def test_rendering_does_not_use_pyplot():
    code = (
        "import sys; from reportgen.documents.charts import outcome_bars; outcome_bars(('A',), (1,), (2,), (3,)); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    assert run_python(code) == "False"


@pytest.mark.parametrize(
    ("years", "series"),
    [
        pytest.param(YEARS, EXAMPLE + (Series("Gribskov", (None,) * 4, "sammenligning"),), id="all-none-series"),
        pytest.param(YEARS, (Series("Allerød", (None,) * 4, "kommune"),), id="only-empty-series"),
        pytest.param(
            (2024,),
            (Series("Allerød", (Fraction(5, 8),), "kommune"), Series("Hele landet", pct(45), "landet")),
            id="single-year",
        ),
        pytest.param(YEARS, (Series("Allerød", pct(42, None, 44, None), "kommune"),), id="gaps-and-missing-last"),
        pytest.param(YEARS, CLOSE, id="close-final-values"),
        pytest.param(YEARS, LONG, id="long-labels"),
        pytest.param(YEARS, (Series("Allerød", pct(0, 100, 0, 100), "kommune"),), id="extremes"),
    ],
)
def test_trend_chart_edge_cases_render(years, series):
    assert png_size(trend_chart(years, series, title="Omgørelsesprocent"))[0] > 0


@pytest.mark.parametrize(
    "bars",
    [
        pytest.param((("Børnehandicap", "Øvrige"), (0, 0), (0, 0), (0, 0)), id="all-zero"),
        pytest.param(
            (("Borgerservice – specialiseret område", "Øvrige"), (1, 1700), (0, 500), (2, 2200)),
            id="long-label-and-narrow-segments",
        ),
        pytest.param((tuple(f"Område {i}" for i in range(15)), (1,) * 15, (2,) * 15, (3,) * 15), id="many-areas"),
    ],
)
def test_outcome_bars_edge_cases_render(bars):
    width, height = png_size(outcome_bars(*bars))
    assert abs(width - EXPECTED_WIDTH_PX) <= 1
    assert height >= EXPECTED_WIDTH_PX / 2 - 1


def direct_label_boxes(years, series):
    """Draw a trend chart without saving it and return the pixel boxes of its direct labels and the figure."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    charts._setup()
    with matplotlib.rc_context(charts.RC):
        fig = Figure(figsize=(charts.WIDTH_IN, charts.HEIGHT_IN), dpi=charts.DPI)
        renderer = FigureCanvasAgg(fig).get_renderer()
        charts._draw_trend(fig, renderer, years, series, None)
        fig.draw(renderer)  # places the annotations
        return [Text.get_window_extent(t, renderer) for t in fig.axes[0].texts], fig.bbox


@pytest.mark.parametrize("series", [EXAMPLE, CLOSE, LONG], ids=["example", "close", "long"])
def test_direct_labels_do_not_overlap_and_fit_the_figure(series):
    boxes, figure_box = direct_label_boxes(YEARS, series)
    assert len(boxes) == len(series)
    for i, a in enumerate(boxes):
        assert figure_box.x0 <= a.x0 and a.x1 <= figure_box.x1
        assert figure_box.y0 <= a.y0 and a.y1 <= figure_box.y1
        for b in boxes[i + 1 :]:
            assert min(a.y1, b.y1) - max(a.y0, b.y0) <= 0.5, (a, b)  # at most half a pixel of vertical overlap


def test_invalid_input_is_rejected():
    with pytest.raises(ValueError):
        trend_chart(YEARS, (Series("Allerød", pct(1, 2), "kommune"),))
    with pytest.raises(ValueError):
        trend_chart(YEARS, (Series("Allerød", pct(1, 2, 3, 4), "borgmester"),))
    with pytest.raises(ValueError):
        trend_chart((2024, 2023), ())
    with pytest.raises(ValueError):
        outcome_bars(("A", "B"), (1,), (1, 2), (1, 2))
    with pytest.raises(ValueError):
        outcome_bars(("A",), (-1,), (1,), (1,))
    with pytest.raises(ValueError):
        outcome_bars((), (), (), ())


# --- accessibility -------------------------------------------------------------


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #RRGGBB colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_label_colours_have_enough_contrast():
    for text in charts.TEXT_ON_WHITE.values():
        assert contrast(text, "#FFFFFF") >= 4.5, text
    for _name, fill, _hatch, text in charts.OUTCOMES:
        assert contrast({"white": "#FFFFFF", "black": "#000000"}[text], fill) >= 4.5, fill


def test_outcomes_differ_in_colour_and_hatch():
    assert [name for name, *_ in charts.OUTCOMES] == ["Stadfæstet", "Ændret/ophævet", "Hjemvist"]
    assert len({fill for _, fill, _, _ in charts.OUTCOMES}) == 3
    assert len({hatch for _, _, hatch, _ in charts.OUTCOMES}) == 3
