"""The sending rules: windows, consent, age, DND, certificates — for messages, calls and
invitations."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.people.enums import ConsentAction
from sampark.people.models import Person
from sampark.rules import selectors
from sampark.rules.enums import Channel, HoldReason, Kind
from sampark.rules.models import Certificate, DndNumber, Election, PollPhase
from sampark.rules.tests.fixtures import IST, at_ist, consent, recipient

PURPOSE = "volunteer_coordination"


def _book(
    person: Person,
    *,
    channel: str = Channel.PUSH,
    kind: str = Kind.MESSAGE,
    purpose: str = PURPOSE,
    content: selectors.Content | None = None,
    calendar: selectors.Calendar | None = None,
) -> selectors.Rulebook:
    return selectors.Rulebook.load(
        purpose=purpose,
        audience=[(recipient(person), channel)],
        at=at_ist(10, 12),
        kind=kind,
        content=content,
        calendar=calendar or selectors.Calendar({}),
    )


def _poll_on_the_14th(tree: Tree, unit: Unit, *, silence_hours: int = 48) -> None:
    """`unit` polls on 14 Feb 2027, 07:00–18:00 IST."""
    election = Election.objects.create(
        state=tree.state, name=f"Election {unit.id}", silence_hours=silence_hours
    )
    phase = PollPhase.objects.create(election=election, number=1, poll_date=dt.date(2027, 2, 14))
    phase.units.add(unit)


# --- the clock's windows ---


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
    assert selectors.quiet_until(when) == until


@pytest.mark.parametrize(
    ("_case", "when", "until"),
    [
        ("before nine", at_ist(10, 8, 59), at_ist(10, 9)),
        ("at nine", at_ist(10, 9, 0), None),
        ("evening", at_ist(10, 20, 59), None),
        ("at nine pm", at_ist(10, 21, 0), at_ist(11, 9)),
        ("after midnight", at_ist(11, 0, 30), at_ist(11, 9)),
    ],
)
def test_calling_hours_are_9_to_21_ist(
    _case: str, when: dt.datetime, until: dt.datetime | None
) -> None:
    assert selectors.calling_until(when) == until


def test_the_windows_follow_the_settings() -> None:
    # given quiet hours that do not span midnight and shorter calling hours
    with override_settings(SAMPARK_QUIET_HOURS=(0, 5), SAMPARK_CALLING_HOURS=(10, 18)):
        assert selectors.quiet_until(at_ist(10, 3)) == at_ist(10, 5)
        assert selectors.quiet_until(at_ist(10, 23)) is None
        assert selectors.calling_until(at_ist(10, 9, 30)) == at_ist(10, 10)
        assert selectors.calling_until(at_ist(10, 18)) == at_ist(11, 10)
    # and equal hours turn a window off
    with override_settings(SAMPARK_QUIET_HOURS=(0, 0), SAMPARK_CALLING_HOURS=(9, 9)):
        assert selectors.quiet_until(at_ist(10, 23)) is None
        assert selectors.calling_until(at_ist(10, 23)) is None


def test_silence_covers_48_hours_before_the_end_of_poll(tree: Tree, person: Person) -> None:
    # given AC 1 polls on 14 Feb, 07:00–18:00 IST, in a state with 48 h of silence
    ac = tree.acs[0]
    _poll_on_the_14th(tree, ac)
    book = _book(person, calendar=selectors.Calendar.load())
    r = recipient(person, ac=ac.id, pc=ac.pc_id)
    # then 18:00 on the 12th is the first silent minute and 18:00 on the 14th the first free one
    assert book.check(r, channel=Channel.PUSH, at=at_ist(12, 17, 59)).go
    silent = book.check(r, channel=Channel.PUSH, at=at_ist(12, 18, 0))
    assert silent.reason == HoldReason.SILENCE
    assert silent.until == at_ist(14, 18)
    assert book.check(r, channel=Channel.PUSH, at=at_ist(14, 18, 0)).go
    # and another AC is not silenced
    other = tree.acs[-1]
    assert book.check(
        recipient(person, ac=other.id, pc=other.pc_id), channel=Channel.PUSH, at=at_ist(13, 12)
    ).go


def test_a_pc_phase_silences_its_acs(tree: Tree, person: Person) -> None:
    ac = tree.acs[0]
    assert ac.pc is not None
    _poll_on_the_14th(tree, ac.pc, silence_hours=24)
    book = _book(person, calendar=selectors.Calendar.load())
    r = recipient(person, ac=ac.id, pc=ac.pc_id)
    assert book.check(r, channel=Channel.PUSH, at=at_ist(13, 17, 59)).go  # 24 h, not 48
    assert book.check(r, channel=Channel.PUSH, at=at_ist(13, 18, 0)).reason == HoldReason.SILENCE


# --- the person: consent, age, DND ---


def test_withdrawal_wins_over_consent(person: Person) -> None:
    consent(person, action=ConsentAction.WITHDRAWN, at=at_ist(5, 10))
    verdict = _book(person).check(recipient(person), channel=Channel.PUSH, at=at_ist(10, 12))
    assert verdict.reason == HoldReason.OPTED_OUT


def test_consent_on_another_channel_is_not_consent(person: Person) -> None:
    verdict = _book(person, channel=Channel.SMS).check(
        recipient(person), channel=Channel.SMS, at=at_ist(10, 12)
    )
    assert verdict.reason == HoldReason.NO_CONSENT


def test_minors_get_nothing(person: Person) -> None:
    person.date_of_birth = dt.date(2009, 6, 1)
    verdict = _book(person).check(recipient(person), channel=Channel.PUSH, at=at_ist(10, 12))
    assert verdict.reason == HoldReason.MINOR


@pytest.mark.parametrize(
    ("_case", "channel", "reason"),
    [
        ("sms", Channel.SMS, HoldReason.DND),
        ("call", Channel.VOICE, HoldReason.DND),
        ("app", Channel.PUSH, ""),
        ("e-mail", Channel.EMAIL, ""),
    ],
)
def test_the_dnd_register_stops_sms_and_calls_only(
    _case: str, channel: str, reason: str, person: Person
) -> None:
    # given a number on the NCPR register that consented on every channel
    consent(person, channel=channel)
    DndNumber.objects.create(phone=person.phone)
    # then SMS and calls are stopped, the app and e-mail are not
    verdict = _book(person, channel=channel).check(
        recipient(person), channel=channel, at=at_ist(10, 12)
    )
    assert verdict.reason == reason


# --- calls ---


@pytest.mark.parametrize(
    ("_case", "now", "reason", "until"),
    [
        ("morning, before nine", at_ist(10, 8, 30), HoldReason.CALLING_HOURS, at_ist(10, 9)),
        ("noon", at_ist(10, 12), "", None),
        ("nine pm", at_ist(10, 21), HoldReason.CALLING_HOURS, at_ist(11, 9)),
        # quiet hours end at 06:00 but calls wait until 09:00: the later end is reported
        ("night", at_ist(10, 23), HoldReason.CALLING_HOURS, at_ist(11, 9)),
    ],
)
def test_a_call_waits_for_calling_hours(
    _case: str, now: dt.datetime, reason: str, until: dt.datetime | None, person: Person
) -> None:
    # given Sita agreed to phone calls
    consent(person, purpose="calls", channel=Channel.VOICE)
    with time_machine.travel(now, tick=False):
        # when the call centre asks whether it may call her now
        verdict = selectors.check(
            recipient=recipient(person),
            channel=Channel.VOICE,
            purpose="calls",
            at=timezone.now(),
        )
    # then it may only between 09:00 and 21:00 IST
    assert (verdict.reason, verdict.until) == (reason, until)


def test_a_call_in_the_silence_period_waits_for_the_end_of_poll(tree: Tree, person: Person) -> None:
    # given Sita's AC polls on the 14th and she agreed to calls
    ac = tree.acs[0]
    _poll_on_the_14th(tree, ac)
    consent(person, purpose="calls", channel=Channel.VOICE)
    with time_machine.travel(at_ist(13, 12), tick=False):
        verdict = selectors.check(
            recipient=recipient(person, ac=ac.id, pc=ac.pc_id),
            channel=Channel.VOICE,
            purpose="calls",
            at=timezone.now(),
        )
    # then the call waits until the end of poll
    assert (verdict.reason, verdict.until) == (HoldReason.SILENCE, at_ist(14, 18))


def test_a_take_down_call_goes_out_in_silence_but_keeps_calling_hours(
    tree: Tree, person: Person
) -> None:
    ac = tree.acs[0]
    _poll_on_the_14th(tree, ac)
    consent(person, channel=Channel.VOICE)
    book = _book(
        person, channel=Channel.VOICE, kind=Kind.TAKE_DOWN, calendar=selectors.Calendar.load()
    )
    r = recipient(person, ac=ac.id, pc=ac.pc_id)
    assert book.check(r, channel=Channel.VOICE, at=at_ist(13, 12)).go
    at_night = book.check(r, channel=Channel.VOICE, at=at_ist(13, 23))
    assert (at_night.reason, at_night.until) == (HoldReason.CALLING_HOURS, at_ist(14, 9))


# --- invitations ---


def test_an_invitation_needs_consent_to_events(tree: Tree, person: Person) -> None:
    # given Sita consented to volunteer coordination in the app, not to events
    def invite(at: dt.datetime, *, channel: str = Channel.PUSH) -> selectors.Verdict:
        with time_machine.travel(at, tick=False):
            return selectors.check(
                recipient=recipient(person, ac=tree.acs[0].id),
                channel=channel,
                purpose="events",
                at=timezone.now(),
                kind=Kind.INVITATION,
            )

    # then an invitation to a training is held for want of consent
    assert invite(at_ist(10, 12)).reason == HoldReason.NO_CONSENT
    # when she agrees to hear about events in the app
    consent(person, purpose="events", channel=Channel.PUSH, at=at_ist(9, 10))
    # then it goes by day, waits at night and in her AC's silence period
    assert invite(at_ist(10, 12)).go
    assert invite(at_ist(10, 23)).until == at_ist(11, 6)
    assert invite(at_ist(10, 23)).reason == HoldReason.QUIET_HOURS
    _poll_on_the_14th(tree, tree.acs[0])
    assert invite(at_ist(13, 12)).reason == HoldReason.SILENCE
    # and an invitation by phone is a call: calling hours and DND apply
    consent(person, purpose="events", channel=Channel.VOICE, at=at_ist(9, 10))
    assert invite(at_ist(10, 21, 30), channel=Channel.VOICE).reason == HoldReason.CALLING_HOURS
    DndNumber.objects.create(phone=person.phone)
    assert invite(at_ist(10, 12), channel=Channel.VOICE).reason == HoldReason.DND


def test_an_unknown_kind_is_refused(person: Person) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        _book(person, kind="leaflet")


# --- content: recalls, expiry, MCMC certificates ---


def test_take_down_notices_go_out_at_night_and_in_silence_but_not_after_an_opt_out(
    tree: Tree, person: Person
) -> None:
    ac = tree.acs[0]
    _poll_on_the_14th(tree, ac)
    r = recipient(person, ac=ac.id, pc=ac.pc_id)
    book = _book(person, kind=Kind.TAKE_DOWN, calendar=selectors.Calendar.load())
    assert book.check(r, channel=Channel.PUSH, at=at_ist(10, 23)).go
    assert book.check(r, channel=Channel.PUSH, at=at_ist(13, 12)).go
    consent(person, action=ConsentAction.WITHDRAWN, at=at_ist(5, 10))
    book = _book(person, kind=Kind.TAKE_DOWN)
    assert book.check(r, channel=Channel.PUSH, at=at_ist(10, 23)).reason == HoldReason.OPTED_OUT


@pytest.mark.parametrize(
    ("_case", "content", "reason"),
    [
        ("plain", selectors.Content(), ""),
        ("recalled", selectors.Content(recalled=True), HoldReason.RECALLED),
        ("expired", selectors.Content(expires_at=at_ist(10, 12)), HoldReason.EXPIRED),
        ("not yet expired", selectors.Content(expires_at=at_ist(10, 12, 1)), ""),
        (
            "ad without a certificate",
            selectors.Content(political_ad=True),
            HoldReason.NO_CERTIFICATE,
        ),
    ],
)
def test_the_content_is_judged_once_per_batch(
    _case: str, content: selectors.Content, reason: str, person: Person
) -> None:
    verdict = _book(person, content=content).check(
        recipient(person), channel=Channel.PUSH, at=at_ist(10, 12)
    )
    assert verdict.reason == reason


@pytest.mark.parametrize(
    ("_case", "day", "content_hash", "valid"),
    [
        ("in force, same bytes", dt.date(2027, 2, 10), "a" * 64, True),
        ("in force, other bytes", dt.date(2027, 2, 10), "b" * 64, False),
        ("last day", dt.date(2027, 2, 12), "a" * 64, True),
        ("lapsed", dt.date(2027, 2, 13), "a" * 64, False),
        ("before issue", dt.date(2026, 12, 31), "a" * 64, False),
    ],
)
def test_a_certificate_covers_its_hash_between_its_dates(
    _case: str, day: dt.date, content_hash: str, valid: bool, tree: Tree, person: Person
) -> None:
    # given a certificate issued on 1 Jan 2027, valid until 12 Feb (IST dates)
    cert = Certificate.objects.create(
        number="MCMC/UP/17",
        committee="State MCMC",
        unit=tree.state,
        content_hash="a" * 64,
        issued_on=dt.date(2027, 1, 1),
        valid_until=dt.date(2027, 2, 12),
    )
    # 00:30 IST is still the day before in UTC: the date that counts is India's
    at = dt.datetime.combine(day, dt.time(0, 30), tzinfo=IST)
    assert (
        selectors.certificate_valid(certificate_id=cert.id, content_hash=content_hash, at=at)
        is valid
    )
    # and a political ad carrying that hash leaves only while it is valid
    noon = at.replace(hour=12)
    ad = selectors.Content(political_ad=True, certificate_id=cert.id, current_hash=content_hash)
    book = selectors.Rulebook.load(
        purpose=PURPOSE,
        audience=[(recipient(person), Channel.PUSH)],
        at=noon,
        content=ad,
        calendar=selectors.Calendar({}),
    )
    verdict = book.check(recipient(person), channel=Channel.PUSH, at=noon)
    assert verdict.reason == ("" if valid else HoldReason.NO_CERTIFICATE)


# --- the batch ---


def test_a_batch_loads_its_rules_in_two_queries(
    tree: Tree, django_assert_num_queries: object
) -> None:
    # given forty people on four channels, half of them on SMS or voice
    people = [
        Person.objects.create(name=f"P{n}", phone=f"+91980000{n:04d}", date_of_birth=None)
        for n in range(40)
    ]
    channels = [Channel.PUSH, Channel.SMS, Channel.VOICE, Channel.EMAIL]
    audience = [(recipient(p), channels[n % 4]) for n, p in enumerate(people)]
    for p, channel in zip(people, [c for _r, c in audience], strict=True):
        consent(p, channel=channel)
    calendar = selectors.Calendar({})
    # when the batch is loaded: one query for the consents, one for the DND register
    with django_assert_num_queries(2):  # type: ignore[operator]
        book = selectors.Rulebook.load(
            purpose=PURPOSE, audience=audience, at=at_ist(10, 12), calendar=calendar
        )
    # then every check is answered from memory
    with django_assert_num_queries(0):  # type: ignore[operator]
        verdicts = [book.check(r, channel=c, at=at_ist(10, 12)) for r, c in audience]
    assert all(v.go for v in verdicts)


def test_recipients_are_placed_where_told_else_at_home(tree: Tree) -> None:
    booth, ac = tree.booths[0], tree.acs[-1]
    assert booth.ac_id is not None
    home = Person.objects.create(name="A", phone="+919800000101", home_unit=booth)
    told = Person.objects.create(name="B", phone="+919800000102", home_unit=booth)
    nowhere = Person.objects.create(name="C", phone="+919800000103")
    found = selectors.recipients(
        person_ids=[home.id, told.id, nowhere.id], unit_ids={told.id: ac.id}
    )
    assert (found[home.id].ac_id, found[home.id].pc_id) == (booth.ac_id, booth.pc_id)
    assert (found[told.id].ac_id, found[told.id].pc_id) == (ac.id, ac.pc_id)
    assert (found[nowhere.id].ac_id, found[nowhere.id].pc_id) == (None, None)
    assert found[home.id].phone == "+919800000101"
