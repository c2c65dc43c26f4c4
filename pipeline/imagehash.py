"""Perceptual image hash (pHash): the same picture re-encoded, resized, lightly cropped or made
brighter by forwarding hashes within a few bits; different pictures are far apart.

grey → 32×32 (Lanczos) → 2-D DCT (numpy matrix products) → top-left 8×8 low frequencies →
each of the 63 non-DC coefficients above their median is a 1 bit. The DC term (overall
brightness) is left out of the median and its bit is always 0, so the hash is a non-negative
signed 64-bit int (fits a BigIntegerField) with 63 informative bits.

Limits: pictures that share a layout and differ only in small details (two quote cards on one
template with different text) can hash close; flat single-colour images carry no information.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

NEAR_IMAGE = 10  # Hamming distance (of 64 bits) at or under which two images are the same picture
_SIZE = 32
_LOW = 8


@cache
def _dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II matrix: D @ x is the DCT of a column x."""
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    m: np.ndarray = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0, :] = np.sqrt(1 / n)
    return m


def _open(image: bytes | Path | Image.Image) -> Image.Image:
    if isinstance(image, Image.Image):
        img = image
    else:
        img = Image.open(io.BytesIO(image) if isinstance(image, bytes) else image)
        # JPEG can decode straight to a smaller grey image (DCT scaling): ~5× faster on photos.
        img.draft("L", (_SIZE * 4, _SIZE * 4))
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        # Transparent pixels carry arbitrary colour; what people see is them over white.
        rgba = img.convert("RGBA")
        img = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    return img


def phash(image: bytes | Path | Image.Image) -> int:
    """Signed 64-bit pHash of encoded image bytes, a file, or a Pillow image."""
    grey = _open(image).convert("L").resize((_SIZE, _SIZE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    d = _dct_matrix(_SIZE)
    low = (d @ pixels @ d.T)[:_LOW, :_LOW].ravel()
    bits = low > np.median(low[1:])
    bits[0] = False
    return int.from_bytes(np.packbits(bits).tobytes(), "big", signed=True)


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two 64-bit hashes (signed or not)."""
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()
