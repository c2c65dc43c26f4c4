"""The ARI events reader end to end: a loopback websocket replays recorded events, drops the
connection, refuses one reconnection, and repeats an event; each lands once on our records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from django.test.utils import override_settings

from sampark.accounts.models import User
from sampark.calls import ari
from sampark.calls.enums import AttemptStatus, InboundStatus
from sampark.calls.models import Attempt, Campaign, Contact, InboundCall
from sampark.devtools.ari_ws_fake import FakeAriEvents
from sampark.devtools.telephony_fake import FakeAri
from sampark.integrations.telephony import asterisk
from sampark.integrations.telephony.ari_events import Backoff

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parents[2] / "integrations" / "tests" / "payloads" / "telephony"
CALL = "4f1c2a9be07d3c55"


def _plan() -> list[Any]:
    plan: list[Any] = json.loads((PAYLOADS / "ari_events_stream.json").read_text())
    return plan


def _live_call(campaign: Campaign, agent: User) -> Attempt:
    contact = Contact.objects.filter(campaign=campaign).order_by("id").first()
    assert contact is not None
    return Attempt.objects.create(
        contact=contact,
        agent=agent,
        provider="asterisk",
        provider_call_id=CALL,
        status=AttemptStatus.QUEUED,
    )


def test_the_reader_applies_each_event_once_across_drops_and_refusals(
    campaign: Campaign, agent1: User
) -> None:
    # given a call placed through Asterisk, and a websocket that sends two events, drops,
    # refuses the next connection, then repeats one event and sends the rest
    attempt = _live_call(campaign, agent1)
    results: list[str] = []
    delays: list[float] = []
    with FakeAri() as rest, FakeAriEvents(_plan()) as events:
        options = {"BASE_URL": events.url, "USER": "ari", "PASSWORD": "secret"}
        adapter = asterisk.Adapter({**options, "BASE_URL": rest.url})
        with override_settings(SAMPARK_CALLS={"ASTERISK": options}):
            reader = ari.reader(
                adapter=adapter, backoff=Backoff(initial=1, cap=8), wait=delays.append
            )

        def apply(event: Mapping[str, Any]) -> object:
            results.append(ari.handle(event, adapter=adapter))
            if event.get("type") == "StasisEnd":
                reader.stop.set()
            return None

        reader.handle = apply
        # when the reader runs until the last event
        reader.run()
    # then it connected twice (the refusal between), reconnecting at once after the drop and
    # after a back-off when refused
    assert reader.connections == 2
    assert events.served == 3
    assert delays == [0.0, 1.0]
    # and the repeated event was refused, each other applied once, in order
    assert results == [
        "call",  # ringing
        "call",  # Dial ANSWER: in progress
        "replayed",  # the same Dial after the reconnection
        "inbound",  # a helpline caller arrives
        "call",  # hang-up requested: completed
        "call",  # destroyed: already completed, unchanged
        "recording",
        "inbound",  # the caller leaves
    ]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.COMPLETED
    assert attempt.answered_at is not None
    assert attempt.recording_url == f"{rest.url}/ari/recordings/stored/{CALL}/file"
    # and the helpline caller was answered, held with music, and counted as abandoned
    caller = InboundCall.objects.get()
    assert (caller.provider_call_id, caller.phone) == ("1772429440.77", "+919876500001")
    assert caller.status == InboundStatus.ABANDONED
    assert rest.actions == [("answer", "1772429440.77"), ("moh", "1772429440.77")]


def test_the_reader_sends_the_documented_url(campaign: Campaign) -> None:
    # given a websocket that only answers the right key and app
    with FakeAriEvents([[{"type": "StasisEnd", "channel": {"id": "x-a"}}]]) as events:
        options = {"BASE_URL": events.url, "USER": "ari", "PASSWORD": "secret", "APP": "sampark"}
        with override_settings(SAMPARK_CALLS={"ASTERISK": options}):
            reader = ari.reader(adapter=asterisk.Adapter(options))
        seen: list[str] = []

        def handle(event: Mapping[str, Any]) -> None:
            seen.append(str(event["type"]))
            reader.stop.set()

        reader.handle = handle
        reader.run()
    assert seen == ["StasisEnd"]
    assert events.queries[0]["app"] == ["sampark"]
    assert events.queries[0]["api_key"] == ["ari:secret"]
