"""Dedupe key, exact hash, MinHash signatures and LSH banding."""

from __future__ import annotations

import unicodedata

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import dedupe

HINDI = (
    "2000 रुपये के नए नोट में GPS चिप लगी है, सरकार हर नोट को सैटेलाइट से ट्रैक कर सकती है। "
    "अपने पैसे बैंक में जमा करने से पहले यह खबर पढ़ें और सोच समझ कर फ़ैसला लें।"
)
ENGLISH = (
    "EVM machines can be hacked with a bluetooth device from outside the booth, an engineer "
    "showed it in a video that the election commission does not want you to see."
)
HINGLISH = (
    "Bhai ye EVM wala video dekho, bluetooth se machine hack ho jati hai booth ke bahar se, "
    "engineer ne khud dikhaya hai aur election commission chup baitha hai."
)


def near(a: str, b: str) -> float:
    hasher = dedupe.MinHasher()
    return dedupe.similarity(
        hasher.signature(dedupe.dedupe_key(a)), hasher.signature(dedupe.dedupe_key(b))
    )


def test_exact_hash_is_stable_across_processes_and_machines():
    # given the key of a fixed forward (stability contract: stored hashes must keep matching)
    key = dedupe.dedupe_key("*Forwarded as received*\n2000 के नोट में GPS चिप है!! 🙏")
    # then key and hash are exactly what they were when the contract was written
    assert key == "2000 के नोट में gps चिप है"
    assert dedupe.exact_hash(key) == 8655446245650748711
    assert dedupe.exact_hash("hello") == 9022087748821825191


@pytest.mark.parametrize("key", ["", "a", "hello", "नमस्ते दुनिया", "x" * 10_000])
def test_exact_hash_fits_a_signed_bigint(key):
    assert -(2**63) <= dedupe.exact_hash(key) < 2**63


def test_signature_and_bands_are_stable():
    # given the MinHash of a fixed key with the default parameters
    sig = dedupe.MinHasher().signature("2000 के नोट में gps चिप है")
    # then the values are the ones stored signatures were made with
    assert sig.dtype == np.uint32
    assert sig.shape == (128,)
    assert sig[:4].tolist() == [326982668, 32146312, 96986929, 73920041]
    assert int(sig.sum(dtype=np.uint64)) == 26427022346
    assert dedupe.band_hashes(sig, bands=32, rows=4)[:2] == [
        -1710285013713911485,
        -2418044006141698496,
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("*Forwarded as received*\nमोदी जी ने कहा", "मोदी जी ने कहा"),
        ("Forwarded many times\n\nfree laptops for students", "free laptops for students"),
        ("free laptops for students\n➡️ Forward this to 10 groups ➡️", "free laptops for students"),
        ("free laptops\nPlease share as much as possible 🙏", "free laptops"),
        ("*फ़ॉरवर्ड किया गया*\nबिजली बिल माफ", "बिजली बिल माफ"),
        ("बिजली बिल माफ\nजितना हो सके शेयर करें 🙏🙏", "बिजली बिल माफ"),
        ("बिजली बिल माफ। फॉरवर्ड करें", "बिजली बिल माफ"),
        ("ज़रूर पढ़ें और आगे भेजें\nबिजली बिल माफ", "बिजली बिल माफ"),
        ("bijli bill maaf, sabko bhejo!!", "bijli bill maaf"),
        ("bijli bill maaf\njitna ho sake share karein", "bijli bill maaf"),
        ("_Fwd:_\nbijli bill maaf\nJai Hind 🇮🇳", "bijli bill maaf"),
        ("बिजली बिल माफ\nजय हिंद 🇮🇳\nभारत माता की जय", "बिजली बिल माफ"),
        ("*URGENT*\nbijli bill maaf", "bijli bill maaf"),
    ],
    ids=[
        "en-forwarded-as-received",
        "en-forwarded-many-times",
        "en-forward-to-10-groups",
        "en-share-as-much",
        "hi-forwarded-label",
        "hi-share-as-much",
        "hi-inline-forward",
        "hi-read-and-send",
        "hinglish-sabko-bhejo",
        "hinglish-jitna-ho-sake",
        "fwd-and-jai-hind",
        "hi-slogans",
        "bare-word-line",
    ],
)
def test_dedupe_key_removes_forward_boilerplate(text, expected):
    assert dedupe.dedupe_key(text) == expected


