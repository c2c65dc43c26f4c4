"""Stories across scripts (issue #17): the same claim written in Devanagari and in Latin
script ("ईवीएम हैक हो सकती है" / "evm hack ho sakti hai") never meets in the narrative index,
which compares characters. Here a text is folded to its transliteration skeleton
(`pipeline.translit`: both scripts reach the same ASCII form), and the skeleton's character
4-grams get a small MinHash: its LSH band keys find candidates, its estimated Jaccard decides.

Skeletons are only compared, never shown or stored as text.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline import dedupe
from pipeline.translit import skeleton_text

NUM_PERM = 64
BANDS, ROWS = 16, 2
SHINGLE = 4
# Estimated Jaccard of skeleton 4-grams at and above which two texts are one story. A
# transliteration of a 20-word forward scores 0.45-0.9 (spellings differ: fon/fone, rupye/rupaye,
# English loanwords: injiniar/enginir);
# two different rumours about the same subject stay below 0.3.
SAME_STORY = 0.4
MIN_WORDS = 5

_HASHER = dedupe.MinHasher(num_perm=NUM_PERM, shingle=SHINGLE, seed=17)


@dataclass(frozen=True, slots=True)
class StoryPrint:
    signature: np.ndarray
    bands: list[int]
    script: str  # "deva", "latn" or "" (mixed, other)


def skeleton(text: str) -> str:
    """The text's words as transliteration skeletons, boilerplate lines left out."""
    return " ".join(w for w in skeleton_text(dedupe.without_boilerplate(text)) if len(w) > 1)


def script_of(text: str) -> str:
    """'deva' when most letters are Devanagari, 'latn' when most are Latin, else ''."""
    deva = sum(1 for ch in text if "\u0900" <= ch <= "\u097f")
    latn = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if deva > 2 * latn:
        return "deva"
    if latn > 2 * deva:
        return "latn"
    return ""


def story_print(text: str) -> StoryPrint | None:
    """The text's story signature and band keys; None for a text too short to tell."""
    key = skeleton(text)
    if len(key.split()) < MIN_WORDS:
        return None
    sig = _HASHER.signature(key)
    bands = dedupe.band_hashes(sig, bands=BANDS, rows=ROWS)
    return StoryPrint(signature=sig, bands=bands, script=script_of(text))


def same_story(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two story signatures carry the same text (estimated Jaccard ≥ SAME_STORY)."""
    return dedupe.similarity(a, b) >= SAME_STORY


def to_bytes(sig: np.ndarray) -> bytes:
    return dedupe.signature_to_bytes(sig)


def from_bytes(data: bytes) -> np.ndarray:
    return dedupe.signature_from_bytes(data)
