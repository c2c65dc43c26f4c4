"""Claim matching (issue #4): find the fact-checks a post repeats, in Hindi, Hinglish or English.

Lexical by default, no model needed:
1. Text is cleaned of links, tweet signatures and forward boilerplate, split into tokens
   (`pipeline.text.tokens`), lightly stemmed (English plurals and -ing/-ed) and folded to the
   transliteration skeleton (`pipeline.translit.skeleton`), so मोदी, modi and modee are one term.
   Function words of the three languages are dropped.
2. Two BM25 channels over those skeletons: whole words, and character n-grams of each word
   (with boundary marks), which catch typos, inflection (नोटों/नोट, vaccination/vaccine) and
   spellings the folding misses. The channels are fused by a weighted sum of their scores, each
   divided by the query's own idf mass, so a score is "share of the query explained" and is
   comparable across queries (what calibration needs).
3. A third channel bridges languages without a model: glossary concepts (`pipeline.lexicon`,
   सरकार/government, टीका/vaccine) of the query, counted at `concept_weight` only in docs that
   lack the word the concept came from (no double credit). Words the hand-written glossary
   lacks go through a general English→Hindi dictionary (FreeDict eng-hin, 17,848 headwords:
   नमक/salt, ताबूत/coffin); a Hindi word stands for every headword it renders, but each query
   word is credited once per doc, for its best sense, so an ambiguous word (कमी: shortage, lack,
   deficiency …) counts like one word.
   Numbers written in words (दो हज़ार) also count as digits.
4. Postings are numpy CSR arrays: a query is one `bincount` over the postings of its terms.

`HybridMatcher` re-scores the lexical top-N with an embedder (`pipeline.backends`) and mixes the
two linearly; queries in a language the embedder does not read stay lexical. `calibrate`/`band` turn a score into "auto", "suggest" or nothing; texts under
eight words are never "auto": too little context to act without a person.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal

import numpy as np
import numpy.typing as npt

from pipeline.backends import Embedder
from pipeline.langid import identify
from pipeline.lexicon import Dictionary, Glossary, dictionary, glossary, spoken_numbers
from pipeline.text import tokens
from pipeline.translit import skeleton
from pipeline.urls import strip_links

Band = Literal["auto", "suggest"]
MIN_AUTO_WORDS = 8


@dataclass(frozen=True, slots=True)
class Doc:
    """A fact-checked claim: its id, the claim text, the fact-check's title, its language."""

    id: int
    text: str
    title: str = ""
    lang: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    """One matched claim and its score (higher is better; comparable within one matcher)."""

    id: int
    score: float


# Function words as typed, folded like everything else at import. Forward boilerplate goes
# here too: "forwarded as received", "जरूर शेयर करें" say nothing about the claim.
_STOP_TEXT = """
a an the and or but if of to in on at by for with from as is are was were be been being
it its this that these those there here he she they we you i me my our your his her their them
him us do does did done not no so than then too very can could will would shall should may might
must have has had having what which who whom whose when where why how all any both each few more
most other some such only own same just also into over under about after before again once
up down out off s t
forwarded forward fwd received recieved share shared sharing please pls plz kindly must watch
msg message viral whatsapp group groups friends everyone maximum
hai hain he tha thi the ho hota hoti hote ka ki ke ko se me mein main mai par pe ne bhi hi to
toh tu ye yeh wo woh vo jo ki kya kyu kyun aur ya lekin kar karo karen karein kare kiya kiye
raha rahi rahe diya diye gaya gayi gaye ek sab sabhi apne apni apna unke unki uska uski iske
iski isko jab tab ab abhi bhai ji sirf bas jarur jaroor zaroor zarur zaroor sabko bhejo bheje
bhejen jaldi dekho dekhiye padhe padhiye shear sheyar kare
jata jati jate jayega jayegi jaega jaegi jayenge hoga hogi honge hua hui hue wala wale wali
liye
है हैं था थी थे हो होता होती होते का की के को से में पर ने भी ही तो यह ये वह वो जो कि क्या
और या लेकिन कर करें करे करो किया किए कियी रहा रही रहे दिया दिए गया गई गए एक सब सभी अपने
अपनी अपना उनके उनकी उसका उसकी इसके इसकी इसको जब तब अब अभी भाई जी सिर्फ बस जरूर ज़रूर शेयर
भेजें भेजो जल्दी देखें देखिए पढ़ें पढ़िए फॉरवर्ड फारवर्ड ग्रुप मैसेज वायरल
जाता जाती जाते जाएगा जाएगी जायेगा जायेगी जाएंगे होगा होगी होंगे हुआ हुई हुए वाला वाले वाली लिए लिये
"""
_LINK_LIKE = re.compile(r"\bpic\.twitter\.com/\S+|\S+@\S+\.\S+", re.IGNORECASE)
# "— Name (@handle) January 6, 2020" closing a quoted tweet: the date is noise for matching.
_TWEET_DATE = re.compile(
    r"\(@\w+\)\s+(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December)\s+\d{1,2},\s+\d{4}",
    re.IGNORECASE,
)
_LATIN_WORD = re.compile("[a-z]+")
# #ImpeachTrump → "Impeach Trump"; lower-case hashtags stay one word.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_HASHTAG = re.compile(r"#(\w+)")


