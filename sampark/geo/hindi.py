"""Hindi names for units whose public data carries none (issue #16 item 5).

The only public Hindi names in the state's files are the PCs' (`pc_name_hi` in the PC boundary
GeoJSON, datameet/maps, CC0). Districts and ACs are named after the same places so often
(Saharanpur district, Saharanpur PC, Saharanpur Nagar AC) that those names, read word by word,
name most of them; a short glossary adds the words ACs add (Nagar, Dehat, Cantt., North ...).
What is left is transliterated by rule from its English spelling. Every name records how it was
made (`Unit.name_hi_source`) so an in-charge can check the guessed ones from a page.

No maintained library transliterates English spellings of Indian place names by rule
(indic-transliteration converts between romanisation *schemes* such as ITRANS and IAST, which
these spellings are not; ai4bharat's model needs torch): this is a small rule set, tested on
the PC names whose Hindi is known.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from sampark.geo.enums import NameSource

# Words that ACs and districts add to a place name, in the usage of ECI's Hindi lists.
GLOSSARY: dict[str, str] = {
    "nagar": "नगर",
    "dehat": "देहात",
    "sadar": "सदर",
    "cantt": "कैंट",
    "cantonment": "कैंट",
    "city": "शहर",
    "rural": "ग्रामीण",
    "north": "उत्तर",
    "south": "दक्षिण",
    "east": "पूर्व",
    "west": "पश्चिम",
    "central": "मध्य",
    "kheri": "खीरी",
}

# Endings that are words of their own (Saharan|pur, Ghazi|abad); kept whole when the stem is
# transliterated, so the ending is always spelled the usual way.
SUFFIXES: tuple[tuple[str, str], ...] = (
    ("nagar", "नगर"),
    ("abad", "आबाद"),
    ("ganj", "गंज"),
    ("garh", "गढ़"),
    ("pur", "पुर"),
)

_VIRAMA = "\u094d"

# Longest spellings first. Consonants: (romanised, letter).
_CONSONANTS: tuple[tuple[str, str], ...] = (
    ("chh", "छ"),
    ("ksh", "क्ष"),
    ("kh", "ख"),
    ("gh", "घ"),
    ("ch", "च"),
    ("jh", "झ"),
    ("th", "थ"),
    ("dh", "ध"),
    ("ph", "फ"),
    ("bh", "भ"),
    ("sh", "श"),
    ("rh", "ढ़"),
    ("k", "क"),
    ("g", "ग"),
    ("c", "क"),
    ("j", "ज"),
    ("t", "त"),
    ("d", "द"),
    ("n", "न"),
    ("p", "प"),
    ("b", "ब"),
    ("m", "म"),
    ("y", "य"),
    ("r", "र"),
    ("l", "ल"),
    ("v", "व"),
    ("w", "व"),
    ("s", "स"),
    ("h", "ह"),
    ("z", "ज"),
    ("f", "फ"),
    ("q", "क"),
    ("x", "क्स"),
)
# Vowels: (romanised, independent letter, sign after a consonant).
_VOWELS: tuple[tuple[str, str, str], ...] = (
    ("aa", "आ", "ा"),
    ("ai", "ऐ", "ै"),
    ("au", "औ", "ौ"),
    ("ee", "ई", "ी"),
    ("ii", "ई", "ी"),
    ("oo", "ऊ", "ू"),
    ("ou", "औ", "ौ"),
    ("a", "अ", ""),
    ("i", "इ", "ि"),
    ("u", "उ", "ु"),
    ("e", "ए", "े"),
    ("o", "ओ", "ो"),
)
_LETTER: dict[str, str] = dict(_CONSONANTS)
_NASAL_BEFORE = frozenset("kgcjtdpbsh")
_BEFORE_R = frozenset({"t", "d", "p", "b", "k", "g", "bh", "dh", "sh", "ph", "kh", "gh", "th"})


def _tokens(word: str) -> list[tuple[str, str]]:
    """('c', letter) and ('v', spelling) tokens of a lower-case ASCII word."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(word):
        for spelling, _ind, _sign in _VOWELS:
            if word.startswith(spelling, i):
                out.append(("v", spelling))
                i += len(spelling)
                break
        else:
            for spelling, _letter in _CONSONANTS:
                if word.startswith(spelling, i):
                    out.append(("c", spelling))
                    i += len(spelling)
                    break
            else:
                i += 1  # not a letter we spell: dropped
    return out


def _vowel(spelling: str, *, after_consonant: bool, last: bool) -> str:
    # A word-final short a or i is long in Hindi place names (Agra आगरा, Jhansi झांसी).
    if last and after_consonant and spelling == "a":
        spelling = "aa"
    if last and spelling == "i":
        spelling = "ee"
    for candidate, independent, sign in _VOWELS:
        if candidate == spelling:
            return sign if after_consonant else independent
    return ""


