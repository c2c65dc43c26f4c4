"""Signed webhooks of the SMS gateway: receipts and STOP replies."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from sampark.content.enums import DeliveryStatus
from sampark.content.models import ContentItem, Delivery, Distribution
from sampark.content.tests.fixtures import Volunteers
from sampark.integrations import sms
from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent

pytestmark = pytest.mark.django_db
SECRET = "s3cret"


def _post(client: Client, url: str, payload: object, *, secret: str = SECRET) -> object:
    body = json.dumps(payload).encode()
    return client.post(
        url,
        data=body,
        content_type="application/json",
        headers={sms.SIGNATURE_HEADER: sms.sign(body, secret)},
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
    signature = sms.sign(body, "other" if _case == "wrong secret" else SECRET)
    sent_body = body if _case == "wrong secret" else body.replace(b"delivered", b"failed")
    response = client.post(
        "/hooks/sms/receipts/",
        data=sent_body,
        content_type="application/json",
        headers={sms.SIGNATURE_HEADER: signature},
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
