"""A common Latin "skeleton" for Devanagari words and their romanised spellings, so a watched
term written one way matches the other ("मोदी" ~ "modi" ~ "modee", "चुनाव" ~ "chunav").

Devanagari is romanised letter by letter (inherent "a" after a consonant unless a vowel sign or
virama follows; nukta letters map to their base, so ज़/ज and फ़/फ meet). Both romanisations are
then folded the same way: long vowels to short (aa→a, ee/ii→i, oo/uu→u), ai/ay→e, au→o,
ph→f, w→v, z→j, q→k, x→ks, ck→k, sh→s, aspiration after a consonant dropped (kh→k, bh→b,
chh→c), doubled letters collapsed, a final short vowel after a consonant dropped ("note"→"not").
Hindi drops many inherent vowels inside words too (भाजपा is "bhajpa", not "bhajapa"), so a
Devanagari word also yields variants without its medial inherent vowels (all of them, and the
common schwa-deletion pattern): `variants()` returns them all. English loanwords and spelled-out acronyms written in Devanagari (हैक, ईवीएम) map
through a table to the English spelling. Folding merges some distinct words (kal/kaal); it is
used only to match watched terms, never to change text.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CONS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j",
    "झ": "jh", "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t",
    "थ": "th", "द": "d", "ध": "dh", "न": "n", "प": "p", "फ": "ph", "ब": "b", "भ": "bh",
    "म": "m", "य": "y", "र": "r", "ल": "l", "व": "v", "श": "sh", "ष": "sh", "स": "s", "ह": "h",
    "ळ": "l", "क़": "k", "ख़": "kh", "ग़": "g", "ज़": "j", "ड़": "d", "ढ़": "dh", "फ़": "f", "य़": "y",
}  # fmt: skip
_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ii", "उ": "u", "ऊ": "uu", "ऋ": "ri", "ए": "e",
    "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e",
}  # fmt: skip
_MATRAS = {
    "ा": "aa", "ि": "i", "ी": "ii", "ु": "u", "ू": "uu", "ृ": "ri", "े": "e", "ै": "ai",
    "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e",
}  # fmt: skip
_NASAL = {"ं": "n", "ँ": "n", "ः": "h"}
_VIRAMA = "्"
_NUKTA = "़"
_MEDIAL_SCHWA = "\x00"  # marks an inherent vowel between consonants while romanising

# English words and acronyms as they are commonly written in Devanagari.
LOANWORDS = {
    "ईवीएम": "evm", "बीजेपी": "bjp", "एसपी": "sp", "बीएसपी": "bsp",
    "ओटीपी": "otp", "जीपीएस": "gps", "आरएसएस": "rss", "पीएम": "pm", "सीएम": "cm",
    "हैक": "hack", "हैकिंग": "hacking", "वीडियो": "video", "वोट": "vote", "वोटिंग": "voting",
    "नोट": "note", "चिप": "chip", "बूथ": "booth", "मशीन": "machine", "फेक": "fake",
    "न्यूज": "news", "पुलिस": "police", "बैंक": "bank", "मोबाइल": "mobile", "लिंक": "link",
    "कैप्चरिंग": "capturing", "पेट्रोल": "petrol", "आधार": "aadhaar", "कार्ड": "card",
}  # fmt: skip

_DEV = re.compile("[\u0900-\u097f]")
_FOLDS = [
    (re.compile(r"[^a-z0-9]"), ""),
    (re.compile(r"ph"), "f"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"w"), "v"),
    (re.compile(r"z"), "j"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"(?<=[bcdgjkpstr])h"), ""),
    (re.compile(r"(?:ai|ay|ae)(?=[^aeiou]|$)"), "e"),
    (re.compile(r"au"), "o"),
    (re.compile(r"(?:ee|ii|ie)"), "i"),
    (re.compile(r"(?:oo|uu)"), "u"),
    (re.compile(r"aa"), "a"),
    (re.compile(r"(.)\1+"), r"\1"),
    (re.compile(r"(?<=[^aeiou]{2})[aeiou]$|(?<=[aeiou][^aeiou])[ae]$"), ""),
]


def _romanise(word: str, *, keep_medial: bool, rule: bool = False) -> str:
    """Letter-by-letter romanisation. `rule`: drop a medial inherent vowel only after a syllable
    that kept its vowel (the common Hindi schwa-deletion pattern: सरकार → sarkar)."""
    out: list[str] = []
    prev_vowel = False
    chars = list(word.replace("\u200c", "").replace("\u200d", ""))
    i = 0
    while i < len(chars):
        ch = chars[i]
        if i + 1 < len(chars) and chars[i + 1] == _NUKTA:
            ch += _NUKTA
            i += 1
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if ch in _CONS:
            out.append(_CONS[ch])
            if nxt in _MATRAS or nxt == _VIRAMA:
                pass
            elif nxt and (nxt in _CONS or nxt in _NASAL):
                # An inherent vowel inside the word: spoken or not, depending on the word.
                keep = keep_medial or nxt in _NASAL or (rule and not prev_vowel)
                out.append("a" if keep else "")
                prev_vowel = keep
                i += 1
                continue
            elif nxt:
                out.append("a")
            prev_vowel = nxt in _MATRAS
        elif ch in _MATRAS:
            out.append(_MATRAS[ch])
            prev_vowel = True
        elif ch in _VOWELS:
            out.append(_VOWELS[ch])
            prev_vowel = True
        elif ch in _NASAL:
            out.append(_NASAL[ch])
        elif ch.isascii():
            out.append(ch.lower())
        i += 1
    return "".join(out)


def fold(latin: str) -> str:
    """Fold a romanised word into the skeleton form."""
    s = latin.lower()
    for pattern, repl in _FOLDS:
        s = pattern.sub(repl, s)
    return s


@lru_cache(maxsize=200_000)
def variants(word: str) -> frozenset[str]:
    """Skeletons of a word: one for Latin, up to two for Devanagari (with/without medial schwa)."""
    if not word:
        return frozenset()
    if not _DEV.search(word):
        return frozenset({fold(word)})
    base = word.replace(_NUKTA, "") if word.replace(_NUKTA, "") in LOANWORDS else word
    if base in LOANWORDS:
        return frozenset({fold(LOANWORDS[base])})
    for suffix in ("जी",):
        # "मोदीजी" is "modi ji": match the name too.
        if base.endswith(suffix) and len(base) > len(suffix) + 1:
            return variants(base[: -len(suffix)]) | {fold(_romanise(base, keep_medial=True))}
    return frozenset(
        {
            fold(_romanise(word, keep_medial=True)),
            fold(_romanise(word, keep_medial=False)),
            fold(_romanise(word, keep_medial=False, rule=True)),
        }
    )


def skeleton(word: str) -> str:
    """The main skeleton of a word (the variant with all vowels kept, for Devanagari)."""
    options = variants(word)
    if not options:
        return ""
    if not _DEV.search(word):
        return next(iter(options))
    return max(options, key=len)


def skeleton_text(text: str) -> list[str]:
    """Skeletons of the words of a text."""
    from pipeline.text import tokens

    return [skeleton(t) for t in tokens(text)]
