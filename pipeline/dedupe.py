"""Exact and near-duplicate detection: a dedupe key, MinHash over character shingles, LSH.

Forward chains change a message in small ways: "Forwarded as received" / "फॉरवर्ड करें" / "Forward
this to 10 groups" lines, emojis, *bold* and _italic_ markers, blank lines, a name, phone number
or "जय हिंद" added at the top or bottom, punctuation, spacing, case, a typo, a cut-off end, nukta,
chandrabindu and ZWJ spelt differently. `dedupe_key` removes what never matters, so exact copies
hash equal (`exact_hash`); MinHash over 5-character shingles of the key estimates the Jaccard
similarity of what remains; LSH banding finds candidates without comparing against every stored
wording. A near duplicate is an LSH candidate whose estimated Jaccard is ≥ the threshold.

What the key keeps and drops (decisions):
- Spellings that render alike fold alike, per code point from one table: canonical and
  compatibility decomposition (so NFC/NFD input, precomposed क़ and क + nukta, é and e + ◌́,
  𝗯𝗼𝗹𝗱 letters and ² all agree), casefold, nukta dropped (ज़ = ज), chandrabindu read as
  anusvara, every script's digits as ASCII; ZWJ/ZWNJ, soft hyphen, direction marks and BOM
  dropped. Indic vowel signs and virama stay (कमल ≠ कमला).
- Emojis, punctuation (danda included) and markdown markers become word breaks.
- Forward boilerplate in English, Hindi and Hinglish ("Forwarded as received", "Forward this to
  10 groups", "फॉरवर्ड करें", "जितना हो सके शेयर करें", "sabko bhejo") is removed wherever it
  appears; bare words ("Forwarded", "Urgent", "Fwd") only when they are a whole line. Sign-off
  slogans ("Jai Hind", "जय श्री राम", "भारत माता की जय") count as boilerplate. A post that is
  nothing but boilerplate keeps it: removal never empties a key.
- Indian mobile numbers are dropped: forwarders sign with theirs, and a hoax that only differs by
  the number to call is still the same hoax.
- URLs stay, as host/path plus the query parameters that name content (scheme, www./m.,
  fragment and tracking parameters such as utm_*, fbclid, si go; youtu.be/x = youtube.com/
  watch?v=x; twitter.com = x.com): the link is often what the message is about, but a share
  button's tracking parameter must not make a copy look new.

Parameters. Signatures have 128 permutations; a pair with Jaccard J shares at least one of b
bands of r rows with probability P(J) = 1 - (1 - Jʳ)ᵇ (the S-curve):

    J            0.05    0.10    0.20    0.30    0.40    0.50    0.60    0.70
    32 × 4      2e-4    0.003   0.050   0.229   0.564   0.873   0.988   1.000   NEAR_DUP
    42 × 3      0.005   0.041   0.286   0.683   0.938   0.996   1.000   1.000   NARRATIVE

NEAR_DUP = 32 bands × 4 rows, then estimated J ≥ 0.5; NARRATIVE = 42 × 3, then J ≥ 0.3. Chosen
on the tuning split of `bench/neardup.py`: forwards of one message sit at J ≥ 0.6 for 99% of
pairs (median 0.91), different messages on one topic at ≤ 0.35, unrelated ones at 0.01-0.05.
32 × 4 makes ~6 noise candidates per query per million stored wordings, 42 × 3 ~300 (the price
of reaching J = 0.3). On the separate report split (591 real bases, 2,955 posts, 5,910 duplicate
and 4.36 M other pairs, 10,725 of them same-topic): NEAR_DUP precision 1.000, recall 0.998
(hi 0.999, hinglish 0.996, en 0.9995), no same-topic pair flagged; ~60 µs per 200-char post
for key + signature + bands in batches (~80 µs one at a time) on one core of the dev machine.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

import numpy as np

# --- the key ----------------------------------------------------------------------------------

_SPACE, _NEWLINE, _DROPPED = 32, 10, 0
_NUKTAS = frozenset({0x093C, 0x09BC, 0x0A3C, 0x0ABC, 0x0B3C, 0x0CBC})
_NEWLINES = frozenset({0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029})
_INDIC = range(0x0900, 0x0E00)  # Devanagari … Sinhala: their vowel signs are part of words
_MATH_ALNUM = range(0x1D400, 0x1D800)  # 𝐛𝐨𝐥𝐝 / 𝘪𝘵𝘢𝘭𝘪𝘤 "fonts" used in forwards
_TABLE_SIZE = 0x1D800


def _fold_char(cp: int) -> int:
    """What one code point becomes in a key: itself or a folded letter, a space, a newline, or
    dropped (0)."""
    ch = chr(cp)
    cat = unicodedata.category(ch)
    if cp in _NEWLINES:
        return _NEWLINE
    if cat == "Cf" or cp in _NUKTAS:  # ZWJ/ZWNJ, direction marks, BOM, soft hyphen; nukta
        return _DROPPED
    if cat in ("Mn", "Mc", "Me"):  # accents go (é = e); Indic vowel signs stay
        return 0x0902 if cp in (0x0900, 0x0901) else (cp if cp in _INDIC else _DROPPED)
    if cat[0] not in "LN":
        return _SPACE
    # Compatibility decomposition without the marks we drop: क़ → क, ऩ → न, é → e, 𝗙 → F, ² → 2.
    parts = [
        c
        for c in unicodedata.normalize("NFKD", ch)
        if ord(c) not in _NUKTAS
        and not (unicodedata.category(c) in ("Mn", "Mc", "Me") and ord(c) not in _INDIC)
    ]
    base = parts[0] if len(parts) == 1 else ch
    folded = base.casefold()
    if len(folded) != 1:
        folded = base
    if unicodedata.category(folded) == "Nd":
        return ord("0") + unicodedata.decimal(folded)
    return ord(folded) if folded.isalnum() else _SPACE


@cache
def _table(*, lines: bool = False) -> np.ndarray:
    """Code point → folded code point for everything `_fold_char` handles (the last entry, for
    code points beyond, such as emoji, is a space); newlines become spaces unless `lines`.
    Built on first use (~0.1 s)."""
    if lines:
        table = np.full(_TABLE_SIZE + 1, _SPACE, dtype=np.uint32)
        for cp in itertools.chain(range(0x10000), _MATH_ALNUM):
            table[cp] = _fold_char(cp)
        return table
    table = _table(lines=True).copy()
    table[table == _NEWLINE] = _SPACE
    return table


def _fold_codes(text: str, *, lines: bool = False) -> np.ndarray:
    """Folded code points of a text, zero-width characters removed, runs of spaces made one."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    folded = _table(lines=lines).take(codes, mode="clip")
    if not folded.all():
        folded = folded[folded != _DROPPED]
    space = folded == _SPACE
    repeat = np.zeros(len(folded), dtype=bool)
    np.logical_and(space[1:], space[:-1], out=repeat[1:])
    return folded[~repeat]


