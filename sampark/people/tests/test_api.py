"""The people API: scope (404), capability (403), races (409), validation (422), masking."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client, override_settings

from sampark.people import services
from sampark.people.enums import AssignmentStatus, VerifyMethod
from sampark.people.models import Assignment, Person

API = "/api/people"


def _post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, data or {}, content_type="application/json")


def test_it_needs_a_login(client, tree):
    assert client.get(f"{API}/persons").status_code == 401


def test_list_masks_phones_for_a_volunteer_but_not_for_bob(client, tree, bob, dave, sita, pending):
    # given Sita on booth 1, seen by bob (district in-charge) and dave (booth-1 volunteer)
    client.force_login(dave)
    masked = client.get(f"{API}/persons").json()
    client.force_login(bob)
    shown = client.get(f"{API}/persons").json()
    # then dave sees 98xxxxxx10, bob the number; both see her position
    assert masked["count"] == shown["count"] == 1
    assert masked["items"][0]["phone"] == "98xxxxxx10"
    assert shown["items"][0]["phone"] == "98123 45610"
    assert [p["kind"] for p in shown["items"][0]["positions"]] == ["whatsapp_pramukh"]
    # and the detail endpoint masks the same way
    client.force_login(dave)
    assert client.get(f"{API}/persons/{sita.id}").json()["phone"] == "98xxxxxx10"


def test_list_filters_by_name_fragment_and_unit(client, tree, bob, booth1, booth2, sita):
    other = Person.objects.create(name="Mohan Lal", phone="+919700000009", home_unit=booth2)
    client.force_login(bob)
    by_name = client.get(f"{API}/persons", {"q": "सीता"}).json()
    by_unit = client.get(f"{API}/persons", {"unit_id": booth2.id}).json()
    by_phone = client.get(f"{API}/persons", {"q": "70000000"}).json()
    assert [p["id"] for p in by_name["items"]] == [sita.id]
    assert [p["id"] for p in by_unit["items"]] == [other.id]
    assert [p["id"] for p in by_phone["items"]] == [other.id]


def test_list_is_404_for_a_unit_outside_scope(client, tree, bob, far_booth):
    client.force_login(bob)
    assert client.get(f"{API}/persons", {"unit_id": far_booth.id}).status_code == 404


def test_get_person_is_404_outside_scope(client, tree, bob, charlie, sita, far_person):
    client.force_login(charlie)
    assert client.get(f"{API}/persons/{sita.id}").status_code == 404
    client.force_login(bob)
    assert client.get(f"{API}/persons/{far_person.id}").status_code == 404


def test_create_person_with_a_position(client, tree, bob, booth1):
    client.force_login(bob)
    payload = {
        "name": "गीता कुमारी",
        "phone": "९८१२३ ४५६११",
        "date_of_birth": "1995-04-01",
        "unit_id": booth1.id,
        "kind": "booth_president",
        "consents": [{"purpose": "volunteer_coordination", "channel": "sms"}],
        "notice_version": "v1",
    }
    response = _post(client, f"{API}/persons", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True
    assert body["person"]["phone"] == "98123 45611"
    assert body["person"]["home_unit"]["id"] == booth1.id
    assert body["person"]["positions"][0]["status"] == AssignmentStatus.PENDING
    assert Assignment.objects.get(id=body["assignment_id"]).unit_id == booth1.id
    # the same phone again returns the existing person
    again = _post(client, f"{API}/persons", {"name": "गीता कुमारी", "phone": "9812345611"})
    assert again.status_code == 200
    assert again.json()["created"] is False


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        pytest.param({"phone": "0522 2612345"}, "mobile", id="landline_case"),
        pytest.param({"phone": "+1 415 555 0100"}, "Indian", id="foreign_case"),
        pytest.param({"date_of_birth": "2015-01-01"}, "under 18", id="minor_case"),
        pytest.param({"date_of_birth": None}, "18 or older", id="age_unconfirmed_case"),
        pytest.param({"epic": "XY12"}, "EPIC", id="epic_case"),
    ],
)
def test_create_person_422_with_the_message(client, tree, bob, booth1, payload, message):
    client.force_login(bob)
    data = {
        "name": "Ram",
        "phone": "9812345699",
        "date_of_birth": "1990-01-01",
        "unit_id": booth1.id,
        "kind": "booth_president",
    }
    data.update(payload)
    response = _post(client, f"{API}/persons", data)
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not Person.objects.exists()


def test_create_person_403_and_404(client, tree, dave, bob, booth1, far_booth):
    data = {"name": "Ram", "phone": "9812345699", "unit_id": booth1.id, "kind": "booth_president"}
    client.force_login(dave)
    assert _post(client, f"{API}/persons", data).status_code == 403
    client.force_login(bob)
    assert _post(client, f"{API}/persons", {**data, "unit_id": far_booth.id}).status_code == 404


def test_create_person_409_for_a_phone_registered_elsewhere(client, tree, bob, far_person):
    # given a District-2 person / when bob signs up the same phone without a position
    client.force_login(bob)
    response = _post(client, f"{API}/persons", {"name": "X", "phone": far_person.phone})
    # then 409 and nothing about that person leaks
    assert response.status_code == 409
    assert far_person.name not in response.content.decode()


def test_consents_read_and_write(client, tree, bob, dave, charlie, sita):
    client.force_login(bob)
    event = {
        "purpose": "calls",
        "channel": "voice",
        "action": "given",
        "notice_version": "v2",
        "source": "paper form",
    }
    assert _post(client, f"{API}/persons/{sita.id}/consents", event).status_code == 201
    withdrawn = {**event, "action": "withdrawn", "source": "phone call"}
    assert _post(client, f"{API}/persons/{sita.id}/consents", withdrawn).status_code == 201
    ledger = client.get(f"{API}/persons/{sita.id}/consents").json()
    assert [e["action"] for e in ledger["events"]] == ["withdrawn", "given"]
    assert [e["action"] for e in ledger["current"]] == ["withdrawn"]
    bad = _post(client, f"{API}/persons/{sita.id}/consents", {**event, "purpose": "religion"})
    assert bad.status_code == 422
    # dave sees Sita but may not record consent for her; charlie cannot see her at all
    client.force_login(dave)
    assert _post(client, f"{API}/persons/{sita.id}/consents", event).status_code == 403
    client.force_login(charlie)
    assert client.get(f"{API}/persons/{sita.id}/consents").status_code == 404


def test_otp_flow(client, tree, bob, sita, pending, sms_outbox):
    client.force_login(bob)
    sent = _post(client, f"{API}/persons/{sita.id}/otp")
    assert sent.status_code == 202
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1].text).group(1)  # type: ignore[union-attr]
    wrong = "000000" if code != "000000" else "111111"
    assert _post(client, f"{API}/persons/{sita.id}/otp/confirm", {"code": wrong}).status_code == 422
    ok = _post(client, f"{API}/persons/{sita.id}/otp/confirm", {"code": code})
    assert ok.status_code == 200
    assert ok.json()["positions"][0]["verify_method"] == VerifyMethod.OTP


@override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
def test_otp_503_without_sms(client, tree, bob, sita):
    client.force_login(bob)
    response = _post(client, f"{API}/persons/{sita.id}/otp")
    assert response.status_code == 503
    assert "in-charge" in response.json()["detail"]


def test_verify_and_end(client, tree, bob, dave, charlie, booth1, pending):
    url = f"{API}/assignments/{pending.id}"
    # outsider 404, in-scope volunteer 403
    client.force_login(charlie)
    assert _post(client, f"{url}/verify").status_code == 404
    client.force_login(dave)
    assert _post(client, f"{url}/verify").status_code == 403
    # bob verifies; a second verify loses the race
    client.force_login(bob)
    first = _post(client, f"{url}/verify")
    assert first.status_code == 200
    assert first.json()["status"] == AssignmentStatus.VERIFIED
    assert _post(client, f"{url}/verify").status_code == 409
    booth1.refresh_from_db()
    assert booth1.volunteers == 1
    # ending needs a reason; ending twice is 409
    assert _post(client, f"{url}/end", {"reason": " "}).status_code == 422
    assert _post(client, f"{url}/end", {"reason": "moved"}).status_code == 200
    assert _post(client, f"{url}/end", {"reason": "moved"}).status_code == 409
    booth1.refresh_from_db()
    assert booth1.volunteers == 0


def test_persons_list_query_count_is_bounded(
    client, tree, bob, booth1, booth2, django_assert_max_num_queries
):
    # given 12 people on two booths, each holding a position
    kinds = ["booth_president", "whatsapp_pramukh", "bla_liaison"]
    for i in range(12):
        person = Person.objects.create(
            name=f"P{i}", phone=f"+91980000{i:04d}", date_of_birth=dt.date(1990, 1, 1)
        )
        services.assignment_create(
            person=person,
            unit=[booth1, booth2, tree.booths[2], tree.booths[3]][i % 4],
            kind_code=kinds[i // 4],
            actor=bob,
        )
    client.force_login(bob)
    # when the list is read / then the query count does not grow with the rows
    with django_assert_max_num_queries(8):
        response = client.get(f"{API}/persons", {"limit": 50})
    body = response.json()
    assert body["count"] == 12
    assert all(len(p["positions"]) == 1 for p in body["items"])
