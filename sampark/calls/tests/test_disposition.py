"""Saving a call: structured answers, their effects elsewhere, call-backs, autosave."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from sampark.accounts.models import User
from sampark.calls import scripts, services
from sampark.calls.enums import ContactStatus
from sampark.calls.models import Campaign, Contact, DoNotCall, Response
from sampark.calls.tests.fixtures import DAY, STEPS
from sampark.people import selectors as people_selectors

pytestmark = pytest.mark.django_db


def _call(campaign: Campaign, agent: User) -> tuple[Contact, int]:
    contact = services.contact_next(agent=agent, campaign=campaign)
    assert contact is not None
    attempt = services.call_start(agent=agent, contact_id=contact.id)
    return contact, attempt.id


def test_answers_are_stored_structured(campaign: Campaign, agent1: User) -> None:
    with time_machine.travel(DAY, tick=False):
        # given a call in progress
        contact, attempt_id = _call(campaign, agent1)
        # when the agent saves answers and a disposition
        services.disposition_save(
            agent=agent1,
            attempt_id=attempt_id,
            disposition="completed",
            answers={"attend": "yes", "count": "12", "topics": ["booth", "it"]},
            note="अच्छी बात",
        )
    # then each answer is one typed row and the contact is done
    stored = dict(Response.objects.filter(attempt_id=attempt_id).values_list("question", "value"))
    assert stored == {"attend": "yes", "count": 12, "topics": ["booth", "it"]}
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DONE
    assert contact.leased_by_id is None
    assert contact.notes.get().text == "अच्छी बात"


def test_an_opt_out_said_on_a_call_withdraws_every_consent_at_once(
    campaign: Campaign, agent1: User
) -> None:
    with time_machine.travel(DAY, tick=False):
        # given a call in progress
        contact, attempt_id = _call(campaign, agent1)
        # when the person says they want no more calls
        services.disposition_save(
            agent=agent1,
            attempt_id=attempt_id,
            disposition="not_interested",
            answers={"attend": "no", "stop": "yes"},
        )
    # then their voice consent is withdrawn at once and the number is on our list
    states = people_selectors.consent_states(
        person_ids={contact.person_id}, purpose="calls", channels={"voice"}
    )
    assert states[(contact.person_id, "voice")] == "withdrawn"
    assert DoNotCall.objects.filter(phone=contact.person.phone).exists()


def test_a_call_back_returns_to_the_same_agent_at_its_time(
    campaign: Campaign, agent1: User, agent2: User
) -> None:
    later = DAY + dt.timedelta(hours=3)
    with time_machine.travel(DAY, tick=False):
        # given agent1 scheduled a call-back in three hours
        contact, attempt_id = _call(campaign, agent1)
        services.disposition_save(
            agent=agent1, attempt_id=attempt_id, disposition="call_back", callback_at=later
        )
    Contact.objects.exclude(id=contact.id).update(status=ContactStatus.DONE)
    with time_machine.travel(later + dt.timedelta(minutes=1), tick=False):
        # when agent2 and then agent1 ask after that time
        for_agent2 = services.contact_next(agent=agent2, campaign=campaign)
        for_agent1 = services.contact_next(agent=agent1, campaign=campaign)
    # then it goes to agent1 only
    assert for_agent2 is None
    assert for_agent1 is not None
    assert for_agent1.id == contact.id


def test_a_call_back_in_the_past_is_refused(campaign: Campaign, agent1: User) -> None:
    with time_machine.travel(DAY, tick=False):
        _contact, attempt_id = _call(campaign, agent1)
        # when the call-back time is already gone
        # then it is refused
        with pytest.raises(ValidationError):
            services.disposition_save(
                agent=agent1,
                attempt_id=attempt_id,
                disposition="call_back",
                callback_at=DAY - dt.timedelta(minutes=1),
            )


def test_autosave_keeps_the_draft_and_renews_the_lease(campaign: Campaign, agent1: User) -> None:
    with time_machine.travel(DAY, tick=False):
        contact, attempt_id = _call(campaign, agent1)
    # when the console autosaves four minutes later
    with time_machine.travel(DAY + dt.timedelta(minutes=4), tick=False):
        services.draft_save(agent=agent1, attempt_id=attempt_id, draft={"note": "आधा लिखा"})
    # then the draft is stored and the lease runs five minutes from then
    contact.refresh_from_db()
    assert contact.calls.get().draft == {"note": "आधा लिखा"}
    assert contact.lease_until == DAY + dt.timedelta(minutes=9)


def test_another_agent_cannot_save_my_call(campaign: Campaign, agent1: User, agent2: User) -> None:
    with time_machine.travel(DAY, tick=False):
        _contact, attempt_id = _call(campaign, agent1)
        # when agent2 posts to agent1's call
        # then it is refused
        with pytest.raises(PermissionDenied):
            services.disposition_save(agent=agent2, attempt_id=attempt_id, disposition="completed")


def test_retries_stop_after_the_attempt_limit(campaign: Campaign, agent1: User) -> None:
    # given a contact that never answers
    first = campaign.contacts.order_by("id").first()
    assert first is not None
    campaign.contacts.exclude(id=first.id).update(status=ContactStatus.DONE)
    at = DAY
    for _ in range(3):
        with time_machine.travel(at, tick=False):
            _c, attempt_id = _call(campaign, agent1)
            services.disposition_save(agent=agent1, attempt_id=attempt_id, disposition="no_answer")
        at += services.RETRY_AFTER
    # then after three attempts it is done
    first.refresh_from_db()
    assert (first.attempts, first.status) == (3, ContactStatus.DONE)


def test_the_script_branches_on_the_answer() -> None:
    steps = scripts.validate_steps(STEPS)
    # given "no" to the first question
    walked = [s["key"] for s in scripts.path(steps, {"attend": "no"})]
    # then the next question asked is the opt-out one
    assert walked == ["attend", "stop"]
    assert [s["key"] for s in scripts.path(steps, {"attend": "yes"})] == ["attend", "count"]


@pytest.mark.parametrize(
    ("steps", "_case"),
    [
        ([{"key": "a", "kind": "single", "hi": "x", "en": "x", "options": []}], "no_options"),
        ([{"key": "a", "kind": "text", "hi": "x", "en": "x", "next": "zz"}], "jump_nowhere"),
        ([{"key": "a", "kind": "text", "hi": "", "en": "x"}], "no_hindi"),
        ([{"key": "a", "kind": "dance", "hi": "x", "en": "x"}], "unknown_kind"),
    ],
)
def test_a_broken_script_is_refused(steps: list[dict[str, object]], _case: str) -> None:
    with pytest.raises(ValidationError):
        scripts.validate_steps(steps)
