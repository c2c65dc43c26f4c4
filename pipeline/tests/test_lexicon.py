"""The Hindi↔English glossary bridge of the claim matcher, on a small hand-made set."""

import re

import pytest

from pipeline.claims import (
    Doc,
    LexicalConfig,
    LexicalIndex,
    bridge_spans,
    concepts,
    english_terms,
    terms,
)
from pipeline.lexicon import _groups, read_dictionary, spoken_numbers, synonyms

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


# The dictionary behind the glossary (FreeDict eng-hin): words the glossary has no line for.
DICTIONARY_DOCS = [
    Doc(1, "A pregnant elephant was fed a fruit filled with crackers"),
    Doc(2, "Putting oil in the stomach cures every disease"),
    Doc(3, "हाथी ने गांव में फसल बर्बाद कर दी"),
    Doc(4, "There is a shortage of books in government schools"),
]


@pytest.mark.parametrize(
    ("_case", "query", "expected"),
    [
        ("hindi_to_english", "गर्भवती हाथी को पटाखे वाला फल खिलाया", 1),
        ("hinglish_to_english", "pet me tel dalne se har bimari theek", 2),
        ("inflected", "सरकारी स्कूलों में किताबों की कमी है", 4),
    ],
)
def test_the_dictionary_bridges_words_the_glossary_lacks(_case, query, expected):
    # given claims in English whose words the hand-written glossary lacks (हाथी, तेल, किताब)
    index = LexicalIndex()
    index.add(DICTIONARY_DOCS)
    # when a Hindi or Hinglish forward is searched
    hits = index.search(query, 3)
    # then the English claim it repeats comes first
    assert hits[0].id == expected
    # and scores more than it does without the dictionary
    plain = LexicalIndex(LexicalConfig(dictionary_weight=0.0))
    plain.add(DICTIONARY_DOCS)
    without = {h.id: h.score for h in plain.search(query, 4)}
    assert hits[0].score > without.get(expected, 0.0)


def test_an_ambiguous_word_counts_once_for_its_best_sense():
    # given a claim naming five senses of कमी, and five claims naming one each (same lengths,
    # so every sense has the same idf and every claim the same length)
    senses = ["lack", "dearth", "scarcity", "paucity", "shortage"]
    filler = "zebra yak walrus camel"
    docs = [Doc(1, " ".join(senses))]
    docs += [Doc(i, f"{sense} {filler}") for i, sense in enumerate(senses, start=2)]
    # (the default drops words of more than four senses as too ambiguous: allow कमी's here)
    index = LexicalIndex(LexicalConfig(title_weight=0, dictionary_max_senses=20))
    index.add(docs)
    # when a forward with कमी is searched
    scores = {h.id: h.score for h in index.search("कमी", 6)}
    # then the claim with five senses scores as one sense does, not five times as much
    assert set(scores) == {1, 2, 3, 4, 5, 6}
    assert scores[1] == pytest.approx(scores[2], rel=1e-6)


def test_english_words_are_read_as_english_only():
    # given "pet" (an English headword) and पेट (Hindi for stomach)
    words = terms("my pet dog")
    english = english_terms("my pet dog")
    spans = bridge_spans(words, english, dictionary_weight=1.0, max_senses=20)
    hindi = bridge_spans(terms("पेट"), set(), dictionary_weight=1.0, max_senses=20)
    # then the English word carries one concept, and the Hindi one another
    pet = [found for s, e, found, _ in spans if words[s:e] == [terms("pet")[0]]]
    assert len(pet) == 1
    assert len(pet[0]) == 1
    assert pet[0] != hindi[0][2]


def test_dictionary_renderings_lose_their_light_verbs(tmp_path):
    # given a dictionary file with renderings ending in करना and हुआ
    path = tmp_path / "eng-hin.tsv"
    path.write_text("# header\narrest\tगिरफ्तार करना|रोकना\nabandoned\tछोड़ा हुआ\n", "utf-8")
    # when it is read
    pairs = read_dictionary(path)
    # then the content words remain
    assert pairs == [("arrest", ["गिरफ्तार", "रोकना"]), ("abandoned", ["छोड़ा"])]


def test_the_shipped_dictionary_is_read_whole():
    # given the extract in pipeline/data
    pairs = read_dictionary()
    # then every headword line was read, with at least one rendering each
    assert len(pairs) > 17_000
    assert all(word.isalpha() and renderings for word, renderings in pairs)


def test_a_word_is_worth_no_more_than_its_meaning_across_languages():
    # given a knowledge base where चुनाव is rare but its meaning (election) is common in English
    docs = [Doc(1, "चुनाव में ईवीएम हैक हुई"), Doc(2, "राशन कार्ड बंद होंगे")]
    docs += [Doc(i, f"election claim number {i} about voters") for i in range(3, 40)]
    capped = LexicalIndex()
    capped.add(docs)
    plain = LexicalIndex(LexicalConfig(concept_idf=False))
    plain.add(docs)
    # when a Hindi forward naming the election and the EVM is searched
    query = "चुनाव ईवीएम"
    # then the generic word weighs less than without the cap, the distinctive one the same
    word = terms("चुनाव")[0]
    capped.build()
    plain.build()
    assert capped._word is not None
    assert plain._word is not None
    tid = capped._word.vocab[word]
    assert capped._word.idf[tid] < plain._word.idf[plain._word.vocab[word]]
    evm = terms("ईवीएम")[0]
    assert capped._word.idf[capped._word.vocab[evm]] == plain._word.idf[plain._word.vocab[evm]]
    # and the claim is still found first
    assert capped.search(query, 1)[0].id == 1


def test_a_translation_counts_more_than_a_synonym_of_the_same_language():
    # given an English claim and a Hindi claim, each saying "government" its own way
    docs = [Doc(1, "the government will close the schools"), Doc(2, "सरकार स्कूल बंद करेगी")]
    docs += [Doc(i, f"filler claim {i} about weather") for i in range(3, 20)]
    index = LexicalIndex(LexicalConfig(concept_weight=2.0, concept_weight_same=1.0))
    index.add(docs)
    same = LexicalIndex(LexicalConfig(concept_weight=1.0, concept_weight_same=1.0))
    same.add(docs)
    # when an English forward says "govt" and a Hindi one says सरकार
    english = {h.id: h.score for h in index.search("govt", 2)}
    english_flat = {h.id: h.score for h in same.search("govt", 2)}
    hindi = {h.id: h.score for h in index.search("सरकार", 2)}
    hindi_flat = {h.id: h.score for h in same.search("सरकार", 2)}
    # then the English synonym counts as a word either way, the translation twice as much
    assert english[1] == pytest.approx(english_flat[1])
    assert hindi[1] == pytest.approx(2 * hindi_flat[1])


def test_synonyms_give_the_other_entries_of_a_concept_as_written():
    # given the glossary's demonetisation line
    # when नोटबंदी's synonyms are asked for
    found = synonyms("नोटबंदी")
    # then its English and Hinglish names come back, and not the word itself
    assert {"demonetisation", "note ban", "notebandi"} <= set(found)
    assert "नोटबंदी" not in found
    assert synonyms("no-such-word") == ()