def _stem(word: str) -> str:
    """Light English stemming: plurals and -ing/-ed, so "vaccines" meets "vaccine"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed") and not word.endswith("eed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_TERM_CACHE: dict[str, str] = {}


def term(token: str) -> str:
    """The matching form of one token: stemmed if Latin, then its transliteration skeleton."""
    found = _TERM_CACHE.get(token)
    if found is not None:
        return found
    word = _stem(token) if _LATIN_WORD.fullmatch(token) else token
    result = skeleton(word)
    if len(_TERM_CACHE) > 200_000:
        _TERM_CACHE.clear()
    _TERM_CACHE[token] = result
    return result


STOPWORDS = frozenset(term(w) for w in _STOP_TEXT.split()) - {""}


def clean(text: str) -> str:
    """Text without links, tweet dates and e-mail addresses."""
    text = strip_links(text)
    text = _LINK_LIKE.sub(" ", text)
    if "#" in text:
        text = _HASHTAG.sub(lambda m: " " + _CAMEL.sub(" ", m.group(1)) + " ", text)
    return _TWEET_DATE.sub(" ", text)


def _words(found: Iterable[str]) -> list[str]:
    out: list[str] = []
    for token in found:
        word = term(token)
        if word and word not in STOPWORDS:
            out.append(word)
    return out


def terms(text: str) -> list[str]:
    """Word terms of a text: skeletons of its tokens, without function words, then numbers
    written with words (दो हज़ार, 2 lakh) as digits."""
    return analyse(text, english=False)[0]


_GLOSSARY: Glossary | None = None


def _glossary() -> Glossary:
    global _GLOSSARY
    if _GLOSSARY is None:
        _GLOSSARY = glossary(lambda entry: _words(tokens(entry)))
    return _GLOSSARY


def concepts(words: Sequence[str]) -> list[int]:
    """Glossary concepts (`pipeline.lexicon`) of a text's terms: the cross-language bridge."""
    return _glossary().concepts(words)


_DICTIONARY: Dictionary | None = None


def _dictionary() -> Dictionary:
    global _DICTIONARY
    if _DICTIONARY is None:
        _DICTIONARY = dictionary(lambda entry: _words(tokens(entry)))
    return _DICTIONARY


def _english(found: Iterable[str]) -> set[str]:
    headwords = _dictionary().headwords
    return {
        term(token)
        for token in found
        if _LATIN_WORD.fullmatch(token) and (token in headwords or _stem(token) in headwords)
    }


def english_terms(text: str) -> set[str]:
    """Terms of a text that came from English words (Latin tokens that are dictionary
    headwords): the dictionary reads them as English, every other word as Hindi."""
    return _english(tokens(clean(text)))


