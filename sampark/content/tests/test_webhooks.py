"""Signed webhooks of the SMS gateway: receipts and STOP replies."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from sampark.content.enums import DeliveryStatus
from sampark.content.models import ContentItem, Delivery, Distribution
from sampark.content.tests.fixtures import Volunteers
from sampark.integrations import sms
from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent

pytestmark = pytest.mark.django_db
SECRET = "s3cret"
NOW = dt.datetime(2027, 2, 10, 6, 31, tzinfo=dt.UTC)  # a whole second: the window's edges are exact


def _post(
    client: Client, url: str, payload: object, *, secret: str = SECRET, at: int | None = None
) -> object:
    body = json.dumps(payload).encode()
    timestamp = int(timezone.now().timestamp()) if at is None else at
    return client.post(
        url,
        data=body,
        content_type="application/json",
        headers=sms.signed_headers(body, secret, timestamp=timestamp),
    )


@pytest.fixture
def sent(kit: ContentItem, volunteers: Volunteers) -> Delivery:
    d = Distribution.objects.create(item=kit, unit=kit.unit)
    person = volunteers.people[0]
    return Delivery.objects.create(
        distribution=d, person=person, channel="sms", unit_id_at=1, status=DeliveryStatus.SENT
    )


@override_settings(SAMPARK_SMS_WEBHOOK_SECRET=SECRET)
def test_a_signed_receipt_marks_the_delivery_delivered(client: Client, sent: Delivery) -> None:
    receipt = {
        "id": "sms-1",
        "idempotency_key": sent.idempotency_key,
        "status": "delivered",
        "at": "2027-02-10T06:31:00Z",
    }
    response = _post(
        client,
        "/hooks/sms/receipts/",
        {"receipts": [receipt, {**receipt, "idempotency_key": "sampark-d999-p1"}]},
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.json() == {"received": 2, "applied": 1}  # type: ignore[attr-defined]
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.DELIVERED
    assert sent.delivered_at is not None


@override_settings(SAMPARK_SMS_WEBHOOK_SECRET=SECRET)
@pytest.mark.parametrize("_case", ["wrong secret", "tampered"])
def test_a_bad_signature_is_refused(client: Client, sent: Delivery, _case: str) -> None:
    payload = {
        "receipts": [
            {
                "id": "x",
                "idempotency_key": sent.idempotency_key,
                "status": "delivered",
                "at": "2027-02-10T06:31:00Z",
            }
        ]
    }
    body = json.dumps(payload).encode()
    now = int(timezone.now().timestamp())
    headers = sms.signed_headers(
        body, "other" if _case == "wrong secret" else SECRET, timestamp=now
    )
    sent_body = body if _case == "wrong secret" else body.replace(b"delivered", b"failed")
    response = client.post(
        "/hooks/sms/receipts/",
        data=sent_body,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.SENT


@override_settings(SAMPARK_SMS_WEBHOOK_SECRET=SECRET)
def test_a_malformed_receipt_says_why(client: Client) -> None:
    response = _post(client, "/hooks/sms/receipts/", {"receipts": [{"id": "x"}]})
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert b"lacks" in response.content  # type: ignore[attr-defined]


def test_without_a_secret_the_endpoint_does_not_exist(client: Client) -> None:
    assert _post(client, "/hooks/sms/receipts/", {"receipts": []}).status_code == 404  # type: ignore[attr-defined]


@override_settings(SAMPARK_SMS_WEBHOOK_SECRET=SECRET)
def test_stop_withdraws_sms_consent(client: Client, volunteers: Volunteers) -> None:
    person = volunteers.people[0]
    ConsentEvent.objects.create(
        person=person,
        purpose="volunteer_coordination",
        channel="sms",
        action="given",
        notice_version="v1",
        source="t",
    )
    response = _post(client, "/hooks/sms/inbound/", {"from": person.phone[3:], "text": " STOP "})
    assert response.json() == {"stopped": 1}  # type: ignore[attr-defined]
    latest = ConsentEvent.objects.filter(person=person, channel="sms").order_by("-id").first()
    assert latest is not None
    assert latest.action == ConsentAction.WITHDRAWN
    assert latest.source == "sms:STOP"
    # and the app-channel consent is untouched
    assert (
        ConsentEvent.objects.filter(person=person, channel="push", action="withdrawn").count() == 0
    )


# --- replays (issue #12) -------------------------------------------------------------------


def _receipt(sent: Delivery) -> dict[str, object]:
    return {
        "receipts": [
            {
                "id": "x",
                "idempotency_key": sent.idempotency_key,
                "status": "delivered",
                "at": "2027-02-10T06:31:00Z",
            }
        ]
    }


def _send_raw(client: Client, url: str, body: bytes, headers: dict[str, str]) -> object:
    return client.post(url, data=body, content_type="application/json", headers=headers)


@override_settings(SAMPARK_SMS_WEBHOOK_SECRET=SECRET, SAMPARK_WEBHOOK_REPLAY_SECONDS=300)
@pytest.mark.parametrize("url", ["/hooks/sms/receipts/", "/hooks/sms/inbound/"])
def test_the_same_signed_request_twice_is_refused(
    client: Client, sent: Delivery, url: str, time_machine
) -> None:
    # given a request the gateway signed a moment ago (the clock stands still)
    time_machine.move_to(NOW, tick=False)
    body = json.dumps(_receipt(sent) if "receipts" in url else {"from": "1", "text": "hi"})
    headers = sms.signed_headers(body.encode(), SECRET, timestamp=int(timezone.now().timestamp()))
    # when it arrives, then arrives again byte for byte
    first = _send_raw(client, url, body.encode(), headers)
    second = _send_raw(client, url, body.encode(), headers)
    # then the first is handled and the copy refused
    assert first.status_code == 200  # type: ignore[attr-defined]
    assert second.status_code == 403  # type: ignore[attr-defined]
    assert second.content == b"replayed request"  # type: ignore[attr-defined]


@override_settings(SAMPARK_SMS_WEBHOOK_SECRET=SECRET, SAMPARK_WEBHOOK_REPLAY_SECONDS=300)
@pytest.mark.parametrize(
    ("_case", "age", "status"),
    [
        ("fresh_case", 0, 200),
        ("at_the_edge_case", 300, 200),
        ("too_old_case", 301, 403),
        ("from_the_future_case", -301, 403),
    ],
)
def test_only_requests_within_the_window_are_accepted(
    client: Client, sent: Delivery, time_machine, _case: str, age: int, status: int
) -> None:
    # given a request signed `age` seconds before our clock reads
    time_machine.move_to(NOW, tick=False)
    sent_at = int(timezone.now().timestamp()) - age
    # when it arrives
    response = _post(client, "/hooks/sms/receipts/", _receipt(sent), at=sent_at)
    # then it is handled only within the window
    assert response.status_code == status  # type: ignore[attr-defined]
    sent.refresh_from_db()
    assert (sent.status == DeliveryStatus.DELIVERED) is (status == 200)


@override_settings(SAMPARK_SMS_WEBHOOK_SECRET=SECRET, SAMPARK_WEBHOOK_REPLAY_SECONDS=300)
def test_a_replay_after_the_window_is_refused_as_stale(
    client: Client, sent: Delivery, time_machine
) -> None:
    # given a request accepted now
    time_machine.move_to(NOW, tick=False)
    body = json.dumps(_receipt(sent)).encode()
    headers = sms.signed_headers(body, SECRET, timestamp=int(timezone.now().timestamp()))
    assert _send_raw(client, "/hooks/sms/receipts/", body, headers).status_code == 200  # type: ignore[attr-defined]
    # when it is replayed an hour later (its record may be gone by then)
    time_machine.shift(dt.timedelta(hours=1))
    response = _send_raw(client, "/hooks/sms/receipts/", body, headers)
    # then its timestamp refuses it
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert response.content == b"stale timestamp"  # type: ignore[attr-defined]


@override_settings(SAMPARK_SMS_WEBHOOK_SECRET=SECRET)
def test_an_unsigned_timestamp_is_refused(client: Client, sent: Delivery) -> None:
    # given a signature made without a timestamp header, as before issue #12
    body = json.dumps(_receipt(sent)).encode()
    now = int(timezone.now().timestamp())
    headers = {sms.SIGNATURE_HEADER: sms.sign(body, SECRET, timestamp=now)}
    # then it is refused
    assert _send_raw(client, "/hooks/sms/receipts/", body, headers).status_code == 403  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("_case", "key", "parsed"),
    [
        ("ours", "sampark-d12-p345", (12, 345)),
        ("other prefix", "other-d12-p345", None),
        ("not numbers", "sampark-dx-p1", None),
        ("truncated", "sampark-d12", None),
    ],
)
def test_receipt_keys_are_read_back_as_they_were_made(_case: str, key: str, parsed: object) -> None:
    from sampark.content.models import idempotency_key, parse_idempotency_key

    assert parse_idempotency_key(key) == parsed
    if parsed is not None:
        assert idempotency_key(12, 345) == key
