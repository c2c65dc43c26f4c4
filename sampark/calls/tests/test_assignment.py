"""Handing out contacts: one agent per contact, leases, reloads, scope (issue #15)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from sampark.accounts.models import User
from sampark.calls import services
from sampark.calls.enums import ContactStatus
from sampark.calls.models import Campaign, Contact
from sampark.calls.tests.fixtures import DAY
from sampark.geo.models import Unit

pytestmark = pytest.mark.django_db


def test_it_queues_the_consenting_persons_of_the_subtree(campaign: Campaign) -> None:
    # given a campaign over District 1 built from consents
    # then every consenting person of District 1 is queued once
    assert campaign.contacts.count() == 6
    assert set(campaign.contacts.values_list("status", flat=True)) == {ContactStatus.WAITING}


def test_two_agents_get_different_contacts(campaign: Campaign, agent1: User, agent2: User) -> None:
    # given two agents of the district
    with time_machine.travel(DAY, tick=False):
        # when each asks for the next contact
        first = services.contact_next(agent=agent1, campaign=campaign)
        second = services.contact_next(agent=agent2, campaign=campaign)
    # then they hold different contacts
    assert first is not None
    assert second is not None
    assert first.id != second.id
    assert first.leased_by_id == agent1.id


def test_a_reload_hands_back_the_same_contact(campaign: Campaign, agent1: User) -> None:
    # given an agent holding a contact
    with time_machine.travel(DAY, tick=False):
        held = services.contact_next(agent=agent1, campaign=campaign)
        # when the console asks again (a reload)
        again = services.contact_next(agent=agent1, campaign=campaign)
    # then it is the same contact
    assert held is not None
    assert again is not None
    assert again.id == held.id


def test_an_expired_lease_is_taken_over_but_never_during_a_live_call(
    campaign: Campaign, agent1: User, agent2: User
) -> None:
    # given agent1 on a live call with its contact, and a second contact whose lease lapsed
    with time_machine.travel(DAY, tick=False):
        live = services.contact_next(agent=agent1, campaign=campaign)
        assert live is not None
        services.call_start(agent=agent1, contact_id=live.id)
    Contact.objects.exclude(id=live.id).update(status=ContactStatus.DONE)
    # when agent2 asks long after the lease would have lapsed
    with time_machine.travel(DAY + dt.timedelta(hours=1), tick=False):
        other = services.contact_next(agent=agent2, campaign=campaign)
    # then the live contact is not handed over
    assert other is None
    assert Contact.objects.get(id=live.id).leased_by_id == agent1.id


def test_an_abandoned_lease_goes_to_the_next_agent(
    campaign: Campaign, agent1: User, agent2: User
) -> None:
    # given agent1 took a contact and vanished without dialling
    with time_machine.travel(DAY, tick=False):
        lost = services.contact_next(agent=agent1, campaign=campaign)
    assert lost is not None
    Contact.objects.exclude(id=lost.id).update(status=ContactStatus.DONE)
    # when agent2 asks after the lease ran out
    with time_machine.travel(DAY + dt.timedelta(minutes=10), tick=False):
        taken = services.contact_next(agent=agent2, campaign=campaign)
    # then agent2 gets it
    assert taken is not None
    assert taken.id == lost.id
    assert taken.leased_by_id == agent2.id


def test_an_agent_of_another_district_gets_nothing(campaign: Campaign, agent_other: User) -> None:
    # given a district-1 campaign and an agent of district 2
    with time_machine.travel(DAY, tick=False):
        # when they ask for a contact
        got = services.contact_next(agent=agent_other, campaign=campaign)
    # then none of district 1's contacts is handed to them
    assert got is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_agents_never_share_a_contact(campaign: Campaign, district1: object) -> None:
    # given 12 agents asking at the same moment, from 12 connections, for 6 contacts
    from conftest import make_user
    from sampark.accounts.enums import Role

    agents = [make_user(f"rush{i}", campaign.unit, Role.CALL_AGENT) for i in range(12)]
    got: dict[int, int | None] = {}
    barrier = threading.Barrier(len(agents))

    def work(agent: User) -> None:
        try:
            barrier.wait()
            contact = services.contact_next(
                agent=agent, campaign=campaign, now=DAY, scrub_rules=False
            )
            got[agent.id] = contact.id if contact is not None else None
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(a,)) for a in agents]
    # when they all run
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then every contact went to exactly one agent and six agents got none
    handed = [c for c in got.values() if c is not None]
    assert len(handed) == 6
    assert len(set(handed)) == 6
    assert Contact.objects.filter(status=ContactStatus.LEASED).count() == 6


def test_a_positions_campaign_queues_the_holders_below_with_their_booth(
    supervisor: User, district1: Unit
) -> None:
    from sampark.calls.enums import SourceKind
    from sampark.people.models import Assignment, PositionKind
    from sampark.people.tests.factories import PersonFactory

    # given two booth presidents in district 1, one of whom stepped down
    kind = PositionKind.objects.get(code="booth_president")
    booths = list(Unit.objects.filter(level="booth", district=district1).order_by("id")[:2])
    keep = Assignment.objects.create(
        person=PersonFactory.create(), unit=booths[0], kind=kind, seat=1
    )
    gone = Assignment.objects.create(
        person=PersonFactory.create(), unit=booths[1], kind=kind, seat=1
    )
    gone.ended_at = DAY
    gone.save()
    # when a campaign over the district calls booth presidents
    campaign = services.campaign_create(
        actor=supervisor,
        name="Presidents",
        unit=district1,
        source=SourceKind.POSITIONS,
        position_codes=["booth_president"],
    )
    # then only the serving one is queued, at their booth, with the position's Hindi name
    contact = campaign.contacts.get()
    assert (contact.person_id, contact.unit_id) == (keep.person_id, booths[0].id)
    assert contact.position == kind.name_hi
