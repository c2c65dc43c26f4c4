"""Desktop pages name units in the page's language (issue #11): the Hindi name where a unit has
one on Hindi pages, the English one on English pages; and the header does the same."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from sampark.people.models import Person


def _get(client, url: str, lang: str) -> str:
    client.cookies["django_language"] = lang
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return str(response.content.decode())


def test_unit_names_follow_the_page_language(booth1):
    with translation.override("hi"):
        assert booth1.local_name == booth1.name_hi
        assert booth1.display_name == f"{booth1.number} · {booth1.name_hi}"
    with translation.override("en"):
        assert booth1.local_name == booth1.name
        assert booth1.display_name == f"{booth1.number} · {booth1.name}"


def test_a_unit_without_a_hindi_name_keeps_its_name(tree):
    with translation.override("hi"):
        assert tree.state.name_hi == ""
        assert tree.state.local_name == tree.state.name


def test_the_header_and_the_people_list_name_units_in_the_pages_language(
    client, bob, booth1, district1
):
    # given a person living on a booth of bob's district
    Person.objects.create(name="Sita", phone="+919811111112", home_unit=booth1)
    client.force_login(bob)
    hindi = _get(client, reverse("people:list"), "hi")
    english = _get(client, reverse("people:list"), "en")
    # then the Hindi page says the district and the booth in Hindi, the English one in English
    assert f"· {district1.name_hi}</a>" in hindi
    assert booth1.name_hi in hindi
    assert booth1.name not in hindi
    assert district1.name_hi not in english
    assert booth1.name in english
