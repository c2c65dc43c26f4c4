"""The console and wallboard pages: scope, the call flow, autosave, the status callback."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from sampark.accounts.models import User
from sampark.calls.enums import AttemptStatus, ContactStatus
from sampark.calls.models import Attempt, Campaign, Contact
from sampark.calls.tests.fixtures import DAY
from sampark.devtools.telephony_fake import FakeExotel

pytestmark = pytest.mark.django_db


def _console(client: Client, campaign: Campaign) -> str:
    response = client.get(reverse("calls:console", kwargs={"campaign_id": campaign.id}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_agent_calls_from_their_phone_and_saves(
    client: Client, campaign: Campaign, agent1: User
) -> None:
    client.force_login(agent1)
    with time_machine.travel(DAY, tick=False):
        # given the console shows a contact
        _console(client, campaign)
        contact = Contact.objects.get(leased_by=agent1)
        # when the agent calls from their phone, answers and saves
        client.post(reverse("calls:call", kwargs={"contact_id": contact.id}), {"via": "phone"})
        attempt = Attempt.objects.get(contact=contact)
        page = _console(client, campaign)
        assert contact.person.phone in page
        response = client.post(
            reverse("calls:save", kwargs={"attempt_id": attempt.id}),
            {"disposition": "completed", "q-attend": "yes", "q-count": "3", "note": "ठीक"},
        )
    # then the call is closed with its answers and the next contact is offered
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.disposition == "completed"
    assert attempt.responses.count() == 2
    assert Contact.objects.get(id=contact.id).status == ContactStatus.DONE


def test_autosave_survives_a_reload(client: Client, campaign: Campaign, agent1: User) -> None:
    client.force_login(agent1)
    with time_machine.travel(DAY, tick=False):
        _console(client, campaign)
        contact = Contact.objects.get(leased_by=agent1)
        client.post(reverse("calls:call", kwargs={"contact_id": contact.id}), {"via": "phone"})
        attempt = Attempt.objects.get(contact=contact)
        # when the console autosaves a half-written note
        saved = client.post(
            reverse("calls:draft", kwargs={"attempt_id": attempt.id}),
            {"note": "आधी बात", "q-attend": "yes"},
            HTTP_HX_REQUEST="true",
        )
        # and the page is reloaded
        page = _console(client, campaign)
    # then the same contact comes back with the draft in the page
    assert saved.status_code == 200
    assert Contact.objects.get(leased_by=agent1).id == contact.id
    draft = re.search(r'<script id="call-draft" type="application/json">(.*?)</script>', page)
    assert draft is not None
    assert json.loads(draft.group(1))["note"] == "आधी बात"


def test_an_outsider_gets_404_everywhere(
    client: Client, campaign: Campaign, agent1: User, agent_other: User
) -> None:
    with time_machine.travel(DAY, tick=False):
        client.force_login(agent1)
        _console(client, campaign)
        contact = Contact.objects.get(leased_by=agent1)
        client.post(reverse("calls:call", kwargs={"contact_id": contact.id}), {"via": "phone"})
        attempt = Attempt.objects.get(contact=contact)
        # when an agent of district 2 tries the contact and the call
        client.force_login(agent_other)
        call = client.post(reverse("calls:call", kwargs={"contact_id": contact.id}))
        draft = client.post(reverse("calls:draft", kwargs={"attempt_id": attempt.id}))
        save = client.post(reverse("calls:save", kwargs={"attempt_id": attempt.id}))
    # then none of them exists for them
    assert (call.status_code, draft.status_code, save.status_code) == (404, 404, 404)


def test_a_volunteer_may_not_open_the_console(
    client: Client, campaign: Campaign, charlie: User
) -> None:
    client.force_login(charlie)
    response = client.get(reverse("calls:home"))
    assert response.status_code == 403


def test_the_wallboard_counts_the_last_hour(
    client: Client, campaign: Campaign, agent1: User, supervisor: User
) -> None:
    client.force_login(agent1)
    with time_machine.travel(DAY, tick=False):
        _console(client, campaign)
        contact = Contact.objects.get(leased_by=agent1)
        client.post(reverse("calls:call", kwargs={"contact_id": contact.id}), {"via": "phone"})
        attempt = Attempt.objects.get(contact=contact)
    with time_machine.travel(DAY + dt.timedelta(minutes=3), tick=False):
        client.post(
            reverse("calls:save", kwargs={"attempt_id": attempt.id}), {"disposition": "completed"}
        )
        # when the supervisor opens the wallboard
        client.force_login(supervisor)
        page = client.get(reverse("calls:board")).content.decode()
    # then it shows one call with a three-minute handle time, overall and for the agent
    assert 'data-testid="calls-wallboard"' in page
    assert page.count(">180<") >= 2
    assert "agent1" in page


EXOTEL = {
    "BASE_URL": "",
    "ACCOUNT_SID": "acme",
    "API_KEY": "key",
    "API_TOKEN": "token",
}


def test_a_call_through_exotel_is_followed_by_its_callbacks(
    client: Client, campaign: Campaign, agent1: User
) -> None:
    from sampark.people.tests.factories import PersonFactory

    agent1.person = PersonFactory.create(phone="+919812345678")
    agent1.save()
    with FakeExotel() as fake:
        conf = {
            "TELEPHONY": "exotel",
            "EXOTEL": EXOTEL | {"BASE_URL": fake.url},
            "CALLER_ID": {"promotional": "1400000000", "service": "1600000000"},
            "LEASE_SECONDS": 300,
            "CALLBACK_SECRET": "s3cret",
        }
        with override_settings(SAMPARK_CALLS=conf), time_machine.travel(DAY, tick=False):
            client.force_login(agent1)
            _console(client, campaign)
            contact = Contact.objects.get(leased_by=agent1)
            # when the agent clicks to call through the line
            client.post(
                reverse("calls:call", kwargs={"contact_id": contact.id}), {"via": "provider"}
            )
            attempt = Attempt.objects.get(contact=contact)
            # and Exotel reports back, then replays its last report
            hooks = fake.deliver(lambda url, fields: client.post(url, fields))
            url, fields = fake.delivered[-1]
            replayed = client.post(url, fields)
    # then the call went to Exotel from the service series, agent first
    sent = fake.requests[0]
    assert (sent["From"], sent["CallerId"], sent["CallType"]) == (
        "+919812345678",
        "1600000000",
        "trans",
    )
    assert [h.status_code for h in hooks] == [200, 200]
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.COMPLETED
    assert attempt.recording_url
    assert replayed.status_code == 403
    # and the contact is no longer live, so its lease may lapse
    assert Contact.objects.get(id=contact.id).live is False


def test_the_api_lists_campaigns_and_staffs_a_queue(
    client: Client, campaign: Campaign, supervisor: User, agent_other: User
) -> None:
    client.force_login(supervisor)
    # when the supervisor lists campaigns, reads one's board and asks for staffing
    listed = client.get("/api/calls/campaigns").json()
    board = client.get(f"/api/calls/campaigns/{campaign.id}/board")
    staff = client.get("/api/calls/staffing", {"calls_per_hour": 200, "aht": 180}).json()
    bad = client.get("/api/calls/staffing", {"calls_per_hour": -1, "aht": 180})
    # then they get them, and nonsense is a 422
    assert [c["id"] for c in listed] == [campaign.id]
    assert board.status_code == 200
    assert staff["agents"] >= 11
    assert bad.status_code == 422
    # and an agent of another district does not see the campaign
    client.force_login(agent_other)
    assert client.get(f"/api/calls/campaigns/{campaign.id}/board").status_code == 404
