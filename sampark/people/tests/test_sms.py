"""SMS backends, chosen by settings (wagtail style)."""

from __future__ import annotations

import logging

import pytest
from django.test import override_settings

from sampark.people.sms import SmsNotConfiguredError, get_sms_backend, sms_enabled


def test_locmem_backend_keeps_an_outbox(sms_outbox):
    backend = get_sms_backend()
    message_id = backend.send(to="+919812345610", text="नमस्ते")
    assert [(m.id, m.to, m.text) for m in sms_outbox] == [(message_id, "+919812345610", "नमस्ते")]


@override_settings(SAMPARK_SMS={"BACKEND": "sampark.people.sms.console", "OPTIONS": {}})
def test_console_backend_logs_with_a_masked_number(caplog):
    with caplog.at_level(logging.INFO, logger="sampark.sms"):
        message_id = get_sms_backend().send(to="+919812345610", text="code 123456")
    assert message_id.startswith("console-")
    assert "98xxxxxx10" in caplog.text
    assert "9812345610" not in caplog.text


@override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
def test_no_backend_means_no_sms():
    assert sms_enabled() is False
    with pytest.raises(SmsNotConfiguredError):
        get_sms_backend()
