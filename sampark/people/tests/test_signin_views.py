"""The phone sign-in page (issue #13): number, code, session; TOTP still asked where needed."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from sampark.accounts.enums import Role
from sampark.people import services
from sampark.people.enums import VerifyMethod
from sampark.people.models import Person


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _code(outbox) -> str:
    match = re.search(r"\b(\d{6})\b", outbox[-1].text)
    assert match is not None
    return match.group(1)


def test_a_volunteer_signs_in_and_lands_in_the_app(pending, bob, sms_outbox):
    # given Sita verified on booth 1
    services.assignment_verify(assignment_id=pending.id, method=VerifyMethod.INCHARGE, actor=bob)
    client = Client()
    # when she gives her number, then the page asks the code
    page = client.post("/login/phone/", {"step": "phone", "phone": "98123 45610"})
    assert page.status_code == 200
    assert b'data-testid="code-form"' in page.content
    assert b"98xxxxxx10" in page.content
    # when she types the code, then she is signed in and sent to the volunteer app
    done = client.post("/login/phone/", {"step": "code", "code": _code(sms_outbox)})
    assert done.status_code == 302
    assert done["Location"] == "/app/"
    assert client.get("/app/").status_code == 200


def test_a_wrong_code_is_answered_400_and_no_session(pending, bob, sms_outbox):
    # given a code asked for Sita
    services.assignment_verify(assignment_id=pending.id, method=VerifyMethod.INCHARGE, actor=bob)
    client = Client()
    client.post("/login/phone/", {"step": "phone", "phone": "9812345610"})
    # when a wrong code is typed, then 400 and still signed out
    wrong = "000000" if _code(sms_outbox) != "000000" else "111111"
    page = client.post("/login/phone/", {"step": "code", "code": wrong})
    assert page.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_number_that_is_not_indian_mobile_is_a_400(tree):
    # when a landline is given, then the form says so
    page = Client().post("/login/phone/", {"step": "phone", "phone": "0522 2234567"})
    assert page.status_code == 400


def test_asking_again_at_once_is_a_429(tree):
    # given a code asked for a number
    client = Client()
    client.post("/login/phone/", {"step": "phone", "phone": "9812345610"})
    # when asked again at once, then 429
    page = client.post("/login/phone/", {"step": "phone", "phone": "9812345610"})
    assert page.status_code == 429


@override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
def test_without_sms_the_page_answers_503(tree):
    # given no SMS backend, when a code is asked, then 503 with the reason
    page = Client().post("/login/phone/", {"step": "phone", "phone": "9812345610"})
    assert page.status_code == 503


def test_an_incharge_by_phone_must_still_pass_totp(tree, district1, bob, sms_outbox, settings):
    # given two-step verification required, and Meena verified as District 1's in-charge
    settings.SAMPARK_REQUIRE_MFA = True
    meena = Person.objects.create(name="मीना", phone="+919812345677")
    made = services.assignment_create(
        person=meena,
        unit=district1,
        kind_code="it_incharge_district",
        actor=bob,
        age_confirmed=True,
    )
    services.assignment_verify(assignment_id=made.id, method=VerifyMethod.INCHARGE, actor=bob)
    client = Client()
    client.post("/login/phone/", {"step": "phone", "phone": "9812345677"})
    client.post("/login/phone/", {"step": "code", "code": _code(sms_outbox)})
    # when she opens a page, then she is sent to set up her authenticator first: the SMS code
    # counted as one factor only
    page = client.get("/people/")
    assert page.status_code == 302
    assert page["Location"].startswith("/account/mfa/")
    assert meena.user.role_names == {Role.DISTRICT_INCHARGE}


def test_the_password_page_links_to_phone_sign_in(db):
    # when the log-in page is shown, then it offers the phone sign-in
    page = Client().get("/login/")
    assert b'data-testid="phone-login"' in page.content
