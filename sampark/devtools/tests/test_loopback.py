"""The loopback fakes themselves: rate windows, idempotency under concurrency, knobs, CLI."""

from __future__ import annotations

import json
import signal
import smtplib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from sampark.devtools import loopback
from sampark.devtools.loopback import FakePushService, FakeSmsGateway, FakeSmtp

BODY = {
    "to": "+919812345678",
    "sender": "SMPARK",
    "entity_id": "1101000000000012345",
    "template_id": "1107160000000000001",
    "text": "नमस्ते",
}


@pytest.fixture
def gateway() -> Iterator[FakeSmsGateway]:
    with FakeSmsGateway() as fake:
        yield fake


class StillClock:
    """Stands in for the loopback module's `time`: `monotonic()` moves only when the test moves
    `now`, and `sleep()` notes the wait instead of waiting, so no assertion depends on how
    busy the machine is (issue #11)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> StillClock:
    still = StillClock()
    monkeypatch.setattr(loopback, "time", still)
    return still


def post(client: httpx.Client, url: str, key: str, **body) -> httpx.Response:
    return client.post(
        f"{url}/v1/messages", json={**BODY, **body}, headers={"Idempotency-Key": key}
    )


# --- the rate window helpers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "times", "seconds", "expected"),
    [
        ("empty", [], 1.0, 0),
        ("one", [5.0], 1.0, 1),
        ("spread", [0.0, 1.0, 2.0, 3.0], 1.0, 1),  # a window is [t, t+1): 1.0 is the next one
        ("cluster", [0.0, 0.5, 0.99, 1.0, 1.5], 1.0, 3),
        ("burst_at_end", [0.0, 3.0, 3.1, 3.2, 3.3], 1.0, 4),
        ("unsorted", [3.3, 0.0, 3.1, 3.0, 3.2], 1.0, 4),
        ("wide_window", [0.0, 0.5, 0.99, 1.0, 1.5], 2.0, 5),
        ("narrow_window", [0.0, 0.25, 0.5, 0.75], 0.5, 2),
        ("same_instant", [1.0, 1.0, 1.0], 1.0, 3),
    ],
)
def test_max_in_window(_case, times, seconds, expected):
    assert loopback.max_in_window(times, seconds) == expected


def test_max_in_window_matches_brute_force():
    # given irregular times
    times = [0.0, 0.1, 0.15, 0.9, 1.05, 1.1, 1.2, 2.5, 2.55, 2.6, 2.61, 3.6]
    # then the sliding window finds what checking every starting event finds
    brute = max(sum(1 for u in times if t <= u < t + 1.0) for t in times)
    assert loopback.max_in_window(times, 1.0) == brute == 4


@pytest.mark.parametrize(
    ("_case", "times", "expected"),
    [("none", [], 0.0), ("one", [1.0], 0.0), ("steady", [0.0, 0.5, 1.0, 1.5, 2.0], 2.0)],
)
def test_achieved_rate(_case, times, expected):
    assert loopback.achieved_rate(times) == expected


# --- the SMS gateway ----------------------------------------------------------------------


def test_one_key_sent_concurrently_is_one_message(gateway):
    # given eight senders racing with the same key
    answers: list[dict[str, Any]] = []
    start = threading.Barrier(8)

    def send() -> None:
        with httpx.Client() as client:
            start.wait()
            answers.append(post(client, gateway.url, "same-key").json())

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one message was accepted; the other seven got its id, marked duplicate
    assert len(gateway.accepted) == 1
    assert gateway.duplicates_refused == 7
    assert gateway.requests == 8
    assert sorted(a["duplicate"] for a in answers) == [False] + [True] * 7
    assert {a["id"] for a in answers} == {gateway.accepted["same-key"].id}


def test_accepted_messages_are_timed(gateway):
    with httpx.Client() as client:
        before = time.monotonic()
        post(client, gateway.url, "k1")
        post(client, gateway.url, "k2")
    first, second = gateway.messages
    assert before <= first.at <= second.at <= time.monotonic()
    assert first.wall.tzinfo is not None
    assert gateway.max_in_window(1.0) == 2


def test_fail_every_answers_503(gateway):
    # given a gateway failing every third request
    gateway.fail_every = 3
    with httpx.Client() as client:
        statuses = [post(client, gateway.url, f"k{i}").status_code for i in range(7)]
    # then requests 3 and 6 failed, and were not accepted
    assert statuses == [201, 201, 503, 201, 201, 503, 201]
    assert gateway.failed == 2
    assert len(gateway.accepted) == 5


def test_rate_limit_answers_429_and_is_never_exceeded(gateway, clock):
    # given a gateway that takes five requests a second, all twelve within the same second
    gateway.rate_limit = 5
    with httpx.Client() as client:
        answers = [post(client, gateway.url, f"k{i}") for i in range(12)]
        # and one more once the second has passed
        clock.now += 1.0
        later = post(client, gateway.url, "k-later")
    # then the rest were throttled with Retry-After, and no second held more than five
    statuses = [a.status_code for a in answers]
    assert statuses.count(201) == 5
    assert statuses.count(429) == 7
    assert answers[-1].headers["retry-after"] == "1"
    assert gateway.throttled == 7
    assert gateway.max_in_window(1.0) <= 5
    # and the next second has room again
    assert later.status_code == 201


def test_latency_delays_each_answer(gateway, clock):
    gateway.latency = 0.2
    with httpx.Client() as client:
        post(client, gateway.url, "k1")
        post(client, gateway.url, "k2")
    assert clock.slept == [0.2, 0.2]


@pytest.mark.parametrize(
    ("_case", "body", "headers", "status"),
    [
        ("not_json", b"hello", {"Idempotency-Key": "k"}, 400),
        ("missing_text", json.dumps({**BODY, "text": ""}).encode(), {"Idempotency-Key": "k"}, 400),
        ("missing_key", json.dumps(BODY).encode(), {}, 400),
        ("bad_number", json.dumps({**BODY, "to": "98123"}).encode(), {"Idempotency-Key": "k"}, 422),
    ],
)
def test_the_gateway_validates_requests(gateway, _case, body, headers, status):
    response = httpx.post(f"{gateway.url}/v1/messages", content=body, headers=headers)
    assert response.status_code == status
    assert gateway.accepted == {}


def test_the_gateway_checks_the_api_key():
    with FakeSmsGateway(api_key="right") as gateway, httpx.Client() as client:
        wrong = client.post(
            f"{gateway.url}/v1/messages",
            json=BODY,
            headers={"Idempotency-Key": "k", "Authorization": "Bearer wrong"},
        )
        right = client.post(
            f"{gateway.url}/v1/messages",
            json=BODY,
            headers={"Idempotency-Key": "k", "Authorization": "Bearer right"},
        )
    assert (wrong.status_code, right.status_code) == (401, 201)


def test_keep_alive_reuses_one_connection(gateway):
    # when one client sends many messages
    with httpx.Client() as client:
        for i in range(50):
            assert post(client, gateway.url, f"k{i}").status_code == 201
    # then they all went over one TCP connection
    assert gateway.connections == 1
    assert len(gateway.accepted) == 50


def test_it_takes_every_message_of_many_senders(gateway):
    # given four sender threads with their own connections (the sender pool's shape)
    answers: list[int] = []

    def send(prefix: str) -> None:
        with httpx.Client() as client:
            for i in range(250):
                answers.append(post(client, gateway.url, f"{prefix}-{i}").status_code)

    threads = [threading.Thread(target=send, args=(str(n),)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then every message was accepted once. How fast it keeps up is a benchmark figure, not a
    # test (issue #11): `bench/distribution.py` reports the rate achieved through it.
    assert answers == [201] * 1000
    assert len(gateway.accepted) == 1000
    assert gateway.duplicates_refused == 0


def test_stats_are_served_over_http(gateway):
    with httpx.Client() as client:
        post(client, gateway.url, "k1")
        post(client, gateway.url, "k1")
        stats = client.get(f"{gateway.url}/v1/stats").json()
    assert stats["accepted"] == 1
    assert stats["requests"] == 2
    assert stats["duplicates_refused"] == 1
    assert stats["max_in_1s"] == 1


def test_unknown_paths_are_404(gateway):
    assert httpx.get(f"{gateway.url}/nowhere").status_code == 404


def test_the_gateway_runs_standalone():
    # given the gateway started as a command
    process = subprocess.Popen(
        [sys.executable, "-m", "sampark.devtools.loopback", "sms", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        # when a message is sent to the URL it printed
        assert post(httpx.Client(), url, "k1").status_code == 201
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=10)
    # then it stops on SIGTERM and reports what it accepted
    assert process.returncode == 0
    assert json.loads(out.strip().splitlines()[-1])["accepted"] == 1


# --- push and SMTP ------------------------------------------------------------------------


def test_push_service_answers_gone_and_records_topics():
    with FakePushService() as service:
        service.gone.add("old")
        gone = httpx.post(f"{service.url}/push/old", content=b"x")
        first = httpx.post(f"{service.url}/push/new", content=b"abc", headers={"Topic": "t1"})
        again = httpx.post(f"{service.url}/push/new", content=b"abcd", headers={"Topic": "t1"})
    assert gone.status_code == 410
    assert (first.status_code, again.status_code) == (201, 201)
    assert [(r.topic, r.size) for r in service.records] == [("t1", 3), ("t1", 4)]
    assert service.replaced == 1
    # an unknown subscriber's body cannot be decrypted, nor an unsigned push verified
    assert service.records[0].payload is None
    assert service.records[0].vapid_valid is False


def test_smtp_dedupes_by_message_id():
    with FakeSmtp() as server, smtplib.SMTP(server.host, server.port) as client:
        for subject in ("one", "again"):
            message = EmailMessage()
            message["From"] = "a@example.in"
            message["To"] = "b@example.in"
            message["Subject"] = subject
            message["Message-ID"] = "<same@sampark>"
            message.set_content("text")
            client.send_message(message)
    assert [m.message["Subject"] for m in server.messages] == ["one"]
    assert server.duplicates == 1
    assert server.message_ids == {"<same@sampark>"}
