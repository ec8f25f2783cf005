"""An opaque RGB image as a PNG file, written directly: the same bytes for the same pixels, and cheap to write;
and the chunks of a PNG file, read.

Pillow tries five PNG filters on every row and keeps the best, which costs more than the compression itself;
on charts and maps (flat colours, long runs) unfiltered rows compress as small or smaller. The file holds
only what a reader needs: the header, the resolution and the pixels – no text, time or colour profile.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from typing import Any

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COMPRESS_LEVEL = 1  # zlib's fastest level; level 6 makes the charts only a few per cent smaller
INCH_M = 0.0254


def encode(image: Any, dpi: int) -> bytes:
    """A Pillow RGB image as a PNG at dpi."""
    width, height = image.size
    if image.mode != "RGB":
        raise ValueError(f"an opaque RGB image is expected, not {image.mode}")
    pixels, stride = memoryview(image.tobytes()), 3 * width
    rows = zlib.compressobj(COMPRESS_LEVEL)
    compressed = []
    for y in range(height):  # each row starts with its filter type: 0, none
        compressed += [rows.compress(b"\0"), rows.compress(pixels[y * stride : (y + 1) * stride])]
    compressed.append(rows.flush())
    per_metre = int(dpi / INCH_M + 0.5)
    return b"".join(
        (
            SIGNATURE,
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),  # 8-bit RGB, not interlaced
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", b"".join(compressed)),
            _chunk(b"IEND", b""),
        )
    )


def chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (type, data) of each chunk of a PNG file."""
    offset = len(SIGNATURE)
    while offset + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, offset)
        yield data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        offset += 12 + length


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data and the CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(kind)))
