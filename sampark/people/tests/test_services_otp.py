"""OTP: a hashed 6-digit code by SMS; attempts, expiry, single use; verifies pending positions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from sampark.core.models import AuditEvent
from sampark.people import services
from sampark.people.enums import AssignmentStatus, VerifyMethod
from sampark.people.models import PhoneVerification


def _code(outbox) -> str:
    match = re.search(r"\b(\d{6})\b", outbox[-1].text)
    assert match is not None
    return match.group(1)


def test_it_sends_a_code_and_stores_only_a_hash(tree, bob, sita, sms_outbox, settings):
    # when bob sends an OTP to Sita (the clock standing still)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        pv = services.otp_send(person=sita, actor=bob)
    # then one SMS went to her phone with a 6-digit code that is not stored in clear
    assert len(sms_outbox) == 1
    assert sms_outbox[0].to == "+919812345610"
    code = _code(sms_outbox)
    assert code not in pv.code_hash
    assert pv.expires_at == now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS)
    # and the audit row holds neither the code nor the phone
    event = AuditEvent.objects.get(verb="person.otp_sent", object_id=sita.id)
    assert code not in str(event.data)
    assert "9812345610" not in str(event.data)


def test_right_code_verifies_pending_positions(tree, bob, booth1, sita, pending, sms_outbox):
    # given a pending booth position and a code sent
    services.otp_send(person=sita, actor=bob)
    # when Sita types the code (in Devanagari digits)
    code = _code(sms_outbox).translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    assert services.otp_confirm(person=sita, code=code) is True
    # then the position is verified by OTP and counted on the booth
    pending.refresh_from_db()
    assert (pending.status, pending.verify_method) == (AssignmentStatus.VERIFIED, VerifyMethod.OTP)
    booth1.refresh_from_db()
    assert booth1.volunteers == 1
    # and the code works once only
    assert services.otp_confirm(person=sita, code=_code(sms_outbox)) is False
    booth1.refresh_from_db()
    assert booth1.volunteers == 1


def test_wrong_code_fails_and_counts_an_attempt(tree, bob, sita, pending, sms_outbox):
    pv = services.otp_send(person=sita, actor=bob)
    wrong = "000000" if _code(sms_outbox) != "000000" else "111111"
    assert services.otp_confirm(person=sita, code=wrong) is False
    assert services.otp_confirm(person=sita, code="abc") is False
    pv.refresh_from_db()
    assert pv.attempts == 2
    pending.refresh_from_db()
    assert pending.status == AssignmentStatus.PENDING


@override_settings(OTP_MAX_ATTEMPTS=3)
def test_code_stops_working_after_max_attempts(tree, bob, sita, sms_outbox):
    # given three wrong tries
    services.otp_send(person=sita, actor=bob)
    code = _code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(3):
        assert services.otp_confirm(person=sita, code=wrong) is False
    # when the right code comes next / then it is refused
    assert services.otp_confirm(person=sita, code=code) is False


@override_settings(OTP_TTL_SECONDS=600)
def test_code_expires(tree, bob, sita, sms_outbox):
    # given a code sent at 10:00
    with time_machine.travel(dt.datetime(2025, 6, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        services.otp_send(person=sita, actor=bob)
    code = _code(sms_outbox)
    # when typed at 10:10:01 / then refused
    with time_machine.travel(dt.datetime(2025, 6, 1, 10, 10, 1, tzinfo=dt.UTC), tick=False):
        assert services.otp_confirm(person=sita, code=code) is False
    # and at 10:09 it would have worked
    with time_machine.travel(dt.datetime(2025, 6, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        assert services.otp_confirm(person=sita, code=code) is True


def test_new_code_replaces_the_old_one(tree, bob, sita, sms_outbox):
    services.otp_send(person=sita, actor=bob)
    old = _code(sms_outbox)
    services.otp_send(person=sita, actor=bob)
    new = _code(sms_outbox)
    if old != new:
        assert services.otp_confirm(person=sita, code=old) is False
    assert services.otp_confirm(person=sita, code=new) is True


@override_settings(OTP_MAX_SENDS_PER_HOUR=2)
def test_sends_are_rate_limited(tree, bob, sita, sms_outbox):
    from django.core.exceptions import ValidationError

    services.otp_send(person=sita, actor=bob)
    services.otp_send(person=sita, actor=bob)
    with pytest.raises(ValidationError):
        services.otp_send(person=sita, actor=bob)
    assert len(sms_outbox) == 2


@override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
def test_otp_is_unavailable_without_an_sms_backend(tree, bob, sita, sms_outbox):
    # given no SMS backend / when sending / then OtpUnavailable and nothing stored
    with pytest.raises(services.OtpUnavailable):
        services.otp_send(person=sita, actor=bob)
    assert services.otp_available() is False
    assert not PhoneVerification.objects.exists()
    assert sms_outbox == []


def test_outsider_cannot_send_otp(tree, charlie, sita, sms_outbox):
    with pytest.raises(PermissionDenied):
        services.otp_send(person=sita, actor=charlie)
    assert sms_outbox == []