def _decode(codes: np.ndarray) -> str:
    return codes.tobytes().decode("utf-32-le")


def _fold_pattern(pattern: str) -> str:
    """Fold the non-ASCII letters of a regex the way keys are folded (ASCII is regex syntax)."""
    table = _table(lines=True)
    return "".join(
        c if ord(c) < 0x80 or table[ord(c)] in (_SPACE, _NEWLINE) else chr(table[ord(c)])
        for c in pattern
        if ord(c) < 0x80 or table[ord(c)] != _DROPPED
    )


# Boilerplate as it looks in a folded text (lower case, single spaces, no punctuation).
_EN_PLEASE = r"(?:(?:please|pls|plz|kindly) )?"
_EN_VERB = r"(?:forward|share|send|pass|circulate)"
_EN_TARGET = (
    r"(?:(?:this|it|this message|the message|this post|on|ahead) )?(?:(?:to|with|in|among) )?"
    r"(?:(?:all|every|max|maximum|as many|at least|atleast|more than) )?"
    r"(?:(?:\d+|five|ten|twenty|your|ur|my|all) )?(?:(?:whatsapp|wa|fb) )?"
    r"(?:groups?|friends|contacts|people|persons|members|family|relatives|indians)"
    r"(?: and (?:friends|family|groups|contacts|relatives))?"
)
_EN_MUCH = (
    r"(?:(?:this|it) )?(?:as (?:much|many|far|widely) as (?:possible|you can)|maximum|max|widely"
    r"|to (?:maximum|max|everyone|all)(?: people)?)"
)
_HI_LATIN_VERB = (
    r"(?:(?:share|forward|fwd|send) ?(?:kar|kr)(?:e|ein|en|o|na|iye|ie|dijiye|de|den|do|ke)"
    r"|bhej(?:o|ein|en|e|iye|ie|dijiye|de|do|na))"
)
_HI_LATIN_PREFIX = (
    r"(?:(?:please|plz|pls|kripya) )?"
    r"(?:(?:(?:sab|sabhi|sab log|sabhi log|sabhi logon|sab logon|sabhi groups?|sab groups?)"
    r" ?(?:ko|me|mein|main) )|aage |(?:jyada|zyada|jada) se (?:jyada|zyada|jada) "
    r"|jitna ho sake(?: utna)? |(?:\d+|das|paanch|panch) (?:groups?|logon|logo|log) (?:me|mein|main|ko|tak) "
    r"|(?:jarur|jaroor|zaroor|zarur) )*"
)
_HI_VERB = (
    r"(?:(?:शे[यअ]र|फ[ॉाो]र्?वर्ड) ?(?:करें|करे|करो|कीजिए|कीजिये|कर दें|कर दो|कर दे|करना|करिए|करिये)"
    r"|भेज(?:ें|े|ो|िए|िये| दें| दो| दे))"
)
_HI_PREFIX = (
    r"(?:(?:कृपया|प्लीज) )?"
    r"(?:(?:जितना हो सके(?: उतना)?|ज़्यादा से ज़्यादा|ज्यादा से ज्यादा|अधिक से अधिक|सब ?को|सभी को"
    r"|सभी (?:ग्रुप|ग्रुपों|ग्रुप्स|समूहों) में|आगे|(?:\d+|दस|पांच) (?:ग्रुप|ग्रुपों|ग्रुप्स|लोगों|समूहों) (?:में|को|तक)"
    r"|ज़रूर) )*"
)
_PHRASES = (
    r"forwarded as received|received as forwarded|as received|forwarded many times",
    r"forwarded message|forward(?:ed)? from",
    rf"{_EN_PLEASE}{_EN_VERB} {_EN_TARGET}",
    rf"{_EN_PLEASE}{_EN_VERB} {_EN_MUCH}",
    r"must (?:read|watch|share)|read till (?:the )?end|very important|important message",
    r"breaking news|copy pasted?|copied from|jai hind|jai shri ram|jai shree ram|jai sri ram",
    r"bharat mata ki jai|vande mataram|(?:jarur|jaroor|zaroor|zarur|pura) (?:padhe|padhen|padhein|dekhe)",
    rf"{_HI_LATIN_PREFIX}{_HI_LATIN_VERB}",
    r"(?:कई बार )?फ[ॉाो]र्?वर्ड किया (?:गया|हुआ)",
    rf"{_HI_PREFIX}{_HI_VERB}",
    r"(?:ज़रूर|पूरा|अंत तक) (?:पढ़ें|पढ़े|पढ़िए|देखें)|अति आवश्यक|ज़रूरी सूचना|महत्वपूर्ण सूचना",
    r"ब्रेकिंग न्यूज़?|जय हिंद|जय हिन्द|जय श्री ?राम|भारत माता की जय|वन्दे मातरम्?|वंदे मातरम्?",
)
# Bare words that are boilerplate only when they stand alone on a line.
_LINE_WORDS = (
    r"fwd|fw|forwarded|forward|urgent|important|copied|breaking|must read|viral|share"
    r"|फ[ॉाो]र्?वर्ड|ज़रूरी|शे[यअ]र|वायरल"
)
# Cheap gate: only texts containing one of these run the boilerplate patterns.
_TRIGGER_WORDS = (
    r"forward|share|send|fwd|fw|receiv|read|must|important|urgent|breaking|cop|jai|mata|bhej|padh"
    r"|dekhe|viral|pass|circulat|फ[ॉाो]र्?वर्ड|शे[यअ]र|भेज|पढ़|देखें|जय हि|जय श्री|माता की जय|आवश्यक"
    r"|ज़रूरी|महत्वपूर्ण सूचना|ब्रेकिंग|मातरम|वायरल"
)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?…।'\"*_~)]"
_HOST_ALIASES = {"twitter.com": "x.com", "mobile.twitter.com": "x.com", "fb.com": "facebook.com"}
_TRACKING = frozenset(
    {"fbclid", "gclid", "igshid", "igsh", "si", "feature", "ref", "ref_src", "mibextid", "s", "t"}
    | {"share", "app", "rcm", "from", "sfnsn", "wtsrc", "amp", "ved", "usg", "ei", "sa"}
)
_PHONE = re.compile(r"[6-9]\d{4} ?\d{5}(?!\d)")
# A country or trunk prefix in front of a number, left out of the match above.
_PHONE_PREFIX = re.compile(r"(?:^| )(?:91|0) ?$")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    phrases = _fold_pattern("|".join(_PHRASES))
    return (
        re.compile(_fold_pattern(_TRIGGER_WORDS)),
        # Phrases chained with "and" ("ज़रूर पढ़ें और आगे भेजें") go together.
        re.compile(rf"(?<!\S)(?:{phrases})(?: (?:और|तथा|aur|and|or) (?:{phrases}))*(?!\S)"),
        re.compile(r"^ *(?:(?:" + _fold_pattern(_LINE_WORDS) + r") *)+$", re.MULTILINE),
    )


