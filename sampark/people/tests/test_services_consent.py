"""The consent ledger: append-only; the latest event per purpose × channel is the state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sampark.core.models import AuditEvent
from sampark.people import selectors, services
from sampark.people.enums import ConsentAction, ConsentChannel, ConsentPurpose
from sampark.people.models import ConsentEvent, Person
from sampark.people.tests.factories import PersonFactory

T0 = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)
COORD, SMS, VOICE = ConsentPurpose.VOLUNTEER_COORDINATION, ConsentChannel.SMS, ConsentChannel.VOICE


def _record(
    person: Person, action: str, at: dt.datetime, channel: str = SMS, **kw: Any
) -> ConsentEvent:
    return services.consent_record(
        person=person,
        purpose=COORD,
        channel=channel,
        action=action,
        notice_version="v1",
        source="test",
        at=at,
        **kw,
    )


def test_it_appends_events_and_audits_them(tree, bob, sita):
    event = _record(sita, ConsentAction.GIVEN, T0, actor=bob)
    assert ConsentEvent.objects.get() == event
    audit = AuditEvent.objects.get(verb="consent.recorded")
    assert (audit.object_id, audit.actor_id, audit.data["action"]) == (sita.id, bob.id, "given")


def test_withdrawal_wins_from_its_timestamp(tree, sita):
    # given consent by SMS and by voice, then SMS withdrawn later
    _record(sita, ConsentAction.GIVEN, T0)
    _record(sita, ConsentAction.GIVEN, T0, channel=VOICE)
    withdrawn = _record(sita, ConsentAction.WITHDRAWN, T0 + dt.timedelta(days=3))
    # and a paper form dated before the withdrawal is entered afterwards
    _record(sita, ConsentAction.GIVEN, T0 + dt.timedelta(days=1))
    # then the SMS consent stays withdrawn; voice stays given
    current = selectors.consent_current(person=sita)
    assert current[(COORD, SMS)] == withdrawn
    assert current[(COORD, VOICE)].action == ConsentAction.GIVEN
    assert list(selectors.persons_with_consent(purpose=COORD, channel=SMS)) == []
    assert list(selectors.persons_with_consent(purpose=COORD, channel=VOICE)) == [sita]


def test_withdrawal_wins_a_tie(tree, sita):
    _record(sita, ConsentAction.WITHDRAWN, T0)
    _record(sita, ConsentAction.GIVEN, T0)
    assert selectors.consent_current(person=sita)[(COORD, SMS)].action == ConsentAction.WITHDRAWN
    assert not selectors.persons_with_consent(purpose=COORD, channel=SMS).exists()


def test_consent_given_again_after_withdrawal_counts(tree, sita, far_person, bob):
    _record(sita, ConsentAction.GIVEN, T0)
    _record(sita, ConsentAction.WITHDRAWN, T0 + dt.timedelta(days=1))
    _record(sita, ConsentAction.GIVEN, T0 + dt.timedelta(days=2))
    _record(far_person, ConsentAction.GIVEN, T0)
    PersonFactory.create()  # never asked: not in the audience
    audience = selectors.persons_with_consent(purpose=COORD, channel=SMS)
    assert set(audience) == {sita, far_person}
    # restricted to a user's area, District 2's person drops out
    assert list(selectors.persons_with_consent(purpose=COORD, channel=SMS, user=bob)) == [sita]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        pytest.param({"purpose": "caste_outreach"}, "purpose_invalid", id="purpose_case"),
        pytest.param({"channel": "fax"}, "channel_invalid", id="channel_case"),
        pytest.param({"action": "maybe"}, "action_invalid", id="action_case"),
        pytest.param({"notice_version": ""}, "notice_version", id="no_notice_case"),
        pytest.param({"source": " "}, "source_required", id="no_source_case"),
    ],
)
def test_it_refuses_incomplete_events(tree, sita, overrides, code):
    fields = {
        "person": sita,
        "purpose": COORD,
        "channel": SMS,
        "action": ConsentAction.GIVEN,
        "notice_version": "v1",
        "source": "test",
    }
    fields.update(overrides)
    with pytest.raises(ValidationError) as info:
        services.consent_record(**fields)
    assert info.value.code == code


def test_outsider_cannot_record_consent(tree, charlie, sita):
    with pytest.raises(PermissionDenied):
        _record(sita, ConsentAction.GIVEN, T0, actor=charlie)


def test_a_channel_opt_out_withdraws_every_purpose_on_that_channel_only(tree, sita):
    # given consents on SMS for two purposes and on voice for one
    _record(sita, ConsentAction.GIVEN, T0)
    services.consent_record(
        person=sita,
        purpose=ConsentPurpose.EVENTS,
        channel=SMS,
        action=ConsentAction.GIVEN,
        notice_version="v2",
        source="test",
    )
    _record(sita, ConsentAction.GIVEN, T0, channel=VOICE)
    # when the number opts out of SMS (written as a local number)
    withdrawn = services.consent_withdraw_channel(
        phone=sita.phone[3:], channel=SMS, source="sms:STOP"
    )
    # then both SMS purposes are withdrawn, keeping their notice versions; voice stays given
    assert withdrawn == 2
    state = selectors.consent_current(person=sita)
    assert state[(COORD, SMS)].action == ConsentAction.WITHDRAWN
    assert state[(ConsentPurpose.EVENTS, SMS)].action == ConsentAction.WITHDRAWN
    assert state[(ConsentPurpose.EVENTS, SMS)].notice_version == "v2"
    assert state[(COORD, VOICE)].action == ConsentAction.GIVEN
    # and an unknown number changes nothing
    assert services.consent_withdraw_channel(phone="9000000000", channel=SMS, source="x") == 0
