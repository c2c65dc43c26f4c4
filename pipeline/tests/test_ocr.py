"""Text in images: bounded decoding, the clean-up for tesseract, Hindi and English read back."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline import ocr

NOTO = Path("/usr/share/fonts/truetype/noto")
needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None or not (NOTO / "NotoSansDevanagari-Bold.ttf").exists(),
    reason="Debian's tesseract-ocr and fonts-noto-core are installed by the project's setup",
)


def card(lines: list[tuple[str, str]], *, light_on_dark: bool, quality: int = 70) -> bytes:
    """A WhatsApp-like JPEG of text lines, each drawn in its script's Noto font."""
    img = Image.new("RGB", (900, 120 + 90 * len(lines)), (24, 44, 92) if light_on_dark else "white")
    draw = ImageDraw.Draw(img)
    for n, (font, line) in enumerate(lines):
        face = ImageFont.truetype(str(NOTO / font), 48)
        fill = (255, 255, 255) if light_on_dark else (20, 20, 20)
        draw.text((50, 60 + 90 * n), line, font=face, fill=fill)
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("L", (width, height), 255).save(out, format="PNG")
    return out.getvalue()


@needs_tesseract
@pytest.mark.parametrize("light_on_dark", [True, False], ids=["quote_card", "screenshot"])
def test_it_reads_hindi_and_english_from_a_whatsapp_jpeg(light_on_dark):
    # given a JPEG (quality 70) of a Hindi line and an English line
    data = card(
        [
            ("NotoSansDevanagari-Bold.ttf", "नोट में जीपीएस चिप लगी है"),
            ("NotoSans-Bold.ttf", "Share before it is deleted"),
        ],
        light_on_dark=light_on_dark,
    )
    # when it is read
    result = ocr.recognise(data)
    # then both lines come back, with a confidence and a language
    assert "जीपीएस चिप" in result.text
    assert "Share before it is deleted" in result.text
    assert result.confidence > 60
    assert result.lang in ("hi", "hinglish", "en")


@needs_tesseract
def test_an_image_without_text_reads_as_empty():
    result = ocr.recognise(png(400, 300))
    assert result == ocr.Result(text="", confidence=0.0, lang="")


@pytest.mark.parametrize(
    ("data_case", "limits", "message"),
    [
        ("too_many_bytes", ocr.Limits(max_bytes=100), "bytes"),
        ("too_many_pixels", ocr.Limits(max_pixels=1000), "too large"),
        ("not_an_image", ocr.Limits(), "not a readable image"),
    ],
)
def test_it_refuses_before_decoding(data_case, limits, message):
    data = b"%PDF-1.4 not an image" if data_case == "not_an_image" else png(200, 100)
    with pytest.raises(ocr.ImageRefusedError, match=message):
        ocr.open_bounded(data, limits=limits)


def test_a_declared_pixel_bomb_is_refused_from_its_header():
    # given a PNG header that declares 100k × 100k pixels but carries no pixel data
    data = png(10, 10)
    ihdr = data.index(b"IHDR")
    bomb = data[: ihdr + 4] + (100_000).to_bytes(4, "big") * 2 + data[ihdr + 12 :]
    # then it is refused without being decoded
    with pytest.raises(ocr.ImageRefusedError):
        ocr.open_bounded(bomb, limits=ocr.Limits())


def test_otsu_splits_two_levels_between_them():
    pixels = np.array([40] * 500 + [200] * 500, dtype=np.uint8)
    assert 40 <= ocr.otsu(pixels) < 200


def test_light_text_on_a_dark_card_becomes_dark_on_white_and_small_images_grow():
    # given a small dark card with a light bar (the "text")
    img = Image.new("RGB", (300, 200), (20, 30, 90))
    ImageDraw.Draw(img).rectangle((50, 90, 250, 110), fill=(250, 250, 250))
    # when prepared for tesseract
    out = ocr.preprocess(img)
    pixels = np.asarray(out)
    # then it is upscaled, binary, mostly white, and the bar is black
    assert out.width > 300
    assert set(np.unique(pixels).tolist()) <= {0, 255}
    assert pixels.mean() > 127
    assert pixels[out.height // 2, out.width // 2] == 0