def _drop_phones(key: str) -> str:
    """Remove Indian mobile numbers (with +91 or 0 in front) from a folded, one-line text."""
    out: list[str] = []
    pos = 0
    for match in _PHONE.finditer(key):
        head = _PHONE_PREFIX.sub("", key[pos : match.start()])
        if head[-1:].isdigit():
            continue  # the tail of a longer number, not a phone
        out += (head, " ")
        pos = match.end()
    if not out:
        return key
    out.append(key[pos:])
    return " ".join("".join(out).split())


def _url_key(match: re.Match[str]) -> str:
    """A link as host/path?meaningful-query: no scheme, www./m., fragment or tracking."""
    url = match.group().rstrip(_URL_TRAILING)
    rest = url.split("://", 1)[-1].partition("#")[0]
    rest, _, query = rest.partition("?")
    host, _, path = rest.partition("/")
    host = host.lower().rpartition("@")[2].partition(":")[0]
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    host = _HOST_ALIASES.get(host, host)
    path = path.rstrip("/")
    if host == "youtu.be" and path:
        host, path, query = "youtube.com", "watch", "v=" + path.partition("/")[0]
    params = sorted(
        p
        for p in query.split("&")
        if p
        and (key := p.partition("=")[0].lower()) not in _TRACKING
        and not key.startswith("utm_")
        and (host != "youtube.com" or key == "v")
    )
    return f" {host}/{path}{'?' + '&'.join(params) if params else ''} "


