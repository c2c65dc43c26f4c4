"""Telephony adapters: recorded payloads from Exotel and Asterisk ARI, and the loopback fakes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sampark.devtools.telephony_fake import FakeAri, FakeExotel
from sampark.integrations.telephony import asterisk, exotel
from sampark.integrations.telephony.base import DialRequest, TelephonyError, get_adapter

PAYLOADS = Path(__file__).parent / "payloads" / "telephony"


def _load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def _request(number: str = "09876000001", *, promotional: bool = False) -> DialRequest:
    return DialRequest(
        agent_number="09812345678",
        customer_number=number,
        caller_id="1600000000",
        promotional=promotional,
        status_callback="https://sampark.example/calls/hooks/exotel/t0k",
        custom="attempt:1",
        record=True,
    )


def test_exotel_completed_callback_is_read() -> None:
    # given Exotel's terminal callback of an answered call
    event = exotel.parse_callback(_load("exotel_callback_completed.json"))
    # then it is a completed call with its talk time and recording
    assert (event.call_id, event.status, event.talk_seconds) == (
        "b6cfaf5f5cef3ca0fc937749ef960e25",
        "completed",
        97,
    )
    assert event.recording_url.endswith(".mp3")
    assert event.at is not None
    assert event.at.isoformat() == "2026-03-02T11:02:01+05:30"


@pytest.mark.parametrize(
    ("name", "status"),
    [("exotel_callback_answered.json", "in_progress"), ("exotel_callback_busy.json", "busy")],
    ids=["answered_case", "busy_case"],
)
def test_exotel_callbacks_map_to_our_statuses(name: str, status: str) -> None:
    assert exotel.parse_callback(_load(name)).status == status


def test_exotel_refuses_a_body_that_is_not_a_callback() -> None:
    with pytest.raises(ValueError, match="CallSid"):
        exotel.parse_callback({"Status": "completed"})


def test_exotel_connect_form_follows_the_documentation() -> None:
    # given a service call with a status callback
    form = dict(exotel.connect_form(_request()))
    # then the documented fields are sent, agent first
    assert form["From"] == "09812345678"
    assert form["To"] == "09876000001"
    assert form["CallerId"] == "1600000000"
    assert form["CallType"] == "trans"
    assert form["StatusCallbackEvents[0]"] == "terminal"
    assert form["StatusCallbackEvents[1]"] == "answered"
    # and a promotional call is not marked transactional
    assert "CallType" not in dict(exotel.connect_form(_request(promotional=True)))


@pytest.mark.parametrize(
    ("outcome", "statuses"),
    [
        ("answer", ["in_progress", "completed"]),
        ("hangup", ["in_progress", "completed"]),
        ("busy", ["busy"]),
        ("no_answer", ["no_answer"]),
        ("failed", ["failed"]),
    ],
    ids=["answer_case", "hangup_case", "busy_case", "no_answer_case", "failed_case"],
)
def test_exotel_adapter_against_the_loopback_fake(outcome: str, statuses: list[str]) -> None:
    with FakeExotel() as fake:
        # given a customer whose phone will do `outcome`
        fake.outcomes["09876000001"] = outcome
        adapter = get_adapter(
            "exotel",
            {"BASE_URL": fake.url, "ACCOUNT_SID": "acme", "API_KEY": "key", "API_TOKEN": "token"},
        )
        # when we dial
        dialled = adapter.dial(_request())
        # then Exotel accepted it and reports these states back
        events = fake.deliver(lambda _url, fields: exotel.parse_callback(fields))
    assert dialled.call_id
    assert [e.status for e in events] == statuses
    assert {e.call_id for e in events} == {dialled.call_id}


def test_exotel_wrong_credentials_are_an_error() -> None:
    with FakeExotel() as fake:
        adapter = get_adapter(
            "exotel",
            {"BASE_URL": fake.url, "ACCOUNT_SID": "acme", "API_KEY": "key", "API_TOKEN": "bad"},
        )
        with pytest.raises(TelephonyError):
            adapter.dial(_request())


def test_ari_recorded_events_map_to_our_statuses() -> None:
    # given an answered call's events, then a busy one's
    answered = [asterisk.parse_event(e) for e in _load("ari_events_answered.json")]
    busy = [asterisk.parse_event(e) for e in _load("ari_events_busy.json")]
    # then the customer's leg decides the states
    assert [e.status if e else None for e in answered] == [
        None,
        "ringing",
        "in_progress",
        "completed",
    ]
    assert [e.status if e else None for e in busy] == ["ringing", "busy"]


def _run_ari(fake: FakeAri, adapter: Any) -> list[str]:
    statuses: list[str] = []
    while events := fake.drain():
        for event in events:
            call_event = adapter.on_event(event)
            if call_event is not None:
                statuses.append(call_event.status)
    return statuses


@pytest.mark.parametrize(
    ("outcome", "statuses"),
    [
        ("answer", ["ringing", "in_progress"]),
        ("busy", ["ringing", "busy"]),
        ("no_answer", ["ringing", "no_answer"]),
        ("failed", ["ringing", "failed"]),
        ("hangup", ["ringing", "in_progress", "completed"]),
    ],
    ids=["answer_case", "busy_case", "no_answer_case", "failed_case", "hangup_case"],
)
def test_ari_adapter_originates_bridges_and_hangs_up(outcome: str, statuses: list[str]) -> None:
    with FakeAri() as fake:
        fake.outcomes["09876000001"] = outcome
        adapter = get_adapter(
            "asterisk", {"BASE_URL": fake.url, "USER": "ari", "PASSWORD": "secret"}
        )
        # when we dial: the agent's leg first, the customer's when the agent is in the app,
        # the events read by another adapter (another process) than the one that dialled
        dialled = adapter.dial(_request())
        reader = get_adapter(
            "asterisk", {"BASE_URL": fake.url, "USER": "ari", "PASSWORD": "secret"}
        )
        got = _run_ari(fake, reader)
        # then the call goes through these states, both legs in one recorded bridge
        assert got == statuses
        assert fake.recordings == [dialled.call_id]
        if outcome == "answer":
            assert sorted(fake.bridges[dialled.call_id]) == [
                f"{dialled.call_id}-a",
                f"{dialled.call_id}-c",
            ]
            # and hanging up ends both legs
            adapter.hangup(dialled.call_id)
            assert _run_ari(fake, adapter) == ["completed"]
