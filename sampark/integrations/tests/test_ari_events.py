"""The ARI events websocket reader and the ARI event shapes it hands on (no database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sampark.devtools.ari_ws_fake import FakeAriEvents
from sampark.devtools.telephony_fake import FakeAri
from sampark.integrations.telephony import asterisk
from sampark.integrations.telephony.ari_events import Backoff, EventReader, events_url
from sampark.integrations.telephony.base import DialRequest

PAYLOADS = Path(__file__).parent / "payloads" / "telephony"


def _stream() -> list[Any]:
    plan: list[Any] = json.loads((PAYLOADS / "ari_events_stream.json").read_text())
    return plan


def test_the_events_url_follows_the_documentation() -> None:
    url = events_url("https://pbx.example:8089/", app="sampark", user="ari", password="s3 cret")
    assert url == "wss://pbx.example:8089/ari/events?app=sampark&api_key=ari%3As3+cret"
    plain = events_url("http://10.0.0.5:8088", app="a", user="u", password="p", subscribe_all=True)
    assert plain == "ws://10.0.0.5:8088/ari/events?app=a&api_key=u%3Ap&subscribeAll=true"


def test_back_off_doubles_up_to_its_cap() -> None:
    backoff = Backoff(initial=1, factor=2, cap=30)
    assert [backoff.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_refused_key_backs_off_further_each_time() -> None:
    # given an Asterisk that refuses our key
    with FakeAriEvents([[]]) as events:
        url = events_url(events.url, app="sampark", user="ari", password="wrong")
        delays: list[float] = []
        reader = EventReader(url, lambda e: None, backoff=Backoff(initial=1, cap=4))

        def wait(seconds: float) -> None:
            delays.append(seconds)
            if len(delays) == 5:
                reader.stop.set()

        reader.wait = wait
        # when the reader keeps trying
        reader.run()
    # then it never connected, and waited longer each time up to the cap
    assert reader.connections == 0
    assert delays == [1, 2, 4, 4, 4]


def test_a_bad_event_does_not_stop_the_others() -> None:
    # given a stream where handling the first event fails
    plan: list[Any] = [[{"type": "Boom"}, {"type": "StasisEnd", "channel": {"id": "1.1"}}]]
    seen: list[str] = []

    def handle(event: Any) -> None:
        if event["type"] == "Boom":
            raise RuntimeError("broken handler")
        seen.append(event["type"])
        reader.stop.set()

    with FakeAriEvents(plan) as events:
        reader = EventReader(
            events_url(events.url, app="sampark", user="ari", password="secret"), handle
        )
        reader.run()
    assert seen == ["StasisEnd"]


def test_application_replaced_stops_the_reader() -> None:
    # given another reader took the application
    plan = [[{"type": "ApplicationReplaced", "application": "sampark"}], [{"type": "X"}]]
    seen: list[str] = []
    with FakeAriEvents(plan) as events:
        url = events_url(events.url, app="sampark", user="ari", password="secret")
        reader = EventReader(url, lambda e: seen.append(e["type"]))
        reader.run()
    # then this one stops instead of taking it back
    assert reader.stop.is_set()
    assert seen == []
    assert events.served == 1


def test_recorded_events_map_to_statuses_recordings_and_callers() -> None:
    first, _refused, rest = _stream()
    events = [*first, *rest]
    statuses = [e.status if (e := asterisk.parse_event(ev)) else None for ev in events]
    assert statuses == [
        "ringing",
        "in_progress",
        "in_progress",
        None,
        "completed",
        "completed",
        None,
        None,
    ]
    assert asterisk.parse_recording(events[6], base_url="http://pbx:8088/") == (
        "4f1c2a9be07d3c55",
        "http://pbx:8088/ari/recordings/stored/4f1c2a9be07d3c55/file",
    )
    arrived, left = asterisk.parse_inbound(events[3]), asterisk.parse_inbound(events[7])
    assert arrived is not None
    assert left is not None
    assert (arrived.channel_id, arrived.number, arrived.arrived) == (
        "1772429440.77",
        "+919876500001",
        True,
    )
    assert (left.channel_id, left.arrived) == ("1772429440.77", False)
    # and our own channels are never taken for a caller
    assert asterisk.parse_inbound(events[5]) is None


def test_dial_statuses_map_to_ours() -> None:
    def dial(status: str) -> str | None:
        event = {"type": "Dial", "dialstatus": status, "peer": {"id": "abc-c"}}
        parsed = asterisk.parse_event(event)
        return parsed.status if parsed else None

    assert [dial(s) for s in ("", "BUSY", "NOANSWER", "CHANUNAVAIL", "CANCEL")] == [
        None,
        "busy",
        "no_answer",
        "failed",
        "canceled",
    ]


def test_listening_in_snoops_both_ways_and_bridges_the_supervisor() -> None:
    with FakeAri() as fake:
        adapter = asterisk.Adapter({"BASE_URL": fake.url, "USER": "ari", "PASSWORD": "secret"})
        # given a live call
        call = adapter.dial(
            DialRequest(
                agent_number="09812345678",
                customer_number="09876000001",
                caller_id="1600000000",
                promotional=False,
            )
        ).call_id
        for event in fake.drain():
            adapter.on_event(event)
        # when a supervisor listens in
        session = adapter.listen(call, "09800000009")
        for event in fake.drain():
            adapter.on_event(event)
    # then the customer's leg is snooped (both directions heard, nothing whispered) and the
    # snoop and the supervisor's phone share the session's bridge
    assert fake.snoops == [(f"{call}-c", "both", "none")]
    assert sorted(fake.bridges[session]) == [f"{session}-l", f"{session}-s"]
