"""Unicode normalisation and word tokens for Devanagari, Latin and other scripts.

`normalise` is for display and storage: NFC, no invisible direction marks, one kind of space,
trimmed lines. `tokens` is for matching: casefolded words and numbers, no punctuation or emoji.

Nukta letters: NFC keeps U+0958..U+095F (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) *decomposed* (they are composition
exclusions), so a precomposed क़ and क + U+093C both come out as क + U+093C and compare equal.
"""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"
ZWJ = "\u200d"

# Invisible controls phones and exports add: direction marks and embeddings/isolates, BOM, the
# Arabic letter mark, zero-width space and word joiner, soft hyphen. Never meaningful here.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
_SPACE_CHARS = "\t\x0b\x0c\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Only runs that need changing: a space followed by more space, or any non-ASCII space.
_SPACES = re.compile(f"(?: [ {_SPACE_CHARS}]|[{_SPACE_CHARS}])[ {_SPACE_CHARS}]*")
_NEWLINES = re.compile("\r\n?|[\u0085\u2028\u2029]")
_LINE_EDGES = re.compile(" \n ?|\n ")
# Characters for which NFC may change something. Text made only of ASCII, Latin letters,
# Devanagari without stress marks, punctuation and emoji is NFC once its nukta letters are
# fixed by hand (`nfc`): the full normaliser costs ~8 µs per Hindi post.
_NFC_RISK = re.compile(
    "[^\x00-\u02ff\u0900-\u0950\u0955-\u097f\u2002-\u206f"
    "\u20a0-\u20cf\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff\ufe00-\ufe0f\U0001f000-\U0001faff]"
)
_NUKTA_FORMS = re.compile("[\u093c\u0958-\u095f]")
# What NFC does to nukta letters: decompose U+0958..U+095F (composition exclusions), put the
# nukta before a virama, and compose the three that are not excluded (ऩ ऱ ऴ).
_NUKTA_PRECOMPOSED = re.compile("[\u0958-\u095f]")
_NUKTA_DECOMPOSE = [(chr(c), unicodedata.normalize("NFD", chr(c))) for c in range(0x0958, 0x0960)]
_NUKTA_COMPOSE = (
    ("\u0928\u093c", "\u0929"),
    ("\u0930\u093c", "\u0931"),
    ("\u0933\u093c", "\u0934"),
)
# Scripts where ZWJ/ZWNJ between letters change shaping (क्‍ष vs क्ष, Urdu/Persian non-joiners).
_JOINING = (
    "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u0900-\u0963\u0971-\u0dff\ufb50-\ufdff\ufe70-\ufefc"
)
_JOINERS = re.compile("[\u200c\u200d]+")
_JOINING_CHAR = re.compile(f"[{_JOINING}]")
# Emoji ZWJ sequences (👨‍👩‍👧, 🏳️‍🌈) render as one picture only with their joiner.
_EMOJI_CHAR = re.compile("[\u2600-\u27bf\ufe0f\U0001f000-\U0001faff]")

# Word characters for tokens: Latin, Devanagari and other scripts' letters and combining marks,
# ASCII and Devanagari digits, and the joiners (removed from each token afterwards). Explicit
# ranges rather than \w: Python's \w misses combining marks (matras, virama), and is slower.
_LETTER_RANGES = (
    "A-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u0300-\u036f"
    "\u0370-\u037d\u037f-\u0386\u0388-\u03ff\u0400-\u0481\u0483-\u052f\u0531-\u0587"
    "\u0591-\u05c7\u05d0-\u05f2\u0610-\u061a\u0620-\u065f\u066e-\u06d3\u06d5-\u06ff"
    "\u0750-\u077f\u08a0-\u08ff\u0900-\u0963\u0971-\u0dff\u0e01-\u0e4e\u0e81-\u0ecd"
    "\u0f00-\u0fff\u1000-\u109f\u10a0-\u10ff\u1100-\u11ff\u1200-\u137f\u1780-\u17ff"
    "\u1e00-\u1fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\ufb50-\ufdff"
    "\ufe70-\ufefc\uff21-\uff3a\uff41-\uff5a"
)
_DIGIT_RANGES = "0-9\u0966-\u096f"
_TOKEN = re.compile(f"[{_LETTER_RANGES}{_DIGIT_RANGES}\u200c\u200d]+")
# The same tokens with their digit-group commas, for offsets into the original text.
_TOKEN_SPAN = re.compile(
    f"[{_LETTER_RANGES}{_DIGIT_RANGES}](?:[{_LETTER_RANGES}{_DIGIT_RANGES}\u200c\u200d]"
    f"|(?<=[{_DIGIT_RANGES}]),(?=[{_DIGIT_RANGES}]{{2,3}}(?![{_DIGIT_RANGES}])))*"
)
_TOKEN_FIXES = re.compile("[\u200c\u200d,\u0966-\u096f]")
_DEV_DIGIT = re.compile("[\u0966-\u096f]")
_DIGIT_COMMA = re.compile("(?<=[0-9]),(?=[0-9]{2,3}(?![0-9]))")
_DEV_DIGITS = [(chr(0x0966 + d), str(d)) for d in range(10)]
_TOKEN_TABLE = str.maketrans(
    {ZWNJ: None, ZWJ: None, ",": None} | {chr(0x0966 + d): str(d) for d in range(10)}
)
# One-entry memos: the pipeline's stages normalise and tokenise the same post in turn. Each is
# one tuple or string, replaced in a single assignment, so threads never see half an entry.
_last_normalised = ""
_last_tokens: tuple[str, tuple[str, ...]] = ("", ())

