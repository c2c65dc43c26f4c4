"""The manager's pages: campaigns from positions, consents and an event's no-shows, status
moves, dialling, scripts in versions with a preview; scope and the RUN_CALLS capability."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.calls import services
from sampark.calls.enums import CampaignStatus, SourceKind
from sampark.calls.models import Campaign, Script, ScriptVersion
from sampark.calls.permissions import is_manager
from sampark.calls.tests.fixtures import DAY, STEPS
from sampark.events.models import Attendance, Event, Registration
from sampark.geo.models import Unit
from sampark.people.models import Person

pytestmark = pytest.mark.django_db


def _campaign_post(unit: Unit, **extra: object) -> dict[str, object]:
    return {
        "name": "कार्यशाला कॉल",
        "unit": unit.id,
        "source": SourceKind.CONSENT,
        "purpose": "calls",
        "category": "service",
        "mode": "power",
        "lines_per_agent": 2,
        "abandon_cap": 3,
        "max_attempts": 3,
        **extra,
    }


def test_run_calls_goes_to_supervisors_state_and_district_heads_not_agents(
    district1: Unit, supervisor: User, agent1: User, bob: User
) -> None:
    # given a supervisor, an agent and a district in-charge; then only the agent runs nothing
    assert is_manager(supervisor)
    assert is_manager(bob)
    assert not is_manager(agent1)


def test_a_manager_makes_a_draft_campaign_from_consents_and_starts_it(
    client: Client, supervisor: User, district1: Unit, persons: list[Person]
) -> None:
    client.force_login(supervisor)
    # when the preview is asked for, then it counts the consenting persons of the district
    preview = client.post(reverse("calls:campaign_preview"), _campaign_post(district1, name=""))
    assert 'data-testid="campaign-preview-count">6<' in preview.content.decode()
    # when the form is saved
    response = client.post(reverse("calls:campaign_new"), _campaign_post(district1))
    campaign = Campaign.objects.get(name="कार्यशाला कॉल")
    assert response.status_code == 302
    # then a draft with its contacts and dialling is made
    assert campaign.status == CampaignStatus.DRAFT
    assert (campaign.mode, campaign.lines_per_agent, campaign.abandon_cap) == ("power", 2, 0.03)
    assert campaign.contacts.count() == 6
    # and start, pause and end move it; a closed campaign does not start again
    url = reverse("calls:campaign_status", kwargs={"campaign_id": campaign.id})
    for status in ("active", "paused", "active", "closed", "active"):
        client.post(url, {"status": status})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED


def test_a_campaign_of_an_events_no_shows(
    client: Client, supervisor: User, district1: Unit, persons: list[Person]
) -> None:
    # given a workshop in the district where two registered and one came
    event = Event.objects.create(
        kind="workshop",
        title="Workshop",
        unit=district1,
        starts_at=DAY - dt.timedelta(days=2),
        ends_at=DAY - dt.timedelta(days=2, hours=-3),
        public_slug="w1",
    )
    for person in persons[:2]:
        Registration.objects.create(
            event=event, person=person, unit=person.home_unit, status="confirmed", source="app"
        )
    came = Registration.objects.get(person=persons[0])
    Attendance.objects.create(event=event, registration=came, scanned_at=DAY - dt.timedelta(days=2))
    client.force_login(supervisor)
    # when a campaign of its no-shows is made
    post = _campaign_post(district1, source=SourceKind.EVENT_NO_SHOWS, event=event.id)
    client.post(reverse("calls:campaign_new"), post)
    campaign = Campaign.objects.get(source=SourceKind.EVENT_NO_SHOWS)
    # then only the registered person who did not come is queued, and the event is kept
    assert campaign.event_id == event.id
    assert list(campaign.contacts.values_list("person_id", flat=True)) == [persons[1].id]


def test_an_agent_may_not_manage_and_another_district_is_not_found(
    client: Client, agent1: User, district2: Unit, campaign: Campaign, script: ScriptVersion
) -> None:
    # given an agent of District 1 and a manager of District 2
    client.force_login(agent1)
    assert client.get(reverse("calls:campaign_new")).status_code == 403
    other = make_user("sup2", district2, Role.CALL_SUPERVISOR)
    client.force_login(other)
    # then District 1's campaign and script are 404 to District 2
    assert (
        client.get(reverse("calls:campaign", kwargs={"campaign_id": campaign.id})).status_code
        == 404
    )
    assert (
        client.get(reverse("calls:script", kwargs={"script_id": script.script_id})).status_code
        == 404
    )
    # and a campaign over District 1 cannot be made from District 2
    response = client.post(
        reverse("calls:campaign_preview"), {"unit": campaign.unit_id, "source": "consent"}
    )
    assert "campaign-preview-count" not in response.content.decode()


def _script_post(
    name: str, steps: list[dict[str, str]], numbers: list[int] | None = None
) -> dict[str, object]:
    """The editor's post: each fieldset's number as `step`, in the page's order."""
    numbers = numbers if numbers is not None else list(range(len(steps)))
    data: dict[str, object] = {"name": name, "step": [str(n) for n in numbers]}
    for n, step in zip(numbers, steps, strict=True):
        data |= {f"s-{n}-{k}": v for k, v in step.items()}
    return data


