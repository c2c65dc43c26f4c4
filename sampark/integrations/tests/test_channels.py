"""The channel interface: settings, the per-process cache, and the Telegram channel."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from sampark.devtools.loopback import FakeTelegram
from sampark.integrations import base, channels
from sampark.integrations.channels import Channel, Outbound, PermanentError, Sent
from sampark.integrations.email_channel import EmailChannel
from sampark.integrations.sms import DltGateway
from sampark.integrations.telegram_channel import MAX_TEXT, TelegramChannel
from sampark.integrations.webpush import WebPush

TOKEN = "7000000001:AAH-test_Token-xyz"
SMS_CHANNELS: dict[str, dict[str, Any]] = {
    "sms": {
        "BACKEND": "sampark.integrations.sms.DltGateway",
        "OPTIONS": {"base_url": "http://127.0.0.1:9", "api_key": "k", "sender": "SMPARK"},
        "RATE": 10,
        "BURST": 2,
    },
    "email": {"BACKEND": "sampark.integrations.email_channel.EmailChannel"},
}


@pytest.fixture(autouse=True)
def fresh_channels() -> Iterator[None]:
    channels.reset_channels()
    yield
    channels.reset_channels()


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as fake:
        yield fake


def outbound(**fields) -> Outbound:
    values = {
        "channel": "telegram",
        "address": "123456789",
        "idempotency_key": "delivery-1",
        "title": "आज की सामग्री",
        "text": "बूथ 145 के लिए नई सामग्री",
        "url": "https://app.example.in/kits/7",
        **fields,
    }
    return Outbound(**values)


# --- settings and cache ---------------------------------------------------------------------


def test_every_backend_is_a_channel():
    # mypy checks these assignments against the Channel protocol
    built: list[Channel] = [DltGateway(), WebPush(), EmailChannel(), TelegramChannel()]
    assert [c.name for c in built] == ["sms", "push", "email", "telegram"]


def test_messages_are_immutable():
    message = outbound()
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.text = "changed"  # type: ignore[misc]
    assert Sent("x").duplicate is False


@override_settings(SAMPARK_CHANNELS=SMS_CHANNELS)
def test_it_builds_a_channel_once_per_process():
    # when the same channel is asked for twice
    first = channels.get_channel("sms")
    second = channels.get_channel("sms")
    # then it is one instance of the configured backend, built with its options
    assert first is second
    assert isinstance(first, DltGateway)
    assert first.name == "sms"
    assert first.base_url == "http://127.0.0.1:9"
    assert first.sender == "SMPARK"


@override_settings(SAMPARK_CHANNELS=SMS_CHANNELS)
def test_channel_settings_fill_rate_and_burst():
    # then configured values are numbers, and missing ones take the defaults (80/s, burst 4)
    assert channels.channel_settings("sms")["RATE"] == 10.0
    assert channels.channel_settings("sms")["BURST"] == 2
    email = channels.channel_settings("email")
    assert email["RATE"] == 80.0
    assert email["BURST"] == 4
    assert email["OPTIONS"] == {}


@override_settings(SAMPARK_CHANNELS=SMS_CHANNELS)
@pytest.mark.parametrize("name", ["whatsapp", "", "SMS"])
def test_an_unknown_channel_is_a_configuration_error(name):
    with pytest.raises(ImproperlyConfigured, match="no channel"):
        channels.get_channel(name)
    with pytest.raises(ImproperlyConfigured, match="no channel"):
        channels.channel_settings(name)


@override_settings(SAMPARK_CHANNELS={"sms": {"BACKEND": "sampark.integrations.nowhere.Gateway"}})
def test_a_backend_that_does_not_import_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="cannot import"):
        channels.get_channel("sms")


def test_without_the_setting_the_defaults_apply(settings, monkeypatch):
    # given no SAMPARK_CHANNELS in settings and the gateway URL in the environment
    if hasattr(settings, "SAMPARK_CHANNELS"):
        del settings.SAMPARK_CHANNELS
    monkeypatch.setenv("SAMPARK_SMS_GATEWAY_URL", "http://gateway.example:8080/")
    # then the four default channels are there, each with its backend
    assert type(channels.get_channel("push")) is WebPush
    assert type(channels.get_channel("telegram")) is TelegramChannel
    assert type(channels.get_channel("email")) is EmailChannel
    sms = channels.get_channel("sms")
    assert isinstance(sms, DltGateway)
    assert sms.base_url == "http://gateway.example:8080"
    assert channels.channel_settings("telegram")["RATE"] == 25.0
    assert channels.channel_settings("push")["RATE"] == 80.0


def test_changing_the_settings_rebuilds_channels():
    # given a channel built under one configuration
    with override_settings(SAMPARK_CHANNELS=SMS_CHANNELS):
        before = channels.get_channel("sms")
    # when the settings change
    changed = {"sms": {**SMS_CHANNELS["sms"], "OPTIONS": {"base_url": "http://other:1"}}}
    with override_settings(SAMPARK_CHANNELS=changed):
        after = channels.get_channel("sms")
        # then a new channel is built from the new settings
        assert after is not before
        assert isinstance(after, DltGateway)
        assert after.base_url == "http://other:1"


def test_option_reads_the_environment(monkeypatch):
    monkeypatch.setenv("H1_TOKEN", "from-env")
    assert channels.option({"token": "direct", "token_env": "H1_TOKEN"}, "token") == "direct"
    assert channels.option({"token_env": "H1_TOKEN"}, "token") == "from-env"
    assert channels.option({"token_env": "H1_MISSING"}, "token") == ""
    assert channels.option({}, "token", "fallback") == "fallback"


@pytest.mark.parametrize(
    ("_case", "key", "same"),
    [("plain", "delivery-17.sms", True), ("spaces", "a b", False), ("long", "k" * 65, False)],
)
def test_key_token_keeps_plain_keys(_case, key, same):
    token = channels.key_token(key)
    assert (token == key) is same
    assert token == channels.key_token(key)
    assert len(token) <= 64


# --- Telegram -----------------------------------------------------------------------------


def test_it_sends_title_text_and_link_to_telegram(telegram):
    # given the bot channel pointed at the loopback Bot API
    channel = TelegramChannel(token=TOKEN, base_url=telegram.url)
    # when a kit is sent to a chat
    sent = channel.send(outbound())
    # then one message holds title, text and the link
    (record,) = telegram.messages
    assert record.chat_id == 123456789
    assert record.text == (
        "आज की सामग्री\n\nबूथ 145 के लिए नई सामग्री\n\nhttps://app.example.in/kits/7"
    )
    assert sent == Sent(provider_id="123456789:1")


def test_a_long_telegram_text_is_cut_to_the_limit(telegram):
    channel = TelegramChannel(token=TOKEN, base_url=telegram.url)
    channel.send(outbound(text="क" * 10_000))
    (record,) = telegram.messages
    assert len(record.text) == MAX_TEXT
    assert record.text.endswith("…\n\nhttps://app.example.in/kits/7")


def test_a_blocked_bot_is_permanent(telegram):
    # given a volunteer who blocked the bot
    telegram.blocked.add(123456789)
    # then sending to them fails for good
    with pytest.raises(PermanentError, match="blocked"):
        TelegramChannel(token=TOKEN, base_url=telegram.url).send(outbound())


def test_telegram_flood_control_is_rate_limited(telegram):
    telegram.flood_wait = 12
    with pytest.raises(base.RateLimited) as caught:
        TelegramChannel(token=TOKEN, base_url=telegram.url).send(outbound())
    assert caught.value.retry_after == 12.0


def test_a_wrong_bot_token_is_transient(telegram):
    with pytest.raises(base.ConnectorError, match="Unauthorized") as caught:
        TelegramChannel(token="1:wrong", base_url=telegram.url).send(outbound())
    assert not isinstance(caught.value, PermanentError)


@pytest.mark.parametrize("address", ["@volunteer", "", "12ab"])
def test_a_bad_chat_id_is_permanent(telegram, address):
    with pytest.raises(PermanentError, match="not a chat id"):
        TelegramChannel(token=TOKEN, base_url=telegram.url).send(outbound(address=address))
    assert telegram.messages == []


def test_telegram_without_a_token_is_permanent(monkeypatch):
    monkeypatch.delenv("H1_NO_TOKEN", raising=False)
    with pytest.raises(PermanentError, match="not configured"):
        TelegramChannel(token_env="H1_NO_TOKEN").send(outbound())


def test_telegram_takes_the_api_base_from_settings(telegram):
    with override_settings(TELEGRAM_API_BASE=telegram.url):
        TelegramChannel(token=TOKEN).send(outbound(address="-1001234"))
    assert telegram.messages[0].chat_id == -1001234
