"""Tests for the PNG writer of the charts and maps: Pillow reads back the same pixels, resolution and nothing else."""

from __future__ import annotations

from io import BytesIO

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from reportgen.documents import png


@given(
    st.integers(1, 40),
    st.integers(1, 40),
    st.sampled_from([3, 4]),
    st.integers(0, 2**32 - 1),
)
def test_pillow_reads_back_the_rgb_pixels(width, height, channels, seed):
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, channels), dtype=np.uint8)
    image = Image.open(BytesIO(png.encode(pixels, 200)))
    assert image.mode == "RGB" and image.size == (width, height)
    assert image.tobytes() == pixels[:, :, :3].tobytes()


@pytest.mark.parametrize("dpi", [170, 200])
def test_the_resolution_is_stored_and_nothing_else(dpi):
    data = png.encode(np.full((3, 5, 3), 255, np.uint8), dpi)
    image = Image.open(BytesIO(data))
    assert round(image.info["dpi"][0]) == dpi and set(image.info) == {"dpi"}
    assert data == png.encode(np.full((3, 5, 3), 255, np.uint8), dpi)