def dedupe_key(text: str) -> str:
    """What two forwards of one message have in common (see the module docstring)."""
    if not text:
        return ""
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub(_url_key, text)
    key = _decode(_fold_codes(text)).strip(" ")
    trigger, phrases, lines = _patterns()
    if trigger.search(key):
        # Slow path (a minority of posts): line structure matters for bare boilerplate words.
        kept = lines.sub("", phrases.sub("", _decode(_fold_codes(text, lines=True))))
        kept = " ".join(kept.split())
        if kept:  # a post that is nothing but boilerplate keeps it
            key = kept
    return _drop_phones(key) or key


def without_boilerplate(text: str) -> str:
    """The text as written, without its lines that are nothing but forward boilerplate
    ("⏩ Forwarded", "*Forwarded as received*", "फॉरवर्ड किया गया", "जरूर शेयर करें"): what a
    narrative's title shows. A text that is nothing but boilerplate is returned whole."""
    trigger, phrases, lines = _patterns()
    kept = []
    for line in text.splitlines():
        folded = " ".join(_decode(_fold_codes(line)).split())
        if folded and trigger.search(folded):
            rest = lines.sub("", phrases.sub("", folded)).strip()
            if not rest:
                continue
        kept.append(line)
    out = "\n".join(kept).strip()
    return out or text