def test_bare_boilerplate_words_stay_inside_a_sentence():
    # given "forwarded" and "urgent" used as ordinary words
    key = dedupe.dedupe_key("He forwarded an urgent letter to the DM")
    # then they are part of the message
    assert key == "he forwarded an urgent letter to the dm"


def test_a_post_of_only_boilerplate_keeps_it():
    # given a post that is nothing but a slogan
    # then its key is the slogan, not empty (so it can still be counted as a repeat)
    assert dedupe.dedupe_key("🙏 Jai Hind 🙏") == "jai hind"
    assert dedupe.dedupe_key("जय श्री राम!!") == "जय श्री राम"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (unicodedata.normalize("NFC", HINDI), unicodedata.normalize("NFD", HINDI)),
        ("फ़ैसला ज़रूरी", "\u095eैसला \u095bरूरी"),  # letter + nukta vs precomposed letters
        ("फ़ैसला ज़रूरी", "फैसला जरूरी"),  # with and without nukta
        ("क्षमा", "क्\u200dषमा"),  # ZWJ after virama
        ("क्षमा", "क्\u200cषमा"),  # ZWNJ after virama
        ("हँसी", "हंसी"),  # chandrabindu vs anusvara
        ("\u200fमोदी\u200e जी", "मोदी जी"),  # direction marks
        ("२००० के नोट", "2000 के नोट"),  # Devanagari digits
        ("ALERT: Free Laptops", "alert free laptops"),  # case and punctuation
        ("*Free* _laptops_ ~now~", "free laptops now"),  # markdown markers
        ("free 🔥🔥 laptops 🙏", "free laptops"),  # emojis
        ("𝗙𝗿𝗲𝗲 𝗹𝗮𝗽𝘁𝗼𝗽𝘀", "free laptops"),  # "bold font" letters
        ("Café", "Cafe\u0301"),  # composed vs combining accent
        ("free\n\n\n  laptops   now ", "free laptops now"),  # blank lines and spaces
    ],
    ids=[
        "nfc-nfd",
        "precomposed-nukta",
        "nukta-dropped",
        "zwj",
        "zwnj",
        "chandrabindu",
        "direction-marks",
        "devanagari-digits",
        "case-punctuation",
        "markdown",
        "emoji",
        "math-bold",
        "combining-accent",
        "whitespace",
    ],
)
def test_equivalent_spellings_give_equal_keys(a, b):
    assert dedupe.dedupe_key(a) == dedupe.dedupe_key(b)


def test_keys_keep_what_tells_messages_apart():
    # given two messages that differ in a word, a number, and a vowel sign
    # then their keys differ
    assert dedupe.dedupe_key("2000 के नोट") != dedupe.dedupe_key("500 के नोट")
    assert dedupe.dedupe_key("कमल खिला") != dedupe.dedupe_key("कमला खिला")
    assert dedupe.dedupe_key("Free laptops") != dedupe.dedupe_key("Free tablets")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Watch https://www.youtube.com/watch?v=abc123&feature=share",
            "watch https://youtu.be/abc123?si=XyZ",
        ),
        ("see https://example.com/news/1?utm_source=wa#top", "see http://m.example.com/news/1/"),
        ("see https://twitter.com/user/status/1", "see https://x.com/user/status/1"),
    ],
    ids=["youtube-short-and-long", "tracking-scheme-mobile", "twitter-is-x"],
)
def test_links_count_in_their_canonical_form(a, b):
    assert dedupe.dedupe_key(a) == dedupe.dedupe_key(b)


def test_different_links_give_different_keys():
    a = dedupe.dedupe_key("watch https://youtu.be/abc123")
    b = dedupe.dedupe_key("watch https://youtu.be/zzz999")
    assert a != b
    assert "youtube com watch v abc123" in a


