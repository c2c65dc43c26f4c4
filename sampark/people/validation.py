"""Validation and normalisation of what people type: Indian mobile numbers, EPIC, names.

Used by the services, the importer and the API alike, so one rule holds everywhere.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# EPIC (voter ID): three letters then seven digits, e.g. ABC1234567.
EPIC_RE = re.compile(r"^[A-Z]{3}[0-9]{7}$")
# Devanagari digits ०-९ (U+0966-U+096F) typed on Hindi keyboards, read as ASCII 0-9.
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def ascii_digits(text: str) -> str:
    """Replace Devanagari digits with ASCII ones ("९८१२" -> "9812")."""
    return (text or "").translate(_DEVANAGARI_DIGITS)


def normalize_phone(raw: str) -> str:
    """Return an Indian mobile number in E.164 (+919812345610) or raise ValidationError."""
    text = ascii_digits(raw).strip()
    if not text:
        raise ValidationError(_("Phone number is required."), code="phone_required")
    digits = re.sub(r"[\s\-().]", "", text)
    try:
        number = phonenumbers.parse(digits, "IN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("“%(value)s” is not a phone number.") % {"value": text}, code="phone_invalid"
        ) from exc
    if number.country_code != 91:
        raise ValidationError(
            _("“%(value)s” is not an Indian number.") % {"value": text}, code="phone_not_indian"
        )
    if (
        not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise ValidationError(
            _("“%(value)s” is not a valid Indian mobile number.") % {"value": text},
            code="phone_not_mobile",
        )
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
        raise ValidationError(
            _("“%(value)s” is not a valid voter ID (EPIC): three letters and seven digits.")
            % {"value": raw},
            code="epic_invalid",
        )
    return text


def normalize_name(raw: str) -> str:
    """NFC, collapse whitespace, strip stray zero-width characters at the edges.

    ZWJ/ZWNJ inside a Devanagari word are meaningful (they select half-forms) and are kept.
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = " ".join(text.split())
    text = text.strip("\u200b\u200c\u200d\ufeff")
    if not text:
        raise ValidationError(_("Name is required."), code="name_required")
    return text
