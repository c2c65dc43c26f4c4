"""Outbound channels for content distribution (issue #5): one interface, four machine channels.

The sender worker (`sampark.content.sending`) claims Delivery rows and calls
`get_channel(name).send(Outbound(...))`. A channel raises `RateLimited` or `ConnectorError` for
failures worth retrying and `PermanentError` for the ones that never will succeed.
Backends are chosen by a wagtail-style settings dict, `SAMPARK_CHANNELS` (see `DEFAULTS`).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from sampark.integrations.base import ConnectorError, RateLimited

__all__ = [
    "DEFAULTS",
    "AddressGone",
    "Channel",
    "ConnectorError",
    "Outbound",
    "PermanentError",
    "RateLimited",
    "Sent",
    "channel_settings",
    "get_channel",
    "option",
    "reset_channels",
]

DEFAULT_RATE = 80.0
DEFAULT_BURST = 4

# Copied into settings.py as SAMPARK_CHANNELS; secrets and URLs are read from the environment
# variables the `*_env` options name, when the channel is built (worker start).
DEFAULTS: dict[str, dict[str, Any]] = {
    "push": {
        "BACKEND": "sampark.integrations.webpush.WebPush",
        "OPTIONS": {},
        "RATE": DEFAULT_RATE,
        "BURST": DEFAULT_BURST,
    },
    "telegram": {
        "BACKEND": "sampark.integrations.telegram_channel.TelegramChannel",
        "OPTIONS": {"token_env": "TELEGRAM_BOT_TOKEN"},
        # The Bot API allows about 30 messages a second per bot.
        "RATE": 25.0,
        "BURST": DEFAULT_BURST,
    },
    "sms": {
        "BACKEND": "sampark.integrations.sms.DltGateway",
        "OPTIONS": {
            "base_url_env": "SAMPARK_SMS_GATEWAY_URL",
            "api_key_env": "SAMPARK_SMS_GATEWAY_KEY",
            "sender_env": "SAMPARK_SMS_SENDER",
            "entity_id_env": "SAMPARK_DLT_ENTITY_ID",
        },
        "RATE": DEFAULT_RATE,
        "BURST": DEFAULT_BURST,
    },
    "email": {
        "BACKEND": "sampark.integrations.email_channel.EmailChannel",
        "OPTIONS": {},
        "RATE": DEFAULT_RATE,
        "BURST": DEFAULT_BURST,
    },
}


class PermanentError(ConnectorError):
    """The provider will never accept this message (bad number, endpoint gone, bot blocked)."""


class AddressGone(PermanentError):  # noqa: N818  (reads as the condition it names)
    """The address itself is gone for good (a push subscription the service dropped): stop
    using it, not just this message."""


@dataclass(frozen=True)
class Outbound:
    """One message to one recipient on one channel."""

    channel: str  # "push" | "telegram" | "sms" | "email"
    # push: subscription JSON {"endpoint", "keys": {"p256dh", "auth"}}; telegram: chat id;
    # sms: E.164 phone "+9198..."; email: address
    address: str
    # Stable per delivery: where the provider honours it, one key never makes two messages.
    idempotency_key: str
    title: str  # e-mail subject / push title
    text: str  # body text, already in the recipient's language
    url: str  # absolute link to the kit in the volunteer web app
    template_id: str = ""  # SMS: DLT template id
    variables: tuple[str, ...] = ()  # SMS: values for the template's {#var#} slots, in order


@dataclass(frozen=True)
class Sent:
    provider_id: str
    duplicate: bool = False  # the provider had already accepted this idempotency key


class Channel(Protocol):
    name: str

    def send(self, message: Outbound) -> Sent: ...

    def close(self) -> None: ...


def option(options: dict[str, Any], key: str, default: str = "") -> str:
    """`options[key]`, else the environment variable `options[key + '_env']` names, else default."""
    direct = options.get(key)
    if direct not in (None, ""):
        return str(direct)
    env_name = str(options.get(f"{key}_env") or "")
    return os.environ.get(env_name, "") if env_name else default


_SAFE_KEY = re.compile(r"[A-Za-z0-9._-]{1,64}")


def key_token(idempotency_key: str) -> str:
    """The key itself when it is short and plain, else a digest of it (for ids in headers)."""
    if _SAFE_KEY.fullmatch(idempotency_key):
        return idempotency_key
    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]


def _configured() -> dict[str, dict[str, Any]]:
    conf = getattr(settings, "SAMPARK_CHANNELS", DEFAULTS)
    if not isinstance(conf, dict):
        raise ImproperlyConfigured("SAMPARK_CHANNELS must be a dict of channel name → settings")
    return conf


def channel_settings(name: str) -> dict[str, Any]:
    """The settings of one channel, with RATE (messages/s) and BURST filled in."""
    conf = _configured().get(name)
    if not isinstance(conf, dict) or not conf.get("BACKEND"):
        raise ImproperlyConfigured(
            f"no channel {name!r} in SAMPARK_CHANNELS (known: {', '.join(sorted(_configured()))})"
        )
    return {
        "OPTIONS": {},
        **conf,
        "RATE": float(conf.get("RATE", DEFAULT_RATE)),
        "BURST": int(conf.get("BURST", DEFAULT_BURST)),
    }


_lock = threading.Lock()
_cache: dict[str, Channel] = {}
_cache_pid = os.getpid()


def get_channel(name: str) -> Channel:
    """The channel called `name`, built once per process from SAMPARK_CHANNELS."""
    global _cache_pid
    with _lock:
        if _cache_pid != os.getpid():
            # A forked worker must not share the parent's connections.
            _cache.clear()
            _cache_pid = os.getpid()
        channel = _cache.get(name)
        if channel is None:
            conf = channel_settings(name)
            try:
                backend = import_string(str(conf["BACKEND"]))
            except ImportError as exc:
                raise ImproperlyConfigured(
                    f"SAMPARK_CHANNELS[{name!r}]: cannot import {conf['BACKEND']!r} ({exc})"
                ) from exc
            channel = backend(**dict(conf["OPTIONS"] or {}))
            channel.name = name
            _cache[name] = channel
        return channel


def reset_channels() -> None:
    """Close and forget every built channel (settings changed, or a test is done)."""
    with _lock:
        channels = list(_cache.values())
        _cache.clear()
    for channel in channels:
        channel.close()


@receiver(setting_changed)
def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in {"SAMPARK_CHANNELS", "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT"} or (
        setting.startswith("SAMPARK_VAPID_")
    ):
        reset_channels()
