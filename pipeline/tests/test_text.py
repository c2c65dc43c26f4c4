"""Display normalisation and word tokens for Devanagari, Latin and mixed text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.text import (
    has_devanagari,
    nfc,
    normalise,
    script_counts,
    token_offsets,
    token_spans,
    tokens,
)

QA_PRECOMPOSED = "\u0958"  # क़ as one code point (a composition exclusion)
QA_DECOMPOSED = "\u0915\u093c"  # क + nukta
ZWJ = "\u200d"
ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("  hello   world  ", "hello world", id="collapse-and-strip"),
        pytest.param("a\u00a0b\u202fc\u2009d\u3000e", "a b c d e", id="unicode-spaces"),
        pytest.param("a\t\tb", "a b", id="tabs"),
        pytest.param("\ufeffनमस्ते", "नमस्ते", id="bom"),
        pytest.param("\u200fमोदी\u200e जी\u202a\u202c", "मोदी जी", id="direction-marks"),
        pytest.param("\u2066x\u2069", "x", id="isolates"),
        pytest.param("line one  \n   line two\r\nthree", "line one\nline two\nthree", id="lines"),
        pytest.param("a\n\n b", "a\n\nb", id="blank-line-kept"),
        pytest.param("a\u2028b", "a\nb", id="line-separator"),
        pytest.param("", "", id="empty"),
        pytest.param(" \n\t ", "", id="only-space"),
    ],
)
def test_normalise_spaces_marks_and_lines(raw, expected):
    assert normalise(raw) == expected


def test_precomposed_and_decomposed_nukta_compare_equal():
    # given क़िला typed with the precomposed letter and with क + nukta
    precomposed = QA_PRECOMPOSED + "िला"
    decomposed = QA_DECOMPOSED + "िला"
    # when both are normalised
    # then they are the same string, in NFC (which keeps U+0958 decomposed)
    assert normalise(precomposed) == normalise(decomposed) == decomposed
    assert normalise(precomposed) == unicodedata.normalize("NFC", precomposed)


@pytest.mark.parametrize(
    "letter",
    [chr(c) for c in range(0x0958, 0x0960)],
    ids=[f"U+{c:04X}" for c in range(0x0958, 0x0960)],
)
def test_every_precomposed_nukta_letter_meets_its_decomposed_form(letter):
    decomposed = unicodedata.normalize("NFD", letter)
    assert normalise(letter + "र") == normalise(decomposed + "र")
    assert tokens(letter + "र") == tokens(decomposed + "र")


def test_nukta_before_virama_is_reordered_and_composable_nukta_letters_compose():
    # NFC puts nukta (ccc 7) before virama (ccc 9) and composes न+़ into ऩ (not excluded).
    assert normalise("ज\u094d\u093cर") == unicodedata.normalize("NFC", "ज\u094d\u093cर")
    assert normalise("न\u093c") == "\u0929"


def test_latin_accents_are_composed():
    assert normalise("cafe\u0301") == "café"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("क्" + ZWJ + "ष", "क्" + ZWJ + "ष", id="zwj-inside-devanagari-kept"),
        pytest.param("क्" + ZWNJ + "ष", "क्" + ZWNJ + "ष", id="zwnj-inside-devanagari-kept"),
        pytest.param("abc" + ZWJ + "def", "abcdef", id="latin-removed"),
        pytest.param(ZWJ + "मोदी", "मोदी", id="word-start-removed"),
        pytest.param("मोदी" + ZWNJ + " जी", "मोदी जी", id="before-space-removed"),
        pytest.param("मोदी" + ZWJ + "x", "मोदीx", id="devanagari-latin-boundary-removed"),
        pytest.param(
            "👨" + ZWJ + "👩" + ZWJ + "👧", "👨" + ZWJ + "👩" + ZWJ + "👧", id="emoji-seq"
        ),
    ],
)
def test_joiners_kept_only_where_they_shape_rendering(raw, expected):
    assert normalise(raw) == expected


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_normalise_is_idempotent(raw):
    once = normalise(raw)
    assert normalise(once) == once


@given(
    st.text(
        alphabet=st.sampled_from(
            [chr(c) for c in range(0x0900, 0x0980)] + list("ab ,😂\u00e9\u0301")
        ),
        max_size=12,
    )
)
def test_fast_nfc_equals_unicodedata_nfc(raw):
    assert nfc(raw) == unicodedata.normalize("NFC", raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("Modi JI, MODI!", ["modi", "ji", "modi"], id="casefold"),
        pytest.param("मोदी जी ने कहा।", ["मोदी", "जी", "ने", "कहा"], id="devanagari-danda"),
        pytest.param("वोट 😂🙏 दो!!! #EVM", ["वोट", "दो", "evm"], id="emoji-punctuation"),
        pytest.param("2000 ka note, ₹500", ["2000", "ka", "note", "500"], id="digits"),
        pytest.param("2,000 और 1,00,000", ["2000", "और", "100000"], id="grouped-numbers"),
        pytest.param("१२३ रुपये", ["123", "रुपये"], id="devanagari-digits"),
        pytest.param("क्" + ZWJ + "षमा", ["क्षमा"], id="joiner-removed"),
        pytest.param("Modi's rally", ["modi", "s", "rally"], id="apostrophe-splits"),
        pytest.param("STRASSE Straße", ["strasse", "strasse"], id="full-casefold"),
        pytest.param("یہ خبر", ["یہ", "خبر"], id="urdu"),
        pytest.param("covid19 g20", ["covid19", "g20"], id="alphanumeric"),
        pytest.param("...!!! 😂", [], id="nothing"),
    ],
)
def test_tokens(raw, expected):
    assert tokens(raw) == expected


def test_tokens_of_precomposed_and_decomposed_nukta_are_equal():
    assert tokens("ज़हर " + QA_PRECOMPOSED) == tokens("\u091c\u093cहर " + QA_DECOMPOSED)
    assert tokens("\u095bहर") == ["\u091c\u093cहर"]  # nukta kept, decomposed like NFC


def test_tokens_returns_a_fresh_list_each_time():
    # the one-post memo must not leak mutations between callers
    first = tokens("evm hack")
    first.append("x")
    assert tokens("evm hack") == ["evm", "hack"]


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_token_offsets_line_up_with_tokens_of_normalised_text(raw):
    norm = normalise(raw)
    assert len(token_offsets(norm)) == len(tokens(norm))
    assert [w for w, _, _ in token_spans(norm)] == tokens(norm)


def test_token_spans_point_into_the_text():
    text = normalise("कल EVM, 2,000 वोट")
    assert [(w, text[a:b]) for w, a, b in token_spans(text)] == [
        ("कल", "कल"),
        ("evm", "EVM"),
        ("2000", "2,000"),
        ("वोट", "वोट"),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("मोदी", (2, 0, 0), id="matras-not-letters"),
        pytest.param("Modi ji", (0, 6, 0), id="latin"),
        pytest.param("मोदी Modi یہ", (2, 4, 2), id="mixed"),
        pytest.param("café ñ", (0, 5, 0), id="accented-latin"),
        pytest.param("123 😂 !!", (0, 0, 0), id="no-letters"),
        pytest.param("ক খ", (0, 0, 2), id="bengali"),
    ],
)
def test_script_counts(raw, expected):
    assert script_counts(raw) == expected


def test_has_devanagari():
    assert has_devanagari("vote दो")
    assert not has_devanagari("vote do")


@given(
    st.text(alphabet=st.sampled_from(list("a2,0 ०२Ⱦ.ज\u093cक\u094d\u200d\u0958ß😂")), max_size=16)
)
def test_token_offsets_line_up_on_digit_groups_and_joiners(raw):
    norm = normalise(raw)
    assert len(token_offsets(norm)) == len(tokens(norm))
