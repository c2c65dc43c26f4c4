"""Pulling signals from the apps below into inboxes: scope, idempotence, paging rounds."""

from __future__ import annotations

import datetime as dt

import time_machine

from sampark.accounts.models import User
from sampark.directives import services as directive_services
from sampark.geo.models import Unit
from sampark.notify import pull, selectors
from sampark.notify.enums import Kind
from sampark.notify.models import Notification
from sampark.warroom.enums import DutyRole, Severity
from sampark.warroom.models import Incident, Shift
from sampark.warroom.services import incidents as incident_services

T0 = dt.datetime(2026, 12, 6, 6, 0, tzinfo=dt.UTC)  # 11:30 IST


def _incident(bob: User, district1: Unit, severity: int = Severity.HIGH) -> Incident:
    return incident_services.incident_open_manual(
        actor=bob, unit=district1, title="EVM rumour", severity=severity
    )


def test_it_tells_staff_of_a_new_incident_in_their_area_and_nobody_else(
    bob, alice, analyst, outsider_analyst, district1
):
    # given an incident opened in District 1
    incident = _incident(bob, district1)

    # when the worker pulls, twice (a crash and a restart)
    pull.new_incidents()
    pull.new_incidents()

    # then bob (District 1) and the state analyst have it once; District 2's analyst does not
    rows = Notification.objects.filter(signal=f"incident:{incident.id}")
    assert sorted(rows.values_list("user__username", flat=True)) == ["alice", "bob", "dana"]
    assert not Notification.objects.filter(user=outsider_analyst).exists()


def test_it_skips_incidents_below_the_users_minimum_severity(bob, district1):
    # given a low incident (the default minimum is medium)
    _incident(bob, district1, severity=Severity.LOW)

    # when the worker pulls
    pull.new_incidents()

    # then bob is not told
    assert selectors.unread_count(user=bob) == 0


def _escalated(bob: User, district1: Unit) -> Incident:
    incident = _incident(bob, district1)
    Incident.objects.filter(id=incident.id).update(sla_due_at=T0 - dt.timedelta(minutes=1))
    incident_services.sla_check(now=T0)
    return incident


def test_a_missed_sla_pages_the_shift_then_its_lead_until_someone_takes_it(
    bob, analyst, lead, tree, district1
):
    # given an analyst and a lead on duty at the state war room, and an escalated incident
    for user, role in ((analyst, DutyRole.ANALYST), (lead, DutyRole.LEAD)):
        Shift.objects.create(
            unit=tree.state,
            user=user,
            role=role,
            starts_at=T0 - dt.timedelta(hours=2),
            ends_at=T0 + dt.timedelta(hours=6),
        )
    with time_machine.travel(T0, tick=False):
        incident = _escalated(bob, district1)

        # when the worker pages (and again before the re-page is due)
        pull.pages()
        pull.pages()

    # then the analyst has page 1, the lead nothing yet
    assert [n.signal for n in selectors.inbox(user=analyst)] == [f"page:{incident.id}:0"]
    assert not selectors.inbox(user=lead).filter(kind=Kind.PAGE).exists()

    # when nobody takes it for the re-page interval
    with time_machine.travel(T0 + dt.timedelta(minutes=11), tick=False):
        pull.pages()
    # then the lead is paged too
    assert selectors.inbox(user=lead).filter(signal=f"page:{incident.id}:1").exists()

    # when the analyst takes it, the pages stop
    incident_services.incident_assign(incident_id=incident.id, assignee=analyst, actor=analyst)
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        pull.pages()
    assert not Notification.objects.filter(signal=f"page:{incident.id}:2").exists()