TWO_STEPS = [
    {
        "key": "aana",
        "kind": "single",
        "hi": "क्या आप आएँगे?",
        "en": "Will you come?",
        "options": "haan | हाँ | Yes | kitne\nnahin | नहीं | No",
        "effect": "register_event",
        "when": "haan",
        "next": "",
    },
    {"key": "kitne", "kind": "number", "hi": "कितने लोग?", "en": "How many?", "min": "0"},
]


def test_a_script_is_written_on_the_page_and_an_edit_is_a_new_version(
    client: Client, supervisor: User, campaign: Campaign
) -> None:
    client.force_login(supervisor)
    # when a two-step script is saved on the page
    response = client.post(reverse("calls:script_new"), _script_post("आमंत्रण", TWO_STEPS))
    script = Script.objects.get(name="आमंत्रण")
    assert response.status_code == 302
    first = script.versions.get()
    assert first.steps[0]["options"][0] == {
        "value": "haan",
        "hi": "हाँ",
        "en": "Yes",
        "next": "kitne",
    }
    assert first.steps[1]["min"] == 0
    # and a campaign uses it, and a call is given that version
    Campaign.objects.filter(id=campaign.id).update(script=first, status="active")
    agent = make_user("agent9", campaign.unit, Role.CALL_AGENT)
    with time_machine.travel(DAY, tick=False):
        contact = services.contact_next(agent=agent, campaign=Campaign.objects.get(id=campaign.id))
        assert contact is not None
        attempt = services.call_start(agent=agent, contact_id=contact.id)
    # when the script is edited
    edited = [{**TWO_STEPS[0], "hi": "क्या आप कार्यशाला में आएँगे?"}, TWO_STEPS[1]]
    client.post(
        reverse("calls:script_edit", kwargs={"script_id": script.id}), _script_post("", edited)
    )
    # then it is version 2, the campaign takes it, and the open call keeps version 1
    assert list(script.versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    now_used = Campaign.objects.get(id=campaign.id).script
    assert now_used is not None
    assert now_used.number == 2
    attempt.refresh_from_db()
    assert attempt.script_id == first.id
    # and the preview walks the branch the answer takes
    page = client.get(
        reverse("calls:script", kwargs={"script_id": script.id}), {"q-aana": "nahin"}
    ).content.decode()
    assert 'data-testid="preview-step-kitne" data-walked="no"' in page


def test_a_broken_script_is_refused_and_what_was_typed_stays(
    client: Client, supervisor: User
) -> None:
    client.force_login(supervisor)
    broken = [{**TWO_STEPS[0], "options": "haan | हाँ | Yes | nowhere"}]
    response = client.post(reverse("calls:script_new"), _script_post("टूटा", broken))
    assert response.status_code == 200
    assert "nowhere" in response.content.decode()
    assert not Script.objects.filter(name="टूटा").exists()
    # and options written without their texts are refused, not a 500
    bad = [{**TWO_STEPS[0], "options": "haan"}]
    assert client.post(reverse("calls:script_new"), _script_post("x", bad)).status_code == 200


def test_scripts_need_a_manager(
    client: Client, agent1: User, district1: Unit, script: ScriptVersion
) -> None:
    client.force_login(agent1)
    assert client.get(reverse("calls:scripts")).status_code == 403
    assert (
        client.get(reverse("calls:script", kwargs={"script_id": script.script_id})).status_code
        == 403
    )
    # and the service checks too
    with pytest.raises(PermissionDenied):
        services.script_save(actor=agent1, name="x", unit=district1, steps=STEPS)


def test_the_editor_adds_and_removes_steps_and_saves_no_blank_ones(
    client: Client, supervisor: User
) -> None:
    client.force_login(supervisor)
    # given a new script's page: one blank step and "Add step" asking for number 1
    page = client.get(reverse("calls:script_new")).content.decode()
    assert 'name="s-0-key"' in page
    assert 'name="s-1-key"' not in page
    assert 'id="script-next-step" name="n" value="1"' in page
    # when "Add step" is clicked, then one more blank step comes, numbered 1, and the next is 2
    added = client.get(reverse("calls:script_step"), {"n": "1"}).content.decode()
    assert 'name="s-1-key"' in added
    assert 'hx-swap-oob="true"' in added
    assert 'value="2"' in added
    assert client.get(reverse("calls:script_step"), {"n": "x"}).status_code == 400
    assert client.get(reverse("calls:script_step_remove")).content == b""
    # when steps 0, 3 and 1 are on the page in that order (2 removed) and one is left blank
    blank = {"key": "", "kind": "single", "hi": "", "en": "", "options": "", "effect": ""}
    third = {**TWO_STEPS[1], "key": "teesra", "hi": "तीसरा?", "en": "Third?", "next": ""}
    steps = [{**TWO_STEPS[0], "next": "teesra"}, third, TWO_STEPS[1], blank]
    response = client.post(
        reverse("calls:script_new"), _script_post("क्रम", steps, numbers=[0, 3, 1, 7])
    )
    # then the script is saved in the page's order, without the blank step
    assert response.status_code == 302
    saved = Script.objects.get(name="क्रम").versions.get().steps
    assert [s["key"] for s in saved] == ["aana", "teesra", "kitne"]
    # and the editor of the saved script shows its three steps and no blank ones
    edit = client.get(
        reverse("calls:script_edit", kwargs={"script_id": Script.objects.get(name="क्रम").id})
    ).content.decode()
    assert 'name="s-2-key"' in edit
    assert 'name="s-3-key"' not in edit


def test_each_step_shows_its_own_faults_and_what_was_typed_stays(
    client: Client, supervisor: User
) -> None:
    client.force_login(supervisor)
    # given a step without its English text, one whose options cannot be read, and a good one
    steps = [
        {**TWO_STEPS[0], "en": "", "options": "haan | हाँ | Yes\nnahin | नहीं | No"},
        {**TWO_STEPS[1], "key": "do", "min": "दो"},
        {**TWO_STEPS[1], "key": "teen", "hi": "तीन लोग?"},
    ]
    response = client.post(reverse("calls:script_new"), _script_post("गलत", steps, [4, 9, 2]))
    page = response.content.decode()
    # then nothing is saved and the page comes back with every step as typed, renumbered
    assert response.status_code == 200
    assert not Script.objects.filter(name="गलत").exists()
    for typed in ("haan | हाँ | Yes", 'value="दो"', "तीन लोग?", 'value="गलत"'):
        assert typed in page
    # and the fault is shown under its own step, the good step carries none
    assert 'data-testid="script-step-errors-1"' in page
    assert "min must be a whole number." in page
    assert 'data-testid="script-step-errors-2"' not in page
    # when the options are fine, the missing English is named under step 0
    steps[1]["min"] = "2"
    page = client.post(reverse("calls:script_new"), _script_post("गलत", steps)).content.decode()
    assert 'data-testid="script-step-errors-0"' in page
    assert "Step aana needs its text in Hindi and English." in page
    assert 'data-testid="script-step-errors-1"' not in page
    # and a script of blank steps only is refused with one blank step to write in
    empty = client.post(reverse("calls:script_new"), {"name": "x", "step": ["0"], "s-0-key": ""})
    assert empty.status_code == 200
    assert 'name="s-0-key"' in empty.content.decode()


def test_the_step_partials_need_a_manager(client: Client, agent1: User) -> None:
    client.force_login(agent1)
    assert client.get(reverse("calls:script_step"), {"n": "1"}).status_code == 403
    assert client.get(reverse("calls:script_step_remove")).status_code == 403
