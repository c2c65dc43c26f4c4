"""Normalisation of what people type: phones, EPIC, names, masking."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sampark.people import validation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("+91 98123 45610", "+919812345610", id="plus91_spaces_case"),
        pytest.param("+919812345610", "+919812345610", id="e164_case"),
        pytest.param("09812345610", "+919812345610", id="trunk_zero_case"),
        pytest.param("98123-45610", "+919812345610", id="dashes_case"),
        pytest.param(" 98123 45610 ", "+919812345610", id="padded_case"),
        pytest.param("919812345610", "+919812345610", id="country_code_no_plus_case"),
        pytest.param("९८१२३४५६१०", "+919812345610", id="devanagari_digits_case"),
        pytest.param("+९१ ९८१२३ ४५६१०", "+919812345610", id="devanagari_plus91_case"),
        pytest.param("(98123) 45610", "+919812345610", id="brackets_case"),
    ],
)
def test_it_normalises_indian_mobiles(raw, expected):
    # given a mobile number as people type it / when normalised / then it is E.164
    assert validation.normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("", "phone_required", id="empty_case"),
        pytest.param("0522 2612345", "phone_not_mobile", id="lucknow_landline_case"),
        pytest.param("011 23456789", "phone_not_mobile", id="delhi_landline_case"),
        pytest.param("+1 415 555 0100", "phone_not_indian", id="us_number_case"),
        pytest.param("+44 7700 900123", "phone_not_indian", id="uk_mobile_case"),
        pytest.param("+977 9812345678", "phone_not_indian", id="nepal_mobile_case"),
        pytest.param("98123", "phone_not_mobile", id="too_short_case"),
        pytest.param("call me", "phone_invalid", id="words_case"),
    ],
)
def test_it_rejects_numbers_that_are_not_indian_mobiles(raw, code):
    # given a landline, a foreign number or junk
    # when normalised / then it is refused with a reason
    with pytest.raises(ValidationError) as info:
        validation.normalize_phone(raw)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("ABC1234567", "ABC1234567", id="canonical_case"),
        pytest.param("abc1234567", "ABC1234567", id="lower_case"),
        pytest.param(" ABC 123 4567 ", "ABC1234567", id="spaces_case"),
        pytest.param("ABC१२३४५६७", "ABC1234567", id="devanagari_digits_case"),
        pytest.param("", "", id="blank_case"),
    ],
)
def test_it_normalises_epic(raw, expected):
    assert validation.normalize_epic(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("AB12345678", id="two_letters_case"),
        pytest.param("ABC123456", id="six_digits_case"),
        pytest.param("ABCD123456", id="four_letters_case"),
        pytest.param("1234567ABC", id="reversed_case"),
    ],
)
def test_it_rejects_malformed_epic(raw):
    with pytest.raises(ValidationError) as info:
        validation.normalize_epic(raw)
    assert info.value.code == "epic_invalid"


def test_it_masks_phones_as_first_two_and_last_two_digits():
    # given a stored number / when masked / then only 2+2 digits show
    assert validation.mask_phone("+919812345610") == "98xxxxxx10"
    assert validation.display_phone("+919812345610", masked=True) == "98xxxxxx10"
    assert validation.display_phone("+919812345610", masked=False) == "98123 45610"


def test_it_keeps_devanagari_names_and_collapses_spaces():
    assert validation.normalize_name("  सीता   देवी\u200b ") == "सीता देवी"
    with pytest.raises(ValidationError):
        validation.normalize_name(" \u200b ")


def test_ascii_digits_converts_only_devanagari_digits():
    assert validation.ascii_digits("फ़ोन ९८१२ abc 34") == "फ़ोन 9812 abc 34"