def analyse(text: str, *, english: bool) -> tuple[list[str], set[str]]:
    """`terms` and (when asked) `english_terms` of a text, tokenised once."""
    found = tokens(clean(text))
    words = _words(found)
    words.extend(spoken_numbers(found))
    return words, (_english(found) if english else set())


Span = tuple[int, int, tuple[int, ...], float]


def bridge_spans(
    words: Sequence[str],
    english: set[str],
    *,
    dictionary_weight: float,
    max_senses: int,
) -> list[Span]:
    """(start, end, concepts, weight) of a query's cross-language concepts: glossary entries at
    weight 1, then dictionary senses of the words no glossary entry covers, at
    `dictionary_weight`; a word with more than `max_senses` senses is too ambiguous to use.
    Dictionary concept ids follow the glossary's (offset by its size)."""
    gloss = _glossary()
    entries = gloss.spans(words)
    out: list[Span] = [(s, e, f, 1.0) for s, e, f in entries]
    if dictionary_weight <= 0:
        return out
    covered = {i for s, e, _ in entries for i in range(s, e)}
    for s, e, found in _dictionary().spans(words, english):
        if covered.isdisjoint(range(s, e)) and len(found) <= max_senses:
            out.append((s, e, tuple(gloss.size + c for c in found), dictionary_weight))
    return out


def doc_concepts(words: Sequence[str], english: set[str], *, dictionary: bool) -> list[int]:
    """Every concept a doc's terms carry: glossary entries and (when on) dictionary senses."""
    gloss = _glossary()
    found = gloss.concepts(words)
    if dictionary:
        found.extend(
            gloss.size + c for _, _, senses in _dictionary().spans(words, english) for c in senses
        )
    return found


def word_count(text: str) -> int:
    """Words in a text once links are removed (the rule for "auto" counts these)."""
    return len(tokens(clean(text)))


@dataclass(frozen=True, slots=True)
class LexicalConfig:
    """BM25 and fusion parameters (defaults tuned on CheckThat! 2020 train+dev)."""

    k1: float = 1.2
    b: float = 0.5
    ngram_min: int = 3
    ngram_max: int = 5
    char_weight: float = 1.0
    title_weight: int = 1  # times the title's terms are counted (0: text only)
    # Docs with the same terms as an earlier one (the same fact-check imported twice, one with
    # curly quotes) are not indexed: searches return the first, lowest id.
    collapse_duplicates: bool = True
    max_char_df: float = 0.2  # char n-grams in more docs than this share carry no signal
    # Shared glossary concepts (सरकार/government) count this much of a shared word (0: off).
    # (2.0 from the Hindi/Hinglish dev split searched against a real-sized knowledge base, its
    # claims plus CheckThat!'s 10,369 (issue #17): a shared word scores in the word and the
    # character channel, about twice; a translation only here, so it counts as much.)
    concept_weight: float = 2.0
    # The same between a query and a claim of one language (English synonyms: govt/government),
    # where a shared concept is a synonym, not a translation: it counts as a word (CheckThat!
    # train+dev MAP@5 0.8459 against 0.8440 at 2.0, Hindi dev unchanged).
    concept_weight_same: float = 1.0
    # Shared dictionary senses (नमक/salt) count this share of a glossary concept (0: off), for
    # words with at most `dictionary_max_senses` senses (कमी has 18: shortage, lack, …). With
    # ten thousand distractors the dictionary's noise (ख़र्च/charges) found wrong claims:
    # 0.6 and 4 senses from the same dev run.
    dictionary_weight: float = 0.6
    dictionary_max_senses: int = 4
    # A word's idf capped at its glossary concept's (`_concept_idf`).
    concept_idf: bool = True
    # Scores shrink by n / (n + prior), n the query's distinct terms: "Happy Valentine's Day"
    # explained whole by one claim is less evidence than a twenty-word forward explained by
    # most. Rankings are unchanged; the bands are calibrated with it (bench.negatives: 6 lets
    # 106 of 330 right dev matches reach "auto" with none of 624 chatter messages, against 23
    # without it).
    evidence_prior: float = 6.0


