"""Text in images (issue #17): `sampark bench ocr --json` (or `python -m bench.ocr`).

The forwards of the Hindi/Hinglish claims set (bench/data/claims-hi) and the CheckThat! 2020
English tweets are rendered at bench time (never stored) with Noto fonts in two layouts a
forward arrives in: a quote card (light bold text on a coloured card) and a phone screenshot
(dark text under an app bar). Each image is then treated as WhatsApp does: at most 1600 px on
its long side and JPEG quality 70. Then `pipeline.ocr.recognise` reads it back.

Figures: character error rate (CER = edit distance / reference length, whitespace collapsed,
emoji dropped as they are not drawn) per set and layout, median and mean; images per second
(one process, tesseract single-threaded); and success@1 of the same matcher and knowledge base
as `bench claims-kb` (each set against its own claims plus every other claim as distractors)
for the typed texts and for the OCR'd ones. `--split dev` tunes, `--split test` reports.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import time
import unicodedata
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from bench.claims_kb import knowledge_base, metrics, split
from pipeline import ocr
from pipeline.claims import LexicalIndex

FONTS = Path("/usr/share/fonts/truetype/noto")
EXTRA_CHARS = set("₹“”‘’–—…•")
CARD_COLOURS = [(24, 44, 92), (128, 20, 30), (200, 90, 10), (20, 90, 60), (40, 40, 40)]
WHATSAPP_MAX = 1600
JPEG_QUALITY = 70


def drawable(raw: str) -> str:
    """The text as it is drawn: emoji and other symbols dropped, spaces collapsed."""
    out = []
    for ch in raw:
        code = ord(ch)
        if (
            0x0900 <= code <= 0x097F
            or ch in EXTRA_CHARS
            or ch.isspace()
            or (code < 0x250 and unicodedata.category(ch)[0] in "LNPZS" and ch.isprintable())
        ):
            out.append(ch)
    return " ".join("".join(out).split())


def _is_deva(word: str) -> bool:
    return any(0x0900 <= ord(c) <= 0x097F for c in word)


class Fonts:
    def __init__(self, size: int, *, bold: bool) -> None:
        weight = "Bold" if bold else "Regular"
        self.deva = ImageFont.truetype(str(FONTS / f"NotoSansDevanagari-{weight}.ttf"), size)
        self.latin = ImageFont.truetype(str(FONTS / f"NotoSans-{weight}.ttf"), size)
        self.size = size

    def of(self, word: str) -> ImageFont.FreeTypeFont:
        return self.deva if _is_deva(word) else self.latin

    def width(self, word: str) -> float:
        return float(self.of(word).getlength(word))


def wrap(words: list[str], fonts: Fonts, max_width: float) -> list[list[str]]:
    space = fonts.latin.getlength(" ")
    lines: list[list[str]] = [[]]
    used = 0.0
    for word in words:
        w = fonts.width(word)
        if lines[-1] and used + space + w > max_width:
            lines.append([])
            used = 0.0
        used += (space if lines[-1] else 0.0) + w
        lines[-1].append(word)
    return [line for line in lines if line]


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: list[list[str]],
    fonts: Fonts,
    *,
    top: float,
    left: float,
    width: float,
    fill: tuple[int, int, int],
    centre: bool,
) -> float:
    space = fonts.latin.getlength(" ")
    step = fonts.size * 1.6
    y = top
    for line in lines:
        line_w = sum(fonts.width(w) for w in line) + space * (len(line) - 1)
        x = left + (width - line_w) / 2 if centre else left
        for word in line:
            draw.text((x, y), word, font=fonts.of(word), fill=fill)
            x += fonts.width(word) + space
        y += step
    return y


def quote_card(body: str, rng: random.Random) -> Image.Image:
    """A square card: bold light text, centred, on a coloured background with a stripe."""
    size = 1080
    fonts = Fonts(50 if len(body) < 160 else 40, bold=True)
    lines = wrap(body.split(), fonts, size - 160)
    img = Image.new("RGB", (size, size), rng.choice(CARD_COLOURS))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, size, 24), fill=(240, 200, 60))
    height = len(lines) * fonts.size * 1.6
    _draw_lines(
        draw,
        lines,
        fonts,
        top=max(60.0, (size - height) / 2),
        left=80,
        width=size - 160,
        fill=(255, 255, 255),
        centre=True,
    )
    return img


def screenshot(body: str, rng: random.Random) -> Image.Image:
    """A phone screenshot: grey app bar with an avatar, dark text on white, left aligned."""
    width = 1080
    fonts = Fonts(rng.choice([38, 42, 46]), bold=False)
    lines = wrap(body.split(), fonts, width - 120)
    height = max(1400, int(260 + len(lines) * fonts.size * 1.6 + 200))
    img = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width, 160), fill=(7, 94, 84))
    draw.ellipse((40, 40, 120, 120), fill=(200, 200, 200))
    _draw_lines(
        draw, lines, fonts, top=220, left=60, width=width - 120, fill=(20, 20, 20), centre=False
    )
    return img


def as_whatsapp(img: Image.Image) -> bytes:
    """At most 1600 px on the long side, JPEG quality 70, as WhatsApp sends images."""
    long_side = max(img.size)
    if long_side > WHATSAPP_MAX:
        scale = WHATSAPP_MAX / long_side
        img = img.resize((round(img.width * scale), round(img.height * scale)))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance over code points (two rows)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(reference: str, hypothesis: str) -> float:
    ref = " ".join(reference.split())
    hyp = " ".join(hypothesis.split())
    return edit_distance(ref, hyp) / max(len(ref), 1)


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": round(statistics.median(values), 4),
        "mean": round(statistics.fmean(values), 4),
    }


def run(*, part: str = "dev", limit: int = 0, seed: int = 17) -> dict[str, Any]:
    """CER, images per second and success@1 typed vs OCR'd, on one split of both sets."""
    rng = random.Random(seed)
    index = LexicalIndex()
    index.add(knowledge_base())
    index.build()
    report: dict[str, Any] = {"split": part, "langs": ocr.LANGS}
    layouts = {"card": quote_card, "screenshot": screenshot}
    seconds = 0.0
    images = 0
    for name in ("hi", "checkthat"):
        queries, gold = split(name, part)
        qids = sorted(queries)
        if limit:
            qids = rng.sample(qids, min(limit, len(qids)))
        typed = {q: drawable(queries[q]) for q in qids}
        typed = {q: t for q, t in typed.items() if t}
        read: dict[int, str] = {}
        per_layout: dict[str, list[float]] = {k: [] for k in layouts}
        for n, qid in enumerate(sorted(typed)):
            layout = list(layouts)[n % len(layouts)]
            data = as_whatsapp(layouts[layout](typed[qid], rng))
            start = time.perf_counter()
            result = ocr.recognise(data)
            seconds += time.perf_counter() - start
            images += 1
            read[qid] = result.text
            per_layout[layout].append(cer(typed[qid], result.text))
        all_cer = [c for v in per_layout.values() for c in v]
        golds = {q: gold[q] for q in typed if q in gold}
        report[name] = {
            "cer": _summary(all_cer),
            **{f"cer_{k}": _summary(v) for k, v in per_layout.items()},
            "typed": metrics(index, typed, golds),
            "ocr": metrics(index, read, golds),
        }
        report[name]["success_at_1_gap"] = round(
            report[name]["typed"]["success@1"] - report[name]["ocr"]["success@1"], 4
        )
    report["images"] = images
    report["images_per_s"] = round(images / seconds, 2) if seconds else 0.0
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["dev", "test"], default="dev")
    parser.add_argument("--limit", type=int, default=0, help="queries per set (0 = all)")
    args = parser.parse_args()
    print(json.dumps(run(part=args.split, limit=args.limit), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
