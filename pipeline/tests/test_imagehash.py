"""Perceptual hash: forwarded copies stay close, different pictures stay apart."""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Callable

import pytest
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

from pipeline.imagehash import NEAR_IMAGE, hamming, phash

SEEDS = range(8)


def picture(
    seed: int, size: tuple[int, int] = (800, 600), text: str = "नोटबंदी का सच"
) -> Image.Image:
    """A poster-like picture: a two-colour gradient, a few shapes, and a line of text."""
    rng = random.Random(seed)
    w, h = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    c1 = [rng.randrange(256) for _ in range(3)]
    c2 = [rng.randrange(256) for _ in range(3)]
    across = rng.random() < 0.5
    steps = w if across else h
    for i in range(steps):
        colour = tuple(int(a + (b - a) * i / steps) for a, b in zip(c1, c2, strict=True))
        draw.line([(i, 0), (i, h)] if across else [(0, i), (w, i)], fill=colour)
    for _ in range(rng.randint(3, 7)):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        box = [x0, y0, x0 + rng.randint(60, 300), y0 + rng.randint(60, 300)]
        fill = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=fill)
    font = ImageFont.load_default(size=48)
    draw.text((rng.randint(20, 200), rng.randint(20, 400)), text, fill=(255, 255, 255), font=font)
    return img


def jpeg(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    img.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def whatsapp_chain(img: Image.Image) -> bytes:
    """Three forwards, each shrinking the picture a little and recompressing it."""
    for quality in (70, 60, 50):
        small = img.resize((int(img.width * 0.9), int(img.height * 0.9)))
        img = Image.open(io.BytesIO(jpeg(small, quality)))
    return jpeg(img, 60)


def crop(img: Image.Image, fraction: float) -> Image.Image:
    """Cut `fraction` of the width and height, half on each side."""
    dx, dy = int(img.width * fraction / 2), int(img.height * fraction / 2)
    return img.crop((dx, dy, img.width - dx, img.height - dy))


FORWARDS: dict[str, Callable[[Image.Image], bytes | Image.Image]] = {
    "jpeg-quality-40": lambda img: jpeg(img, 40),
    "half-size": lambda img: img.resize((img.width // 2, img.height // 2)),
    "brighter-20pct": lambda img: ImageEnhance.Brightness(img).enhance(1.2),
    "darker-20pct": lambda img: ImageEnhance.Brightness(img).enhance(0.8),
    "whatsapp-recompression-chain": whatsapp_chain,
    "crop-3pct": lambda img: crop(img, 0.03),
    "png-with-alpha": lambda img: img.convert("RGBA"),
}


@pytest.mark.parametrize("forward", FORWARDS.values(), ids=FORWARDS.keys())
def test_forwarded_copies_hash_close(forward):
    for seed in SEEDS:
        # given a picture and a forwarded copy of it
        original = picture(seed)
        copy = forward(original)
        # then the hashes differ in at most NEAR_IMAGE bits
        assert hamming(phash(jpeg(original, 95)), phash(copy)) <= NEAR_IMAGE, seed


def test_most_copies_cropped_by_5pct_stay_close():
    # given pictures cropped by 5% (2.5% each side), and by 5% on one side only
    distances = []
    for seed in range(20):
        original = picture(seed)
        side = original.crop((0, 0, int(original.width * 0.95), original.height))
        distances += [hamming(phash(original), phash(c)) for c in (crop(original, 0.05), side)]
    # then most stay within NEAR_IMAGE (pHash is not crop-invariant; measured 87-95% on these)
    # and none drift far
    assert sum(d <= NEAR_IMAGE for d in distances) >= 0.8 * len(distances)
    assert max(distances) <= 20


def test_different_pictures_hash_far_apart():
    hashes = [phash(picture(seed)) for seed in range(12)]
    for a, b in itertools.combinations(hashes, 2):
        assert hamming(a, b) > NEAR_IMAGE


def test_bytes_path_and_image_give_the_same_hash(tmp_path):
    # given one picture as a Pillow image, as PNG bytes, and as a file
    img = picture(1)
    data = io.BytesIO()
    img.save(data, "PNG")
    path = tmp_path / "poster.png"
    path.write_bytes(data.getvalue())
    # then all three hash the same
    assert phash(img) == phash(data.getvalue()) == phash(path)


def test_exif_rotation_is_applied():
    # given a photo stored on its side with an EXIF tag saying "rotate 90° clockwise"
    upright = picture(2)
    sideways = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = io.BytesIO()
    sideways.save(stored, "JPEG", quality=90, exif=exif)
    # then it hashes like the upright picture, not like the sideways pixels
    assert hamming(phash(stored.getvalue()), phash(upright)) <= NEAR_IMAGE
    assert hamming(phash(stored.getvalue()), phash(sideways)) > NEAR_IMAGE


def test_transparent_pixels_count_as_white():
    # given a logo on a transparent background whose hidden pixels are black, and the same
    # logo flattened on white
    logo = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse([100, 100, 300, 300], fill=(200, 30, 30, 255))
    ImageDraw.Draw(logo).rectangle([0, 0, 60, 400], fill=(20, 20, 160, 255))
    flat = Image.alpha_composite(Image.new("RGBA", logo.size, "white"), logo).convert("RGB")
    # then they hash the same
    assert phash(logo) == phash(flat)


def test_hash_is_a_signed_64_bit_int():
    value = phash(picture(3))
    assert -(2**63) <= value < 2**63


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(0, 0, 0), (0, -1, 64), (5, 4, 1), (-(2**63), 2**63 - 1, 64), (-2, -1, 1)],
    ids=["same", "all-bits", "one-bit", "min-max", "negatives"],
)
def test_hamming_counts_differing_bits(a, b, expected):
    assert hamming(a, b) == expected
