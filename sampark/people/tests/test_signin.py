"""Phone sign-in (issue #13): codes hashed, limited and single-use; accounts from positions."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from sampark.accounts.enums import Role
from sampark.accounts.models import PhoneCode, RoleGrant, User
from sampark.core.models import AuditEvent
from sampark.people import services, signin
from sampark.people.enums import VerifyMethod
from sampark.people.models import Assignment, Person

IP = "203.0.113.7"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def verified(pending: Assignment, bob: User) -> Assignment:
    """Sita verified by bob as booth 1's WhatsApp pramukh."""
    services.assignment_verify(assignment_id=pending.id, method=VerifyMethod.INCHARGE, actor=bob)
    pending.refresh_from_db()
    return pending


def _code(outbox) -> str:
    match = re.search(r"\b(\d{6})\b", outbox[-1].text)
    assert match is not None
    return match.group(1)


def test_it_makes_a_volunteer_account_at_first_sign_in(verified, sita, booth1, sms_outbox):
    # given Sita holds a verified booth position and has no account
    assert not User.objects.filter(person=sita).exists()
    # when she asks for a code and types it
    signin.signin_code_send(phone="98123 45610", ip=IP)
    user = signin.signin_code_verify(phone="9812345610", code=_code(sms_outbox), ip=IP)
    # then an account exists with the volunteer role on her booth
    assert user is not None
    assert user.person_id == sita.id
    assert user.unit_id == booth1.id
    assert user.role_names == {Role.VOLUNTEER}
    assert not user.has_usable_password()
    # and the SMS went by the OTP template with the code as its one variable
    assert sms_outbox[-1].template == "otp"
    assert sms_outbox[-1].variables == (_code(sms_outbox),)
    assert AuditEvent.objects.filter(verb="user.created_from_position", object_id=user.id).exists()


def test_it_stores_only_a_hash_of_the_code(verified, sms_outbox):
    # when a code is sent
    signin.signin_code_send(phone="+919812345610", ip=IP)
    # then the row holds no clear code, and lives 5 minutes
    row = PhoneCode.objects.get()
    assert _code(sms_outbox) not in row.code_hash
    assert row.expires_at - row.created_at == dt.timedelta(minutes=5)


def test_it_sends_nothing_to_a_number_that_may_not_sign_in(sita, sms_outbox):
    # given Sita holds no verified position (and no account)
    # when a code is asked for her number, then the answer is the same, and no SMS leaves
    assert signin.signin_code_send(phone="9812345610", ip=IP) == "+919812345610"
    assert sms_outbox == []


def test_a_wrong_or_expired_code_fails_and_tries_are_capped(verified, sms_outbox, settings):
    # given a code sent
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        signin.signin_code_send(phone="9812345610", ip=IP)
    code = _code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    # when wrong codes are typed up to the cap, then even the right one stops working
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        assert signin.signin_code_verify(phone="9812345610", code=wrong, ip=IP) is None
    assert signin.signin_code_verify(phone="9812345610", code=code, ip=IP) is None


def test_an_expired_code_fails(verified, sms_outbox):
    # given a code sent 5 minutes and a second ago
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        signin.signin_code_send(phone="9812345610", ip=IP)
    # when typed after its expiry, then it fails
    with time_machine.travel(now + dt.timedelta(minutes=5, seconds=1), tick=False):
        assert signin.signin_code_verify(phone="9812345610", code=_code(sms_outbox), ip=IP) is None


def test_a_code_works_once(verified, sms_outbox):
    # given Sita signed in once with a code
    signin.signin_code_send(phone="9812345610", ip=IP)
    code = _code(sms_outbox)
    assert signin.signin_code_verify(phone="9812345610", code=code, ip=IP) is not None
    # when the same code is typed again, then it fails
    assert signin.signin_code_verify(phone="9812345610", code=code, ip=IP) is None