def exact_hash(key: str) -> int:
    """Signed 64-bit hash of a key, the same on every machine (fits a BigIntegerField)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


# --- MinHash ----------------------------------------------------------------------------------

_M64 = (1 << 64) - 1
_BASE = np.uint64(0x100000001B3)  # FNV prime: odd, spreads code points over all 64 bits
_EMPTY = np.uint32(0xFFFFFFFF)
_S32, _S33 = np.uint64(32), np.uint64(33)
_MIX1, _MIX2 = np.uint64(0xFF51AFD7ED558CCD), np.uint64(0xC4CEB9FE1A85EC53)
_CHUNK = 8192  # shingles per block: a [128, 8192] uint32 block is 4 MB and stays in cache


def _splitmix64(seed: int, n: int) -> list[int]:
    """n pseudo-random 64-bit ints from a seed; our own generator, so stored signatures never
    change when numpy changes its random streams."""
    out, state = [], seed & _M64
    for _ in range(n):
        state = (state + 0x9E3779B97F4A7C15) & _M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
        out.append(z ^ (z >> 31))
    return out


def _mix(h: np.ndarray) -> np.ndarray:
    """Avalanche uint64 values in place (murmur3 finaliser) and return them."""
    # Integer array arithmetic wraps silently in numpy (no errstate needed, and it is slow).
    h ^= h >> _S33
    h *= _MIX1
    h ^= h >> _S33
    h *= _MIX2
    h ^= h >> _S33
    return h


def _window_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """32-bit hash of every k-code-point window: polynomial mod 2⁶⁴, mixed, top half."""
    n = len(codes) - k + 1
    h = codes[:n].astype(np.uint64)
    for j in range(1, k):
        h *= _BASE
        h += codes[j : j + n]
    return (_mix(h) >> _S32).astype(np.uint32)


@dataclass(frozen=True)
class MinHasher:
    """MinHash of the set of `shingle`-character windows of a key, `num_perm` values.

    Permutation i is x ↦ (aᵢ·x + bᵢ) mod 2³² over 32-bit shingle hashes (aᵢ odd): uint32
    arithmetic is ~2.5× faster than 64-bit in numpy, and on real keys its estimates are as
    accurate as 64-bit multiply-shift (error ≈ √(J(1-J)/num_perm)).
    The aᵢ, bᵢ come from splitmix64(seed), so signatures stored today stay comparable.
    """

    num_perm: int = 128
    shingle: int = 5
    seed: int = 1
    _a: np.ndarray = field(init=False, repr=False, compare=False)
    _b: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        assert self.num_perm > 0
        assert self.shingle > 0
        values = _splitmix64(self.seed, self.num_perm)
        a = np.array([(v & 0xFFFFFFFF) | 1 for v in values], dtype=np.uint32)
        b = np.array([v >> 32 for v in values], dtype=np.uint32)
        object.__setattr__(self, "_a", a[:, None])
        object.__setattr__(self, "_b", b[:, None])

    def signature(self, key: str) -> np.ndarray:
        """uint32[num_perm]; a key shorter than a shingle is one shingle, "" is all 0xFFFFFFFF."""
        if not key or len(key) > _CHUNK:
            row: np.ndarray = self.signatures([key])[0]
            return row
        codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32)
        m = self._a * _window_hashes(codes, min(self.shingle, len(key)))
        m += self._b
        sig: np.ndarray = m.min(axis=1)
        return sig

    def signatures(self, keys: list[str]) -> np.ndarray:
        """uint32[len(keys), num_perm], equal row by row to `signature` of each key."""
        out = np.full((len(keys), self.num_perm), _EMPTY, dtype=np.uint32)
        hashes, offsets, rows = self._shingle_hashes(keys)
        if not rows:
            return out
        offs = np.asarray(offsets, dtype=np.int64)
        acc = np.full((self.num_perm, len(rows)), _EMPTY, dtype=np.uint32)
        # Permutations × shingles blocks, each reduced per key segment along the contiguous
        # axis (reduceat along axis 0 is ~10× slower) and folded into the running minimum, so
        # any batch or key length runs in fixed memory.
        for c0 in range(0, len(hashes), _CHUNK):
            c1 = min(c0 + _CHUNK, len(hashes))
            first = int(np.searchsorted(offs, c0, side="right")) - 1
            last = int(np.searchsorted(offs, c1, side="left"))
            seg = offs[first:last] - c0
            seg[0] = 0
            m = self._a * hashes[c0:c1]
            m += self._b
            part = np.minimum.reduceat(m, seg, axis=1)
            np.minimum(acc[:, first:last], part, out=acc[:, first:last])
        out[rows] = acc.T
        return out

    def _shingle_hashes(self, keys: list[str]) -> tuple[np.ndarray, list[int], list[int]]:
        """Shingle hashes of all non-empty keys, concatenated: offsets[i]:offsets[i + 1] are
        those of keys[rows[i]]."""
        k = self.shingle
        parts: list[np.ndarray] = []
        offsets = [0]
        rows: list[int] = []
        long_keys = [(i, key) for i, key in enumerate(keys) if len(key) >= k]
        if long_keys:
            # One pass over all keys joined; windows straddling two keys are skipped after.
            joined = "".join(key for _, key in long_keys)
            h = _window_hashes(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32), k)
            counts = [len(key) - k + 1 for _, key in long_keys]
            if len(long_keys) == 1:
                parts.append(h)
            else:
                n = np.asarray(counts, dtype=np.int64)
                ends = np.cumsum(n)
                # Window j of key i starts at (k - 1)·i + j in the joined text.
                idx = np.arange(int(ends[-1]), dtype=np.int64)
                idx += np.repeat(np.arange(len(counts), dtype=np.int64) * (k - 1), n)
                parts.append(h[idx])
            offsets.extend(itertools.accumulate(counts))
            rows.extend(i for i, _ in long_keys)
        for i, key in enumerate(keys):
            if 0 < len(key) < k:
                codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32)
                parts.append(_window_hashes(codes, len(key)))
                offsets.append(offsets[-1] + 1)
                rows.append(i)
        if not parts:
            return np.zeros(0, dtype=np.uint32), offsets, rows
        return np.concatenate(parts) if len(parts) > 1 else parts[0], offsets, rows


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of permutations whose minimums agree."""
    return float(np.count_nonzero(a == b)) / len(a)


