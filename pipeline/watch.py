"""Watchlist matching across scripts and spellings.

A term matches a text when its words match consecutive words of the text by transliteration
skeleton (`pipeline.translit`), so "ईवीएम हैक" finds "EVM hack" and "evm hack" finds
"ईवीएम हैक"; "मोदी" finds "Modi", "MODI", "modee", "Modi ji", "मोदीजी" and "modiji" (an
honorific "ji"/"जी" glued to a word also matches the bare word). The possessive postpositions
ka/ke/ki (का/के/की) match each other inside a term, so "2000 ka note" finds "2000 के नोट".
A multi-word term also matches the same words run together as one token ("#EVMHack").

Matching works on whole words only: "modi" does not match "modified". Terms are compiled into
a trie keyed by word skeletons, so a text costs a few dict lookups per word and skeleton,
whatever the number of terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice, product

from pipeline.text import normalise, token_offsets, tokens
from pipeline.translit import skeleton, variants


@dataclass(frozen=True, slots=True)
class Term:
    watchlist_id: int
    term_id: int
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    watchlist_id: int
    term_id: int
    matched: str  # the span as it appears in the normalised text


_POSSESSIVE = frozenset({"ka", "ke", "ki"})
_POSSESSIVE_KEY = "k~"


def _keys(word: str) -> frozenset[str]:
    """Skeletons a word can be matched by (possessives folded to one key)."""
    found = variants(word)
    if found & _POSSESSIVE:
        return found | {_POSSESSIVE_KEY}
    return found


class _Node:
    """A trie node over word keys: terms that end here and the words that may follow."""

    __slots__ = ("children", "terms")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terms: dict[Term, None] = {}  # ordered set

    def add(self, path: Iterable[str], term: Term) -> None:
        node = self
        for key in path:
            child = node.children.get(key)
            if child is None:
                child = node.children[key] = _Node()
            node = child
        node.terms[term] = None


# A term whose words each have several skeletons is stored once per combination; real terms
# have a handful, this only stops a pathological one from blowing up the trie.
_MAX_PATHS = 256
_CACHE_LIMIT = 50_000


class Matcher:
    """Compiled once for a set of terms; `match` walks a trie of word keys from each word of
    the text, so its cost depends on the text, not on the number of terms."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._root = _Node()
        self._keys: dict[str, frozenset[str]] = {}
        self._starts: dict[str, tuple[_Node, ...]] = {}
        for term in terms:
            words = tokens(normalise(term.text))
            keys = [sorted(self._word_keys(w)) for w in words]
            if not keys or not all(keys):
                continue
            for path in islice(product(*keys), _MAX_PATHS):
                self._root.add(path, term)
            if len(words) > 1:
                # The words run together, as in a hashtag: #EVMHack, #ModiHatao.
                for joined in {"".join(skeleton(w) for w in words), skeleton("".join(words))}:
                    self._root.add((joined,), term)

    def _word_keys(self, word: str) -> frozenset[str]:
        found = self._keys.get(word)
        if found is None:
            found = _keys(word)
            if len(self._keys) > _CACHE_LIMIT:
                self._keys.clear()
            self._keys[word] = found
        return found

    def _word_starts(self, word: str) -> tuple[_Node, ...]:
        """Trie nodes one word reaches from the root (empty for almost every word)."""
        root = self._root.children
        found = tuple(node for key in self._word_keys(word) if (node := root.get(key)))
        if len(self._starts) > _CACHE_LIMIT:
            self._starts.clear()
        self._starts[word] = found
        return found

    def match(self, text: str) -> list[Hit]:
        """Hits in the text, each (watchlist, term) at most once, in order of appearance."""
        if not self._root.children or not text:
            return []
        text = normalise(text)
        words = tokens(text)
        starts = self._starts
        found: list[tuple[int, int, Term]] = []  # (first word, last word, term)
        for i, word in enumerate(words):
            nodes = starts.get(word)
            if nodes is None:
                nodes = self._word_starts(word)
            for node in nodes:
                for term in node.terms:
                    found.append((i, i, term))
                if node.children:
                    self._follow(node.children, words, i, i + 1, found)
        if not found:
            return []
        spans = token_offsets(text)
        if len(spans) != len(words):
            spans = [(0, len(text))] * len(words)  # cannot happen for normalised text
        seen: set[tuple[int, int]] = set()
        hits: list[Hit] = []
        for first, last, term in sorted(found, key=lambda f: (f[0], f[1])):
            ident = (term.watchlist_id, term.term_id)
            if ident not in seen:
                seen.add(ident)
                span = text[spans[first][0] : spans[last][1]]
                hits.append(Hit(term.watchlist_id, term.term_id, span))
        return hits

    def _follow(
        self,
        children: dict[str, _Node],
        words: list[str],
        first: int,
        at: int,
        found: list[tuple[int, int, Term]],
    ) -> None:
        """Continue the terms that start at word `first` from word `at` on."""
        if at >= len(words):
            return
        for key in self._word_keys(words[at]):
            node = children.get(key)
            if node is None:
                continue
            for term in node.terms:
                found.append((first, at, term))
            if node.children:
                self._follow(node.children, words, first, at + 1, found)
