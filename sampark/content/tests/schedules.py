"""Generated schedules for the send-time rules (issue #5): used by the property test and by
`sampark bench distribution` (which runs ≥ 10,000 of them).

One schedule is: a poll calendar for three ACs (dates, hours, silence length), volunteers who
consent at some time and may withdraw later, one of them a minor, one on the DND register, a
kit queued at some instant, and the instants at which the sender happens to run. The sender
under test is the real one (`sending.Sender`, gates, database); the oracle below recomputes
from the generated data alone whether each recorded send was allowed.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import strategies as st

from sampark.accounts.models import User
from sampark.content import expansion, sending, services
from sampark.content.models import ChannelPreference, PushSubscription
from sampark.geo.models import Unit
from sampark.integrations.channels import Outbound, Sent, reset_channels
from sampark.people.enums import AssignmentStatus, ConsentAction
from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind
from sampark.rules.models import DndNumber, Election, PollPhase

IST = ZoneInfo("Asia/Kolkata")
START = dt.datetime(2027, 2, 1, 0, 0, tzinfo=IST)
HOUR = dt.timedelta(hours=1)


class RecordingChannel:
    """A channel that records (person address, instant) and accepts everything."""

    name = "recording"
    lock = threading.Lock()
    sends: list[tuple[str, str, dt.datetime]] = []

    def __init__(self, **_options: Any) -> None:
        pass

    def send(self, message: Outbound) -> Sent:
        with self.lock:
            self.sends.append((message.channel, message.address, timezone.now()))
        return Sent(provider_id=f"rec-{len(self.sends)}")

    def close(self) -> None:
        return None


CHANNELS = {
    name: {
        "BACKEND": "sampark.content.tests.schedules.RecordingChannel",
        "RATE": 1e6,
        "BURST": 1000,
    }
    for name in ("push", "sms")
}


@dataclass
class World:
    """Three ACs with two volunteers each (one app user, one SMS user), an approved kit."""

    acs: list[Unit]
    people: list[Person]
    ac_of: dict[int, Unit]
    sender: User
    item_id: int
    state: Unit
    phone_of: dict[str, int] = field(default_factory=dict)


def build_world(*, tree: Any, sender: User, item_id: int) -> World:
    kinds = list(PositionKind.objects.filter(counts_toward_staffing=True).order_by("order"))
    acs = tree.acs[:3]
    people: list[Person] = []
    ac_of: dict[int, Unit] = {}
    phone_of: dict[str, int] = {}
    for a, ac in enumerate(acs):
        booth = Unit.objects.filter(level="booth", ac=ac).order_by("id").first()
        assert booth is not None
        for s in range(2):
            n = 100 + a * 10 + s
            person = Person.objects.create(
                name=f"P{n}", phone=f"+91982{n:07d}", date_of_birth=dt.date(1990, 1, 1)
            )
            Assignment.objects.create(
                person=person, unit=booth, kind=kinds[s], status=AssignmentStatus.VERIFIED
            )
            if s == 1:
                ChannelPreference.objects.create(person=person, channel="sms")
            else:
                PushSubscription.objects.create(
                    person=person, endpoint=f"https://push.example/{n}", p256dh="k", auth="a"
                )
            people.append(person)
            ac_of[person.id] = ac
            phone_of[person.phone] = person.id
            phone_of[f"https://push.example/{n}"] = person.id
    return World(
        acs=acs,
        people=people,
        ac_of=ac_of,
        sender=sender,
        item_id=item_id,
        state=tree.state,
        phone_of=phone_of,
    )


@dataclass(frozen=True)
class Schedule:
    polls: tuple[tuple[int, int, int], ...]  # per AC: (day offset, end hour, 0 = no poll)
    silence_hours: int
    consent_at: tuple[int, ...]  # hours after START, per person
    withdraw_at: tuple[int | None, ...]  # hours after START, per person
    minor: int  # index of the person under 18 (or -1)
    dnd: int  # index of the SMS person on the DND register (or -1)
    queued_at: int  # minutes after START
    runs: tuple[int, ...]  # minutes after the queue time, increasing


def schedules() -> st.SearchStrategy[Schedule]:
    poll = st.tuples(st.integers(0, 5), st.integers(16, 20), st.integers(0, 1))
    return st.builds(
        Schedule,
        polls=st.tuples(poll, poll, poll),
        silence_hours=st.sampled_from([24, 48, 72]),
        consent_at=st.tuples(*[st.integers(-48, 72)] * 6),
        withdraw_at=st.tuples(*[st.none() | st.integers(0, 120)] * 6),
        minor=st.integers(-1, 5),
        dnd=st.sampled_from([-1, 1, 3, 5]),
        queued_at=st.integers(0, 5 * 24 * 60),
        runs=st.lists(st.integers(0, 4 * 24 * 60), min_size=1, max_size=8, unique=True).map(
            lambda xs: tuple(sorted(xs))
        ),
    )


def _poll_end(start: dt.datetime, day: int, hour: int) -> dt.datetime:
    return (start + dt.timedelta(days=day)).replace(hour=hour)


def violations(world: World, s: Schedule, sends: list[tuple[str, str, dt.datetime]]) -> list[str]:
    """Every recorded send that the rules forbid, recomputed from the schedule alone."""
    bad: list[str] = []
    for _channel, address, at in sends:
        if address.startswith("{"):
            address = json.loads(address)["endpoint"]
        pid = world.phone_of[address]
        i = next(k for k, p in enumerate(world.people) if p.id == pid)
        local = at.astimezone(IST)
        if local.hour >= 22 or local.hour < 6:
            bad.append(f"night {local}")
        a = world.acs.index(world.ac_of[pid])
        day, hour, polls = s.polls[a]
        if polls:
            end = _poll_end(START, day, hour)
            if end - dt.timedelta(hours=s.silence_hours) <= at < end:
                bad.append(f"silence {local} AC{a}")
        if not _consented(s, i, at):
            bad.append(f"without consent (opted out or not yet given) {local}")
        if i == s.minor:
            bad.append("minor")
        if i == s.dnd and _channel == "sms":
            bad.append("dnd")
    return bad


def _consented(s: Schedule, i: int, at: dt.datetime) -> bool:
    """The person's latest ledger event at `at` is a consent (a withdrawal wins a tie)."""
    given = START + dt.timedelta(hours=s.consent_at[i])
    withdrawn = s.withdraw_at[i]
    if given > at:
        return False
    if withdrawn is None:
        return True
    out = START + dt.timedelta(hours=withdrawn)
    return out > at or out < given


