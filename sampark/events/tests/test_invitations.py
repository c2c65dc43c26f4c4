"""Event invitations and reminders through content's channels and the shared sending rules."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.content import expansion, sending
from sampark.content.enums import DeliveryStatus, DistributionKind
from sampark.content.models import Delivery, Distribution
from sampark.content.tests.fixtures import EPOCH, add_volunteers
from sampark.events import messaging
from sampark.events.models import Event, Registration
from sampark.events.services import registration_create
from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent, Person
from sampark.rules.enums import HoldReason

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
NOON = dt.datetime(2026, 12, 10, 12, 0, tzinfo=IST)
NIGHT = dt.datetime(2026, 12, 10, 23, 0, tzinfo=IST)


def _consent(people: list[Person], purpose: str = "events") -> None:
    for person in people:
        ConsentEvent.objects.create(
            person=person,
            purpose=purpose,
            channel="push",
            action=ConsentAction.GIVEN,
            notice_version="v1",
            source="test",
            at=EPOCH,
        )


@pytest.fixture
def district_volunteers(numbered, workshop):
    """Booth volunteers of the workshop's district (consent for events) and of another district
    (no invitation for them)."""
    mine = [b for b in numbered.booths if b.district_id == workshop.unit_id]
    other = [b for b in numbered.booths if b.district_id != workshop.unit_id]
    vols = add_volunteers(mine, per_booth=2, consent=False)
    _consent(vols.people)
    outsiders = add_volunteers(other[:2], per_booth=1, consent=False, start=5000)
    _consent(outsiders.people)
    return vols


def _send_all() -> None:
    sender = sending.Sender(owner="w1", channels=["push"])
    while sender.step():
        pass


def test_it_invites_the_districts_booth_volunteers_through_the_rules(
    bob, workshop, district_volunteers
):
    # given the district in-charge, and one volunteer who withdrew consent for events
    quitter = district_volunteers.people[0]
    ConsentEvent.objects.create(
        person=quitter,
        purpose="events",
        channel="push",
        action=ConsentAction.WITHDRAWN,
        notice_version="v1",
        source="test",
        at=EPOCH + dt.timedelta(days=1),
    )
    expected = messaging.EXPECTED_POSITIONS["district_workshop"]
    # when they preview, invite and the sender runs at noon
    preview = messaging.audience_preview(event=workshop, positions=expected)
    with time_machine.travel(NOON, tick=False):
        did = messaging.event_invite(actor=bob, event_id=workshop.id, positions=expected)
        expansion.expand(distribution_id=did)
        _send_all()
    # then every volunteer of the district has one row, sent but for the one without consent
    d = Distribution.objects.get(id=did)
    assert d.kind == DistributionKind.EVENT
    assert d.purpose == "events"
    rows = Delivery.objects.filter(distribution=d)
    assert preview == len(district_volunteers.people) == rows.count()
    assert rows.filter(status=DeliveryStatus.SENT).count() == preview - 1
    assert rows.get(person=quitter).status == DeliveryStatus.CANCELLED
    assert f"#event-{workshop.id}" in d.link
    assert workshop.title in d.item.text_hi


def test_an_invitation_at_night_waits_for_the_morning(client, bob, workshop, district_volunteers):
    # given an invitation sent at 23:00 IST
    with time_machine.travel(NIGHT, tick=False):
        did = messaging.event_invite(actor=bob, event_id=workshop.id, positions=["booth_president"])
        expansion.expand(distribution_id=did)
        _send_all()
    # then it is held for quiet hours, not sent
    rows = Delivery.objects.filter(distribution_id=did)
    assert rows.count() > 0
    assert set(rows.values_list("status", "hold_reason")) == {
        (DeliveryStatus.HELD, HoldReason.QUIET_HOURS)
    }
    # and the organiser's page says why
    client.force_login(bob)
    page = client.get(f"/events/{workshop.id}/invite/", HTTP_ACCEPT_LANGUAGE="en")
    [(_row, why)] = page.context["sent"]
    assert why == f"{HoldReason.QUIET_HOURS.label}: {rows.count()}"


def test_an_analyst_may_not_invite(workshop, district_volunteers):
    analyst = make_user("ana", workshop.unit, Role.ANALYST)
    with pytest.raises(Exception, match="not"):
        messaging.event_invite(actor=analyst, event_id=workshop.id, positions=["booth_president"])
    assert not Distribution.objects.exists()


def _register(workshop: Event, people: list[Person]) -> list[Registration]:
    Registration.objects.filter(event=workshop).delete()
    Event.objects.filter(id=workshop.id).update(capacity=0)
    return [registration_create(event_id=workshop.id, person_id=p.id, source="app") for p in people]


def test_reminders_go_once_a_day_before_and_two_hours_before(workshop, district_volunteers):
    # given three registered volunteers
    regs = _register(workshop, district_volunteers.people[:3])
    start = workshop.starts_at
    # when the step runs twice 20 hours before, then twice 90 minutes before
    day = [messaging.reminders_send(now=start - dt.timedelta(hours=20)) for _ in range(2)]
    hours = [messaging.reminders_send(now=start - dt.timedelta(minutes=90)) for _ in range(2)]
    # then each reminder was queued once per registration
    assert day == [3, 0]
    assert hours == [3, 0]
    notices = Distribution.objects.filter(kind=DistributionKind.NOTICE)
    assert notices.count() == 2
    for d in notices:
        assert sorted(
            Delivery.objects.filter(distribution=d).values_list("person_id", flat=True)
        ) == sorted(r.person_id for r in regs)
    assert Registration.objects.filter(event=workshop, reminded_day__isnull=True).count() == 0


def test_nothing_is_due_three_days_before(workshop, district_volunteers):
    _register(workshop, district_volunteers.people[:2])
    assert messaging.reminders_send(now=workshop.starts_at - dt.timedelta(days=3)) == 0


def test_a_crash_before_the_stamp_queues_nothing(workshop, district_volunteers, monkeypatch):
    # given two registrations, and a worker that dies while stamping them
    _register(workshop, district_volunteers.people[:2])
    now = workshop.starts_at - dt.timedelta(hours=20)

    def boom(*args, **kwargs):
        raise RuntimeError("killed")

    with monkeypatch.context() as m:
        m.setattr(Registration.objects, "filter", _fail_on_update(boom))
        with pytest.raises(RuntimeError):
            messaging.remind_event(event_id=workshop.id, kind=messaging.DAY, now=now)
    # then nothing was queued; the next run queues each person once
    assert Delivery.objects.count() == 0
    assert messaging.remind_event(event_id=workshop.id, kind=messaging.DAY, now=now) == 2
    assert Delivery.objects.count() == 2


def _fail_on_update(boom: Callable[..., Any]) -> Callable[..., Any]:
    real = Registration.objects.filter

    def filter_(*args: Any, **kwargs: Any) -> Any:
        qs = real(*args, **kwargs)
        if "id__in" in kwargs:
            qs.update = boom  # type: ignore[method-assign]
        return qs

    return filter_


def test_a_cancelled_registration_gets_no_reminder(workshop, district_volunteers):
    regs = _register(workshop, district_volunteers.people[:2])
    Registration.objects.filter(id=regs[0].id).update(status="cancelled")
    assert messaging.reminders_send(now=workshop.starts_at - dt.timedelta(hours=3)) == 1


def test_the_invite_page_counts_sends_and_shows_progress(
    client, bob, workshop, district_volunteers
):
    # given the district in-charge on the invite page
    client.force_login(bob)
    page = client.get(f"/events/{workshop.id}/invite/")
    assert page.status_code == 200
    assert page.context["audience"] == len(district_volunteers.people)
    # when they count one position, then send to it
    one = client.get(f"/events/{workshop.id}/invite/?positions=booth_president")
    sent = client.post(f"/events/{workshop.id}/invite/", {"positions": ["booth_president"]})
    # then the count is that position's holders, and the invitation is listed with its total
    assert one.context["audience"] == len(district_volunteers.people) // 2
    assert sent.status_code == 302
    d = Distribution.objects.get(kind=DistributionKind.EVENT)
    expansion.expand(distribution_id=d.id)
    after = client.get(f"/events/{workshop.id}/invite/")
    assert [r.progress.total for r, _why in after.context["sent"]] == [one.context["audience"]]
    assert 'data-testid="invite-progress"' in after.content.decode()


def test_the_invite_page_is_a_404_outside_and_a_403_without_run_events(
    client, charlie, workshop, district2
):
    client.force_login(charlie)
    assert client.get(f"/events/{workshop.id}/invite/").status_code == 404
    analyst = make_user("ana", workshop.unit, Role.ANALYST)
    client.force_login(analyst)
    assert client.get(f"/events/{workshop.id}/invite/").status_code == 403
    assert client.post(f"/events/{workshop.id}/invite/", {"positions": ["x"]}).status_code == 403


def test_a_reminder_in_a_silence_period_is_held_until_it_ends(workshop, district_volunteers):
    # given a poll in the workshop district's ACs the morning after the workshop's eve
    from sampark.geo.models import Unit
    from sampark.rules.models import Election, PollPhase

    regs = _register(workshop, district_volunteers.people[:2])
    at = workshop.starts_at - dt.timedelta(hours=20)
    election = Election.objects.create(state=workshop.unit.parent, name="By-election")
    phase = PollPhase.objects.create(
        election=election, number=1, poll_date=(at + dt.timedelta(days=1)).date()
    )
    phase.units.set(Unit.objects.filter(level="ac", district=workshop.unit))
    # when the day-before reminder is queued and the sender runs at that time
    with time_machine.travel(at, tick=False):
        assert messaging.reminders_send(now=at) == len(regs)
        _send_all()
    # then both reminders wait out the silence period instead of leaving
    rows = Delivery.objects.filter(distribution__kind=DistributionKind.NOTICE)
    assert set(rows.values_list("status", "hold_reason")) == {
        (DeliveryStatus.HELD, HoldReason.SILENCE)
    }
