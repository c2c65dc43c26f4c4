"""A comparable ASCII "skeleton" for Devanagari words and their Latin spellings, so a watched
term written one way matches the others: मोदी ~ modi ~ modee, चुनाव ~ chunav ~ chunaav,
ज़हर ~ jahar ~ zahar, ईवीएम ~ evm.

1. Devanagari is romanised letter by letter: consonant + inherent "a" unless a vowel sign or
   virama follows; anusvara and chandrabindu → n, visarga → h; nukta letters → their base
   sound (क़ k, ख़ kh, ग़ g, ज़ z, फ़ f, ड़ d, ढ़ dh), which folding then meets with the Latin
   spellings. Hindi does not pronounce every inherent "a" (schwa deletion): the final one goes
   (except after a conjunct: मित्र mitra), and a medial one goes between a vowel-carrying
   syllable and a following consonant + vowel (भाजपा bhajpa, सरकार sarkar, but कमल kamal).
2. Letters spelt out as an English acronym (ईवीएम, बीजेपी, एसपी) read as the acronym, and a small
   table maps common English loanwords to their English spelling (हैक hack, नोट note).
3. Both romanisations are folded the same way (`fold`), in this order:
   runs of 3+ letters → 2 (modeeee); ch/chh → c, any other c → k; sh → s; ph → f; q → k;
   x → ks; z → j; w → v; h after a consonant dropped (kh → k, bh → b, th → t: Latin spellings
   mark aspiration and retroflexes inconsistently); eh → ah (mehangai/mahangai, pehle/pahle);
   aa → a, ee/ii → i, oo/uu → u; iy before a vowel → i (kiya/kia); ai/ae/ay not before a
   vowel → e (hai/he, jai/jay); au → o (aur/or); m before b/p → n (anusvara is written both
   ways); doubled letters collapsed (not digits: 2000 ≠ 200); a final "a" dropped when three
   letters remain (bhajpa/bhajp, yoga/yog).
4. Words in other scripts (Urdu, Bengali …) are their own skeleton: they match only themselves.

False merges the folding accepts, because Latin spellings do not separate them reliably:
kal/kaal/kala, dal/daal, sah/shah, kana/khana, rama/ram. It keeps apart: sar/sir, modi/mode,
note/not, kal/kali, 2000/200, bjp/bhajpa (acronyms are not expanded). Skeletons are only for
matching watched terms, never for changing stored text.
"""

from __future__ import annotations

import re
from itertools import groupby

from pipeline.text import nfc, tokens

_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j",
    "झ": "jh", "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t",
    "थ": "th", "द": "d", "ध": "dh", "न": "n", "ऩ": "n", "प": "p", "फ": "ph", "ब": "b",
    "भ": "bh", "म": "m", "य": "y", "र": "r", "ऱ": "r", "ल": "l", "ळ": "l", "ऴ": "l",
    "व": "v", "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}  # fmt: skip
# Consonant + nukta (NFC keeps U+0958..U+095F decomposed, so these arrive as two characters).
_NUKTA_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "ज": "z", "ड": "d", "ढ": "dh", "फ": "f", "य": "y",
    "न": "n", "र": "r", "ल": "l",
}  # fmt: skip
_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ii", "उ": "u", "ऊ": "uu", "ऋ": "ri", "ॠ": "rii",
    "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e", "ऎ": "e", "ऒ": "o",
}  # fmt: skip
_MATRAS = {
    "ा": "aa", "ि": "i", "ी": "ii", "ु": "u", "ू": "uu", "ृ": "ri", "ॄ": "rii", "े": "e",
    "ै": "ai", "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e", "ॆ": "e", "ॊ": "o",
}  # fmt: skip
_CODAS = {"ं": "n", "ँ": "n", "ः": "h"}
_VIRAMA = "\u094d"
_NUKTA = "\u093c"
_DIGITS = {chr(0x0966 + d): str(d) for d in range(10)}

# English letters as spelt in Devanagari, for acronyms written out (ईवीएम = E V M).
_LETTER_NAMES = {
    "ए": "a", "बी": "b", "सी": "c", "डी": "d", "ई": "e", "एफ": "f", "जी": "g", "एच": "h",
    "आई": "i", "जे": "j", "के": "k", "एल": "l", "एम": "m", "एन": "n", "ओ": "o", "पी": "p",
    "क्यू": "q", "आर": "r", "एस": "s", "टी": "t", "यू": "u", "वी": "v", "डब्ल्यू": "w",
    "डबल्यू": "w", "एक्स": "x", "वाई": "y", "जेड": "z",
}  # fmt: skip
_LETTER_NAME = re.compile(
    "|".join(sorted((n.replace(_NUKTA, "") for n in _LETTER_NAMES), key=len, reverse=True))
)
_ACRONYM = re.compile(f"(?:{_LETTER_NAME.pattern})+")
# Two-letter spellings that are real words too (बीबी wife, सीटी whistle) read as acronyms only
# when listed here; three or more letter names in a row are always an acronym.
ACRONYMS_2 = frozenset({"up", "mp", "pm", "cm", "sp", "dm", "sc", "st", "ec", "ed", "tv", "it"})