@pytest.mark.parametrize(
    "signed",
    ["Call 98765 43210", "Call +91-98765-43210", "Call 09876543210", "Call +919876543210"],
    ids=["spaced", "plus91-dashes", "trunk-0", "plus91-glued"],
)
def test_phone_numbers_added_by_forwarders_are_dropped(signed):
    assert dedupe.dedupe_key(f"free laptops\n{signed}") == "free laptops call"


def test_long_numbers_that_are_not_phones_stay():
    assert dedupe.dedupe_key("order no 12345678901234") == "order no 12345678901234"


@pytest.mark.parametrize(
    ("original", "forward"),
    [
        (
            HINDI,
            "*Forwarded as received* 🙏\n\n"
            + HINDI.replace("।", "!!").replace("पढ़ें", "पढे")[: int(len(HINDI) * 0.9)]
            + "\nरमेश यादव, वार्ड 12\nजय हिंद 🇮🇳",
        ),
        (
            ENGLISH,
            "➡️ Forward this to 10 groups ➡️\n*"
            + ENGLISH.upper().replace("bluetooth", "bluetoth")
            + "*\n- Sunil Verma (Lucknow)",
        ),
        (
            HINGLISH,
            "_Forwarded_\n"
            + HINGLISH.replace(",", "").replace("video", "vdo")
            + " 😡😡 sabko bhejo",
        ),
    ],
    ids=["hindi", "english", "hinglish"],
)
def test_forwards_are_near_duplicates_found_by_lsh(original, forward):
    # given an original stored in the index and a forward of it with typical edits
    hasher = dedupe.MinHasher()
    bands, rows, threshold = dedupe.NEAR_DUP
    index = dedupe.LSHIndex(bands=bands, rows=rows)
    index.add(1, hasher.signature(dedupe.dedupe_key(original)))
    index.add(2, hasher.signature(dedupe.dedupe_key(ENGLISH if original != ENGLISH else HINDI)))
    sig = hasher.signature(dedupe.dedupe_key(forward))
    # when the forward is looked up
    found = index.query(sig)
    # then the original is a candidate, and similar enough to be a near duplicate
    assert 1 in found
    assert near(original, forward) >= threshold


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "EVM machines can be hacked with a bluetooth device from outside the booth, "
            "an engineer showed it in a video.",
            "EVM machines cannot be hacked: the election commission showed every machine is "
            "sealed and checked by party agents before the poll.",
        ),
        (
            "2000 रुपये के नए नोट में GPS चिप लगी है, सरकार हर नोट को ट्रैक कर सकती है।",
            "2000 रुपये के नोट बंद होने वाले हैं, बैंक में जमा करने की आखिरी तारीख कल है।",
        ),
    ],
    ids=["english-same-topic", "hindi-same-topic"],
)
def test_different_messages_on_one_topic_are_not_near_duplicates(a, b):
    assert near(a, b) < dedupe.NEAR_DUP.threshold