@dataclass(slots=True)
class _Channel:
    vocab: dict[str, int]
    indptr: npt.NDArray[np.int64]
    docs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]
    idf: npt.NDArray[np.float32]


def _grams(word: str, lo: int, hi: int) -> tuple[str, ...]:
    padded = f"<{word}>"
    return tuple(padded[i : i + n] for n in range(lo, hi + 1) for i in range(len(padded) - n + 1))


class LexicalIndex:
    """BM25 over word skeletons fused with BM25 over their character n-grams.

    `add` may be called any time; the arrays are rebuilt on the next search (a rebuild of 2 lakh
    claims takes well under a minute), so adding in batches is cheaper than one by one.
    """

    def __init__(self, config: LexicalConfig | None = None) -> None:
        self.config = config or LexicalConfig()
        self._docs: dict[int, Doc] = {}
        self._dirty = True
        self._ids: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._english: npt.NDArray[np.bool_] = np.zeros(0, dtype=bool)
        self._word: _Channel | None = None
        self._char: _Channel | None = None
        self._concept: _Channel | None = None
        self._gram_cache: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, docs: Iterable[Doc]) -> None:
        """Add or replace docs (by id)."""
        for doc in docs:
            self._docs[doc.id] = doc
        self._dirty = True

    def remove(self, ids: Iterable[int]) -> None:
        """Drop docs by id (unknown ids are ignored)."""
        for doc_id in ids:
            self._docs.pop(doc_id, None)
        self._dirty = True

    def doc(self, doc_id: int) -> Doc:
        """The doc with this id."""
        return self._docs[doc_id]

    def _analyse(self, doc: Doc) -> tuple[list[str], set[str]]:
        """A doc's terms (the title's counted `title_weight` times) and its English terms."""
        english = self.config.dictionary_weight > 0
        words, english_words = analyse(doc.text, english=english)
        if doc.title and self.config.title_weight:
            title, title_english = analyse(doc.title, english=english)
            words.extend(title * self.config.title_weight)
            english_words |= title_english
        return words, english_words

    def _grams_of(self, word: str) -> tuple[str, ...]:
        found = self._gram_cache.get(word)
        if found is None:
            found = _grams(word, self.config.ngram_min, self.config.ngram_max)
            self._gram_cache[word] = found
        return found

    def build(self) -> None:
        """Rebuild the arrays from the docs added so far."""
        analysed = [(d, *self._analyse(d)) for d in sorted(self._docs.values(), key=lambda d: d.id)]
        if self.config.collapse_duplicates:
            seen: set[tuple[str, ...]] = set()
            unique = []
            for doc, words, english in analysed:
                key = tuple(words)
                if key not in seen:
                    seen.add(key)
                    unique.append((doc, words, english))
            analysed = unique
        docs = [doc for doc, _, _ in analysed]
        self._ids = np.fromiter((d.id for d in docs), dtype=np.int64, count=len(docs))
        self._english = np.fromiter(
            ((d.lang or identify(d.text)) == "en" for d in docs), dtype=bool, count=len(docs)
        )
        word_vocab: dict[str, int] = {}
        word_list: list[str] = []
        char_vocab: dict[str, int] = {}
        gram_ids: dict[str, tuple[int, ...]] = {}
        w_rows, w_tf, w_len = array("i"), array("f"), array("f")
        c_rows, c_tf, c_len = array("i"), array("f"), array("f")
        w_cols, c_cols = array("i"), array("i")
        k_rows, k_cols, k_tf = array("i"), array("i"), array("f")
        use_concepts = self.config.concept_weight > 0
        use_dictionary = use_concepts and self.config.dictionary_weight > 0
        for col, (_, doc_words, doc_english) in enumerate(analysed):
            word_ids = []
            if use_concepts:
                found = Counter(doc_concepts(doc_words, doc_english, dictionary=use_dictionary))
                k_rows.extend(found.keys())
                k_tf.extend(found.values())
                k_cols.extend([col] * len(found))
            for word in doc_words:
                word_id = word_vocab.get(word)
                if word_id is None:
                    word_id = word_vocab[word] = len(word_list)
                    word_list.append(word)
                word_ids.append(word_id)
            counts = Counter(word_ids)
            w_len.append(len(word_ids))
            w_rows.extend(counts.keys())
            w_tf.extend(counts.values())
            w_cols.extend([col] * len(counts))
            if self.config.char_weight <= 0:
                continue
            grams: list[tuple[int, ...]] = []
            for word in set(doc_words):
                ids = gram_ids.get(word)
                if ids is None:
                    ids = tuple(
                        char_vocab.setdefault(g, len(char_vocab)) for g in self._grams_of(word)
                    )
                    gram_ids[word] = ids
                grams.append(ids)
            gram_counts = Counter(chain.from_iterable(grams))
            c_len.append(sum(gram_counts.values()))
            c_rows.extend(gram_counts.keys())
            c_tf.extend(gram_counts.values())
            c_cols.extend([col] * len(gram_counts))
        n = len(docs)
        self._word = _channel(word_vocab, w_rows, w_cols, w_tf, w_len, n, self.config)
        self._char = (
            _channel(char_vocab, c_rows, c_cols, c_tf, c_len, n, self.config)
            if self.config.char_weight > 0
            else None
        )
        self._concept = None
        if use_concepts:
            # Concept ids as vocabulary; lengths are the docs' word counts, as in the word channel.
            size = max(k_rows, default=-1) + 1
            vocab = {str(i): i for i in range(size)}
            self._concept = _channel(vocab, k_rows, k_cols, k_tf, w_len, n, self.config)
            if self.config.concept_idf:
                _concept_idf(self._word, self._concept, word_list)
        self._gram_cache.clear()
        self._dirty = False

    def _ensure(self) -> None:
        if self._dirty:
            self.build()

    def scores(self, text: str) -> npt.NDArray[np.float64]:
        """The fused score of every doc (row order of the index) for a query: the share of
        the query explained (what the hybrid matcher mixes with its cosines)."""
        return self._fused(text)[0]

    def _fused(self, text: str) -> tuple[npt.NDArray[np.float64], int]:
        """The fused scores and the number of distinct terms of the query."""
        self._ensure()
        assert self._word is not None
        words, english = analyse(text, english=self.config.dictionary_weight > 0)
        n = len(self._ids)
        raw, mass = _score(self._word, Counter(words), n, max_df=1.0)
        total = raw / mass
        if self._char is not None and words:
            grams = Counter(chain.from_iterable(self._grams_of(w) for w in set(words)))
            chars, char_mass = _score(self._char, grams, n, max_df=self.config.max_char_df)
            total += self.config.char_weight * chars / char_mass
        if self._concept is not None and words:
            spans = bridge_spans(
                words,
                english,
                dictionary_weight=self.config.dictionary_weight,
                max_senses=self.config.dictionary_max_senses,
            )
            shared = _concept_scores(self._concept, self._word, words, spans, n)
            if shared is not None:
                # Divided by the words' mass: a concept shared across languages stands in for
                # the word it came from, and only where that word is missing. Across languages
                # it counts `concept_weight`, between synonyms of one language less.
                query_english = identify(text) == "en"
                weight = np.where(
                    self._english == query_english,
                    self.config.concept_weight_same,
                    self.config.concept_weight,
                )
                total += weight * shared / mass
        return total, len(set(words))

    def search(self, text: str, k: int = 10) -> list[Hit]:
        """The k best docs for a query, best first (only docs sharing something with it)."""
        if k <= 0 or not self._docs:
            return []
        scores, words = self._fused(text)
        if self.config.evidence_prior > 0:
            # The same factor for every doc: the ranking is unchanged, only the score's scale.
            scores *= words / (words + self.config.evidence_prior)
        return _top(scores, self._ids, k)

    def row_ids(self) -> npt.NDArray[np.int64]:
        """Doc ids in index row order (for aligning other per-doc arrays)."""
        self._ensure()
        return self._ids