# English words as commonly written in Devanagari; keys without nukta (न्यूज़ and न्यूज meet).
LOANWORDS = {
    "हैक": "hack", "हैकिंग": "hacking", "हैकर": "hacker", "नोट": "note", "नोटबंदी": "notebandi",
    "वोट": "vote", "वोटिंग": "voting", "वोटर": "voter", "फेक": "fake", "न्यूज": "news",
    "वीडियो": "video", "विडियो": "video", "कांग्रेस": "congress", "कॉंग्रेस": "congress",
    "पुलिस": "police", "मशीन": "machine", "बैंक": "bank", "मोबाइल": "mobile", "रैली": "rally",
    "ट्विटर": "twitter", "फेसबुक": "facebook", "व्हाट्सएप": "whatsapp", "व्हाट्सऐप": "whatsapp",
    "वॉट्सऐप": "whatsapp", "यूट्यूब": "youtube", "मीडिया": "media", "वैक्सीन": "vaccine",
    "डाटा": "data", "डेटा": "data", "लीक": "leak", "पेपर": "paper", "टिकट": "ticket",
    "कैप्चरिंग": "capturing", "पेट्रोल": "petrol", "डीजल": "diesel", "गैस": "gas",
    "आधार": "aadhaar", "कार्ड": "card", "लैपटॉप": "laptop", "फ्री": "free", "स्कीम": "scheme",
    "स्कूल": "school", "कॉलेज": "college", "डॉक्टर": "doctor", "अस्पताल": "aspatal",
    "फोटो": "photo", "फ़ोटो": "photo", "पोस्ट": "post", "मैसेज": "message", "लाइव": "live",
    "इलेक्शन": "election", "कैंडिडेट": "candidate", "गवर्नमेंट": "government",
}  # fmt: skip
_LOANWORDS = {k.replace(_NUKTA, ""): v for k, v in LOANWORDS.items()}
# Places whose English name is not a romanisation; both spellings match.
EXONYMS = {"लखनऊ": "lucknow", "दिल्ली": "delhi", "बंबई": "bombay", "कलकत्ता": "calcutta"}

_DEV = re.compile("[\u0900-\u097f]")
_NON_ALNUM = re.compile("[^a-z0-9]+")
_TRIPLES = re.compile(r"([a-z])\1\1+")
_CH = re.compile("ch+")
_ASPIRATION = re.compile("(?<=[kgcjtdpbr])h")
_IY = re.compile("iy(?=[aeiou])")
_AI = re.compile("(?:ai|ae|ay)(?![aeiou])")
_DOUBLES = re.compile(r"([a-z])\1")
_CACHE: dict[str, frozenset[str]] = {}
_CACHE_LIMIT = 50_000


def fold(latin: str) -> str:
    """Fold a Latin spelling (or a romanised Devanagari word) into the skeleton form.

    Runs once per distinct word (results are cached by `variants`), but a stream brings new
    words all the time: literal steps use str.replace, which is ten times cheaper than re.sub.
    """
    s = latin.lower()
    if not (s.isascii() and s.isalnum()):
        s = _NON_ALNUM.sub("", s)
    if _TRIPLES.search(s) is not None:  # re.sub with a template costs ~2 µs even unmatched
        s = _TRIPLES.sub(r"\1\1", s)  # "modeeee" is "modee"
    if "c" in s:
        s = _CH.sub("C", s).replace("c", "k").replace("C", "c")  # च/छ apart from c → k
    s = s.replace("sh", "s").replace("ph", "f").replace("q", "k").replace("x", "ks")
    s = s.replace("z", "j").replace("w", "v")
    if "h" in s:
        s = _ASPIRATION.sub("", s).replace("eh", "ah")
    s = s.replace("aa", "a").replace("ee", "i").replace("ii", "i")
    s = s.replace("oo", "u").replace("uu", "u")
    if "iy" in s:
        s = _IY.sub("i", s)
    if "ai" in s or "ae" in s or "ay" in s:
        s = _AI.sub("e", s)
    s = s.replace("au", "o")
    s = s.replace("mb", "nb").replace("mp", "np")
    if _DOUBLES.search(s) is not None:
        s = "".join(char if char.isalpha() else "".join(run) for char, run in groupby(s))
    if len(s) >= 4 and s[-1] == "a":
        s = s[:-1]
    return s