def test_similarity_estimates_jaccard():
    # given two keys with a known shingle overlap
    a = dedupe.dedupe_key(HINDI)
    b = dedupe.dedupe_key(HINDI[: len(HINDI) // 2] + ENGLISH[: len(ENGLISH) // 2])
    shingles_a = {a[i : i + 5] for i in range(len(a) - 4)}
    shingles_b = {b[i : i + 5] for i in range(len(b) - 4)}
    exact = len(shingles_a & shingles_b) / len(shingles_a | shingles_b)
    # then the MinHash estimate is within 3 standard errors (√(J(1-J)/128) ≈ 0.044)
    assert abs(near(a, b) - exact) < 0.13
    assert near(a, a) == 1.0


keys_strategy = st.lists(
    st.text(alphabet=st.sampled_from("ab कि ज़ 🙏x\u200d"), max_size=40), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(keys=keys_strategy)
def test_batch_signatures_equal_single_ones(keys):
    hasher = dedupe.MinHasher(num_perm=64, shingle=3)
    batch = hasher.signatures(keys)
    assert batch.shape == (len(keys), 64)
    for key, row in zip(keys, batch, strict=True):
        assert np.array_equal(row, hasher.signature(key))


def test_batch_signatures_of_long_keys_equal_single_ones():
    # given keys that straddle the internal block size, and one far longer than a block
    hasher = dedupe.MinHasher()
    keys = [HINDI * 40, "", "ab", ENGLISH * 3, HINGLISH * 400]
    batch = hasher.signatures(keys)
    for key, row in zip(keys, batch, strict=True):
        assert np.array_equal(row, hasher.signature(key))


def test_empty_and_short_keys():
    hasher = dedupe.MinHasher()
    # an empty key has the empty-set signature
    assert (hasher.signature("") == 0xFFFFFFFF).all()
    # a key shorter than a shingle is one shingle: equal to itself, unlike another short key
    assert dedupe.similarity(hasher.signature("ab"), hasher.signature("ab")) == 1.0
    assert dedupe.similarity(hasher.signature("ab"), hasher.signature("ba")) < 0.1
    assert hasher.signatures([]).shape == (0, 128)


def test_signature_bytes_round_trip():
    sig = dedupe.MinHasher().signature(dedupe.dedupe_key(HINDI))
    data = dedupe.signature_to_bytes(sig)
    back = dedupe.signature_from_bytes(data)
    assert len(data) == 4 * 128
    assert back.dtype == np.uint32
    assert np.array_equal(back, sig)
    back[0] = 0  # writable, independent of the bytes
    assert dedupe.signature_from_bytes(data)[0] == sig[0]


def test_band_hashes_mix_in_the_band_index():
    # given a signature whose bands all hold the same values
    sig = np.full(128, 7, dtype=np.uint32)
    hashes = dedupe.band_hashes(sig, bands=32, rows=4)
    # then every band still has its own key, each a signed 64-bit int
    assert len(set(hashes)) == 32
    assert all(-(2**63) <= h < 2**63 for h in hashes)


def test_band_hashes_batch_matches_single():
    hasher = dedupe.MinHasher()
    sigs = hasher.signatures([HINDI, ENGLISH, HINGLISH])
    batch = dedupe.band_hashes_batch(sigs, bands=42, rows=3)
    for sig, row in zip(sigs, batch, strict=True):
        assert row.tolist() == dedupe.band_hashes(sig, bands=42, rows=3)


def test_lsh_index_returns_candidates_sharing_a_band():
    # given an index with three messages
    hasher = dedupe.MinHasher()
    index = dedupe.LSHIndex(bands=32, rows=4)
    for key, text in enumerate([HINDI, ENGLISH, HINGLISH]):
        index.add(key, hasher.signature(dedupe.dedupe_key(text)))
    # when each is queried with itself and a copy that lost its last words
    for key, text in enumerate([HINDI, ENGLISH, HINGLISH]):
        found = index.query(hasher.signature(dedupe.dedupe_key(text[: int(len(text) * 0.9)])))
        # then it comes back, and the others do not
        assert found == [key]
    assert index.query(hasher.signature("something else entirely, nothing alike")) == []


@pytest.mark.parametrize("params", [dedupe.NEAR_DUP, dedupe.NARRATIVE], ids=["near", "narrative"])
def test_parameters_fit_the_signature(params):
    bands, rows, threshold = params
    assert bands * rows <= dedupe.MinHasher().num_perm
    assert 0 < threshold < 1
    assert dedupe.NARRATIVE.threshold < dedupe.NEAR_DUP.threshold


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("⏩ Forwarded\nEVM hack ho rahi hai", "EVM hack ho rahi hai"),
        (
            "*Forwarded as received*\nNASA says six days of darkness",
            "NASA says six days of darkness",
        ),
        ("फॉरवर्ड किया गया\nईवीएम हैक हो रही है\nजरूर शेयर करें 🙏", "ईवीएम हैक हो रही है"),
        ("Forwarded many times", "Forwarded many times"),
        ("free laptop yojana, share karo", "free laptop yojana, share karo"),
    ],
)
def test_boilerplate_lines_are_dropped_from_the_text_as_written(text, expected):
    # given a forward with marker lines (or only a marker)
    # when its boilerplate lines are dropped
    # then the claim's own lines are left as written; a marker alone is kept
    assert dedupe.without_boilerplate(text) == expected