_DEV_LETTER = re.compile("[\u0904-\u0939\u093d\u0950\u0958-\u0961\u0972-\u097f]")
_LATIN_LETTER = re.compile(
    "[A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]"
)
_ANY_LETTER = re.compile(r"[^\W\d_]")


def nfc(text: str) -> str:
    """unicodedata.normalize("NFC", text), fast for Devanagari, Latin and emoji."""
    if _NFC_RISK.search(text) is not None:
        return unicodedata.normalize("NFC", text)
    if _NUKTA_FORMS.search(text) is None:
        return text
    # str.translate is slow on non-ASCII text (~13 µs a post): replace only what is there.
    if _NUKTA_PRECOMPOSED.search(text) is not None:
        for char, decomposed in _NUKTA_DECOMPOSE:
            if char in text:
                text = text.replace(char, decomposed)
    while "\u094d\u093c" in text:  # canonical order: nukta (ccc 7) before virama (ccc 9)
        text = text.replace("\u094d\u093c", "\u093c\u094d")
    for pair, composed in _NUKTA_COMPOSE:
        if pair in text:
            text = text.replace(pair, composed)
    return text


def normalise(text: str) -> str:
    """Display normalisation: NFC, no direction marks, one kind of space, trimmed lines."""
    if not text:
        return ""
    global _last_normalised
    if text == _last_normalised:
        return text  # stages downstream normalise again what they are given: idempotent
    if not text.isascii():
        if _INVISIBLE.search(text) is not None:
            text = _INVISIBLE.sub("", text)
        text = nfc(text)
        while ZWJ in text or ZWNJ in text:
            # Removing a joiner can bring marks together that NFC then reorders, which can
            # leave another joiner stranded: repeat until nothing changes (rarely twice).
            fixed = nfc(_JOINERS.sub(_joiners, text))
            if fixed == text:
                break
            text = fixed
    if "\r" in text or "\u2028" in text or "\u2029" in text or "\u0085" in text:
        text = _NEWLINES.sub("\n", text)
    text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _LINE_EDGES.sub("\n", text)
    text = text.strip()
    _last_normalised = text
    return text


def _joiners(match: re.Match[str]) -> str:
    """Keep a joiner run only inside a word of a joining script or inside an emoji sequence."""
    text = match.string
    start, end = match.span()
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if before and after:
        if _JOINING_CHAR.match(before) and _JOINING_CHAR.match(after):
            return match.group()
        if ZWJ in match.group() and _EMOJI_CHAR.match(before) and _EMOJI_CHAR.match(after):
            return ZWJ
    return ""


def tokens(text: str) -> list[str]:
    """Word tokens for matching: casefolded words and numbers; no punctuation, emoji or joiners."""
    global _last_tokens
    if not text:
        return []
    last_text, last_tokens = _last_tokens
    if text == last_text:
        return list(last_tokens)
    found = _tokens(text)
    _last_tokens = (text, tuple(found))
    return found


def _tokens(text: str) -> list[str]:
    if text.isascii():
        text = text.lower()
        if "," in text and _DIGIT_COMMA.search(text) is not None:
            text = _DIGIT_COMMA.sub("", text)  # 2,000 and 1,00,000 are one number
        return _TOKEN.findall(text)
    text = nfc(text)
    if ZWJ in text or ZWNJ in text:
        text = text.replace(ZWJ, "").replace(ZWNJ, "")
    if _DEV_DIGIT.search(text) is not None:
        for digit, ascii_digit in _DEV_DIGITS:
            text = text.replace(digit, ascii_digit)
    if "," in text and _DIGIT_COMMA.search(text) is not None:
        text = _DIGIT_COMMA.sub("", text)
    words = _TOKEN.findall(text)
    if not words:
        return words
    # Casefold after splitting, so the tokens stay aligned with token_offsets(text): casefold
    # can turn a letter into one outside the token ranges (Ⱦ → ⱦ).
    return " ".join(words).casefold().split(" ")


def token_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token of an already normalised text, aligned with tokens(text)."""
    return [match.span() for match in _TOKEN_SPAN.finditer(text)]


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) for each token of an already normalised text (offsets into it)."""
    out: list[tuple[str, int, int]] = []
    fix = _TOKEN_FIXES.search(text) is not None
    for match in _TOKEN_SPAN.finditer(text):
        word = match.group().casefold()
        if fix and _TOKEN_FIXES.search(word) is not None:
            word = word.translate(_TOKEN_TABLE)
        out.append((word, match.start(), match.end()))
    return out


def script_counts(text: str) -> tuple[int, int, int]:
    """(Devanagari letters, Latin letters, other letters) in the text.

    Letters are Unicode letters (category L*): Devanagari vowel signs, virama and other
    combining marks are not counted, so a word counts once per consonant or vowel letter.
    """
    if text.isascii():
        return 0, len(_LATIN_LETTER.findall(text)), 0
    dev = len(_DEV_LETTER.findall(text))
    lat = len(_LATIN_LETTER.findall(text))
    return dev, lat, len(_ANY_LETTER.findall(text)) - dev - lat


def has_devanagari(text: str) -> bool:
    """True when the text contains any Devanagari character."""
    return _DEV_LETTER.search(text) is not None