def _channel(
    vocab: dict[str, int],
    rows: array[int],
    cols: array[int],
    tfs: array[float],
    lengths: array[float],
    n_docs: int,
    config: LexicalConfig,
) -> _Channel:
    row = np.frombuffer(rows, dtype=np.int32)
    col = np.frombuffer(cols, dtype=np.int32)
    tf = np.frombuffer(tfs, dtype=np.float32)
    length = np.frombuffer(lengths, dtype=np.float32)
    order = np.argsort(row, kind="stable")
    df = np.bincount(row, minlength=len(vocab))
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(df, out=indptr[1:])
    avg = float(length.mean()) if n_docs and length.size else 1.0
    norm = config.k1 * (1 - config.b + config.b * length / max(avg, 1e-9))
    tf_sorted = tf[order]
    col_sorted = col[order]
    weights = (tf_sorted * (config.k1 + 1) / (tf_sorted + norm[col_sorted])).astype(np.float32)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    return _Channel(vocab, indptr, col_sorted.astype(np.int32), weights, idf)


def _concept_idf(word: _Channel, concept: _Channel, words: list[str]) -> None:
    """A word tells claims apart no more than its meaning does: its idf is capped at the idf
    of its glossary concept, counted over the claims of every language (चुनाव is rare among
    a mostly English knowledge base, election/vote are not)."""
    gloss = _glossary()
    for word_id, text in enumerate(words):
        found = gloss.lookup(text)
        if not found:
            continue
        cap = min(
            (float(concept.idf[concept.vocab[str(c)]]) for c in found if str(c) in concept.vocab),
            default=None,
        )
        if cap is not None and cap < word.idf[word_id]:
            word.idf[word_id] = cap