def _units(word: str) -> list[list[str]]:
    """Syllable units [consonant, vowel, coda, kind]; kind "a" marks an inherent vowel."""
    units: list[list[str]] = []
    chars = word
    i, n = 0, len(chars)
    while i < n:
        ch = chars[i]
        nxt = chars[i + 1] if i + 1 < n else ""
        if ch == "ज" and chars[i + 1 : i + 3] == _VIRAMA + "ञ":
            # ज्ञ is said and written "gy" (ज्ञान gyan), not "jn".
            units.append(["g", "", "", "virama"])
            ch, nxt, i = "य", chars[i + 3 : i + 4], i + 2
        if ch in _CONSONANTS:
            if nxt == _NUKTA:
                cons = _NUKTA_CONSONANTS.get(ch, _CONSONANTS[ch])
                i += 1
                nxt = chars[i + 1] if i + 1 < n else ""
            else:
                cons = _CONSONANTS[ch]
            if nxt in _MATRAS:
                units.append([cons, _MATRAS[nxt], "", ""])
                i += 2
                continue
            if nxt == _VIRAMA:
                units.append([cons, "", "", "virama"])
                i += 2
                continue
            units.append([cons, "a", "", "a"])
        elif ch in _VOWELS:
            units.append(["", _VOWELS[ch], "", ""])
        elif ch in _CODAS and units:
            units[-1][2] += _CODAS[ch]
        elif ch in _MATRAS and units:
            units[-1][1] += _MATRAS[ch]  # a stray second vowel sign: keep its sound
        elif ch in _DIGITS:
            units.append([_DIGITS[ch], "", "", "other"])
        elif ch.isascii() and ch.isalnum():
            units.append([ch.lower(), "", "", "other"])
        i += 1
    return units


def romanise(word: str, *, schwa: str = "rule") -> str:
    """Rough romanisation of one Devanagari word; schwa is "rule", "keep" or "drop" (medial)."""
    return _join(_units(_strip_joiners(word)), schwa)


def _strip_joiners(word: str) -> str:
    if "\u200c" in word or "\u200d" in word:
        return word.replace("\u200c", "").replace("\u200d", "")
    return word


def _join(units: list[list[str]], schwa: str) -> str:
    last = len(units) - 1
    deleted = [False] * len(units)
    if last >= 1 and units[last][3] == "a" and not units[last][2]:
        # Final inherent vowel is silent, except after a conjunct (मित्र mitra, कृष्ण krishna).
        deleted[last] = units[last - 1][3] != "virama"
    if schwa != "keep":
        for i in range(last - 1, 0, -1):
            unit = units[i]
            if unit[3] != "a" or unit[2]:
                continue
            if schwa == "drop":
                deleted[i] = units[i - 1][3] != "virama"
                continue
            prev, after = units[i - 1], units[i + 1]
            prev_voiced = prev[1] != "" and not deleted[i - 1] and prev[3] != "other"
            after_voiced = after[0] != "" and after[1] != "" and not deleted[i + 1]
            if prev_voiced and after_voiced and after[3] != "other":
                deleted[i] = True
    return "".join(u[0] + ("" if deleted[i] else u[1]) + u[2] for i, u in enumerate(units))


def _acronym(word: str) -> str:
    """The English letters a Devanagari word spells out (ईवीएम → evm), or ""."""
    word = word.replace(_NUKTA, "")
    if _ACRONYM.fullmatch(word) is None:
        return ""
    names = _LETTER_NAME.findall(word)
    if len(names) < 2 or "".join(names) != word:
        return ""
    return "".join(_LETTER_NAMES[name] for name in names)


def _devanagari_variants(word: str) -> tuple[str, frozenset[str]]:
    """Main skeleton and all skeletons of a Devanagari word."""
    base = nfc(_strip_joiners(word))
    loan = _LOANWORDS.get(base.replace(_NUKTA, ""))
    if loan is not None:
        # Only the English spelling: the romanised one (नोट → "not") would match English words.
        main = fold(loan)
        return main, frozenset({main})
    acronym = _acronym(base)
    units = _units(base)
    rule = fold(_join(units, "rule"))
    options = {rule} | {fold(r) for r in {_join(units, "keep"), _join(units, "drop")}}
    if base in EXONYMS:
        options.add(fold(EXONYMS[base]))
    if "ै" in base:
        # English "a" is usually written ै in loanwords (बैंक bank, हैकर hacker).
        options.add(fold(romanise(base.replace("ै", "ा"))))
    if acronym:
        options.add(fold(acronym))
        if len(acronym) >= 3 or acronym in ACRONYMS_2:
            return fold(acronym), frozenset(options)
    return rule, frozenset(options)


def variants(word: str) -> frozenset[str]:
    """All skeletons of one token: one for Latin, a few for Devanagari (schwa readings,
    acronym, loanword), plus the stem without an honorific "ji" (मोदीजी, modiji → modi)."""
    found = _CACHE.get(word)
    if found is not None:
        return found
    if word.isdigit() and word.isascii():
        options = {word}
    elif _DEV.search(word) is None:
        options = {fold(word) or word.casefold()}
    else:
        options = set(_devanagari_variants(word)[1])
    for option in list(options):
        if option.endswith("ji") and len(option) >= 5:
            options.add(option[:-2])
    result = frozenset(o for o in options if o)
    if len(_CACHE) >= _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE[word] = result
    return result


def skeleton(word: str) -> str:
    """The main skeleton of one word (Devanagari or Latin) for comparison across scripts."""
    if not word:
        return ""
    if _DEV.search(word) is None:
        return fold(word) or word.casefold()
    return _devanagari_variants(word)[0]


def skeleton_text(text: str) -> list[str]:
    """Main skeletons of the tokens of a text, in order."""
    return [s for s in (skeleton(t) for t in tokens(text)) if s]
