"""Perceptual image hash (pHash): the same picture re-encoded, resized or lightly cropped by
forwarding hashes within a few bits; different pictures are far apart."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

NEAR_IMAGE = 10  # Hamming distance (of 64 bits) under which two images are the same picture
_SIZE = 32


@cache
def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    m = np.cos(np.pi * (2 * x + 1) * k / (2 * n)) * np.sqrt(2 / n)
    m[0, :] = np.sqrt(1 / n)
    matrix: np.ndarray = m
    return matrix


def phash(image: bytes | Path | Image.Image) -> int:
    """Signed 64-bit pHash: grey 32×32, 2-D DCT, top-left 8×8 without DC, above the median."""
    img: Image.Image
    if isinstance(image, bytes):
        img = Image.open(io.BytesIO(image))
    elif isinstance(image, Path):
        img = Image.open(image)
    else:
        img = image
    img = ImageOps.exif_transpose(img)
    grey = img.convert("L").resize((_SIZE, _SIZE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.float64)
    d = _dct_matrix(_SIZE)
    coeffs = (d @ pixels @ d.T)[:8, :8].flatten()
    low = coeffs[1:]
    bits = np.concatenate([[0], (low > np.median(low)).astype(np.uint8)])
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    """Number of differing bits of two 64-bit hashes."""
    return ((a ^ b) & 0xFFFFFFFFFFFFFFFF).bit_count()
