"""Refreshing a campaign's contacts: its source is run again and only new persons are queued;
worked contacts keep their state and numbers that asked not to be called stay out."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.calls import services
from sampark.calls.enums import CampaignStatus, ContactStatus, SourceKind
from sampark.calls.models import Campaign, Contact, DoNotCall
from sampark.calls.tests.fixtures import DAY, give_voice_consent
from sampark.core.models import AuditEvent
from sampark.geo.models import Unit
from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind
from sampark.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _booths(district: Unit) -> list[Unit]:
    return list(Unit.objects.filter(level="booth", district=district).order_by("id"))


def _consenting(district: Unit) -> Person:
    person = PersonFactory.create(home_unit=_booths(district)[0])
    give_voice_consent(person)
    return person


def test_a_refresh_adds_only_the_new_and_never_resets_a_worked_contact(
    supervisor: User, district1: Unit, district2: Unit, campaign: Campaign
) -> None:
    # given a campaign of six whose first contact was worked
    worked = campaign.contacts.order_by("id").first()
    assert worked is not None
    Contact.objects.filter(id=worked.id).update(
        status=ContactStatus.DONE, attempts=2, disposition="callback"
    )
    # and since then three more persons of the district consented, one on our do-not-call
    # list, and one person of another district
    fresh = _consenting(district1)
    listed = _consenting(district1)
    DoNotCall.objects.create(phone=listed.phone, reason="test")
    _consenting(district2)
    # when the manager refreshes the list
    added = services.campaign_refresh(actor=supervisor, campaign=campaign)
    # then only the new person of the district is queued, waiting
    assert added == 1
    assert campaign.contacts.count() == 7
    assert campaign.contacts.get(person=fresh).status == ContactStatus.WAITING
    assert not campaign.contacts.filter(person=listed).exists()
    # and the worked contact is as it was
    worked.refresh_from_db()
    assert (worked.status, worked.attempts, worked.disposition) == ("done", 2, "callback")
    # and a second refresh adds no one (the listed number is left out again); both are in
    # the audit log with their counts
    assert services.campaign_refresh(actor=supervisor, campaign=campaign) == 0
    rows = AuditEvent.objects.filter(verb="calls.campaign_refreshed", object_id=campaign.id)
    assert sorted((r.data["added"], r.data["barred"]) for r in rows) == [(0, 1), (1, 1)]
    assert {r.actor_id for r in rows} == {supervisor.id}


def test_a_positions_refresh_leaves_out_who_opted_out_of_calls(
    supervisor: User, district1: Unit
) -> None:
    # given a campaign of the district's booth presidents with one president
    kind = PositionKind.objects.get(code="booth_president")
    booths = _booths(district1)
    Assignment.objects.create(person=PersonFactory.create(), unit=booths[0], kind=kind, seat=1)
    campaign = services.campaign_create(
        actor=supervisor,
        name="Presidents",
        unit=district1,
        source=SourceKind.POSITIONS,
        position_codes=["booth_president"],
    )
    assert campaign.contacts.count() == 1
    # when two more take the seat of their booth, one of whom said no more calls
    new = Assignment.objects.create(
        person=PersonFactory.create(), unit=booths[1], kind=kind, seat=1
    )
    out = Assignment.objects.create(
        person=PersonFactory.create(), unit=booths[2], kind=kind, seat=1
    )
    ConsentEvent.objects.create(
        person=out.person,
        purpose=campaign.purpose,
        channel="voice",
        action="withdrawn",
        notice_version="v1",
        source="test",
        at=DAY - dt.timedelta(days=1),
    )
    # then a refresh queues only the first, at their booth with the position's name
    assert services.campaign_refresh(actor=supervisor, campaign=campaign) == 1
    contact = campaign.contacts.get(person=new.person)
    assert (contact.unit_id, contact.position) == (booths[1].id, kind.name_hi)
    assert not campaign.contacts.filter(person=out.person).exists()


def test_a_closed_campaign_and_an_agent_are_refused(
    supervisor: User, agent1: User, district1: Unit, campaign: Campaign
) -> None:
    _consenting(district1)
    with pytest.raises(PermissionDenied):
        services.campaign_refresh(actor=agent1, campaign=campaign)
    Campaign.objects.filter(id=campaign.id).update(status=CampaignStatus.CLOSED)
    with pytest.raises(ValidationError):
        services.campaign_refresh(actor=supervisor, campaign=campaign)
    assert campaign.contacts.count() == 6


def test_refresh_contacts_on_the_campaign_page(
    client: Client,
    supervisor: User,
    agent1: User,
    district1: Unit,
    district2: Unit,
    campaign: Campaign,
) -> None:
    url = reverse("calls:campaign_refresh", kwargs={"campaign_id": campaign.id})
    page = reverse("calls:campaign", kwargs={"campaign_id": campaign.id})
    client.force_login(supervisor)
    # given the campaign's page, which offers the action
    assert 'data-testid="campaign-refresh"' in client.get(page).content.decode()
    # when one person consented since and the manager clicks "Refresh contacts"
    _consenting(district1)
    response = client.post(url, follow=True)
    # then they are told one was added and the total counts seven
    body = response.content.decode()
    assert "1 new contact added." in body
    assert 'data-testid="campaign-total">7<' in body
    # and a second click adds none
    assert "0 new contacts added." in client.post(url, follow=True).content.decode()
    assert client.get(url).status_code == 405
    # and an agent may not, and another district's manager does not find the campaign
    client.force_login(agent1)
    assert client.post(url).status_code == 403
    client.force_login(make_user("sup2", district2, Role.CALL_SUPERVISOR))
    assert client.post(url).status_code == 404
    assert campaign.contacts.count() == 7
