"""Scrubbing at dial time through the shared sending rules, and our own do-not-call list."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sampark.accounts.models import User
from sampark.calls import services
from sampark.calls.enums import ContactStatus
from sampark.calls.models import Campaign, Contact
from sampark.calls.tests.fixtures import DAY
from sampark.people.models import ConsentEvent
from sampark.rules.models import DndNumber, Election, PollPhase

pytestmark = pytest.mark.django_db


def _only(campaign: Campaign) -> Contact:
    first = campaign.contacts.order_by("id").first()
    assert first is not None
    campaign.contacts.exclude(id=first.id).update(status=ContactStatus.DONE)
    return first


def test_a_number_on_the_ncpr_register_is_held_for_good(campaign: Campaign, agent1: User) -> None:
    # given the only contact's number is on the DND register
    contact = _only(campaign)
    DndNumber.objects.create(phone=contact.person.phone)
    # when an agent asks for a contact
    with time_machine.travel(DAY, tick=False):
        got = services.contact_next(agent=agent1, campaign=campaign)
    # then nothing is handed out and the contact is held with the DND reason
    assert got is None
    contact.refresh_from_db()
    assert (contact.status, contact.hold_reason) == (ContactStatus.HELD, "dnd")


def test_our_own_do_not_call_list_holds_the_number(campaign: Campaign, agent1: User) -> None:
    # given the number is on our own list
    contact = _only(campaign)
    services.dnc_add(phone=contact.person.phone, reason="asked", actor=None)
    # when an agent asks
    with time_machine.travel(DAY, tick=False):
        got = services.contact_next(agent=agent1, campaign=campaign)
    # then it is held
    assert got is None
    contact.refresh_from_db()
    assert contact.hold_reason == services.DNC


def test_an_opt_out_holds_the_number(campaign: Campaign, agent1: User) -> None:
    # given the person withdrew their consent for calls
    contact = _only(campaign)
    ConsentEvent.objects.create(
        person=contact.person,
        purpose="calls",
        channel="voice",
        action="withdrawn",
        notice_version="v1",
        source="sms",
        at=DAY - dt.timedelta(days=1),
    )
    # when an agent asks
    with time_machine.travel(DAY, tick=False):
        got = services.contact_next(agent=agent1, campaign=campaign)
    # then it is held as opted out
    assert got is None
    contact.refresh_from_db()
    assert contact.hold_reason == "opted_out"


def test_outside_calling_hours_the_contact_waits_till_nine(
    campaign: Campaign, agent1: User
) -> None:
    # given 21:30 IST
    contact = _only(campaign)
    late = dt.datetime(2026, 3, 2, 16, 0, tzinfo=dt.UTC)
    # when an agent asks
    with time_machine.travel(late, tick=False):
        got = services.contact_next(agent=agent1, campaign=campaign)
    # then the contact waits until 09:00 IST the next morning, still in the queue
    assert got is None
    contact.refresh_from_db()
    assert contact.status == ContactStatus.WAITING
    assert contact.due_at == dt.datetime(2026, 3, 3, 3, 30, tzinfo=dt.UTC)


def test_the_constituency_silence_period_holds_the_call(
    campaign: Campaign, agent1: User, tree: object
) -> None:
    # given the contact's AC polls tomorrow at 18:00 IST (silence from 18:00 IST today)
    contact = _only(campaign)
    assert contact.unit.state is not None
    assert contact.unit.ac is not None
    election = Election.objects.create(state=contact.unit.state, name="Assembly")
    phase = PollPhase.objects.create(election=election, number=1, poll_date=dt.date(2026, 3, 3))
    phase.units.add(contact.unit.ac)
    evening = dt.datetime(2026, 3, 2, 13, 0, tzinfo=dt.UTC)  # 18:30 IST
    # when an agent asks during the silence
    with time_machine.travel(evening, tick=False):
        got = services.contact_next(agent=agent1, campaign=campaign)
    # then the contact waits for the end of poll
    assert got is None
    contact.refresh_from_db()
    assert contact.hold_reason == "silence"


def test_the_rules_are_loaded_again_when_the_agent_dials_a_minute_later(
    campaign: Campaign, agent1: User
) -> None:
    # given an agent holding a contact who lands on the DND register before the call
    with time_machine.travel(DAY, tick=False):
        held = services.contact_next(agent=agent1, campaign=campaign)
        assert held is not None
        DndNumber.objects.create(phone=held.person.phone)
    # when the agent dials more than a minute after the hand-out
    later = DAY + dt.timedelta(seconds=services.BOOK_SECONDS + 1)
    with time_machine.travel(later, tick=False), pytest.raises(ValidationError):
        services.call_start(agent=agent1, contact_id=held.id, now=later)
    # then no call is opened and the contact is held
    held.refresh_from_db()
    assert held.calls.count() == 0
    assert held.status == ContactStatus.HELD


def test_our_own_list_is_read_afresh_when_the_agent_dials(campaign: Campaign, agent1: User) -> None:
    # given an agent holding a contact whose number goes on our own list a moment later
    with time_machine.travel(DAY, tick=False):
        held = services.contact_next(agent=agent1, campaign=campaign)
        assert held is not None
        services.dnc_add(phone=held.person.phone, reason="asked by letter", actor=None)
        # when the agent dials at once, then the call is refused
        with pytest.raises(ValidationError):
            services.call_start(agent=agent1, contact_id=held.id)
    held.refresh_from_db()
    assert held.hold_reason == services.DNC


def test_calling_hours_are_judged_again_at_the_moment_of_dialling(
    campaign: Campaign, agent1: User
) -> None:
    # given a contact handed out at 20:59:50 IST
    contact = _only(campaign)
    handed = dt.datetime(2026, 3, 2, 15, 29, 50, tzinfo=dt.UTC)
    with time_machine.travel(handed, tick=False):
        held = services.contact_next(agent=agent1, campaign=campaign)
    assert held is not None
    assert held.id == contact.id
    # when the agent dials at 21:00:10 IST (the loaded rules are reused, the clock is not)
    dialled = handed + dt.timedelta(seconds=20)
    with time_machine.travel(dialled, tick=False), pytest.raises(ValidationError):
        services.call_start(agent=agent1, contact_id=held.id, now=dialled)
    # then the contact waits for the morning
    held.refresh_from_db()
    assert held.status == ContactStatus.WAITING
    assert held.hold_reason == "calling_hours"


@pytest.mark.parametrize(
    ("category", "series"),
    [("promotional", "140"), ("service", "160")],
    ids=["promo_case", "service_case"],
)
def test_the_caller_id_follows_the_category(category: str, series: str) -> None:
    # given the default settings
    # when the caller id of a category is asked
    # then it is from that category's series
    assert services.caller_id_for(category).startswith(series)
