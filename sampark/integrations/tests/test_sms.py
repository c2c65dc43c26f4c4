"""SMS through a DLT gateway: template match, sending through the loopback gateway, receipts."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
import types
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sampark.core import replay
from sampark.devtools import loopback
from sampark.devtools.loopback import FakeSmsGateway
from sampark.integrations import base, sms
from sampark.integrations.channels import Outbound, PermanentError, Sent
from sampark.integrations.tests.fakes import PAYLOADS, Reply

KEY = "test-gateway-key"
TEMPLATE = "प्रिय {#var#}, नई सामग्री: {#var#} -Sampark"


@pytest.fixture
def gateway() -> Iterator[FakeSmsGateway]:
    with FakeSmsGateway(api_key=KEY) as fake:
        yield fake


def channel(url: str, **options) -> sms.DltGateway:
    return sms.DltGateway(
        base_url=url,
        api_key=KEY,
        sender="SMPARK",
        entity_id="1101000000000012345",
        **options,
    )


def outbound(key: str = "delivery-1", **fields) -> Outbound:
    values = {
        "channel": "sms",
        "address": "+919812345678",
        "idempotency_key": key,
        "title": "",
        "text": TEMPLATE,
        "url": "https://s.example.in/k/7",
        "template_id": "1107160000000000001",
        "variables": ("रमेश", "s.example.in/k/7"),
        **fields,
    }
    return Outbound(**values)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- template match -----------------------------------------------------------------------


def test_it_fills_slots_in_order():
    # given a DLT template with two slots
    # when rendered with two values
    text = sms.render_template(TEMPLATE, ("रमेश", "s.example.in/k/7"))
    # then each slot holds its value, in order, and the fixed text is untouched
    assert text == "प्रिय रमेश, नई सामग्री: s.example.in/k/7 -Sampark"


def test_it_renders_a_template_without_slots():
    assert sms.render_template("मतदान 7 मई को है -Sampark", ()) == "मतदान 7 मई को है -Sampark"


@pytest.mark.parametrize(
    ("_case", "variables"),
    [("too_few", ("रमेश",)), ("too_many", ("a", "b", "c")), ("none", ())],
)
def test_it_refuses_a_count_mismatch(_case, variables):
    # when the number of values differs from the number of slots
    # then the template does not match, and the message says how
    with pytest.raises(ValueError, match=r"2 \{#var#\} slot\(s\) but \d value"):
        sms.render_template(TEMPLATE, variables)


def test_it_refuses_a_variable_over_the_dlt_limit():
    with pytest.raises(ValueError, match="at most 30 characters"):
        sms.render_template("{#var#}", ("x" * 31,))


# --- signatures ---------------------------------------------------------------------------


T0 = 1_800_000_000


def test_it_verifies_a_good_signature():
    # given a body signed with the shared secret at a given time
    body = b'{"receipts": []}'
    headers = sms.signed_headers(body, "s3cret", timestamp=T0)
    header = headers[sms.SIGNATURE_HEADER]
    # then it has the documented shape and verifies with that time
    assert headers[sms.TIMESTAMP_HEADER] == str(T0)
    assert header.startswith("sha256=")
    assert len(header) == len("sha256=") + 64
    assert sms.verify_signature(body, header, "s3cret", timestamp=str(T0)) is True


@pytest.mark.parametrize(
    ("_case", "body", "header", "secret", "timestamp"),
    [
        ("wrong_secret", b"{}", sms.sign(b"{}", "other", timestamp=T0), "s3cret", str(T0)),
        (
            "tampered_body",
            b'{"x": 2}',
            sms.sign(b'{"x": 1}', "s3cret", timestamp=T0),
            "s3cret",
            str(T0),
        ),
        ("missing_header", b"{}", None, "s3cret", str(T0)),
        ("empty_header", b"{}", "", "s3cret", str(T0)),
        (
            "bare_hex",
            b"{}",
            sms.sign(b"{}", "s3cret", timestamp=T0).removeprefix("sha256="),
            "s3cret",
            str(T0),
        ),
        ("no_secret_configured", b"{}", sms.sign(b"{}", "", timestamp=T0), "", str(T0)),
        # The time is part of what is signed: moving it breaks the signature.
        ("moved_timestamp", b"{}", sms.sign(b"{}", "s3cret", timestamp=T0), "s3cret", str(T0 + 1)),
        ("missing_timestamp", b"{}", sms.sign(b"{}", "s3cret", timestamp=T0), "s3cret", None),
        ("garbled_timestamp", b"{}", sms.sign(b"{}", "s3cret", timestamp=T0), "s3cret", "1e9"),
    ],
)
def test_it_rejects_bad_signatures(_case, body, header, secret, timestamp):
    assert sms.verify_signature(body, header, secret, timestamp=timestamp) is False


# --- receipts -----------------------------------------------------------------------------


def test_it_parses_delivery_receipts():
    # given the gateway's receipt webhook body
    body = (PAYLOADS / "sms" / "receipts.json").read_bytes()
    # when parsed
    receipts = sms.parse_receipts(body)
    # then each receipt carries its ids, status and an aware time
    assert receipts == [
        sms.Receipt(
            provider_id="sms-00000001",
            idempotency_key="delivery-101",
            status="delivered",
            at=datetime(2024, 5, 1, 10, 15, 3, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        ),
        sms.Receipt(
            provider_id="sms-00000002",
            idempotency_key="delivery-102",
            status="failed",
            at=datetime(2024, 5, 1, 4, 45, 9, tzinfo=UTC),
        ),
    ]


@pytest.mark.parametrize(
    ("_case", "body", "message"),
    [
        ("not_json", b"<html>", "not JSON"),
        ("not_utf8", b"\xff\xfe", "not JSON"),
        ("no_receipts", b'{"items": []}', "expected"),
        ("receipts_not_list", b'{"receipts": {}}', "expected"),
        ("item_not_object", b'{"receipts": ["x"]}', "receipt 0 is not an object"),
        ("missing_fields", b'{"receipts": [{"id": "1"}]}', "lacks idempotency_key, status, at"),
        ("bad_status", (PAYLOADS / "sms" / "receipts_bad_status.json").read_bytes(), "'queued'"),
        (
            "bad_time",
            b'{"receipts": [{"id": "1", "idempotency_key": "k", "status": "failed", "at": "soon"}]}',
            "bad timestamp",
        ),
    ],
)
def test_it_refuses_malformed_receipts(_case, body, message):
    with pytest.raises(ValueError, match=message):
        sms.parse_receipts(body)


def test_it_receives_signed_receipts_from_the_gateway(gateway, fake_http):
    # given two messages the gateway accepted
    sender = channel(gateway.url)
    first = sender.send(outbound("delivery-1"))
    second = sender.send(outbound("delivery-2"))
    fake_http.add("/hooks/sms", Reply(204), method="POST")
    # when the gateway posts receipts to our webhook, one failed
    status = gateway.post_receipts_to(
        f"{fake_http.url}/hooks/sms", "hook-secret", failed=["delivery-2"]
    )
    # then the call is signed with the shared secret and parses to both receipts
    assert status == 204
    (call,) = fake_http.calls("/hooks/sms")
    assert sms.verify_signature(
        call.body,
        call.headers["x-gateway-signature"],
        "hook-secret",
        timestamp=call.headers["x-gateway-timestamp"],
    )
    # and with the time it was sent, which our webhook checks against its window
    assert replay.fresh(
        timestamp=int(call.headers["x-gateway-timestamp"]), window=dt.timedelta(minutes=5)
    )
    receipts = sms.parse_receipts(call.body)
    assert [(r.provider_id, r.idempotency_key, r.status) for r in receipts] == [
        (first.provider_id, "delivery-1", "delivered"),
        (second.provider_id, "delivery-2", "failed"),
    ]
    sender.close()


# --- sending ------------------------------------------------------------------------------


def test_it_sends_a_dlt_message(gateway):
    # given a configured gateway channel
    sender = channel(gateway.url)
    # when one message is sent
    sent = sender.send(outbound())
    # then the gateway accepted the rendered template with the DLT ids and our key
    (record,) = gateway.messages
    assert sent == Sent(provider_id=record.id, duplicate=False)
    assert record.to == "+919812345678"
    assert record.sender == "SMPARK"
    assert record.entity_id == "1101000000000012345"
    assert record.template_id == "1107160000000000001"
    assert record.text == "प्रिय रमेश, नई सामग्री: s.example.in/k/7 -Sampark"
    assert record.idempotency_key == "delivery-1"
    sender.close()


def test_it_sends_the_documented_request(fake_http):
    # given a gateway that records requests
    fake_http.add("/v1/messages", Reply(201, b'{"id": "g-1", "duplicate": false}'), method="POST")
    # when a message is sent
    sent = channel(fake_http.url).send(outbound("delivery-9"))
    # then the body, bearer key and Idempotency-Key header are as the gateway expects
    (call,) = fake_http.calls("/v1/messages")
    assert call.headers["authorization"] == f"Bearer {KEY}"
    assert call.headers["idempotency-key"] == "delivery-9"
    assert call.json() == {
        "to": "+919812345678",
        "sender": "SMPARK",
        "entity_id": "1101000000000012345",
        "template_id": "1107160000000000001",
        "text": "प्रिय रमेश, नई सामग्री: s.example.in/k/7 -Sampark",
        "idempotency_key": "delivery-9",
    }
    assert sent == Sent("g-1")


def test_same_key_twice_makes_one_message(gateway):
    # given a message already sent
    sender = channel(gateway.url)
    first = sender.send(outbound("delivery-1"))
    # when it is sent again with the same key (a worker retried after a lost answer)
    again = sender.send(outbound("delivery-1"))
    # then the gateway keeps one message and says the second was a duplicate
    assert again == Sent(provider_id=first.provider_id, duplicate=True)
    assert first.duplicate is False
    assert len(gateway.accepted) == 1
    assert gateway.duplicates_refused == 1
    sender.close()


def test_it_uses_registered_template_bodies(gateway):
    # given the DLT template registered in the channel's options
    sender = channel(gateway.url, templates={"1107160000000000001": "{#var#} ने भेजा -Sampark"})
    # when a message names it
    sender.send(outbound(text="ignored", variables=("बूथ 145",)))
    # then the registered body is rendered, not the message text
    assert gateway.messages[0].text == "बूथ 145 ने भेजा -Sampark"


def test_it_reads_url_and_key_from_the_environment(gateway, monkeypatch):
    # given the gateway's URL and key in environment variables named by the options
    monkeypatch.setenv("H1_SMS_URL", gateway.url)
    monkeypatch.setenv("H1_SMS_KEY", KEY)
    sender = sms.DltGateway(
        base_url_env="H1_SMS_URL", api_key_env="H1_SMS_KEY", sender="SMPARK", entity_id="1"
    )
    # when a message is sent
    sender.send(outbound())
    # then it reached the gateway
    assert len(gateway.accepted) == 1


# --- error mapping ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "fields", "message"),
    [
        ("not_e164", {"address": "9812345678"}, "not an E.164"),
        ("letters", {"address": "+91abc"}, "not an E.164"),
        ("no_template_id", {"template_id": ""}, "needs a template id"),
        ("template_mismatch", {"variables": ("only one",)}, "slot"),
    ],
)
def test_it_refuses_unsendable_messages_before_calling(gateway, _case, fields, message):
    # when a message can never match what DLT will accept
    with pytest.raises(PermanentError, match=message):
        channel(gateway.url).send(outbound(**fields))
    # then the gateway was not even asked
    assert gateway.requests == 0


def test_an_unconfigured_gateway_is_permanent(monkeypatch):
    monkeypatch.delenv("H1_UNSET", raising=False)
    with pytest.raises(PermanentError, match="not configured"):
        sms.DltGateway(base_url_env="H1_UNSET").send(outbound())


def test_a_number_the_gateway_rejects_is_permanent(gateway):
    # given a number the gateway knows is invalid
    gateway.invalid.add("+919800000000")
    # then its 422 is permanent
    with pytest.raises(PermanentError, match="422"):
        channel(gateway.url).send(outbound(address="+919800000000"))


@pytest.mark.parametrize("status", [400, 422])
def test_bad_request_answers_are_permanent(fake_http, status):
    fake_http.add("/v1/messages", Reply(status, b'{"error": "template mismatch"}'), method="POST")
    with pytest.raises(PermanentError, match="template mismatch"):
        channel(fake_http.url).send(outbound())


def test_throttling_raises_rate_limited_with_the_wait(gateway):
    # given a gateway that allows one request a second
    gateway.rate_limit = 1
    sender = channel(gateway.url)
    sender.send(outbound("delivery-1"))
    # when a second request follows at once
    with pytest.raises(base.RateLimited) as caught:
        sender.send(outbound("delivery-2"))
    # then it is rate limited with the gateway's Retry-After, not a permanent failure
    assert caught.value.retry_after == 1.0
    assert not isinstance(caught.value, PermanentError)


def test_rate_limited_without_retry_after_waits_a_second(fake_http):
    fake_http.add("/v1/messages", Reply(429, b"{}"), method="POST")
    with pytest.raises(base.RateLimited) as caught:
        channel(fake_http.url).send(outbound())
    assert caught.value.retry_after == 1.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_transient(fake_http, status):
    fake_http.add("/v1/messages", Reply(status, b"busy"), method="POST")
    with pytest.raises(base.ConnectorError) as caught:
        channel(fake_http.url).send(outbound())
    assert not isinstance(caught.value, PermanentError)
    assert str(status) in str(caught.value)


def test_every_nth_failure_is_transient_and_the_retry_succeeds(gateway):
    # given a gateway failing every second request
    gateway.fail_every = 2
    sender = channel(gateway.url)
    sender.send(outbound("delivery-1"))
    # when the second request fails
    with pytest.raises(base.ConnectorError) as caught:
        sender.send(outbound("delivery-2"))
    # then it is transient, and the retry goes through
    assert not isinstance(caught.value, PermanentError)
    assert sender.send(outbound("delivery-2")).duplicate is False
    assert len(gateway.accepted) == 2


def test_a_wrong_api_key_is_not_the_messages_fault(gateway):
    sender = sms.DltGateway(base_url=gateway.url, api_key="wrong", sender="SMPARK", entity_id="1")
    with pytest.raises(base.ConnectorError, match="401") as caught:
        sender.send(outbound())
    assert not isinstance(caught.value, PermanentError)


def test_a_timeout_is_transient(gateway, monkeypatch):
    # given a gateway that answers only once the channel has given up (its latency waits for
    # the test, not for the clock, so a busy machine cannot let the answer in first)
    given_up = threading.Event()
    held = types.SimpleNamespace(monotonic=time.monotonic, sleep=lambda _: given_up.wait(10))
    monkeypatch.setattr(loopback, "time", held)
    gateway.latency = 0.5
    try:
        with pytest.raises(base.ConnectorError, match="could not reach") as caught:
            channel(gateway.url, timeout=0.1).send(outbound())
    finally:
        given_up.set()
    assert not isinstance(caught.value, PermanentError)


def test_an_unreachable_gateway_is_transient():
    with pytest.raises(base.ConnectorError, match="could not reach") as caught:
        channel(f"http://127.0.0.1:{closed_port()}").send(outbound())
    assert not isinstance(caught.value, PermanentError)


@pytest.mark.parametrize(
    ("_case", "body"), [("no_id", b'{"duplicate": false}'), ("not_json", b"OK"), ("list", b"[]")]
)
def test_an_unreadable_acceptance_is_transient(fake_http, _case, body):
    fake_http.add("/v1/messages", Reply(200, body), method="POST")
    with pytest.raises(base.ConnectorError) as caught:
        channel(fake_http.url).send(outbound())
    assert not isinstance(caught.value, PermanentError)