def _concept_scores(
    channel: _Channel,
    word: _Channel,
    words: list[str],
    spans: Sequence[Span],
    n: int,
) -> npt.NDArray[np.float64] | None:
    """BM25 of the query's concepts, per source span the best of its concepts in each doc
    (a word with five senses counts once, not five times), times the span's weight, and only
    in docs that lack the span's own words: a doc with the same word already scored it."""
    parts: list[npt.NDArray[np.int32]] = []
    weights: list[npt.NDArray[np.float64]] = []
    credited: set[int] = set()
    for start, end, found, span_weight in spans:
        if credited.issuperset(found):
            continue  # the same concept again (सरकार twice) counts once
        credited.update(found)
        docs_of: list[npt.NDArray[np.int32]] = []
        weight_of: list[npt.NDArray[np.float32]] = []
        for concept in found:
            tid = channel.vocab.get(str(concept))
            if tid is None:
                continue
            lo, hi = int(channel.indptr[tid]), int(channel.indptr[tid + 1])
            docs_of.append(channel.docs[lo:hi])
            weight_of.append(channel.weights[lo:hi] * channel.idf[tid])
        if not docs_of:
            continue
        docs = np.concatenate(docs_of)
        weight = np.concatenate(weight_of).astype(np.float64) * span_weight
        seen = [
            word.docs[int(word.indptr[w]) : int(word.indptr[w + 1])]
            for w in (word.vocab.get(s) for s in words[start:end])
            if w is not None
        ]
        if seen:
            keep = ~np.isin(docs, np.concatenate(seen))
            docs, weight = docs[keep], weight[keep]
        if len(docs_of) > 1 and len(docs):
            unique, where = np.unique(docs, return_inverse=True)
            best = np.zeros(len(unique), dtype=np.float64)
            np.maximum.at(best, where, weight)
            docs, weight = unique.astype(np.int32), best
        parts.append(docs)
        weights.append(weight)
    if not parts:
        return None
    out: npt.NDArray[np.float64] = np.bincount(
        np.concatenate(parts), weights=np.concatenate(weights), minlength=n
    ).astype(np.float64)
    return out


