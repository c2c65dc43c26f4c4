"""The rules a message meets as it leaves: windows, consent, age, DND, certificates."""

from __future__ import annotations

import datetime as dt

import pytest

from sampark.accounts.models import User
from sampark.content import gates, services
from sampark.content.enums import DistributionKind, HoldReason
from sampark.content.tests.fixtures import approved_item
from sampark.geo.synthetic import Tree
from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent, Person
from sampark.rules import services as rules_services
from sampark.rules.models import DndNumber, Election, PollPhase

IST = gates.IST


def at_ist(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 2, day, hour, minute, tzinfo=IST)


@pytest.mark.parametrize(
    ("_case", "when", "until"),
    [
        ("evening", at_ist(10, 21, 59), None),
        ("at ten", at_ist(10, 22, 0), at_ist(11, 6)),
        ("after midnight", at_ist(11, 2, 30), at_ist(11, 6)),
        ("at six", at_ist(11, 6, 0), None),
    ],
)
def test_quiet_hours_are_22_to_6_ist(
    _case: str, when: dt.datetime, until: dt.datetime | None
) -> None:
    assert gates.quiet_until(when) == until


def _recipient(
    person: Person, *, channel: str = "push", ac: int | None = None, pc: int | None = None
) -> gates.Recipient:
    return gates.Recipient(
        person_id=person.id,
        channel=channel,
        phone=person.phone,
        date_of_birth=person.date_of_birth,
        ac_id=ac,
        pc_id=pc,
    )


@pytest.fixture
def person(db: None) -> Person:
    p = Person.objects.create(name="सीता", phone="+919800000001", date_of_birth=dt.date(1990, 1, 1))
    ConsentEvent.objects.create(
        person=p,
        purpose="volunteer_coordination",
        channel="push",
        action=ConsentAction.GIVEN,
        notice_version="v1",
        source="test",
        at=at_ist(1, 10),
    )
    return p


def _keeper(
    kit: object,
    person: Person,
    *,
    kind: str = DistributionKind.SEND,
    channel: str = "push",
    calendar: gates.Calendar | None = None,
) -> gates.Gatekeeper:
    return gates.Gatekeeper.load(
        item=kit,  # type: ignore[arg-type]
        kind=kind,
        purpose="volunteer_coordination",
        recipients=[_recipient(person, channel=channel)],
        at=at_ist(10, 12),
        calendar=calendar or gates.Calendar({}),
    )


def test_silence_covers_48_hours_before_the_end_of_poll(
    tree: Tree, kit: object, person: Person
) -> None:
    # given AC 1 polls on 14 Feb, 07:00–18:00 IST, in a state with 48 h of silence
    election = Election.objects.create(state=tree.state, name="Vidhan Sabha 2027")
    phase = PollPhase.objects.create(election=election, number=1, poll_date=dt.date(2027, 2, 14))
    ac = tree.acs[0]
    phase.units.add(ac)
    calendar = gates.Calendar.load()
    keeper = _keeper(kit, person, calendar=calendar)
    r = _recipient(person, ac=ac.id, pc=ac.pc_id)
    # then 18:00 on the 12th is the first silent minute and 18:00 on the 14th the first free one
    assert keeper.check(r, at=at_ist(12, 17, 59)).go
    silent = keeper.check(r, at=at_ist(12, 18, 0))
    assert silent.reason == HoldReason.SILENCE
    assert silent.until == at_ist(14, 18)
    assert keeper.check(r, at=at_ist(14, 18, 0)).go
    # and another AC is not silenced
    other = tree.acs[-1]
    assert keeper.check(_recipient(person, ac=other.id, pc=other.pc_id), at=at_ist(13, 12)).go


def test_a_pc_phase_silences_its_acs(tree: Tree, kit: object, person: Person) -> None:
    election = Election.objects.create(state=tree.state, name="Lok Sabha 2029", silence_hours=24)
    phase = PollPhase.objects.create(election=election, number=3, poll_date=dt.date(2027, 2, 14))
    ac = tree.acs[0]
    assert ac.pc is not None
    phase.units.add(ac.pc)
    keeper = _keeper(kit, person, calendar=gates.Calendar.load())
    r = _recipient(person, ac=ac.id, pc=ac.pc_id)
    assert keeper.check(r, at=at_ist(13, 17, 59)).go  # 24 h configured, not 48
    assert keeper.check(r, at=at_ist(13, 18, 0)).reason == HoldReason.SILENCE


def test_withdrawal_wins_over_consent(kit: object, person: Person) -> None:
    ConsentEvent.objects.create(
        person=person,
        purpose="volunteer_coordination",
        channel="push",
        action=ConsentAction.WITHDRAWN,
        notice_version="v1",
        source="sms:STOP",
        at=at_ist(5, 10),
    )
    assert (
        _keeper(kit, person).check(_recipient(person), at=at_ist(10, 12)).reason
        == HoldReason.OPTED_OUT
    )


def test_consent_on_another_channel_is_not_consent(kit: object, person: Person) -> None:
    verdict = _keeper(kit, person, channel="sms").check(
        _recipient(person, channel="sms"), at=at_ist(10, 12)
    )
    assert verdict.reason == HoldReason.NO_CONSENT


def test_minors_get_nothing(kit: object, person: Person) -> None:
    person.date_of_birth = dt.date(2009, 6, 1)
    assert (
        _keeper(kit, person).check(_recipient(person), at=at_ist(10, 12)).reason == HoldReason.MINOR
    )


def test_dnd_numbers_get_no_sms(kit: object, person: Person) -> None:
    ConsentEvent.objects.create(
        person=person,
        purpose="volunteer_coordination",
        channel="sms",
        action="given",
        notice_version="v1",
        source="test",
        at=at_ist(1, 10),
    )
    DndNumber.objects.create(phone=person.phone)
    keeper = _keeper(kit, person, channel="sms")
    assert (
        keeper.check(_recipient(person, channel="sms"), at=at_ist(10, 12)).reason == HoldReason.DND
    )


def test_a_political_ad_needs_a_certificate_for_these_exact_bytes(
    tree: Tree, writer: User, alice: User, person: Person
) -> None:
    # given an approved political ad and a certificate for its hash
    ad = approved_item(author=writer, reviewer=alice, unit=tree.state, is_political_ad=True)
    assert (
        _keeper(ad, person).check(_recipient(person), at=at_ist(10, 12)).reason
        == HoldReason.NO_CERTIFICATE
    )
    cert = rules_services.certificate_create(
        actor=alice,
        unit=tree.state,
        number="MCMC/UP/17",
        committee="State MCMC",
        content_hash=ad.content_hash,
        issued_on=dt.date(2027, 1, 1),
    )
    services.certificate_attach(item_id=ad.id, certificate_id=cert.id, actor=alice)
    ad.refresh_from_db()
    assert _keeper(ad, person).check(_recipient(person), at=at_ist(10, 12)).go
    # when one byte of the text changes behind the service's back
    ad.text_hi = ad.text_hi.replace("।", ".")
    ad.save()
    # then it is blocked
    assert (
        _keeper(ad, person).check(_recipient(person), at=at_ist(10, 12)).reason
        == HoldReason.NO_CERTIFICATE
    )


def test_take_down_notices_go_out_at_night(kit: object, person: Person) -> None:
    keeper = _keeper(kit, person, kind=DistributionKind.RECALL)
    assert keeper.check(_recipient(person), at=at_ist(10, 23)).go
    assert (
        _keeper(kit, person).check(_recipient(person), at=at_ist(10, 23)).reason
        == HoldReason.QUIET_HOURS
    )
