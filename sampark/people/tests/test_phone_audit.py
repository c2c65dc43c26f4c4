"""Reads that show full phone numbers in bulk leave an audit row; masked reads do not (#12)."""

from __future__ import annotations

from django.urls import reverse

from sampark.core.models import AuditEvent

API = "/api/people"


def _reads() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb="phones.read").order_by("id"))


def test_the_api_list_with_full_phones_is_audited(client, tree, bob, sita, booth1):
    # given bob, who may see phones
    client.force_login(bob)
    # when he lists the people of booth 1, as many at a time as the API allows
    body = client.get(f"{API}/persons", {"limit": 500, "unit_id": booth1.id}).json()
    # then one audit row says who read how many rows, with which filter, in which unit
    assert body["items"][0]["phone"] == "98123 45610"
    [event] = _reads()
    assert event.actor == bob
    assert event.unit_path == booth1.path
    assert event.data == {
        "what": "api.people.persons",
        "rows": 1,
        "filters": {"unit_id": booth1.id, "limit": 500, "offset": 0},
    }


def test_a_masked_list_is_not_audited(client, tree, dave, sita):
    # given dave, a volunteer who sees masked phones only
    client.force_login(dave)
    # when he lists the people he can see
    body = client.get(f"{API}/persons").json()
    # then he saw masked numbers, and nothing was recorded
    assert body["count"] == 1
    assert "xx" in body["items"][0]["phone"]
    assert _reads() == []


def test_an_empty_list_is_not_audited(client, tree, bob):
    # given nobody in bob's district
    client.force_login(bob)
    # when he lists it / then no phone was shown, nothing is recorded
    assert client.get(f"{API}/persons").json()["count"] == 0
    assert _reads() == []


def test_a_phone_search_on_the_list_page_is_audited_without_the_number(client, tree, bob, sita):
    # given bob, who may search by phone
    client.force_login(bob)
    # when he searches the people page for Sita's number
    response = client.get(reverse("people:list"), {"q": "98123 45610"})
    # then the page shows her, and the audit row records the search without its digits
    assert len(response.context["rows"]) == 1
    [event] = _reads()
    assert event.data["what"] == "people.list"
    assert event.data["rows"] == 1
    assert event.data["filters"] == {"q": "[number]", "page": 1}
    assert event.unit_path == bob.unit.path
    assert "45610" not in str(event.data)


def test_the_list_page_of_a_masked_reader_is_not_audited(client, tree, dave, sita):
    client.force_login(dave)
    assert len(client.get(reverse("people:list")).context["rows"]) == 1
    assert _reads() == []


def test_an_export_records_how_many_people_it_held(client, tree, bob, sita):
    # given bob's district with one person
    client.force_login(bob)
    # when he exports it
    response = client.get("/imports/export/?format=csv")
    b"".join(response.streaming_content)
    # then the export's audit row counts the people in it
    [event] = AuditEvent.objects.filter(verb="people.exported")
    assert event.data == {"format": "csv", "masked": False, "rows": 1}
