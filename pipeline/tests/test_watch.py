"""Watchlist matching across Devanagari and Latin spellings."""

from __future__ import annotations

import random

import pytest

from pipeline.watch import Hit, Matcher, Term

MODI = Term(watchlist_id=1, term_id=1, text="मोदी")
EVM_HACK_HI = Term(watchlist_id=1, term_id=2, text="ईवीएम हैक")
EVM_HACK_EN = Term(watchlist_id=2, term_id=3, text="evm hack")
NOTE = Term(watchlist_id=2, term_id=4, text="2000 ka note")
RAHUL = Term(watchlist_id=3, term_id=5, text="Rahul Gandhi")
ZAHAR = Term(watchlist_id=3, term_id=6, text="ज़हर")
CHUNAV = Term(watchlist_id=3, term_id=7, text="chunav")
BJP = Term(watchlist_id=4, term_id=8, text="BJP")
TERMS = [MODI, EVM_HACK_HI, EVM_HACK_EN, NOTE, RAHUL, ZAHAR, CHUNAV, BJP]


@pytest.fixture(scope="module")
def matcher():
    return Matcher(TERMS)


def ids(hits: list[Hit]) -> list[int]:
    return [hit.term_id for hit in hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Modi ji ne kaha", [1], id="latin"),
        pytest.param("MODI!!", [1], id="upper"),
        pytest.param("modee sarkar", [1], id="spelling-variant"),
        pytest.param("मोदीजी की रैली", [1], id="ji-glued-devanagari"),
        pytest.param("#ModiJi", [1], id="ji-glued-hashtag"),
        pytest.param("EVM hack ho gaya", [2, 3], id="multi-word-latin-both-scripts"),
        pytest.param("ईवीएम हैक की अफवाह", [2, 3], id="multi-word-devanagari"),
        pytest.param("#EVMHack trending", [2, 3], id="hashtag-run-together"),
        pytest.param("2000 के नोट बंद", [4], id="possessive-ke-cross-script"),
        pytest.param("2,000 ki note", [4], id="grouped-number-ki"),
        pytest.param("rahul gandhi aur modi", [5, 1], id="order-of-appearance"),
        pytest.param("zahar", [6], id="z-spelling"),
        pytest.param("जहर", [6], id="no-nukta"),
        pytest.param("\u095bहर", [6], id="precomposed-nukta"),
        pytest.param("चुनाव आयोग", [7], id="devanagari-of-latin-term"),
        pytest.param("chunaav", [7], id="long-vowel"),
        pytest.param("बीजेपी की जीत", [8], id="spelled-acronym"),
        pytest.param("modified chunavi rahul", [], id="no-partial-words"),
        pytest.param("evm ka hack", [], id="multi-word-must-be-consecutive"),
        pytest.param("", [], id="empty"),
    ],
)
def test_match(matcher, text, expected):
    assert ids(matcher.match(text)) == expected


def test_each_term_hits_at_most_once_per_text(matcher):
    hits = matcher.match("Modi modi मोदी MODI")
    assert hits == [Hit(watchlist_id=1, term_id=1, matched="Modi")]


def test_hit_reports_the_span_as_it_appears(matcher):
    # given direction marks and odd spacing, which normalisation removes
    hits = matcher.match("\u200fकल  ईवीएम   हैक हुआ")
    # then the span is the normalised text of the matched words
    assert hits[0].matched == "ईवीएम हैक"


def test_same_term_in_two_watchlists_hits_both():
    matcher = Matcher([Term(1, 10, "evm"), Term(2, 11, "ईवीएम")])
    assert {(h.watchlist_id, h.term_id) for h in matcher.match("EVM")} == {(1, 10), (2, 11)}


def test_terms_without_words_are_ignored():
    matcher = Matcher([Term(1, 1, "!!!"), Term(1, 2, "😂")])
    assert matcher.match("!!! 😂") == []


def test_empty_matcher_matches_nothing():
    assert Matcher([]).match("modi") == []


def test_thousands_of_terms_sharing_first_words():
    # given 5,000 terms, many starting with the same word, and one we look for
    rng = random.Random(4)
    words = ["modi", "yogi", "evm", "chunav", "kisan", "note", "rally", "booth"]
    terms = [
        Term(k % 30, k, " ".join(rng.choice(words) for _ in range(rng.randint(1, 3))) + f" x{k}")
        for k in range(5000)
    ]
    terms.append(Term(99, 99999, "booth capturing"))
    matcher = Matcher(terms)
    # when a text mentions only the last one
    hits = matcher.match("Booth capturing ki khabar aayi, modi rally evm")
    # then only it matches (the others need their own x<k> word)
    assert ids(hits) == [99999]
    # and any one of the many terms is still found by its own words
    assert 17 in ids(matcher.match(terms[17].text))


def test_a_later_term_ending_inside_an_earlier_one_is_reported_in_text_order():
    matcher = Matcher([Term(1, 1, "ram mandir nirman"), Term(1, 2, "mandir")])
    assert ids(matcher.match("ram mandir nirman shuru")) == [1, 2]
