"""Text inside images (issue #17): Hindi and English OCR with Debian's tesseract.

Forwards are often quote cards, fake notices and screenshots of "news", saved by WhatsApp as
JPEG (quality ~70, at most 1600 px on the long side). `recognise` bounds the image before it is
decoded (bytes, then pixels from the header, so a decompression bomb is refused unread), cleans
it up for tesseract (grayscale, upscale of small images, Otsu threshold, light text on a dark
card turned dark-on-light) and returns the text, its mean word confidence and its language.

Plain Python (Pillow, numpy, pytesseract): no Django, like the rest of `pipeline`.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageOps

from pipeline import langid, text

LANGS = "hin+eng"
# Scripts below this many pixels on the long side are upscaled: tesseract reads glyphs best
# when capital letters are ~30 px tall, and WhatsApp thumbnails are far smaller.
UPSCALE_BELOW = 1400


class ImageRefusedError(ValueError):
    """The image is too large, not an image, or could not be decoded."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 8 * 1024 * 1024
    max_pixels: int = 24_000_000  # a 1600 px WhatsApp image has < 2 MP
    timeout_s: float = 30.0


@dataclass(frozen=True, slots=True)
class Result:
    text: str
    confidence: float  # mean word confidence, 0–100 (0 when no word was read)
    lang: str  # pipeline.types.Lang value; "" when no text


def open_bounded(data: bytes, *, limits: Limits) -> Image.Image:
    """Decode an image only after its bytes and its declared pixel count are within limits."""
    if len(data) > limits.max_bytes:
        raise ImageRefusedError(f"image of {len(data)} bytes, at most {limits.max_bytes}")
    try:
        with warnings.catch_warnings():
            # Pillow warns (then errors) on huge images; we refuse at our own, lower limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))  # lazy: reads the header only
            width, height = img.size
            if width * height > limits.max_pixels:
                raise ImageRefusedError(f"image of {width}×{height} px is too large")
            img.load()
    except ImageRefusedError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ImageRefusedError(f"not a readable image: {exc}") from exc
    except Image.DecompressionBombWarning as exc:
        raise ImageRefusedError(str(exc)) from exc
    return img


def preprocess(img: Image.Image) -> Image.Image:
    """Grayscale, upscale small images, binarise with Otsu's threshold, dark text on light."""
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        flat = Image.new("RGBA", img.size, (255, 255, 255, 255))
        img = Image.alpha_composite(flat, img)
    gray = img.convert("L")
    long_side = max(gray.size)
    if long_side < UPSCALE_BELOW:
        factor = min(3.0, UPSCALE_BELOW / max(long_side, 1))
        gray = gray.resize(
            (round(gray.width * factor), round(gray.height * factor)), Image.Resampling.LANCZOS
        )
    pixels = np.asarray(gray, dtype=np.uint8)
    threshold = otsu(pixels)
    binary = pixels > threshold
    # Quote cards put light text on a dark or coloured card: most pixels are background, so
    # if most are dark, the text is light. Tesseract wants dark text on white.
    if binary.mean() < 0.5:
        binary = ~binary
    return Image.fromarray((binary * 255).astype(np.uint8), mode="L")


def otsu(pixels: np.ndarray) -> int:
    """Otsu's threshold of an 8-bit grayscale array (maximises between-class variance)."""
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 127
    levels = np.arange(256, dtype=np.float64)
    weight_bg = np.cumsum(hist)
    weight_fg = total - weight_bg
    sum_bg = np.cumsum(hist * levels)
    mean_bg = np.divide(sum_bg, weight_bg, out=np.zeros(256), where=weight_bg > 0)
    mean_fg = np.divide(sum_bg[-1] - sum_bg, weight_fg, out=np.zeros(256), where=weight_fg > 0)
    between = weight_bg * weight_fg * (mean_bg - mean_fg) ** 2
    return int(np.argmax(between))


def recognise(data: bytes, *, limits: Limits | None = None, langs: str = LANGS) -> Result:
    """OCR one image. Raises ImageRefusedError for a refused image, RuntimeError on timeout."""
    import pytesseract  # imported here: the pipeline runs without tesseract installed

    limits = limits or Limits()
    img = preprocess(open_bounded(data, limits=limits))
    # One thread per tesseract: the worker runs beside the pipeline on shared cores.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        found = pytesseract.image_to_data(
            img,
            lang=langs,
            config="--oem 1 --psm 3",
            output_type=pytesseract.Output.DICT,
            timeout=limits.timeout_s,
        )
    except RuntimeError as exc:  # pytesseract raises RuntimeError("Tesseract process timeout")
        raise RuntimeError(f"OCR timed out after {limits.timeout_s} s") from exc
    return _result(found)


def _result(found: dict[str, list[object]]) -> Result:
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for n, word in enumerate(found.get("text", [])):
        word = str(word).strip()
        conf = float(str(found["conf"][n]))
        if not word or conf < 0:
            continue
        key = (
            int(str(found["block_num"][n])),
            int(str(found["par_num"][n])),
            int(str(found["line_num"][n])),
        )
        lines.setdefault(key, []).append(word)
        confidences.append(conf)
    body = "\n".join(" ".join(words) for _, words in sorted(lines.items()))
    if not body:
        return Result(text="", confidence=0.0, lang="")
    return Result(
        text=body,
        confidence=round(sum(confidences) / len(confidences), 1),
        lang=langid.identify(text.normalise(body)),
    )
