"""The public join page of a drive: sign-up, consent as data, no minors, no duplicates, rate
limits, bad input as form errors, OTP then the in-charge, and the referral credit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client, override_settings

from sampark.core.models import AuditEvent
from sampark.geo.models import Unit
from sampark.people import services as people_services
from sampark.people.enums import AssignmentStatus, ConsentAction, VerifyMethod
from sampark.people.models import Assignment, ConsentEvent, Person
from sampark.recruit import links
from sampark.recruit.models import JoinAttempt, Referral

pytestmark = pytest.mark.django_db

NO_SMS = override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
TODAY = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)


def _form(**extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "सुनीता देवी",
        "phone": "98765 43210",
        "date_of_birth": "1990-05-01",
        "consents": ["volunteer_coordination:sms", "campaign_updates:whatsapp"],
        "via": "qr",
    }
    data.update(extra)
    return data


def _join(client: Client, unit: Unit, referrer_id: int | None = None, **extra: object):
    path = links.join_path(unit_id=unit.id, referrer_id=referrer_id)
    return client.post(path, _form(**extra), REMOTE_ADDR="10.0.0.7")


def test_page_opens_in_hindi_without_login(booth1):
    # when anyone opens a booth's join link
    response = Client().get(links.join_path(unit_id=booth1.id), HTTP_ACCEPT_LANGUAGE="hi")
    # then the Hindi page shows, with the consent choices and no caste or religion field
    assert response.status_code == 200
    assert "बूथ स्वयंसेवक बनें" in response.text
    assert 'name="consents"' in response.text
    assert "checked" not in response.text  # consent is ticked by the person, never in advance
    assert "caste" not in response.text.lower().replace("we do not ask for your caste", "")
    assert "religion" not in response.text.lower().replace("caste or religion", "")


def test_a_changed_token_is_404(booth1):
    token = links.join_token(unit_id=booth1.id)
    assert Client().get(f"/volunteer/{token[:-2]}xx/").status_code == 404
    assert Client().get("/volunteer/123/").status_code == 404


@NO_SMS
@time_machine.travel(TODAY, tick=False)
def test_sign_up_without_sms_asks_the_in_charge(booth1, bob):
    # when a citizen signs up on a booth's page (no SMS configured)
    response = _join(Client(), booth1)
    # then one person, a pending volunteer seat on the booth and the consents exist
    assert response.status_code == 200
    assert 'data-testid="join-done"' in response.text
    person = Person.objects.get(phone="+919876543210")
    assert person.source == "recruit"
    assignment = Assignment.objects.get(person=person)
    assert (assignment.unit_id, assignment.status) == (booth1.id, AssignmentStatus.PENDING)
    assert assignment.kind.code == "outreach_volunteer"
    consents = set(
        ConsentEvent.objects.filter(person=person, action=ConsentAction.GIVEN).values_list(
            "purpose", "channel", "notice_version"
        )
    )
    assert consents == {
        ("volunteer_coordination", "sms", "v1"),
        ("campaign_updates", "whatsapp", "v1"),
    }
    # and the in-charge verifies it as today
    assert people_services.assignment_verify(
        assignment_id=assignment.id, actor=bob, method=VerifyMethod.INCHARGE
    )


@NO_SMS
@time_machine.travel(TODAY, tick=False)
def test_same_phone_twice_is_one_person(booth1):
    # given a sign-up
    _join(Client(), booth1)
    # when the same phone signs up again, written differently
    response = _join(Client(), booth1, phone="+91 98765-43210")
    # then there is still one person and one seat
    assert response.status_code == 200
    assert Person.objects.filter(phone="+919876543210").count() == 1
    assert Assignment.objects.filter(person__phone="+919876543210").count() == 1


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("extra", "_case"),
    [
        ({"date_of_birth": "2010-01-01"}, "a minor"),
        ({"date_of_birth": "2030-01-01"}, "born in the future"),
        ({"date_of_birth": "not a date"}, "not a date"),
        ({"date_of_birth": ""}, "no date of birth"),
        ({"phone": "12345"}, "not a mobile number"),
        ({"phone": "+44 7700 900123"}, "not an Indian number"),
        ({"consents": ["campaign_updates:sms"]}, "no coordination consent"),
        ({"consents": ["anything:else"]}, "a consent that is not offered"),
        ({"name": ""}, "no name"),
        ({"name": "x" * 300}, "a name too long"),
    ],
)
def test_bad_input_is_a_form_error(booth1, extra, _case):
    # when the form is sent with bad input
    response = _join(Client(), booth1, **extra)
    # then the page answers with a form error, and nobody is recorded
    assert response.status_code == 422, _case
    assert 'data-testid="join-form"' in response.text
    assert not Person.objects.exists()


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("extra", "_case"),
    [
        ({"ac": "999999999999"}, "an AC id that is not offered"),
        ({"ac": "abc"}, "an AC id that is not a number"),
        ({"part": "99999999999999999999"}, "a part number too large"),
        ({"part": "0"}, "part 0"),
        ({"part": "4000"}, "a part that does not exist"),
    ],
)
def test_bad_booth_is_a_form_error(tree, district1, extra, _case):
    # given the district's page, which asks for the AC and the part number
    ac = Unit.objects.filter(level="ac", district=district1).order_by("number").first()
    assert ac is not None
    data = {"ac": str(ac.id), "part": "1", **extra}
    # when the booth is given badly
    response = _join(Client(), district1, **data)
    # then it is a form error
    assert response.status_code == 422, _case
    assert not Person.objects.exists()


@NO_SMS
@time_machine.travel(TODAY, tick=False)
def test_district_page_finds_the_booth_by_ac_and_part(tree, district1):
    ac = Unit.objects.filter(level="ac", district=district1).order_by("number").first()
    assert ac is not None
    booth = Unit.objects.filter(level="booth", ac=ac).order_by("number").first()
    assert booth is not None
    response = _join(Client(), district1, ac=str(ac.id), part=str(booth.number))
    assert response.status_code == 200
    assert Assignment.objects.get().unit_id == booth.id


@NO_SMS
@time_machine.travel(TODAY, tick=False)
@override_settings(RECRUIT_SIGNUPS_PER_PHONE_HOUR=2, RECRUIT_SIGNUPS_PER_ADDRESS_HOUR=100)
def test_one_phone_is_rate_limited(booth1):
    # given two sign-ups for one phone in the hour
    client = Client()
    for _ in range(2):
        assert _join(client, booth1).status_code == 200
    # when a third comes
    response = _join(client, booth1)
    # then it is refused with a message, not an error page
    assert response.status_code == 422
    assert "Too many" in response.text or "बहुत" in response.text
    # and an hour later the phone may sign up again
    with time_machine.travel(TODAY + dt.timedelta(hours=1, minutes=1), tick=False):
        assert _join(client, booth1).status_code == 200


@NO_SMS
@time_machine.travel(TODAY, tick=False)
@override_settings(RECRUIT_SIGNUPS_PER_ADDRESS_HOUR=3)
def test_one_address_is_rate_limited(booth1):
    client = Client()
    statuses = [_join(client, booth1, phone=f"98765 4321{i}").status_code for i in range(5)]
    assert statuses == [200, 200, 200, 422, 422]
    assert Person.objects.count() == 3
    # and only hashes are kept, never the address or the phone
    assert not JoinAttempt.objects.filter(key__contains="10.0.0.7").exists()


@time_machine.travel(TODAY, tick=False)
def test_otp_first_then_the_seat(booth1, sms_outbox):
    # when a citizen signs up with SMS configured
    client = Client()
    response = _join(client, booth1)
    # then an OTP goes out and no seat is taken yet
    assert response.status_code == 200
    assert 'data-testid="join-otp"' in response.text
    assert not Assignment.objects.exists()
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1].text)
    assert code is not None
    step = re.search(r'name="step" value="([^"]+)"', response.text)
    assert step is not None
    otp_path = links.join_path(unit_id=booth1.id) + "otp/"
    # when a wrong code is typed, it is a form error
    wrong = client.post(otp_path, {"code": "000000", "step": step.group(1)})
    assert wrong.status_code == 422
    # when the right code is typed
    done = client.post(otp_path, {"code": code.group(1), "step": step.group(1)})
    # then the seat is asked for, awaiting the in-charge
    assert done.status_code == 200
    assignment = Assignment.objects.get()
    assert assignment.status == AssignmentStatus.PENDING


@time_machine.travel(TODAY, tick=False)
def test_a_forged_otp_step_is_refused(booth1, sms_outbox):
    client = Client()
    _join(client, booth1)
    response = client.post(
        links.join_path(unit_id=booth1.id) + "otp/", {"code": "123456", "step": "forged"}
    )
    assert response.status_code == 422
    assert not Assignment.objects.exists()


@NO_SMS
@time_machine.travel(TODAY, tick=False)
def test_personal_link_credits_the_referrer_once(booth1, booth2_of_district1):
    # given a volunteer with a personal link
    referrer = Person.objects.create(name="राम", phone="+919812345601")
    # when a neighbour signs up through it
    _join(Client(), booth1, referrer_id=referrer.id)
    # then the referral is credited, audited with the position
    person = Person.objects.get(phone="+919876543210")
    referral = Referral.objects.get(person=person)
    assert (referral.referrer_id, referral.unit_id, referral.via) == (referrer.id, booth1.id, "qr")
    assert AuditEvent.objects.filter(verb="recruit.position_asked").count() == 1
    # and a second link later does not move the credit
    other = Person.objects.create(name="श्याम", phone="+919812345602")
    _join(Client(), booth2_of_district1, referrer_id=other.id)
    assert Referral.objects.get(person=person).referrer_id == referrer.id


@NO_SMS
@time_machine.travel(TODAY, tick=False)
def test_nobody_refers_themselves(booth1):
    _join(Client(), booth1)
    person = Person.objects.get()
    _join(Client(), booth1, referrer_id=person.id)
    assert not Referral.objects.exists()


@pytest.fixture
def booth2_of_district1(tree, district1) -> Unit:
    return Unit.objects.filter(level="booth", district=district1).order_by("id")[1]


def test_a_units_link_does_not_change_with_time(booth1):
    # given a link printed on a poster
    with time_machine.travel(TODAY, tick=False):
        printed = links.join_token(unit_id=booth1.id)
    # then a year later the same unit has the same link, and it still opens
    with time_machine.travel(TODAY + dt.timedelta(days=365), tick=False):
        assert links.join_token(unit_id=booth1.id) == printed
        assert Client().get(f"/volunteer/{printed}/").status_code == 200
