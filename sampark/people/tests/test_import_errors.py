"""Import errors are stored language-neutral and rendered in the active language."""

from __future__ import annotations

import json

import pytest
from django.utils import translation

from sampark.geo.enums import Level
from sampark.people.importer.errors import ImportFileError, localised, row_error
from sampark.people.importer.mapping import resolve_columns

POSITION = {"en": "Booth President", "hi": "बूथ अध्यक्ष"}


def test_a_stored_error_is_english_and_json():
    # given an error with a position name and a level label as parameters
    error = row_error(
        7,
        "पद",
        "booth_president",
        "position_level",
        "The position “%(position)s” is not held on a %(level)s.",
        {"position": POSITION, "level": Level.AC.label},
    )

    # then the stored reason is English, and the whole error survives a JSON round trip
    assert (
        error["reason"] == "The position “Booth President” is not held on a Assembly constituency."
    )
    assert json.loads(json.dumps(error)) == error


@pytest.mark.parametrize(
    ("language", "reason"),
    [
        ("en", "The position “Booth President” is not held on a Assembly constituency."),
        ("hi", "पद “बूथ अध्यक्ष” विधानसभा क्षेत्र स्तर पर नहीं होता।"),
    ],
    ids=["english_case", "hindi_case"],
)
def test_it_renders_in_the_active_language(language, reason):
    error = row_error(
        7,
        "पद",
        "booth_president",
        "position_level",
        "The position “%(position)s” is not held on a %(level)s.",
        {"position": POSITION, "level": Level.AC.label},
    )
    with translation.override(language):
        shown = localised(json.loads(json.dumps(error)))
    assert shown == {
        "line": 7,
        "column": "पद",
        "value": "booth_president",
        "code": "position_level",
        "reason": reason,
    }


def test_a_file_error_keeps_its_field_labels_per_language():
    # given a header without a phone column, rejected while Hindi is active
    with translation.override("hi"):
        with pytest.raises(ImportFileError) as caught:
            resolve_columns(["naam", "booth_path"])
        # then the console and the forms read it in Hindi
        assert str(caught.value) == "फ़ाइल में इनके लिए कोई कॉलम नहीं है: मोबाइल नंबर।"

    # and stored, then shown on an English page, it reads in English
    stored = caught.value.as_error()
    assert (stored["line"], stored["code"]) == (0, "file")
    with translation.override("en"):
        assert localised(stored)["reason"] == "The file has no column for: Mobile number."