def test_resend_waits_for_the_cooldown_and_the_hourly_cap(verified, sms_outbox, settings):
    # given a code just sent
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        signin.signin_code_send(phone="9812345610", ip=IP)
        # when another is asked at once, then the cooldown refuses it
        with pytest.raises(signin.SigninLimitedError) as caught:
            signin.signin_code_send(phone="9812345610", ip=IP)
    assert caught.value.retry_after == settings.OTP_RESEND_SECONDS
    # and after the cooldown, codes go until the hourly cap per number
    for n in range(1, settings.OTP_MAX_SENDS_PER_HOUR):
        with time_machine.travel(now + dt.timedelta(minutes=2 * n), tick=False):
            signin.signin_code_send(phone="9812345610", ip=f"198.51.100.{n}")
    with (
        time_machine.travel(now + dt.timedelta(minutes=20), tick=False),
        pytest.raises(signin.SigninLimitedError),
    ):
        signin.signin_code_send(phone="9812345610", ip=IP)
    assert len(sms_outbox) == settings.OTP_MAX_SENDS_PER_HOUR


@override_settings(OTP_MAX_SENDS_PER_IP_HOUR=2)
def test_one_address_may_ask_only_so_many_codes(tree, sms_outbox):
    # given an address that asked for two numbers' codes
    signin.signin_code_send(phone="9812345601", ip=IP)
    signin.signin_code_send(phone="9812345602", ip=IP)
    # when it asks for a third number, then it is refused
    with pytest.raises(signin.SigninLimitedError):
        signin.signin_code_send(phone="9812345603", ip=IP)


@override_settings(OTP_MAX_FAILS_PER_IP_HOUR=3)
def test_one_address_may_guess_only_so_many_times(verified, sms_outbox):
    # given an address that typed three wrong codes for different numbers
    for n in range(3):
        signin.signin_code_verify(phone=f"981234560{n}", code="123456", ip=IP)
    # when it tries again, then it is refused before the code is looked at
    with pytest.raises(signin.SigninLimitedError):
        signin.signin_code_verify(phone="9812345610", code="123456", ip=IP)


def test_an_incharge_position_gives_its_role_and_unit(tree, district1, bob, sms_outbox):
    # given Meena verified as District 1's IT-cell in-charge
    meena = Person.objects.create(name="मीना", phone="+919812345677")
    made = services.assignment_create(
        person=meena,
        unit=district1,
        kind_code="it_incharge_district",
        actor=bob,
        age_confirmed=True,
    )
    services.assignment_verify(assignment_id=made.id, method=VerifyMethod.INCHARGE, actor=bob)
    # when she signs in by phone
    signin.signin_code_send(phone="9812345677", ip=IP)
    user = signin.signin_code_verify(phone="9812345677", code=_code(sms_outbox), ip=IP)
    # then her account is a district in-charge's on District 1
    assert user is not None
    assert (user.unit_id, user.role_names) == (district1.id, {Role.DISTRICT_INCHARGE})


def test_ending_the_position_takes_the_role_and_the_unit(verified, sita, bob, sms_outbox):
    # given Sita signed in once (her account exists)
    signin.signin_code_send(phone="9812345610", ip=IP)
    user = signin.signin_code_verify(phone="9812345610", code=_code(sms_outbox), ip=IP)
    assert user is not None
    # when bob ends her position
    services.assignment_end(assignment_id=verified.id, actor=bob, reason="moved away")
    # then her account has no role and no unit, and she can no longer sign in by phone
    user.refresh_from_db()
    assert not RoleGrant.objects.filter(user=user).exists()
    assert user.unit_id is None
    assert AuditEvent.objects.filter(verb="user.position_ended", object_id=user.id).exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        signin.signin_code_send(phone="9812345610", ip=IP)
    assert len(sms_outbox) == 1


def test_a_role_given_by_hand_survives_the_position(verified, sita, bob, sms_outbox):
    # given Sita's account, to which an analyst role was given by hand
    signin.signin_code_send(phone="9812345610", ip=IP)
    user = signin.signin_code_verify(phone="9812345610", code=_code(sms_outbox), ip=IP)
    assert user is not None
    RoleGrant.objects.create(user=user, role=Role.ANALYST)
    # when her position ends
    services.assignment_end(assignment_id=verified.id, actor=bob, reason="now in the war room")
    # then the analyst role and her unit stay; the volunteer role goes
    user.refresh_from_db()
    assert set(RoleGrant.objects.filter(user=user).values_list("role", flat=True)) == {Role.ANALYST}
    assert user.unit_id is not None


@override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
def test_without_an_sms_backend_phone_sign_in_is_unavailable(verified):
    # given no SMS backend, when a code is asked, then it is unavailable (the page says 503)
    with pytest.raises(services.OtpUnavailable):
        signin.signin_code_send(phone="9812345610", ip=IP)