def _score(
    channel: _Channel, query: Counter[str], n_docs: int, *, max_df: float
) -> tuple[npt.NDArray[np.float64], float]:
    """BM25 of every doc and the query's idf mass (terms unseen count at the top idf).

    The caller divides by the mass: a score is then the share of the query explained."""
    parts: list[npt.NDArray[np.int32]] = []
    weights: list[npt.NDArray[np.float32]] = []
    mass = 0.0
    unseen_idf = math.log1p((n_docs + 0.5) / 0.5)
    limit = max_df * n_docs
    for word, qtf in query.items():
        q = 1.0 + math.log(qtf)
        tid = channel.vocab.get(word)
        if tid is None:
            mass += q * unseen_idf
            continue
        start, end = int(channel.indptr[tid]), int(channel.indptr[tid + 1])
        idf = float(channel.idf[tid])
        mass += q * idf
        if end - start > limit:
            continue
        parts.append(channel.docs[start:end])
        weights.append(channel.weights[start:end] * np.float32(q * idf))
    if not parts:
        return np.zeros(n_docs, dtype=np.float64), mass or 1.0
    out: npt.NDArray[np.float64] = np.bincount(
        np.concatenate(parts), weights=np.concatenate(weights), minlength=n_docs
    ).astype(np.float64)
    return out, mass or 1.0


def _top(scores: npt.NDArray[np.float64], ids: npt.NDArray[np.int64], k: int) -> list[Hit]:
    nonzero = int(np.count_nonzero(scores))
    k = min(k, nonzero)
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    # Best first; ties by higher id, as the CheckThat! scorer orders them.
    order = sorted(part.tolist(), key=lambda r: (-scores[r], -ids[r]))
    return [Hit(int(ids[r]), float(scores[r])) for r in order]


@dataclass(frozen=True, slots=True)
class HybridConfig:
    """Re-ranking parameters (defaults tuned on CheckThat! 2020 train+dev)."""

    candidates: int = 200  # lexical top-N re-scored with embeddings
    # Plus the embedding top-N over all docs. Off: a scan of every vector costs ~15 ms at
    # 2 lakh claims, and with 200 candidates it gained 0.0002 MAP@5 on train+dev.
    dense: int = 0
    weight: float = 0.6  # share of the cosine in the fused score


