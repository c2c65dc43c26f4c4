"""Parsing one cell: phone numbers (with a fast path for the usual shapes), dates, genders,
languages and consent as district offices write them, in English and Hindi."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import phonenumbers

from sampark.people.enums import ConsentAction, Gender
from sampark.people.validation import normalize_phone

_DATE_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
_DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_SPLIT = re.compile(r"\s*[,;/|]\s*")
_GENDERS: dict[str, str] = {
    "m": Gender.MALE,
    "male": Gender.MALE,
    "man": Gender.MALE,
    "पुरुष": Gender.MALE,
    "पु": Gender.MALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
    "woman": Gender.FEMALE,
    "महिला": Gender.FEMALE,
    "स्त्री": Gender.FEMALE,
    "म": Gender.FEMALE,
    "o": Gender.OTHER,
    "other": Gender.OTHER,
    "third gender": Gender.OTHER,
    "transgender": Gender.OTHER,
    "अन्य": Gender.OTHER,
    "तृतीय लिंग": Gender.OTHER,
}
_LANGUAGES: dict[str, str] = {
    "hindi": "hi",
    "हिंदी": "hi",
    "हिन्दी": "hi",
    "english": "en",
    "अंग्रेजी": "en",
    "अंग्रेज़ी": "en",
    "urdu": "ur",
    "उर्दू": "ur",
    "bhojpuri": "bho",
    "भोजपुरी": "bho",
    "awadhi": "awa",
    "अवधी": "awa",
    "braj": "bra",
    "ब्रज": "bra",
    "bundeli": "bns",
    "बुंदेली": "bns",
    "punjabi": "pa",
    "पंजाबी": "pa",
    "bengali": "bn",
    "बांग्ला": "bn",
}
_YES = {"yes", "y", "true", "1", "given", "हाँ", "हां", "हा", "सहमत", "ha", "haan"}
_NO = {"no", "n", "false", "0", "withdrawn", "नहीं", "नही", "असहमत", "nahi"}
_FORMULA_PREFIX = ("'=", "'+", "'-", "'@")


def clean(raw: str) -> str:
    """The cell without surrounding spaces or a spreadsheet's guarding apostrophe."""
    text = raw.strip()
    # Exports guard formulas with a leading apostrophe; spreadsheets also use it to keep
    # a phone number as text.
    if text[:1] == "'" and (text[:2] in _FORMULA_PREFIX or text[1:2].isdigit()):
        return text[1:]
    return text


_FAST_PHONE = re.compile(r"(?:\+91)?([6-9][0-9]{9})")
_PHONE_SEPARATORS = str.maketrans("", "", " -")
_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def fast_normalize_phone(raw: str) -> str:
    """`validation.normalize_phone` with a shortcut for the usual shapes (98123 45610,
    +91-9812345610): they skip the generic parser and are checked against the same
    phonenumbers metadata. The result is identical (property-tested); anything else, and every
    error, goes through `normalize_phone` itself."""
    match = _FAST_PHONE.fullmatch(raw.translate(_PHONE_SEPARATORS))
    if match is not None:
        national = match[1]
        number = phonenumbers.PhoneNumber(country_code=91, national_number=int(national))
        # A mobile (or fixed-line-or-mobile) type implies a valid number for region IN.
        if phonenumbers.number_type(number) in _MOBILE_TYPES:
            return "+91" + national
    return normalize_phone(raw)


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD (or with / .), or DD-MM-YYYY as Indians write it."""
    match = _DATE_YMD.match(text)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        match = _DATE_DMY.match(text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    raise ValueError(text)


def parse_languages(text: str) -> list[str]:
    codes: list[str] = []
    for part in _SPLIT.split(text.casefold()):
        part = part.strip()
        code = _LANGUAGES.get(unicodedata.normalize("NFC", part), part)
        if code and code not in codes:
            codes.append(code)
    return codes


def parse_gender(text: str) -> str | None:
    """The gender code of a cell (M, F, O, पुरुष, महिला …), or None."""
    return _GENDERS.get(unicodedata.normalize("NFC", text.casefold()))


def parse_consent(text: str) -> str:
    key = unicodedata.normalize("NFC", text.strip().casefold())
    if key in _YES:
        return ConsentAction.GIVEN
    if key in _NO:
        return ConsentAction.WITHDRAWN
    raise ValueError(text)
