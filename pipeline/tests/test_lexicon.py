"""The Hindi↔English glossary bridge of the claim matcher, on a small hand-made set."""

import re

import pytest

from pipeline.claims import Doc, LexicalConfig, LexicalIndex, concepts, terms
from pipeline.lexicon import _groups, spoken_numbers

DOCS = [
    Doc(1, "Police in the village arrested a man selling fake vaccine"),
    Doc(2, "Temple priest says the flood was a warning from god"),
    Doc(3, "हर महीने छह हज़ार रुपये देगी सरकार, सीधे खाते में"),
    Doc(4, "बच्चा चोर गिरोह शहर में घूम रहा है, किडनी निकाल लेते हैं"),
    Doc(5, "Government waived the loans of all farmers in the state"),
]


@pytest.fixture
def index():
    built = LexicalIndex()
    built.add(DOCS)
    return built


@pytest.mark.parametrize(
    ("_case", "query", "expected"),
    [
        ("hindi_to_english", "गांव में नकली टीका बेचने वाला गिरफ्तार", 1),
        ("hindi_to_english_mandir", "मंदिर के पुजारी ने कहा बाढ़ भगवान की चेतावनी है", 2),
        ("english_to_hindi", "The government will pay 6000 rupees every month", 3),
        ("english_to_hindi_phrase", "child lifters gang roaming in the city steal kidneys", 4),
        ("hinglish_to_english", "sarkar ne kisano ka karz maaf kar diya", 5),
    ],
)
def test_it_finds_a_claim_written_in_the_other_language(index, _case, query, expected):
    # given claims in English and in Hindi
    # when a forward in the other language is searched
    hits = index.search(query, 3)
    # then the claim it repeats comes first
    assert hits[0].id == expected


def test_it_does_not_bridge_when_the_concept_weight_is_zero():
    # given an index with the glossary switched off
    index = LexicalIndex(LexicalConfig(concept_weight=0.0))
    index.add(DOCS)
    # when a Hindi forward about an English claim is searched
    hits = index.search("गांव में नकली टीका बेचने वाला गिरफ्तार", 3)
    # then words alone do not find it
    assert 1 not in {h.id for h in hits}


def test_a_shared_word_outranks_a_shared_concept():
    # given the same claim in English and in Hindi
    index = LexicalIndex()
    index.add([Doc(1, "सरकार ने पतंग पर प्रतिबंध लगाया"), Doc(2, "Government ban on kites")])
    # when an English forward is searched
    hits = index.search("government ban on kites", 5)
    # then the English claim leads and the Hindi one still follows
    assert [h.id for h in hits] == [2, 1]
    assert hits[1].score < hits[0].score


def test_inflected_hindi_words_meet_their_glossary_entry():
    # given inflected Hindi words and their English counterparts
    pairs = [("किसानों", "farmers"), ("सरकारी", "government"), ("टीके", "vaccines")]
    for hindi, english in pairs:
        # when their concepts are looked up
        found_hi, found_en = concepts(terms(hindi)), concepts(terms(english))
        # then they share one
        assert set(found_hi) & set(found_en), (hindi, english)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["दो", "हज़ार"], ["2000"]),
        (["2", "lakh"], ["200000"]),
        (["two", "thousand"], ["2000"]),
        (["पांच", "करोड़"], ["50000000"]),
        (["hazar"], ["1000"]),
        (["2000", "notes"], []),
    ],
)
def test_spoken_numbers_become_digits(words, expected):
    # given tokens with a number written in words
    # when they are read
    # then the number comes out in digits (plain digits are left to the tokens)
    assert spoken_numbers(words) == expected


def test_a_number_in_words_matches_the_same_number_in_digits():
    # given a claim about ₹2000 notes
    index = LexicalIndex()
    index.add([Doc(1, "₹2000 के नोट बंद होंगे"), Doc(2, "₹200 के नोट बंद होंगे")])
    # when a forward spells the number out
    hits = index.search("दो हज़ार के नोट बंद", 2)
    # then the ₹2000 claim comes first
    assert hits[0].id == 1


def test_every_glossary_line_pairs_both_languages():
    # given the glossary as written
    devanagari = re.compile("[\u0900-\u097f]")
    for line in _groups():
        # then each concept has a Hindi word in Devanagari and an English or Hinglish word
        assert any(devanagari.search(e) for e in line), line
        assert any(e.isascii() for e in line), line
