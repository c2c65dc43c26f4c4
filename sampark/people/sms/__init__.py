"""SMS backends, chosen wagtail-style by `settings.SAMPARK_SMS = {"BACKEND": ..., "OPTIONS": {...}}`.

A backend module exposes `Backend(**OPTIONS)` with `send(*, to, text) -> message id`. An empty
BACKEND means no SMS channel: OTP is unavailable and only the in-charge can confirm a worker.
"""

from __future__ import annotations

from importlib import import_module
from typing import Protocol

from django.conf import settings


class SmsBackend(Protocol):
    def send(self, *, to: str, text: str) -> str: ...


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
