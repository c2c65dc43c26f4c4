"""SMS backends, chosen wagtail-style by `settings.SAMPARK_SMS = {"BACKEND": ..., "OPTIONS": {...}}`.

A backend module exposes `Backend(**OPTIONS)` with
`send(*, to, text, template="", variables=()) -> message id`: `to` is E.164, `text` the message
as the recipient reads it, `template` the name of the DLT template it was written from (for
providers that send by template, such as MSG91) and `variables` the values of its slots, in
order. Backends: `console` (the log), `locmem` (tests), `msg91` (production), `gateway` (the
generic HTTP gateway, `integrations.sms`). An empty BACKEND means no SMS channel: OTP is
unavailable and only the in-charge can confirm a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from typing import Protocol

from django.conf import settings

# The DLT templates the product sends through this interface (their names in OPTIONS).
OTP_TEMPLATE = "otp"  # "... your verification code is {#var#} ..." — one slot, the code


class SmsBackend(Protocol):
    def send(
        self, *, to: str, text: str, template: str = "", variables: Sequence[str] = ()
    ) -> str: ...


class SmsNotConfiguredError(Exception):
    """No SMS backend is configured."""


def sms_enabled() -> bool:
    """Whether an SMS backend is configured."""
    conf = getattr(settings, "SAMPARK_SMS", None) or {}
    return bool(conf.get("BACKEND"))


def get_sms_backend() -> SmsBackend:
    """Instantiate the configured backend; raise SmsNotConfiguredError when there is none."""
    conf = getattr(settings, "SAMPARK_SMS", None) or {}
    name = conf.get("BACKEND") or ""
    if not name:
        raise SmsNotConfiguredError("settings.SAMPARK_SMS['BACKEND'] is empty")
    module = import_module(name)
    backend: SmsBackend = module.Backend(**(conf.get("OPTIONS") or {}))
    return backend