# --- LSH --------------------------------------------------------------------------------------

_ROW_MULT = np.array(_splitmix64(0x5A3B, 64), dtype=np.uint64) | np.uint64(1)
_BAND_SALT = np.uint64(0xD6E8FEB86659FD93)


@cache
def _band_salts(bands: int) -> np.ndarray:
    return np.arange(1, bands + 1, dtype=np.uint64) * _BAND_SALT


def _bands(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    assert 0 < rows <= len(_ROW_MULT)
    assert bands * rows <= sigs.shape[-1]
    m = sigs[..., : bands * rows].reshape(*sigs.shape[:-1], bands, rows).astype(np.uint64)
    # Σ rowⱼ·Rⱼ + saltᵦ mod 2⁶⁴ with random odd Rⱼ: two different bands of 32-bit values
    # collide with probability ≈ 2⁻³², which is all a bucket key needs (no final mixing).
    h = m @ _ROW_MULT[:rows]
    h += _band_salts(bands)
    keys: np.ndarray = h.view(np.int64)
    return keys


def band_hashes(sig: np.ndarray, *, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band of `rows` values; the band index is mixed in, so equal
    values in different bands never share a key."""
    keys: list[int] = _bands(sig, bands, rows).tolist()
    return keys


def band_hashes_batch(sigs: np.ndarray, *, bands: int, rows: int) -> np.ndarray:
    """int64[n, bands]: `band_hashes` of each row of a [n, num_perm] batch."""
    return _bands(sigs, bands, rows)


class LSHIndex:
    """In-memory band index (within a batch, in tests and benchmarks)."""

    def __init__(self, *, num_perm: int = 128, bands: int, rows: int) -> None:
        assert bands * rows <= num_perm
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self._buckets: dict[int, list[int]] = defaultdict(list)

    def add(self, key: int, sig: np.ndarray) -> None:
        """File `key` under each band of its signature."""
        for band in band_hashes(sig, bands=self.bands, rows=self.rows):
            self._buckets[band].append(key)

    def query(self, sig: np.ndarray) -> list[int]:
        """Keys sharing at least one band with `sig`, each once, in the order they were added."""
        found: dict[int, None] = {}
        for band in band_hashes(sig, bands=self.bands, rows=self.rows):
            bucket = self._buckets.get(band)
            if bucket:
                found.update(dict.fromkeys(bucket))
        return list(found)


class LSHParams(NamedTuple):
    bands: int
    rows: int
    threshold: float  # minimum estimated Jaccard among candidates


NEAR_DUP = LSHParams(bands=32, rows=4, threshold=0.5)
NARRATIVE = LSHParams(bands=42, rows=3, threshold=0.3)


def signature_to_bytes(sig: np.ndarray) -> bytes:
    """Little-endian uint32 bytes (4 × num_perm), the same on every machine."""
    return np.asarray(sig, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    """Inverse of `signature_to_bytes`: a writable native uint32 array."""
    assert len(data) % 4 == 0, "signature bytes must be a multiple of 4"
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
