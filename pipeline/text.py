"""Unicode normalisation and tokens for Devanagari and Latin text."""

from __future__ import annotations

import re
import unicodedata

# Direction marks and BOM: invisible, added by phones and exports, never meaningful here.
_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_ZW = "\u200c\u200d"
# ZWJ/ZWNJ between two Devanagari characters change rendering (क्‍ष); elsewhere they are noise.
_ZW_OUTSIDE = re.compile("(?<![\u0900-\u097f])[\u200c\u200d]|[\u200c\u200d](?![\u0900-\u097f])")
# NFC leaves the nukta letters U+0958..U+095F decomposed (they are composition exclusions), so
# precomposed input is decomposed by NFC too: both spellings end up as consonant + U+093C.
_WORD = re.compile(r"(?:[^\W_]|[\u0900-\u0963\u0966-\u097f\u200c\u200d])+")
_DEV = re.compile("[\u0900-\u097f]")


def normalise(text: str) -> str:
    """Display normalisation: NFC, no direction marks, one kind of space, trimmed lines."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", _MARKS.sub("", text))
    if "\u200c" in text or "\u200d" in text:
        text = _ZW_OUTSIDE.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


def tokens(text: str) -> list[str]:
    """Word tokens for matching: casefolded, no punctuation or emoji, no ZWJ/ZWNJ."""
    out = []
    for match in _WORD.finditer(unicodedata.normalize("NFC", text)):
        word = match.group().replace("\u200c", "").replace("\u200d", "")
        if word:
            out.append(word.casefold())
    return out


def script_counts(text: str) -> tuple[int, int, int]:
    """(Devanagari letters, Latin letters, other letters) in the text."""
    dev = lat = other = 0
    for ch in text:
        if "\u0900" <= ch <= "\u097f":
            if ch.isalpha() or unicodedata.category(ch) in ("Mn", "Mc"):
                dev += 1
        elif ch.isascii():
            if ch.isalpha():
                lat += 1
        elif ch.isalpha():
            if unicodedata.name(ch, "").startswith("LATIN"):
                lat += 1
            else:
                other += 1
    return dev, lat, other


def has_devanagari(text: str) -> bool:
    return _DEV.search(text) is not None
