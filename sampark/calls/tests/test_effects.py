"""Answers feed back where they belong: a corrected phone waits for an in-charge, a willing
volunteer gets a pending seat on their booth, "coming" registers for the campaign's event."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from sampark.accounts.models import User
from sampark.calls import services
from sampark.calls.models import Campaign, Contact
from sampark.calls.tests.fixtures import DAY
from sampark.events.models import Event, Registration
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, Person, PhoneCorrection

pytestmark = pytest.mark.django_db

YES_NO = [{"value": "yes", "hi": "हाँ", "en": "Yes"}, {"value": "no", "hi": "नहीं", "en": "No"}]
EFFECT_STEPS = [
    {"key": "vol", "kind": "single", "hi": "स्वयंसेवक?", "en": "Volunteer?", "options": YES_NO,
     "effect": "volunteer", "when": "yes", "next": "come"},
    {"key": "come", "kind": "single", "hi": "आएँगे?", "en": "Coming?", "options": YES_NO,
     "effect": "register_event", "when": "yes", "next": "phone"},
    {"key": "phone", "kind": "text", "hi": "नया नंबर", "en": "New number",
     "effect": "correct_phone", "next": ""},
]  # fmt: skip


@pytest.fixture
def effect_campaign(campaign: Campaign, supervisor: User) -> Campaign:
    assert campaign.script is not None
    version = services.script_save(
        actor=supervisor,
        name="",
        unit=campaign.unit,
        steps=EFFECT_STEPS,
        script=campaign.script.script,
    )
    event = Event.objects.create(
        kind="workshop",
        title="Workshop",
        unit=campaign.unit,
        starts_at=DAY + dt.timedelta(days=5),
        ends_at=DAY + dt.timedelta(days=5, hours=3),
        public_slug="w-effects",
    )
    Campaign.objects.filter(id=campaign.id).update(script=version, event=event)
    return Campaign.objects.get(id=campaign.id)


def _answer(campaign: Campaign, agent: User, answers: dict[str, str]) -> Contact:
    with time_machine.travel(DAY, tick=False):
        contact = services.contact_next(agent=agent, campaign=campaign)
        assert contact is not None
        attempt = services.call_start(agent=agent, contact_id=contact.id)
        services.disposition_save(
            agent=agent, attempt_id=attempt.id, disposition="completed", answers=answers
        )
    return contact


def test_a_willing_volunteer_waits_for_the_in_charge_on_their_booth(
    effect_campaign: Campaign, agent1: User
) -> None:
    contact = _answer(effect_campaign, agent1, {"vol": "yes", "come": "no"})
    # then a volunteer seat on the contact's booth awaits verification (the existing queue)
    seat = Assignment.objects.get(person_id=contact.person_id)
    assert seat.unit_id == contact.unit_id
    assert seat.status == AssignmentStatus.PENDING
    assert seat.kind.counts_toward_staffing


def test_coming_registers_for_the_campaigns_event(effect_campaign: Campaign, agent1: User) -> None:
    contact = _answer(effect_campaign, agent1, {"vol": "no", "come": "yes"})
    registration = Registration.objects.get(person_id=contact.person_id)
    assert registration.event_id == effect_campaign.event_id
    assert registration.status == "confirmed"


def test_a_corrected_phone_waits_for_an_in_charge_who_confirms_it(
    client: Client, effect_campaign: Campaign, agent1: User, bob: User
) -> None:
    # given a call where the person gives a new number
    contact = _answer(effect_campaign, agent1, {"vol": "no", "come": "no", "phone": "9812345610"})
    person = Person.objects.get(id=contact.person_id)
    # then the phone is unchanged and a correction is pending
    assert person.phone != "+919812345610"
    fix = PhoneCorrection.objects.get(person=person)
    assert (fix.phone, fix.status) == ("+919812345610", "pending")
    # when the district in-charge sees it on the person's page and confirms it
    client.force_login(bob)
    page = client.get(reverse("people:detail", kwargs={"person_id": person.id})).content.decode()
    assert 'data-testid="phone-fix"' in page
    client.post(
        reverse("people:phone_fix", kwargs={"person_id": person.id}), {"decision": "confirm"}
    )
    # then the person's phone is the new one
    person.refresh_from_db()
    assert person.phone == "+919812345610"
    fix.refresh_from_db()
    assert fix.status == "confirmed"
    assert fix.decided_by_id == bob.id


def test_the_agent_cannot_confirm_a_phone_and_a_bad_number_is_refused(
    client: Client, effect_campaign: Campaign, agent1: User
) -> None:
    # given an agent typing something that is not a mobile number
    with time_machine.travel(DAY, tick=False):
        contact = services.contact_next(agent=agent1, campaign=effect_campaign)
        assert contact is not None
        attempt = services.call_start(agent=agent1, contact_id=contact.id)
        # then the disposition is refused (the agent corrects it) and nothing is recorded
        with pytest.raises(ValidationError):
            services.disposition_save(
                agent=agent1, attempt_id=attempt.id, disposition="completed",
                answers={"vol": "no", "come": "no", "phone": "12345"},
            )  # fmt: skip
    assert not PhoneCorrection.objects.exists()
    # and a correction cannot be confirmed by an agent
    PhoneCorrection.objects.create(person_id=contact.person_id, phone="+919812345611", source="t")
    client.force_login(agent1)
    response = client.post(
        reverse("people:phone_fix", kwargs={"person_id": contact.person_id}),
        {"decision": "confirm"},
    )
    assert response.status_code in (403, 404)
    assert Person.objects.get(id=contact.person_id).phone != "+919812345611"


def test_a_number_that_belongs_to_someone_else_is_not_confirmed(
    client: Client, effect_campaign: Campaign, agent1: User, bob: User, persons: list[Person]
) -> None:
    # given a reported number that is another person's phone
    contact = _answer(effect_campaign, agent1, {"vol": "no", "come": "no", "phone": "9812345612"})
    other = next(p for p in persons if p.id != contact.person_id)
    Person.objects.filter(id=other.id).update(phone="+919812345612")
    # when the in-charge confirms it
    client.force_login(bob)
    response = client.post(
        reverse("people:phone_fix", kwargs={"person_id": contact.person_id}),
        {"decision": "confirm"},
    )
    # then the page says why, and nothing changes
    assert response.status_code == 302
    assert Person.objects.get(id=contact.person_id).phone != "+919812345612"
    assert PhoneCorrection.objects.get(person_id=contact.person_id).status == "pending"
