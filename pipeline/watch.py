"""Watchlist matching across scripts: a term matches a text when each of its words matches a
word of the text (consecutively) by transliteration skeleton, so "ईवीएम हैक" finds "EVM hack"
and "मोदी" finds "Modi", "MODI" and "मोदीजी"."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.text import normalise
from pipeline.translit import variants

_WORD = re.compile(r"(?:[^\W_]|[\u0900-\u0963\u0966-\u097f\u200c\u200d])+")


@dataclass(frozen=True, slots=True)
class Term:
    watchlist_id: int
    term_id: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    watchlist_id: int
    term_id: int
    matched: str  # the span as it appeared in the text


def _words(text: str) -> list[tuple[str, int, int]]:
    return [
        (m.group().replace("\u200c", "").replace("\u200d", "").casefold(), m.start(), m.end())
        for m in _WORD.finditer(text)
    ]


_CACHE: dict[str, frozenset[str]] = {}


def _skeletons(word: str) -> frozenset[str]:
    """variants() with a plain dict in front (hot path: every word of every post)."""
    found = _CACHE.get(word)
    if found is None:
        if len(_CACHE) > 200_000:
            _CACHE.clear()
        found = _CACHE[word] = variants(word)
    return found


class Matcher:
    """Compiled once for a set of terms; `match` costs a dict lookup per word of the text."""

    def __init__(self, terms: Iterable[Term]) -> None:
        # first-word skeleton -> [(term, skeleton sets of the following words)]
        self._index: dict[str, list[tuple[Term, list[frozenset[str]]]]] = defaultdict(list)
        for term in terms:
            words = [variants(w) for w, _, _ in _words(normalise(term.text))]
            if not words or not all(words):
                continue
            for first in words[0]:
                self._index[first].append((term, words[1:]))

    def match(self, text: str) -> list[Hit]:
        """Hits in the text, each (watchlist, term) once."""
        if not self._index:
            return []
        text = normalise(text)
        words = _words(text)
        skeletons = [_skeletons(w) for w, _, _ in words]
        seen: set[tuple[int, int]] = set()
        hits: list[Hit] = []
        for i, options in enumerate(skeletons):
            for option in options:
                for term, rest in self._index.get(option, ()):
                    key = (term.watchlist_id, term.term_id)
                    if key in seen or i + len(rest) >= len(words):
                        continue
                    if all(skeletons[i + 1 + k] & want for k, want in enumerate(rest)):
                        seen.add(key)
                        end = words[i + len(rest)][2]
                        hits.append(Hit(term.watchlist_id, term.term_id, text[words[i][1] : end]))
        return hits
