"""Web push: VAPID keys, encryption and error mapping, against the loopback push service."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator

import pytest
from django.test import override_settings
from py_vapid import Vapid  # type: ignore[import-untyped]

from sampark.devtools.loopback import FakePushService
from sampark.integrations import base, webpush
from sampark.integrations.channels import AddressGone, Outbound, PermanentError


@pytest.fixture(autouse=True)
def _loopback_allowed(settings) -> None:
    # The fake push service listens on 127.0.0.1, which the safe fetcher refuses unless named.
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["127.0.0.1"]


@pytest.fixture
def push_service() -> Iterator[FakePushService]:
    with FakePushService() as fake:
        yield fake


@pytest.fixture
def keys(monkeypatch) -> tuple[str, str]:
    for name in ("SAMPARK_VAPID_PRIVATE_KEY", "SAMPARK_VAPID_PUBLIC_KEY", "SAMPARK_VAPID_SUBJECT"):
        monkeypatch.delenv(name, raising=False)
    return webpush.vapid_keys()


def channel(private: str, **options) -> webpush.WebPush:
    return webpush.WebPush(private_key=private, subject="mailto:digital@sampark.example", **options)


def outbound(address: str, key: str = "delivery-1", **fields) -> Outbound:
    values = {
        "channel": "push",
        "address": address,
        "idempotency_key": key,
        "title": "नया संदेश",
        "text": "बूथ 145 के लिए आज की सामग्री",
        "url": "https://app.example.in/kits/7",
        **fields,
    }
    return Outbound(**values)


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- keys ---------------------------------------------------------------------------------


def test_it_generates_a_vapid_key_pair(keys):
    # when a key pair is generated
    private, public = keys
    # then both are single base64url lines: a 32-byte secret and an uncompressed P-256 point
    assert len(unb64(private)) == 32
    point = unb64(public)
    assert len(point) == 65
    assert point[0] == 4
    assert re.fullmatch(r"[A-Za-z0-9_-]+", private + public)
    # and the private key loads back to the same public key
    assert webpush._public_of(Vapid.from_string(private)) == public


def test_public_key_is_derived_from_the_private_key(keys):
    private, public = keys
    with override_settings(SAMPARK_VAPID_PRIVATE_KEY=private):
        assert webpush.public_key() == public


def test_public_key_prefers_the_configured_one(keys):
    with override_settings(
        SAMPARK_VAPID_PRIVATE_KEY=keys[0], SAMPARK_VAPID_PUBLIC_KEY="configured"
    ):
        assert webpush.public_key() == "configured"


def test_public_key_is_empty_without_keys(keys):
    # given no VAPID key in settings or the environment (the demo)
    # then the subscribing page gets an empty key, and sending is refused for good
    assert webpush.public_key() == ""
    with pytest.raises(PermanentError, match="web push not configured"):
        webpush.WebPush().send(outbound("{}"))


def test_the_key_may_come_from_the_environment(keys, monkeypatch, push_service):
    # given the key pair in the environment only
    monkeypatch.setenv("SAMPARK_VAPID_PRIVATE_KEY", keys[0])
    # when a channel is built with no options
    sent = webpush.WebPush().send(outbound(push_service.subscribe()))
    # then it signs with that key
    assert sent.provider_id.startswith(push_service.url)
    assert push_service.records[0].vapid_key == keys[1]
    assert webpush.public_key() == keys[1]


def test_a_pem_private_key_works(keys, push_service):
    # given the private key as PEM (what `vapid --gen` writes)
    pem = Vapid.from_string(keys[0]).private_pem().decode()
    # when used to send
    channel(pem).send(outbound(push_service.subscribe()))
    # then the push is signed by the same key pair
    assert push_service.records[0].vapid_valid is True
    assert push_service.records[0].vapid_key == keys[1]


def test_an_unreadable_private_key_is_permanent(push_service):
    with pytest.raises(PermanentError, match="unreadable"):
        channel("not-a-key").send(outbound(push_service.subscribe()))


# --- topic and payload --------------------------------------------------------------------


def test_topic_is_short_url_safe_and_stable():
    # when topics are derived from keys
    topic = webpush.topic_of("delivery-42")
    # then each is at most 32 base64url characters, the same for the same key only
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,32}", topic)
    assert topic == webpush.topic_of("delivery-42")
    assert topic != webpush.topic_of("delivery-43")
    assert len(webpush.topic_of("x" * 500)) == 32


def test_payload_is_the_documented_json():
    message = outbound("{}")
    assert json.loads(webpush.payload_of(message)) == {
        "title": "नया संदेश",
        "body": "बूथ 145 के लिए आज की सामग्री",
        "url": "https://app.example.in/kits/7",
        "tag": webpush.topic_of("delivery-1"),
    }


def test_a_long_body_is_shortened_to_fit():
    # given a body far larger than a push message can carry (Devanagari: 3 bytes a letter)
    message = outbound("{}", text="सामग्री " * 2000)
    # when encoded
    data = webpush.payload_of(message)
    # then it fits, and says it was cut
    assert len(data) <= webpush.MAX_PLAINTEXT
    payload = json.loads(data)
    assert payload["body"].endswith("…")
    assert len(payload["body"]) > 1000


# --- sending ------------------------------------------------------------------------------


def test_it_sends_an_encrypted_signed_push(keys, push_service):
    # given a subscription made the way a browser makes one
    address = push_service.subscribe("volunteer-7")
    # when a kit is pushed
    sent = channel(keys[0]).send(outbound(address))
    # then the service got an encrypted body it can decrypt to our JSON
    (record,) = push_service.records
    assert record.subscription == "volunteer-7"
    assert record.encoding == "aes128gcm"
    assert record.size > len(webpush.payload_of(outbound(address)))
    assert record.payload == json.loads(webpush.payload_of(outbound(address)))
    # and a VAPID Authorization signed by our key, for the service's origin
    assert record.authorization.startswith("vapid t=")
    assert record.vapid_valid is True
    assert record.vapid_key == keys[1]
    assert record.claims["aud"] == push_service.url
    assert record.claims["sub"] == "mailto:digital@sampark.example"
    # and the Topic from the key, a one-day TTL
    assert record.topic == webpush.topic_of("delivery-1")
    assert record.ttl == "86400"
    assert record.urgency == "normal"
    assert sent.provider_id == f"{push_service.url}/message/1"
    assert sent.duplicate is False


def test_a_resend_replaces_instead_of_duplicating(keys, push_service):
    # given a push already sent for a delivery
    address = push_service.subscribe()
    sender = channel(keys[0])
    sender.send(outbound(address, key="delivery-1"))
    # when the same delivery is sent again, and another delivery once
    sender.send(outbound(address, key="delivery-1"))
    sender.send(outbound(address, key="delivery-2"))
    # then the repeat replaced the pending push (same Topic); only two remain pending
    assert push_service.replaced == 1
    assert len(push_service.pending) == 2
    sender.close()


@pytest.mark.parametrize(
    ("_case", "status", "error", "permanent"),
    [
        ("gone", 410, PermanentError, True),
        ("not_found", 404, PermanentError, True),
        ("too_large", 413, PermanentError, True),
        ("bad_request", 400, PermanentError, True),
        ("throttled", 429, base.RateLimited, False),
        ("server_error", 500, base.ConnectorError, False),
        ("unavailable", 503, base.ConnectorError, False),
        ("vapid_refused", 403, base.ConnectorError, False),
        ("unauthorized", 401, base.ConnectorError, False),
    ],
)
def test_it_maps_push_service_errors(keys, push_service, _case, status, error, permanent):
    # given a subscription the service answers with this status
    address = push_service.subscribe("volunteer-7")
    push_service.status_for["volunteer-7"] = status
    # when a kit is pushed
    with pytest.raises(error) as caught:
        channel(keys[0]).send(outbound(address))
    # then the failure is permanent only when the subscription is gone or the message is bad
    assert isinstance(caught.value, PermanentError) is permanent


def test_a_gone_subscription_is_permanent(keys, push_service):
    address = push_service.subscribe("old-phone")
    push_service.gone.add("old-phone")
    with pytest.raises(PermanentError, match="410"):
        channel(keys[0]).send(outbound(address))


def test_rate_limited_carries_the_wait(keys, push_service):
    address = push_service.subscribe("busy")
    push_service.status_for["busy"] = 429
    with pytest.raises(base.RateLimited) as caught:
        channel(keys[0]).send(outbound(address))
    assert caught.value.retry_after == 7.0


@pytest.mark.parametrize(
    ("_case", "address"),
    [
        ("not_json", "https://push.example/abc"),
        ("no_keys", json.dumps({"endpoint": "https://push.example/abc"})),
        ("no_auth", json.dumps({"endpoint": "https://push.example/a", "keys": {"p256dh": "x"}})),
        ("bad_scheme", json.dumps({"endpoint": "ftp://x/a", "keys": {"p256dh": "x", "auth": "y"}})),
        ("list", "[]"),
    ],
)
def test_a_malformed_subscription_is_permanent(keys, _case, address):
    with pytest.raises(PermanentError, match="not a push subscription"):
        channel(keys[0]).send(outbound(address))


def test_keys_off_the_curve_are_permanent(keys, push_service):
    # given a subscription whose p256dh is not a P-256 point
    address = json.loads(push_service.subscribe())
    address["keys"]["p256dh"] = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).decode()
    # then no push is made and the failure is permanent
    with pytest.raises(PermanentError, match="unusable subscription keys"):
        channel(keys[0]).send(outbound(json.dumps(address)))
    assert push_service.records == []


def test_an_unreachable_push_service_is_transient(keys):
    # given a subscription at a push service that has gone away
    with FakePushService() as gone_service:
        address = gone_service.subscribe()
    # then the failure is worth a retry
    with pytest.raises(base.ConnectorError, match="could not reach") as caught:
        channel(keys[0], timeout=2).send(outbound(address))
    assert not isinstance(caught.value, PermanentError)


# --- the endpoint's address (issue #12) ---------------------------------------------------


def test_a_push_goes_to_the_address_the_resolver_gave(keys, push_service, settings):
    # given an endpoint named push.invalid, which only our controlled resolver knows
    settings.SAMPARK_FETCH_ALLOW_HOSTS = ["push.invalid"]
    asked: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    subscription = json.loads(push_service.subscribe())
    subscription["endpoint"] = subscription["endpoint"].replace("127.0.0.1", "push.invalid")
    # when two pushes are sent
    sender = channel(keys[0], resolver=resolver)
    for key in ("d-1", "d-2"):
        sender.send(outbound(json.dumps(subscription), key=key))
    # then both reached the checked address, resolved once (no second lookup at connect time)
    assert len(push_service.records) == 2
    assert asked == ["push.invalid"]


def test_an_endpoint_that_now_resolves_inside_is_refused_and_dropped(keys, push_service, settings):
    # given a subscription whose push host now resolves to a private address
    settings.SAMPARK_FETCH_ALLOW_HOSTS = []
    subscription = json.loads(push_service.subscribe())
    subscription["endpoint"] = "https://push.example.com/s/1"
    address = json.dumps(subscription)
    sender = channel(keys[0], resolver=lambda host, port: ["10.1.2.3"])
    # when a push is sent, then nothing is dialled and the subscription is treated as gone
    with pytest.raises(AddressGone, match="not a public address"):
        sender.send(outbound(address))
    assert push_service.records == []