def test_directives_reach_the_unit_then_remind_then_escalate(alice, bob, district1, tree):
    # given a directive from the state to every district, due tomorrow (IST)
    with time_machine.travel(T0, tick=False):
        directive = directive_services.directive_send(
            sender=alice,
            title="Booth lists",
            body="",
            due=(T0 + dt.timedelta(days=1)).date(),
            level="district",
        )
        # when the worker pulls new directives
        pull.new_directives()
    # then bob (District 1's in-charge) is told
    assert selectors.inbox(user=bob).filter(kind=Kind.DIRECTIVE).count() == 1

    # when the due date comes within a day and bob has not acknowledged
    with time_machine.travel(T0 + dt.timedelta(hours=20), tick=False):
        pull.directive_reminders()
        pull.directive_reminders()
    assert selectors.inbox(user=bob).filter(kind=Kind.REMINDER).count() == 1

    # when 48 hours pass unacknowledged, the sender is told once per parent unit
    with time_machine.travel(T0 + dt.timedelta(hours=49), tick=False):
        pull.directive_escalations()
        pull.directive_escalations()
    escalations = selectors.inbox(user=alice).filter(kind=Kind.ESCALATION)
    assert [n.signal for n in escalations] == [f"escalation:{directive.id}:{tree.state.id}"]


def test_a_notification_is_never_made_outside_the_users_subtree(charlie, district1):
    # given a draft about District 1 and charlie in District 2
    from sampark.notify.services import Draft, notification_create

    draft = Draft(kind=Kind.DIRECTIVE, signal="x:1", unit=district1, title="secret")

    # when it is addressed to charlie
    made = notification_create(user=charlie, draft=draft)

    # then nothing is made
    assert made is None
    assert not Notification.objects.filter(user=charlie).exists()


def test_the_sender_is_told_when_a_long_send_finishes(alice, bob, tree):
    # given a finished distribution sent by alice from the state
    from sampark.content.enums import DistributionStatus
    from sampark.content.models import ContentItem, Distribution

    item = ContentItem.objects.create(title="आज का संदेश", unit=tree.state, author=alice)
    with time_machine.travel(T0, tick=False):
        dist = Distribution.objects.create(
            item=item,
            unit=tree.state,
            created_by=alice,
            status=DistributionStatus.DONE,
            targeted=125000,
            finished_at=T0,
        )
        # when the worker pulls finished jobs, twice
        pull.jobs_finished()
        pull.jobs_finished()

    # then alice alone is told, once, with the count in Indian grouping
    rows = Notification.objects.filter(signal=f"job:distribution:{dist.id}")
    assert [(n.user_id, n.kind) for n in rows] == [(alice.id, Kind.JOB)]
    assert "1,25,000" in rows[0].title


def test_the_cursor_waits_for_late_commits_and_tells_nobody_twice(bob, district1):
    # given a new incident
    from sampark.notify.models import Cursor

    with time_machine.travel(T0, tick=False):
        incident = _incident(bob, district1)
    # when the worker pulls within the settling window, and again after it
    with time_machine.travel(T0 + dt.timedelta(seconds=10), tick=False):
        pull.new_incidents()
    early = Cursor.objects.filter(name="incidents").first()
    with time_machine.travel(T0 + dt.timedelta(minutes=3), tick=False):
        pull.new_incidents()
    # then the cursor moved only once the incident settled, and bob was told once
    assert early is None
    assert Cursor.objects.get(name="incidents").position == incident.id
    assert Notification.objects.filter(user=bob, signal=f"incident:{incident.id}").count() == 1


def test_reviewers_are_told_of_a_kit_waiting_and_not_the_author(alice, bob, tree):
    # given a kit by bob in District 1 sent for review
    from sampark.content.enums import ItemState
    from sampark.content.models import ContentItem

    item = ContentItem.objects.create(
        title="किसान योजना",
        unit=bob.unit,
        author=bob,
        state=ItemState.IN_REVIEW,
        submitted_at=T0,
    )
    # when the worker pulls approvals
    with time_machine.travel(T0 + dt.timedelta(minutes=1), tick=False):
        pull.approvals()
        pull.approvals()
    # then alice (the state head reviews content) is told once; bob, its author, is not
    rows = Notification.objects.filter(signal__startswith=f"approval:item:{item.id}:")
    assert [n.user_id for n in rows] == [alice.id]