class Rollback(Exception):  # noqa: N818 (control flow: undo the example's writes)
    pass


def run_schedule(world: World, s: Schedule) -> tuple[int, list[str]]:
    """Play one schedule against the real sender; returns (sends, violations). Writes nothing."""
    RecordingChannel.sends = []
    reset_channels()
    result: tuple[int, list[str]] = (0, [])
    try:
        with (
            transaction.atomic(),
            override_settings(
                SAMPARK_CHANNELS=CHANNELS,
                SAMPARK_SENDER={"RATE_LIMIT": False, "CHANNELS": ["push", "sms"]},
            ),
        ):
            _play(world, s)
            sends = list(RecordingChannel.sends)
            result = (len(sends), violations(world, s, sends))
            raise Rollback
    except Rollback:
        pass
    reset_channels()
    return result


def _play(world: World, s: Schedule) -> None:
    election = Election.objects.create(state=world.state, name="E", silence_hours=s.silence_hours)
    for a, (day, hour, polls) in enumerate(s.polls):
        if polls:
            end = _poll_end(START, day, hour)
            phase = PollPhase.objects.create(
                election=election, number=a + 1, poll_date=end.date(), poll_end=dt.time(hour)
            )
            phase.units.add(world.acs[a])
    # The ledger as it will be: consent events and withdrawals appear when their time comes.
    events: list[tuple[dt.datetime, Person, str]] = []
    for i, person in enumerate(world.people):
        events.append((START + dt.timedelta(hours=s.consent_at[i]), person, ConsentAction.GIVEN))
        withdrawn = s.withdraw_at[i]
        if withdrawn is not None:
            events.append((START + dt.timedelta(hours=withdrawn), person, ConsentAction.WITHDRAWN))
        if i == s.minor:
            Person.objects.filter(id=person.id).update(date_of_birth=dt.date(2012, 1, 1))
        if i == s.dnd:
            DndNumber.objects.create(phone=person.phone)
    events.sort(key=lambda e: e[0])
    queued = START + dt.timedelta(minutes=s.queued_at)
    pending = list(events)

    def ledger_until(now: dt.datetime) -> None:
        while pending and pending[0][0] <= now:
            at, person, action = pending.pop(0)
            ConsentEvent.objects.create(
                person=person,
                purpose="volunteer_coordination",
                channel="sms" if world.people.index(person) % 2 else "push",
                action=action,
                notice_version="v1",
                source="schedule",
                at=at,
            )

    with time_machine.travel(queued, tick=False) as clock:
        ledger_until(queued)
        distribution = services.distribution_create(
            actor=world.sender, item_id=world.item_id, target_ids=[world.state.id]
        )
        expansion.expand(distribution_id=distribution.id)
        sender = sending.Sender(owner="prop", channels=["push", "sms"])
        for minutes in s.runs:
            now = queued + dt.timedelta(minutes=minutes)
            clock.move_to(now)
            ledger_until(now)
            while sender.step():
                pass
