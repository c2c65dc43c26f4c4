"""Exact and near-duplicate detection: a dedupe key, MinHash over character shingles, LSH.

Forward chains change a message in small ways: "Forwarded as received" lines, emojis, *bold*
markers, a name or "जय हिंद" added at the end, punctuation, spacing, case, truncation, a typo,
nukta or chandrabindu spelt differently. The dedupe key removes what never matters (so exact
copies hash equal); MinHash over 5-character shingles of the key estimates the Jaccard
similarity of what remains, robust to the rest. LSH banding finds candidates without comparing
against every stored wording.

Parameters (num_perm 120 = 40 bands × 3 rows): a pair becomes a candidate with probability
1 - (1 - J³)⁴⁰ — 0.5% at J = 0.05 (unrelated texts), 83% at J = 0.35, 99.5% at J = 0.5,
~100% above 0.6. Candidates are then checked: estimated J ≥ 0.5 is a near duplicate, ≥ 0.3
the same narrative (a reworded version).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from pipeline import urls

# Boilerplate that forward chains add. Whole lines matching these are dropped from the key.
_BOILERPLATE = re.compile(
    r"^\W*(?:"
    r"forwarded(?: as received| many times| message)?"
    r"|fwd?"
    r"|(?:please |pls |plz )?(?:forward|share|send)(?: this| it)?(?: to| in)?(?: all| every| max(?:imum)?| as many)?"
    r"(?: \d+| your| ur)?(?: groups?| friends| contacts| people)?(?: as (?:much|many) as possible)?"
    r"|must read|very important|urgent|breaking(?: news)?|jai hind|jai shri ram|bharat mata ki jai"
    r"|copy ?paste|copied|received as it is"
    r"|फॉरवर्ड(?: किया गया| करें| करो)?|फारवर्ड(?: करें)?|आगे भेजें|सबको भेजें|सब को भेजें"
    r"|जितना हो सके (?:शेयर|फॉरवर्ड) करें|(?:ज़रूर|जरूर) (?:पढ़ें|शेयर करें|भेजें)"
    r"|जय हिंद|जय श्री राम|भारत माता की जय|अति आवश्यक|जरूरी सूचना|ज़रूरी सूचना"
    r"|sab(?:ko| ko) bhejo|aage bhejo|share karo|forward karo|jaroor padhe|zaroor padhe"
    r")\W*$",
    re.IGNORECASE | re.MULTILINE,
)
_URLS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# Letters, digits and Devanagari signs survive; emoji, punctuation, markdown do not.
_NOT_WORD = re.compile(r"(?:[^\w\u0900-\u0963\u0966-\u097f]|_)+")
_NUKTA = "\u093c"


def dedupe_key(text: str) -> str:
    """What two forwards of one message have in common (see the module docstring)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).casefold()
    text = _BOILERPLATE.sub("", text)
    # A link counts by its canonical form (tracking parameters and mobile hosts removed).
    text = _URLS.sub(lambda m: " " + urls.canonical(m.group()).split("://", 1)[-1] + " ", text)
    text = text.replace(_NUKTA, "").replace("\u0901", "\u0902")  # ज़/ज, ँ/ं spelt both ways
    text = text.replace("\u200c", "").replace("\u200d", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


def exact_hash(key: str) -> int:
    """Signed 64-bit hash of a key, the same on every machine (fits a BigIntegerField)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


_MASK32 = np.uint64(0xFFFFFFFF)
_BASE = np.uint64(1_000_003)


def _shingle_hashes(key: str, k: int) -> np.ndarray:
    """32-bit polynomial hashes of every k-character window of the key, vectorised."""
    codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) <= k:
        windows = codes[None, :]
    else:
        windows = np.lib.stride_tricks.sliding_window_view(codes, k)
    powers = _BASE ** np.arange(windows.shape[1] - 1, -1, -1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        h = (windows * powers).sum(axis=1, dtype=np.uint64)
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
    unique: np.ndarray = np.unique(h & _MASK32)
    return unique


@dataclass(frozen=True)
class MinHasher:
    num_perm: int = 120
    shingle: int = 5
    seed: int = 1
    _a: np.ndarray = field(init=False, repr=False, compare=False)
    _b: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rng = np.random.default_rng(self.seed)
        a = rng.integers(1, 2**63, size=self.num_perm, dtype=np.uint64) | np.uint64(1)
        b = rng.integers(0, 2**63, size=self.num_perm, dtype=np.uint64)
        object.__setattr__(self, "_a", a)
        object.__setattr__(self, "_b", b)

    def signature(self, key: str) -> np.ndarray:
        """uint32[num_perm]: the minimum of each hash permutation over the key's shingles."""
        h = _shingle_hashes(key, self.shingle)
        with np.errstate(over="ignore"):
            # Multiply-shift hashing: (a·x + b) mod 2⁶⁴, top 32 bits.
            mixed = (h[:, None] * self._a[None, :] + self._b[None, :]) >> np.uint64(32)
        sig: np.ndarray = mixed.min(axis=0).astype(np.uint32)
        return sig

    def signatures(self, keys: list[str]) -> np.ndarray:
        """[n, num_perm] signatures of a batch."""
        if not keys:
            return np.zeros((0, self.num_perm), dtype=np.uint32)
        return np.stack([self.signature(k) for k in keys])


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    return float(np.count_nonzero(a == b)) / len(a)


_ROW_MULT = np.array(
    [
        0x9E3779B97F4A7C15,
        0xC2B2AE3D27D4EB4F,
        0x165667B19E3779F9,
        0x27D4EB2F165667C5,
        0x85EBCA77C2B2AE63,
        0xFF51AFD7ED558CCD,
    ],
    dtype=np.uint64,
)


def band_hashes(sig: np.ndarray, *, bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band (the band's index is mixed in, so bands never collide)."""
    m = sig[: bands * rows].astype(np.uint64).reshape(bands, rows)
    with np.errstate(over="ignore"):
        h = np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0xD6E8FEB86659FD93)
        for j in range(rows):
            h = (h ^ m[:, j]) * _ROW_MULT[j % len(_ROW_MULT)]
            h ^= h >> np.uint64(31)
    return [int(x) for x in h.view(np.int64)]


class LSHIndex:
    """In-memory band index (within a batch, in tests and benchmarks)."""

    def __init__(self, *, num_perm: int = 120, bands: int, rows: int) -> None:
        assert bands * rows <= num_perm
        self.bands, self.rows = bands, rows
        self._buckets: dict[int, list[int]] = defaultdict(list)

    def add(self, key: int, sig: np.ndarray) -> None:
        for band in band_hashes(sig, bands=self.bands, rows=self.rows):
            self._buckets[band].append(key)

    def query(self, sig: np.ndarray) -> list[int]:
        found: dict[int, None] = {}
        for band in band_hashes(sig, bands=self.bands, rows=self.rows):
            for key in self._buckets.get(band, ()):
                found[key] = None
        return list(found)


NEAR_DUP: tuple[int, int, float] = (40, 3, 0.5)
NARRATIVE: tuple[int, int, float] = (40, 3, 0.3)


def signature_to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)