class HybridMatcher:
    """Lexical candidates re-scored with sentence embeddings, fused linearly.

    Doc vectors are computed when docs are added (a deployment embeds its claims once, when they
    are imported); a query costs one encode and a few hundred dot products. A query in a
    language the embedder does not read (its `languages`, when it has them) is ranked by the
    lexical index alone, without an encode.
    """

    def __init__(
        self,
        embedder: Embedder,
        *,
        index: LexicalIndex | None = None,
        config: HybridConfig | None = None,
    ) -> None:
        self.embedder = embedder
        self.index = index or LexicalIndex()
        self.config = config or HybridConfig()
        self._vectors: dict[int, npt.NDArray[np.float32]] = {}
        self._matrix: npt.NDArray[np.float32] | None = None
        self._rows: dict[int, int] = {}

    def add(self, docs: Iterable[Doc], vectors: npt.NDArray[np.float32] | None = None) -> None:
        """Add docs; their vectors are computed unless given (rows aligned with docs)."""
        batch = list(docs)
        if vectors is None:
            vectors = self.embedder.encode([embed_text(d) for d in batch])
        self.index.add(batch)
        for doc, vector in zip(batch, vectors, strict=True):
            self._vectors[doc.id] = vector
        self._matrix = None

    def _ensure(self) -> npt.NDArray[np.float32]:
        if self._matrix is None:
            ids = self.index.row_ids()
            self._rows = {int(i): r for r, i in enumerate(ids)}
            if len(ids):
                self._matrix = np.stack([self._vectors[int(i)] for i in ids])
            else:
                self._matrix = np.zeros((0, self.embedder.dim), dtype=np.float32)
        return self._matrix

    def reads(self, text: str) -> bool:
        """Whether the embedder reads the language of this text."""
        languages = getattr(self.embedder, "languages", None)
        return languages is None or identify(text) in languages

    def search(self, text: str, k: int = 10) -> list[Hit]:
        """The k best docs by the fused score, best first."""
        matrix = self._ensure()
        if k <= 0 or not len(matrix):
            return []
        lexical = self.index.scores(text)
        ids = self.index.row_ids()
        if not self.reads(text):
            return _top(lexical, ids, k)
        cand = set(_rows_of_top(lexical, self.config.candidates))
        if not cand and self.config.dense <= 0:
            return []
        query = self.embedder.encode([text])[0]
        if self.config.dense > 0:
            cosines_all = matrix @ query
            cand.update(_rows_of_top(cosines_all, self.config.dense, keep_zero=True))
        rows = np.fromiter(cand, dtype=np.int64, count=len(cand))
        cosines = matrix[rows] @ query
        lex = np.minimum(lexical[rows], 1.0)
        w = self.config.weight
        fused = (1 - w) * lex + w * np.maximum(cosines, 0.0)
        order = sorted(range(len(rows)), key=lambda i: (-fused[i], -ids[rows[i]]))[:k]
        return [Hit(int(ids[rows[i]]), float(fused[i])) for i in order]


def _rows_of_top(scores: npt.NDArray[np.floating], k: int, *, keep_zero: bool = False) -> list[int]:
    if not keep_zero:
        k = min(k, int(np.count_nonzero(scores)))
    k = min(k, len(scores))
    if k <= 0:
        return []
    if k == len(scores):
        return list(range(len(scores)))
    return [int(r) for r in np.argpartition(-scores, k - 1)[:k]]


def embed_text(doc: Doc) -> str:
    """What a doc's vector is computed from: the claim and the fact-check's title."""
    return f"{doc.text} {doc.title}".strip()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Scores at and above which a top match is suggested, or applied automatically."""

    suggest: float
    auto: float
    min_auto_words: int = MIN_AUTO_WORDS
    notes: dict[str, float] = field(default_factory=dict)


def calibrate(
    samples: Iterable[tuple[float, bool]],
    *,
    auto_precision: float = 0.95,
    suggest_precision: float = 0.6,
) -> Thresholds:
    """Thresholds from (top-1 score, top-1 correct) pairs of a tuning split.

    Include queries whose claim is absent from the index (correct=False): most posts repeat no
    fact-check, and the "auto" band must hold its precision on them too. Each threshold is the
    lowest score at which the top matches scoring at least that much reach the precision.
    """
    pairs = sorted(samples, key=lambda p: -p[0])
    auto, suggest = math.inf, math.inf
    good = 0
    for i, (score, correct) in enumerate(pairs, start=1):
        good += int(correct)
        precision = good / i
        if precision >= auto_precision:
            auto = score
        if precision >= suggest_precision:
            suggest = score
    suggest = min(suggest, auto)
    return Thresholds(
        suggest=suggest,
        auto=auto,
        notes={"samples": float(len(pairs)), "correct": float(good)},
    )


def band(score: float, text: str, thresholds: Thresholds) -> Band | None:
    """ "auto", "suggest" or None for a top match's score; short texts are never "auto"."""
    if score >= thresholds.auto and word_count(text) >= thresholds.min_auto_words:
        return "auto"
    if score >= thresholds.suggest:
        return "suggest"
    return None


def score_all(
    matcher: LexicalIndex | HybridMatcher, queries: Sequence[str], k: int
) -> list[list[Hit]]:
    """Search every query (for evaluation and calibration)."""
    return [matcher.search(q, k) for q in queries]
