"""Names in Hindi (issue #16 item 5): public where the data has them, made and marked where
not, corrected by an in-charge from a page and kept by later imports."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import translation

from sampark.core.models import AuditEvent
from sampark.geo import hindi, services
from sampark.geo.enums import Level, NameSource
from sampark.geo.importer import import_state
from sampark.geo.models import Unit
from sampark.geo.naming import unit_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("english", "expected", "_case"),
    [
        ("Mathura", "मथुरा", "final a is long"),
        ("Basti", "बस्ती", "st joins, final i is long"),
        ("Gorakhpur", "गोरखपुर", "kh, and -pur kept whole"),
        ("Firozabad", "फिरोजाबाद", "-abad after a consonant"),
        ("Unnao", "उन्नाव", "doubled letter joins, -ao"),
        ("Etah", "एता", "final -ah is a long a"),
    ],
)
def test_it_transliterates_by_rule(english: str, expected: str, _case: str):
    # when an English spelling is transliterated
    result = hindi.hindi_name(english, lexicon={})
    # then it reads as expected, is NFC and is marked as transliterated
    assert result == (expected, NameSource.TRANSLITERATED)
    assert unicodedata.is_normalized("NFC", result[0])


def test_it_puts_names_together_from_public_words():
    # given the public PC names as a lexicon
    lexicon = hindi.lexicon_from([("Saharanpur", "सहारनपुर"), ("Lucknow", "लखनऊ")])
    # then a whole public name is PUBLIC, and one made of public words and glossary is DERIVED
    assert hindi.hindi_name("Saharanpur", lexicon=lexicon) == ("सहारनपुर", NameSource.PUBLIC)
    assert hindi.hindi_name("Saharanpur Nagar", lexicon=lexicon) == (
        "सहारनपुर नगर",
        NameSource.DERIVED,
    )
    assert hindi.hindi_name("Lucknow Cantt.", lexicon=lexicon) == ("लखनऊ कैंट", NameSource.DERIVED)


def test_import_marks_how_each_name_was_made(state_dir: Path):
    # when the small state is imported (PC Hindi names in its boundary file, none else)
    import_state(state="BR", data_dir=state_dir)
    by_name = {u.name: u for u in Unit.objects.filter(level__in=(Level.PC, Level.AC, "district"))}
    # then PCs are public, an AC named like a PC is public too, the rest are made and marked
    assert (by_name["Paschim Champaran"].name_hi_source, by_name["Paschim Champaran"].name_hi) == (
        NameSource.PUBLIC,
        "पश्चिम चंपारण",
    )
    ac1 = Unit.objects.get(level=Level.AC, number=1)
    assert (ac1.name_hi, ac1.name_hi_source) == ("वाल्मीकि नगर", NameSource.PUBLIC)
    ramnagar = Unit.objects.get(level=Level.AC, number=2)
    assert ramnagar.name_hi_source == NameSource.TRANSLITERATED
    assert ramnagar.name_hi.endswith("नगर")
    assert not Unit.objects.filter(level__in=services.NAMED_LEVELS, name_hi="").exists()


def test_a_correction_is_audited_and_survives_reimport(state_dir: Path, alice):
    # given an imported state and alice's account moved onto it
    import_state(state="BR", data_dir=state_dir)
    alice.unit = Unit.objects.get(path="BR")
    alice.save()
    ac = Unit.objects.get(level=Level.AC, number=2, path__startswith="BR/")
    # when she corrects the AC's Hindi name, written in decomposed form
    services.unit_name_hi_correct(
        unit_id=ac.id, name_hi=unicodedata.normalize("NFD", " रामनगर "), actor=alice
    )
    # then it is stored NFC, marked corrected and audited
    ac.refresh_from_db()
    assert (ac.name_hi, ac.name_hi_source) == ("रामनगर", NameSource.CORRECTED)
    event = AuditEvent.objects.get(verb="geo.name_hi_corrected", object_id=ac.id)
    assert event.data["after"] == "रामनगर"
    # and a new import and a fill keep it
    import_state(state="BR", data_dir=state_dir)
    services.unit_names_hi_fill(root=Unit.objects.get(path="BR"), redo=True)
    ac.refresh_from_db()
    assert (ac.name_hi, ac.name_hi_source) == ("रामनगर", NameSource.CORRECTED)


def test_outsider_cannot_correct(bob, district2):
    # given bob, in-charge of district 1
    # when he tries to rename district 2
    # then the service refuses and the page answers 404
    with pytest.raises(PermissionDenied):
        services.unit_name_hi_correct(unit_id=district2.id, name_hi="कहीं", actor=bob)
    client = Client()
    client.force_login(bob)
    response = client.post(f"/geo/names/{district2.id}/", {"name_hi": "कहीं"})
    assert response.status_code == 404
    district2.refresh_from_db()
    assert district2.name_hi == "जिला 2"


def test_page_lists_the_area_and_refuses_latin(bob, district1, district2):
    client = Client()
    client.force_login(bob)
    # when bob opens the names page
    page = client.get("/geo/names/")
    # then his district is listed and the other is not
    assert page.status_code == 200
    assert f"name-{district1.id}" in page.text
    assert f"name-{district2.id}" not in page.text
    # and a name in Latin letters is a form error, not a change
    bad = client.post(f"/geo/names/{district1.id}/", {"name_hi": "District"})
    assert bad.status_code == 422
    assert 'role="alert"' in bad.text
    good = client.post(f"/geo/names/{district1.id}/", {"name_hi": "ज़िला एक"})
    assert good.status_code == 200
    district1.refresh_from_db()
    assert district1.name_hi_source == NameSource.CORRECTED


def test_volunteer_may_not_open_names_page(charlie):
    client = Client()
    client.force_login(charlie)
    assert client.get("/geo/names/").status_code == 403


def test_unit_name_follows_the_language(district1):
    # then the helper gives the Hindi name on Hindi pages and the English one otherwise
    with translation.override("hi"):
        assert unit_name(district1) == "जिला 1"
    with translation.override("en"):
        assert unit_name(district1) == "District 1"
    assert unit_name(district1, language="hi") == "जिला 1"