# Spelling habits of English names, rewritten before the letters are read: a final -ah is a
# long a (Etah एटा), -ia is -iya (Ballia बलिया), -ao is -aav (Unnao उन्नाव), a final y is ee.
_RESPELL: tuple[tuple[str, str], ...] = (
    (r"ah$", "aa"),
    (r"ia$", "iya"),
    (r"ao$", "aav"),
    (r"ei", "e"),
    (r"([^aeiou])au$", r"\1aoo"),
    (r"([^aeiou])y$", r"\1ee"),
)


def _conjunct(tokens: list[tuple[str, str]], n: int) -> bool:
    """Whether consonant n joins the next one with a virama. Hindi writes most consonant
    pairs of an English spelling with the inherent vowel (Bijnor बिजनौर, Hathras हाथरस); it
    joins doubled letters (Unnao उन्नाव), a stop and its aspirate, s before a stop, and a stop
    before r (Pratapgarh प्रताप...)."""
    following = tokens[n + 1] if n + 1 < len(tokens) else None
    if following is None or following[0] != "c":
        return False
    if following[1] == tokens[n][1]:
        return True
    if following[1] == tokens[n][1] + "h":
        return True  # Siddharth सिद्धार्थ, Machchh...
    if tokens[n][1] == "s" and following[1] in ("t", "th", "k", "p"):
        return True  # Basti बस्ती, Shrawasti श्रावस्ती
    if following[1] == "r" and tokens[n][1] in _BEFORE_R:
        return True  # Chitrakoot चित्रकूट, Sonbhadra सोनभद्र
    return following[1] == "y" and (n == 0 or tokens[n - 1][0] == "c")


def transliterate_word(word: str) -> str:
    """One English-spelled word in Devanagari, by rule (a guess to be checked)."""
    word = word.lower()
    for pattern, replacement in _RESPELL:
        word = re.sub(pattern, replacement, word)
    tokens = _tokens(word)
    out: list[str] = []
    for n, (kind, value) in enumerate(tokens):
        last = n == len(tokens) - 1
        previous = tokens[n - 1][0] if n else ""
        if kind == "v":
            out.append(_vowel(value, after_consonant=previous == "c", last=last))
            continue
        following = tokens[n + 1] if not last else None
        # n/m closing a syllable before a consonant is a nasal dot: Ambedkar अंबेडकर.
        if (
            value in ("n", "m")
            and previous == "v"
            and following is not None
            and following[0] == "c"
            and following[1][0] in _NASAL_BEFORE
        ):
            out.append("ं")
            continue
        out.append(_LETTER[value])
        if _conjunct(tokens, n):
            out.append(_VIRAMA)
    return unicodedata.normalize("NFC", "".join(out))


def _split_words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-./()]+", name) if w]


def lexicon_from(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """English word -> Hindi word from public (English, Hindi) name pairs whose words line up
    one to one; whole names are kept too."""
    lexicon: dict[str, str] = {}
    for english, hindi in pairs:
        hindi = unicodedata.normalize("NFC", " ".join(hindi.split()))
        if not english or not hindi:
            continue
        lexicon.setdefault(_key(english), hindi)
        words, hindi_words = _split_words(english), hindi.split()
        if len(words) == len(hindi_words):
            for word, hindi_word in zip(words, hindi_words, strict=True):
                lexicon.setdefault(_key(word), hindi_word)
    return lexicon


def _key(text: str) -> str:
    return re.sub(r"[^a-z ]", "", " ".join(text.casefold().split()))


def hindi_name(name: str, *, lexicon: dict[str, str]) -> tuple[str, str]:
    """(Hindi name, NameSource) for an English name: PUBLIC when the whole name is a public
    name, DERIVED when every word is, TRANSLITERATED when any word had to be guessed."""
    whole = lexicon.get(_key(name))
    if whole:
        return whole, NameSource.PUBLIC
    source = NameSource.DERIVED
    out: list[str] = []
    for word in _split_words(name):
        key = _key(word)
        if not key:
            continue
        known = lexicon.get(key) or GLOSSARY.get(key)
        if known:
            out.append(known)
            continue
        source = NameSource.TRANSLITERATED
        out.append(_with_suffix(key))
    return unicodedata.normalize("NFC", " ".join(out)), source


def _with_suffix(key: str) -> str:
    for ending, hindi in SUFFIXES:
        if key.endswith(ending) and len(key) > len(ending) + 1:
            stem = key[: -len(ending)]
            if ending == "abad":
                # Firoz+abad फिरोजाबाद, Ghazi+abad गाजियाबाद: the a joins the stem.
                head = transliterate_word(stem)
                if head.endswith("ा"):
                    return head + "बाद"  # Allah+abad
                return head + ("याबाद" if stem[-1] in "aeiou" else "ाबाद")
            return transliterate_word(stem) + hindi
    return transliterate_word(key)
