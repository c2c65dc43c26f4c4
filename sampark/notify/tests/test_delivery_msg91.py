"""A staff notification by SMS through MSG91's Flow API (the loopback fake), and MSG91's
delivery report (its recorded v3 and v2 payloads) marking it delivered or failed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import time_machine
from django.test import Client, override_settings

from sampark.accounts.models import User
from sampark.devtools.loopback_msg91 import FakeMsg91
from sampark.devtools.synthetic import Tree
from sampark.integrations.channels import reset_channels
from sampark.integrations.tests.fakes import PAYLOADS
from sampark.notify import delivery, selectors, services
from sampark.notify.enums import Channel, DeliveryStatus, Kind
from sampark.notify.models import Delivery
from sampark.notify.services import Draft

NOON = dt.datetime(2026, 12, 6, 6, 30, tzinfo=dt.UTC)  # 12:00 IST
KEY = "notify-msg91-authkey"
MSG91_ID = "6650f0c1d6fc0512a41b2c77"  # MSG91's id of the template
DLT_ID = "1107171234567890777"  # the template's id on the DLT platform
TOKEN = "hook-token-n1"
HOOK = f"/hooks/msg91/{TOKEN}/reports/"
SITE = "https://sampark.example.org"
NOTIFY = {
    "REPAGE_MINUTES": 10,
    "DIGEST_HOUR": 8,
    "BATCH": 200,
    "LEASE_SECONDS": 60,
    "MAX_ATTEMPTS": 6,
    "SMS_TEMPLATE_ID": "staff_alert",
}


@pytest.fixture
def msg91() -> Iterator[FakeMsg91]:
    templates = {
        "staff_alert": {
            "template_id": MSG91_ID,
            "dlt_te_id": DLT_ID,
            "variables": ["title", "link"],
        }
    }
    with FakeMsg91(auth_key=KEY, templates={MSG91_ID: ["title", "link"]}) as fake:
        channels = {
            "sms": {
                "BACKEND": "sampark.integrations.msg91.Msg91",
                "OPTIONS": {"base_url": fake.url, "auth_key": KEY, "templates": templates},
                "RATE": 1000.0,
                "BURST": 50,
            }
        }
        reset_channels()
        with override_settings(
            SAMPARK_CHANNELS=channels,
            SAMPARK_NOTIFY=NOTIFY,
            SITE_URL=SITE,
            MSG91_WEBHOOK_TOKEN=TOKEN,
        ):
            yield fake
        reset_channels()


def _sent_by_sms(analyst: User, tree: Tree) -> Delivery:
    """An incident notification the analyst chose to get by SMS (consent recorded), sent."""
    choices = selectors.preferences_of(user=analyst)
    choices[Kind.INCIDENT] = ([Channel.SMS], 1)
    services.preferences_save(
        user=analyst, choices=choices, quiet_start=0, quiet_end=0, digest=False
    )
    draft = Draft(
        kind=Kind.INCIDENT,
        signal="incident:42",
        unit=tree.state,
        title="EVM rumour in Lucknow",
        url="/warroom/incidents/42/",
        severity=3,
    )
    with time_machine.travel(NOON, tick=False):
        services.notification_create(user=analyst, draft=draft)
        delivery.send_batch(owner="w1")
    return Delivery.objects.get(channel=Channel.SMS)


def _report(name: str, *, request_id: str, number: str) -> bytes:
    """A recorded MSG91 report with the ids of our message in place of the examples'."""
    raw = (PAYLOADS / "msg91" / name).read_text()
    return raw.replace("346XXXXXXXXXXXX130", request_id).replace("9195XXXX6558", number).encode()


def test_an_sms_notification_is_the_flow_request_msg91_documents(msg91, analyst, tree):
    # when an SMS notification of an incident is sent to the analyst (phone +919800000001)
    row = _sent_by_sms(analyst, tree)
    # then MSG91 got one Flow request: the authkey header and the documented body, with the
    # template's MSG91 id and its two variables (title, link) beside the number without "+";
    # the link is longer than DLT's 30-character variable, so MSG91 is asked to shorten it
    [request] = msg91.received
    assert (request.method, request.path) == ("POST", "/api/v5/flow")
    assert request.headers["authkey"] == KEY
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == {
        "template_id": MSG91_ID,
        "short_url": "1",
        "recipients": [
            {
                "mobiles": "919800000001",
                "title": "EVM rumour in Lucknow",
                "link": f"{SITE}/warroom/incidents/42/",
            }
        ],
    }
    # and the delivery is sent, under MSG91's request id
    [accepted] = msg91.accepted
    assert (row.status, row.provider_id) == (DeliveryStatus.SENT, accepted.request_id)


def test_msg91s_v3_report_marks_the_notification_delivered_once(msg91, analyst, tree):
    # given an SMS notification MSG91 accepted
    row = _sent_by_sms(analyst, tree)
    body = _report("report_v3.json", request_id=row.provider_id, number="919800000001")
    client = Client()
    # when MSG91 posts its delivery report (the recorded v3 payload), twice
    first = client.post(HOOK, data=body, content_type="application/json")
    again = client.post(HOOK, data=body, content_type="application/json")
    # then the delivery is delivered at the report's time (09:58:16 IST), applied once
    assert first.json() == {"received": 1, "applied": 1}
    assert again.json() == {"received": 1, "applied": 0}
    row.refresh_from_db()
    assert row.status == DeliveryStatus.DELIVERED
    assert row.delivered_at == dt.datetime(2024, 5, 22, 4, 28, 16, tzinfo=dt.UTC)


def test_msg91s_failure_report_marks_the_notification_failed(msg91, analyst, tree):
    # given an SMS notification MSG91 accepted
    row = _sent_by_sms(analyst, tree)
    recorded = json.loads(Path(PAYLOADS / "msg91" / "report_v2_failed.json").read_text())
    data = recorded["data"].replace("3365646fXXXXXXXXXX", row.provider_id)
    # when MSG91 posts the recorded v2 report of a blocked number (status 17), form-encoded
    response = Client().post(
        HOOK, data=urlencode({"data": data}), content_type="application/x-www-form-urlencoded"
    )
    # then the delivery failed, with MSG91's word for why
    assert response.json() == {"received": 1, "applied": 1}
    row.refresh_from_db()
    assert (row.status, row.last_error) == (DeliveryStatus.DEAD, "MSG91: BLOCKED")


def test_a_report_for_an_unknown_message_changes_nothing(msg91, analyst, tree):
    # given an SMS notification MSG91 accepted
    row = _sent_by_sms(analyst, tree)
    # when a report arrives for another request id
    body = _report("report_v3.json", request_id="3ffffffffffffffffffffff0", number="919800000001")
    response = Client().post(HOOK, data=body, content_type="application/json")
    # then nothing is applied and the delivery stays sent
    assert response.json() == {"received": 1, "applied": 0}
    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
