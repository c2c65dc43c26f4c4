"""Validation and normalisation of what people type: Indian mobile numbers, EPIC, names.

Used by the services, the importer and the API alike, so one rule holds everywhere.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# EPIC (voter ID): three letters then seven digits, e.g. ABC1234567.
EPIC_RE = re.compile(r"^[A-Z]{3}[0-9]{7}$")
# Devanagari digits ०-९ (U+0966-U+096F) typed on Hindi keyboards, read as ASCII 0-9.
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
# The English message of each error code, so the importer can store an error language-neutral
# and show it later in the reader's language (people.importer.errors).
MESSAGES: dict[str, str] = {
    "phone_required": gettext_noop("Phone number is required."),
    "phone_invalid": gettext_noop("“%(value)s” is not a phone number."),
    "phone_not_indian": gettext_noop("“%(value)s” is not an Indian number."),
    "phone_not_mobile": gettext_noop("“%(value)s” is not a valid Indian mobile number."),
    "epic_invalid": gettext_noop(
        "“%(value)s” is not a valid voter ID (EPIC): three letters and seven digits."
    ),
    "name_required": gettext_noop("Name is required."),
}


def _invalid(code: str, **params: str) -> ValidationError:
    """The ValidationError of `code`, in the active language (params kept for the importer)."""
    return ValidationError(_(MESSAGES[code]), code=code, params=params or None)


def ascii_digits(text: str) -> str:
    """Replace Devanagari digits with ASCII ones ("९८१२" -> "9812")."""
    return (text or "").translate(_DEVANAGARI_DIGITS)


def normalize_phone(raw: str) -> str:
    """Return an Indian mobile number in E.164 (+919812345610) or raise ValidationError."""
    text = ascii_digits(raw).strip()
    if not text:
        raise _invalid("phone_required")
    digits = re.sub(r"[\s\-().]", "", text)
    try:
        number = phonenumbers.parse(digits, "IN")
    except phonenumbers.NumberParseException as exc:
        raise _invalid("phone_invalid", value=text) from exc
    if number.country_code != 91:
        raise _invalid("phone_not_indian", value=text)
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise _invalid("phone_not_mobile", value=text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """+919812345610 -> 98xxxxxx10: enough to recognise, not enough to call."""
    national = e164[3:] if e164.startswith("+91") else e164.lstrip("+")
    if len(national) < 5:
        return "x" * len(national)
    return national[:2] + "x" * (len(national) - 4) + national[-2:]


def display_phone(e164: str, *, masked: bool) -> str:
    """The national form (98123 45610) or its mask."""
    if masked:
        return mask_phone(e164)
    national = e164[3:] if e164.startswith("+91") else e164
    return f"{national[:5]} {national[5:]}" if len(national) == 10 else national


def normalize_epic(raw: str) -> str:
    """Return an EPIC in upper case ('' when blank) or raise ValidationError."""
    text = re.sub(r"\s+", "", ascii_digits(raw)).upper()
    if not text:
        return ""
    if not EPIC_RE.match(text):
        raise _invalid("epic_invalid", value=raw)
    return text


def normalize_name(raw: str) -> str:
    """NFC, collapse whitespace, strip stray zero-width characters at the edges.

    ZWJ/ZWNJ inside a Devanagari word are meaningful (they select half-forms) and are kept.
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = " ".join(text.split())
    text = text.strip("\u200b\u200c\u200d\ufeff")
    if not text:
        raise _invalid("name_required")
    return text
