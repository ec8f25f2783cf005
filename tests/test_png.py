"""Tests for the PNG writer of the charts and maps: Pillow reads back the same pixels, resolution and nothing else."""

from __future__ import annotations

from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from reportgen.documents import png


@given(st.integers(1, 40), st.integers(1, 40), st.randoms(use_true_random=False))
def test_pillow_reads_back_the_rgb_pixels(width, height, random):
    pixels = Image.frombytes("RGB", (width, height), random.randbytes(3 * width * height))
    image = Image.open(BytesIO(png.encode(pixels, 200)))
    assert image.mode == "RGB" and image.size == (width, height)
    assert image.tobytes() == pixels.tobytes()


@pytest.mark.parametrize("dpi", [170, 200])
def test_the_resolution_is_stored_and_nothing_else(dpi):
    data = png.encode(Image.new("RGB", (5, 3), "white"), dpi)
    image = Image.open(BytesIO(data))
    assert round(image.info["dpi"][0]) == dpi and set(image.info) == {"dpi"}
    assert data == png.encode(Image.new("RGB", (5, 3), "white"), dpi)


def test_only_opaque_rgb_is_written():
    with pytest.raises(ValueError, match="RGBA"):
        png.encode(Image.new("RGBA", (2, 2)), 200)
