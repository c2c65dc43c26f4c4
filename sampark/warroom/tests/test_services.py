"""War-room services: opening (idempotent), triage, first-writer-wins, responses from template to
publication, the approval rule, SLA escalation, official accounts and the slow-down check."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.content import expansion
from sampark.content.enums import ItemState
from sampark.content.models import ContentItem, Delivery
from sampark.content.tests.fixtures import add_volunteers
from sampark.core.models import AuditEvent
from sampark.factcheck.enums import MatchBand, Verdict
from sampark.factcheck.models import FactCheck
from sampark.geo.models import Unit
from sampark.monitoring.enums import AlertKind
from sampark.monitoring.models import Alert, NarrativeHour
from sampark.monitoring.tests.factories import build_world
from sampark.warroom import official, selectors
from sampark.warroom.enums import EventKind, IncidentState, Language, ResponseState, SlaStatus
from sampark.warroom.errors import WarroomError
from sampark.warroom.models import Incident, IncidentEvent, Response
from sampark.warroom.services import incidents as incident_services
from sampark.warroom.services import responses as response_services
from sampark.warroom.services import templates as template_services
from sampark.warroom.services import triage as triage_services
from sampark.warroom.tests.fixtures import CLAIM

pytestmark = pytest.mark.django_db

LABEL_HI = "हमारा जवाब, BOOM की तथ्य-जाँच के हवाले से"
LABEL_EN = "Our response, citing BOOM's fact-check"


# -- opening and triage ------------------------------------------------------------------------


def test_manual_incident_is_triaged_with_its_best_fact_check(incident, fact_check):
    # given a manual incident whose claim is the fact-checked claim (fixture)
    # then it is triaged at once, with the fact-check as its best match and an SLA deadline
    assert incident.state == IncidentState.TRIAGED
    assert incident.matches
    assert incident.matches[0]["fact_check_id"] == fact_check.id
    assert incident.match_verdict == Verdict.FALSE
    assert incident.sla_due_at is not None
    kinds = list(IncidentEvent.objects.filter(incident=incident).values_list("kind", flat=True))
    assert kinds == [EventKind.OPENED, EventKind.TRIAGED]
    assert AuditEvent.objects.filter(object_type="incident", object_id=incident.id).count() == 2


def test_opening_from_a_narrative_twice_gives_one_incident(tree, district1, district2, alice):
    # given a narrative seen in the listening feed
    world = build_world(district1=district1, district2=district2)
    # when the state head opens it twice and the pipeline once more
    first, created = incident_services.incident_open_from_narrative(
        narrative_id=world["shared"].id, actor=alice
    )
    again, created_again = incident_services.incident_open_from_narrative(
        narrative_id=world["shared"].id, actor=alice
    )
    third, _c = incident_services.incident_open_from_narrative(narrative_id=world["shared"].id)
    # then one incident exists, with the narrative's reach, velocity and districts
    assert created is True
    assert created_again is False
    assert first.id == again.id == third.id
    assert Incident.objects.count() == 1
    assert first.reach == world["shared"].posts
    assert first.velocity == world["shared"].velocity
    assert first.district_ids == [district1.id]


def test_an_alert_on_an_open_narrative_joins_its_incident(tree, district1, district2, alice):
    # given an open incident on a narrative
    world = build_world(district1=district1, district2=district2)
    incident, _c = incident_services.incident_open_from_narrative(
        narrative_id=world["shared"].id, actor=alice
    )
    alert = Alert.objects.create(
        kind=AlertKind.VELOCITY, unit=tree.state, narrative=world["shared"], message="fast"
    )
    # when the velocity alert is opened (twice)
    joined, created = incident_services.incident_open_from_alert(alert_id=alert.id, actor=alice)
    incident_services.incident_open_from_alert(alert_id=alert.id, actor=alice)
    # then it is the same incident, with one "linked" line on its timeline
    assert created is False
    assert joined.id == incident.id
    assert incident.events.filter(kind=EventKind.LINKED).count() == 1


def test_closed_narrative_incident_allows_a_new_one(tree, district1, district2, alice):
    # given a closed incident on a narrative
    world = build_world(district1=district1, district2=district2)
    old, _c = incident_services.incident_open_from_narrative(
        narrative_id=world["shared"].id, actor=alice
    )
    incident_services.incident_transition(
        incident_id=old.id, to_state=IncidentState.CLOSED, actor=alice
    )
    # when the narrative flares up again
    new, created = incident_services.incident_open_from_narrative(
        narrative_id=world["shared"].id, actor=alice
    )
    # then a new incident opens, and the old one cannot be reopened beside it
    assert created is True
    assert new.id != old.id
    with pytest.raises(WarroomError):
        incident_services.incident_transition(
            incident_id=old.id, to_state=IncidentState.TRIAGED, actor=alice
        )


@pytest.mark.parametrize(
    ("signals", "expected"),
    [
        (triage_services.Signals(), 1),
        (triage_services.Signals(reach=150, velocity=12), 2),
        (triage_services.Signals(reach=150, velocity=12, watch_hits=1, district_ids=[1, 2, 3]), 3),
        (
            triage_services.Signals(reach=5000, velocity=80, watch_hits=20, district_ids=[1, 2, 3]),
            4,
        ),
        (
            triage_services.Signals(
                reach=150, velocity=12, match_band=MatchBand.AUTO, match_verdict=Verdict.FALSE
            ),
            2,
        ),
        (
            triage_services.Signals(
                reach=150,
                velocity=12,
                watch_hits=1,
                match_band=MatchBand.AUTO,
                match_verdict=Verdict.FALSE,
            ),
            3,
        ),
        (
            triage_services.Signals(
                reach=150, match_band=MatchBand.AUTO, match_verdict=Verdict.TRUE
            ),
            1,
        ),
    ],
    ids=[
        "nothing_case",
        "reach_velocity_case",
        "spreading_case",
        "viral_case",
        "known_false_case",
        "known_false_watched_case",
        "rated_true_case",
    ],
)
def test_severity_rule(signals, expected):
    assert triage_services.severity_for(signals) == expected


# -- taking an incident ------------------------------------------------------------------------


def test_second_assign_loses(analyst, analyst2, incident):
    # given an incident already taken by another analyst
    assert incident_services.incident_assign(
        incident_id=incident.id, assignee=analyst2, actor=analyst2
    )
    # when a second analyst tries to take it
    won = incident_services.incident_assign(
        incident_id=incident.id, assignee=analyst, actor=analyst
    )
    # then they lose, and exactly one assignment is on the timeline
    assert won is False
    incident.refresh_from_db()
    assert incident.assignee == analyst2
    assert incident.state == IncidentState.RESPONDING
    assert incident.events.filter(kind=EventKind.ASSIGNED).count() == 1


def test_outsider_cannot_take_an_incident(outsider_analyst, incident):
    with pytest.raises(PermissionDenied):
        incident_services.incident_assign(
            incident_id=incident.id, assignee=outsider_analyst, actor=outsider_analyst
        )
    incident.refresh_from_db()
    assert incident.assignee is None


def test_manual_transitions_are_guarded(alice, incident):
    # a triaged incident cannot jump to published by hand
    with pytest.raises(WarroomError):
        incident_services.incident_transition(
            incident_id=incident.id, to_state=IncidentState.PUBLISHED, actor=alice
        )
    incident_services.incident_transition(
        incident_id=incident.id, to_state=IncidentState.CLOSED, actor=alice, note="not spreading"
    )
    incident.refresh_from_db()
    assert incident.state == IncidentState.CLOSED
    assert incident.closed_at is not None


# -- responses ---------------------------------------------------------------------------------


def test_template_fills_placeholders_in_hindi_and_keeps_the_label(
    bob, incident, fact_check, template_hi
):
    # when bob drafts from the Hindi template
    response = response_services.response_draft(
        incident_id=incident.id, author=bob, template_hi_id=template_hi.id
    )
    # then the claim, the verdict in Hindi, the publisher and the link are filled in
    assert f"दावा: {CLAIM}" in response.text_hi
    assert "यह दावा झूठा है।" in response.text_hi
    assert "BOOM ने इसकी जाँच की है: https://www.boomlive.in/fact-check/evm-bluetooth-hack" in (
        response.text_hi
    )
    assert "{unknown}" in response.text_hi  # other braces are left as written
    # and the best match is cited, with the label in front of the text
    assert response.fact_check == fact_check
    assert response.full_text_hi.startswith(LABEL_HI + "\n\n")
    incident.refresh_from_db()
    assert incident.state == IncidentState.RESPONDING


def test_the_label_cannot_be_edited_away(bob, incident, fact_check):
    response = response_services.response_draft(incident_id=incident.id, author=bob)
    # when the author writes a text without any label
    response_services.response_update(
        response_id=response.id,
        actor=bob,
        text_hi="यह खबर झूठी है।",
        text_en="",
        fact_check_id=fact_check.id,
    )
    response.refresh_from_db()
    # then the label is still put in front of it
    assert response.full_text_hi == f"{LABEL_HI}\n\nयह खबर झूठी है।"
    assert response.label_en == LABEL_EN


def test_submit_needs_a_cited_fact_check(bob, district1):
    incident = incident_services.incident_open_manual(
        actor=bob, unit=district1, title="कोई नई अफवाह"
    )
    response = response_services.response_draft(incident_id=incident.id, author=bob, text_hi="जवाब")
    assert response.fact_check is None
    with pytest.raises(WarroomError):
        response_services.response_submit(response_id=response.id, actor=bob)


def test_own_responses_cannot_be_cited(bob, incident):
    own = FactCheck.objects.create(
        url="https://example.org/our-response", claim_reviewed=CLAIM, is_own_response=True
    )
    with pytest.raises(WarroomError):
        response_services.response_draft(incident_id=incident.id, author=bob, fact_check_id=own.id)


def test_author_cannot_approve_own_response(alice, district1, fact_check):
    # given a response written by the state head herself
    incident = incident_services.incident_open_manual(actor=alice, unit=district1, title=CLAIM)
    response = response_services.response_draft(
        incident_id=incident.id, author=alice, fact_check_id=fact_check.id, text_hi="जवाब"
    )
    response_services.response_submit(response_id=response.id, actor=alice)
    # when she approves it, then she is refused
    with pytest.raises(PermissionDenied):
        response_services.response_approve(response_id=response.id, actor=alice)
    response.refresh_from_db()
    assert response.state == ResponseState.AWAITING_APPROVAL


@pytest.mark.parametrize("who", ["analyst_case", "other_district_case"])
def test_approver_must_be_above_the_author(who, submitted, analyst, district2):
    # an analyst cannot approve; nor can the in-charge of another district
    approver = (
        analyst if who == "analyst_case" else make_user("gita", district2, Role.DISTRICT_INCHARGE)
    )
    with pytest.raises(PermissionDenied):
        response_services.response_approve(response_id=submitted.id, actor=approver)


def test_reject_sends_it_back_with_a_note(alice, bob, submitted):
    response_services.response_reject(response_id=submitted.id, actor=alice, note="स्रोत जोड़ें")
    submitted.refresh_from_db()
    assert submitted.state == ResponseState.REJECTED
    assert submitted.incident.state == IncidentState.RESPONDING
    # the author edits it and it is a draft again
    response_services.response_update(
        response_id=submitted.id,
        actor=bob,
        text_hi="नया जवाब",
        text_en="",
        fact_check_id=submitted.fact_check_id,
    )
    submitted.refresh_from_db()
    assert submitted.state == ResponseState.DRAFT


def test_publish_sends_a_labelled_kit_to_the_affected_units(tree, alice, bob, submitted, district1):
    # given volunteers in both districts and an approved response to District 1's incident
    volunteers = add_volunteers(tree.booths)
    response_services.response_approve(response_id=submitted.id, actor=alice, note="ठीक")
    # when it is published
    response = response_services.response_publish(response_id=submitted.id, actor=alice)
    # then an approved kit exists, written by the author and approved by the approver
    item = ContentItem.objects.get(origin=f"warroom.response:{response.id}")
    assert item.author == bob
    assert item.reviewer == alice
    assert item.state == ItemState.SCHEDULED
    assert item.unit == district1
    assert item.text_hi.startswith(LABEL_HI)
    assert item.text_en.startswith(LABEL_EN)
    # and its distribution reaches District 1's volunteers only, once each
    assert response.distribution is not None
    assert list(response.distribution.targets.all()) == [district1]
    expansion.expand(distribution_id=response.distribution.id)
    expected = {
        p.id for p in volunteers.people if volunteers.booth_of[p.id].district_id == district1.id
    }
    got = set(
        Delivery.objects.filter(distribution=response.distribution).values_list(
            "person_id", flat=True
        )
    )
    assert got == expected
    assert expected
    # and the response is on record as our own fact-check, the incident published
    own = FactCheck.objects.get(is_own_response=True)
    assert own.url.endswith(f"/warroom/responses/{response.id}")  # canonical form
    assert own.verdict == Verdict.FALSE
    response.incident.refresh_from_db()
    assert response.incident.state == IncidentState.PUBLISHED
    assert response.incident.events.filter(kind=EventKind.RESPONSE_PUBLISHED).exists()
    assert response.official == {}
    assert response.official_pending is False


def test_only_an_approved_response_is_published(alice, submitted):
    with pytest.raises(WarroomError):
        response_services.response_publish(response_id=submitted.id, actor=alice)


def test_state_incident_goes_to_its_affected_districts(tree, alice, district1):
    # a state-level incident spreading in District 1 only is sent to District 1
    incident = incident_services.incident_open_manual(actor=alice, unit=tree.state, title=CLAIM)
    Incident.objects.filter(id=incident.id).update(district_ids=[district1.id])
    incident.refresh_from_db()
    assert response_services.distribution_targets(incident) == [district1.id]
    Incident.objects.filter(id=incident.id).update(district_ids=[])
    incident.refresh_from_db()
    assert response_services.distribution_targets(incident) == [tree.state.id]


@override_settings(SAMPARK_OFFICIAL_ACCOUNTS={"x": True, "facebook": False, "telegram": True})
def test_official_accounts_are_posted_once_after_publication(alice, submitted, monkeypatch):
    # given the X account switched on (with a fake connector) and Telegram on without one
    import sampark.integrations.official as connectors

    posted: list[str] = []

    def fake_post_x(text: str) -> str:
        posted.append(text)
        return "1789"

    monkeypatch.setattr(connectors, "post_x", fake_post_x)
    monkeypatch.delattr(connectors, "post_telegram_channel")
    response_services.response_approve(response_id=submitted.id, actor=alice)
    response = response_services.response_publish(response_id=submitted.id, actor=alice)
    assert response.official == {"x": {"status": "queued"}, "telegram": {"status": "queued"}}
    # when the worker step runs twice
    assert official.post_pending() == 1
    assert official.post_pending() == 0
    # then X got one labelled post within its limit, and Telegram is "not configured"
    response.refresh_from_db()
    assert response.official["x"] == {"status": "posted", "id": "1789"}
    assert response.official["telegram"] == {"status": "not_configured"}
    assert len(posted) == 1
    assert posted[0].startswith(LABEL_HI)
    assert len(posted[0]) <= 280
    assert response.incident.events.filter(kind=EventKind.OFFICIAL_POSTED).count() == 1


# -- SLA ---------------------------------------------------------------------------------------


def test_sla_escalation_happens_once_when_the_deadline_passes(incident):
    # given a low-severity incident (12 hours to respond)
    assert incident.severity == 1
    due = incident.sla_due_at
    assert due is not None
    # when the clock is a minute before the deadline, nothing happens
    with time_machine.travel(due - dt.timedelta(minutes=1)):
        assert incident_services.sla_check() == 0
        assert selectors.sla_status(incident) == SlaStatus.DUE_SOON
    # and a minute after it, the incident is escalated, once
    with time_machine.travel(due + dt.timedelta(minutes=1)):
        assert incident_services.sla_check() == 1
        assert incident_services.sla_check() == 0
        incident.refresh_from_db()
        assert incident.escalated_at is not None
        assert selectors.sla_status(incident) == SlaStatus.OVERDUE
    event = incident.events.get(kind=EventKind.ESCALATED)
    assert event.data["minutes_late"] == 1


def test_published_incidents_are_not_escalated(alice, submitted):
    response_services.response_approve(response_id=submitted.id, actor=alice)
    response_services.response_publish(response_id=submitted.id, actor=alice)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert incident_services.sla_check() == 0


# -- the slow-down check -----------------------------------------------------------------------


def test_response_effect_compares_posts_per_hour_before_and_after(
    tree, district1, district2, alice
):
    world = build_world(district1=district1, district2=district2)
    incident, _c = incident_services.incident_open_from_narrative(
        narrative_id=world["shared"].id, actor=alice
    )
    published = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    Incident.objects.filter(id=incident.id).update(published_at=published)
    incident.refresh_from_db()
    NarrativeHour.objects.filter(narrative=world["shared"]).delete()
    for h, posts in [(-3, 30), (-1, 30), (0, 6), (2, 6)]:
        NarrativeHour.objects.create(
            narrative=world["shared"],
            district_key=district1.id,
            hour=published + dt.timedelta(hours=h),
            posts=posts,
        )
    effect = selectors.response_effect(
        incident=incident, now=published + dt.timedelta(hours=3, minutes=10)
    )
    assert effect is not None
    assert effect.before == 10.0  # 60 posts in 6 hours
    assert effect.after == 4.0  # 12 posts in the 3 full hours since
    assert effect.slowed is True
    assert effect.change_percent == -60


def test_template_for_everyone_is_state_only(bob):
    with pytest.raises(PermissionDenied):
        template_services.template_save(
            actor=bob, name="x", language=Language.HINDI, body="{claim}", unit=None
        )
    district_template = template_services.template_save(
        actor=bob,
        name="x",
        language=Language.HINDI,
        body="{claim}",
        unit=Unit.objects.get(id=bob.unit_id),
    )
    assert district_template.unit_id == bob.unit_id


def test_response_lookup_count(submitted):
    assert Response.objects.filter(incident=submitted.incident).count() == 1


@pytest.mark.parametrize(
    ("_case", "raw", "title"),
    [
        ("arrow", "⏩ Forwarded 2000 रुपये के नए नोट में GPS चिप", "2000 रुपये के नए नोट में GPS चिप"),
        (
            "markdown",
            "*Forwarded as received* EVM machines can be hacked",
            "EVM machines can be hacked",
        ),
        ("hindi", "फॉरवर्ड किया गया bhai log dhyan do", "bhai log dhyan do"),
        ("plain", "Forward-looking statement by the CM", "Forward-looking statement by the CM"),
    ],
)
def test_incident_titles_drop_forward_marks(_case, raw, title):
    assert incident_services.headline(raw) == title
