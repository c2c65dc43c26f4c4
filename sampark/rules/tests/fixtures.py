"""Fixtures of the rules tests: a volunteer who consented to one purpose on one channel."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent, Person
from sampark.rules import selectors

IST = ZoneInfo("Asia/Kolkata")


def at_ist(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """An instant in February 2027, IST (polls in the tests fall on 14 February)."""
    return dt.datetime(2027, 2, day, hour, minute, tzinfo=IST)


def consent(
    person: Person,
    *,
    purpose: str = "volunteer_coordination",
    channel: str = "push",
    action: str = ConsentAction.GIVEN,
    at: dt.datetime | None = None,
) -> None:
    ConsentEvent.objects.create(
        person=person,
        purpose=purpose,
        channel=channel,
        action=action,
        notice_version="v1",
        source="test",
        at=at or at_ist(1, 10),
    )


def recipient(
    person: Person, *, ac: int | None = None, pc: int | None = None
) -> selectors.Recipient:
    return selectors.Recipient(
        person_id=person.id,
        phone=person.phone,
        date_of_birth=person.date_of_birth,
        ac_id=ac,
        pc_id=pc,
    )


@pytest.fixture
def person(db: None) -> Person:
    """Sita, an adult who consented to volunteer coordination in the app on 1 February."""
    p = Person.objects.create(name="सीता", phone="+919800000001", date_of_birth=dt.date(1990, 1, 1))
    consent(p)
    return p
