"""MSG91's delivery reports (issue #13): the recorded v2/v3 payloads mark deliveries."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings

from sampark.content.enums import DeliveryStatus
from sampark.content.models import ContentItem, Delivery, Distribution
from sampark.content.tests.fixtures import Volunteers
from sampark.integrations.tests.fakes import PAYLOADS

pytestmark = pytest.mark.django_db
TOKEN = "hook-token-7f3a"
URL = f"/hooks/msg91/{TOKEN}/reports/"
REQUEST_ID = "346XXXXXXXXXXXX130"  # the requestId of MSG91's recorded examples


@pytest.fixture
def sent(kit: ContentItem, volunteers: Volunteers) -> Delivery:
    d = Distribution.objects.create(item=kit, unit=kit.unit)
    return Delivery.objects.create(
        distribution=d,
        person=volunteers.people[0],
        channel="sms",
        unit_id_at=1,
        status=DeliveryStatus.SENT,
        provider_id=REQUEST_ID,
    )


@override_settings(MSG91_WEBHOOK_TOKEN=TOKEN)
def test_the_v3_report_marks_the_delivery_delivered(client: Client, sent: Delivery) -> None:
    # when MSG91 posts the recorded v3 report (JSON)
    body = (PAYLOADS / "msg91" / "report_v3.json").read_bytes()
    response = client.post(URL, data=body, content_type="application/json")
    # then the delivery is delivered, once
    assert response.json() == {"received": 1, "applied": 1}
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.DELIVERED
    again = client.post(URL, data=body, content_type="application/json")
    assert again.json() == {"received": 1, "applied": 0}


@override_settings(MSG91_WEBHOOK_TOKEN=TOKEN)
def test_the_v2_form_report_is_read(client: Client, sent: Delivery) -> None:
    # when MSG91 posts the recorded v2 report, form-encoded
    data = json.loads((PAYLOADS / "msg91" / "report_v2.json").read_text())["data"]
    response = client.post(
        URL, data=urlencode({"data": data}), content_type="application/x-www-form-urlencoded"
    )
    # then it is applied
    assert response.json() == {"received": 1, "applied": 1}


@override_settings(MSG91_WEBHOOK_TOKEN=TOKEN)
def test_a_wrong_token_is_a_404_and_a_bad_body_a_400(client: Client, sent: Delivery) -> None:
    # when the token is wrong, then the endpoint does not exist
    wrong = client.post("/hooks/msg91/nope/reports/", data=b"{}", content_type="application/json")
    assert wrong.status_code == 404
    # when the body is not a report, then 400 says why
    bad = client.post(URL, data=b"[1]", content_type="application/json")
    assert bad.status_code == 400
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.SENT


def test_without_a_token_the_endpoint_does_not_exist(client: Client) -> None:
    # given no token configured, when anything is posted, then 404
    assert client.post(URL, data=b"{}", content_type="application/json").status_code == 404
