"""factory_boy factories for people (HackSoft/dispatch style). Use `XFactory.create(...)`,
which is typed, rather than calling the class."""

# factory_boy's declarations are not annotated.
# mypy: disable-error-code="no-untyped-call"

from __future__ import annotations

import datetime as dt

from factory.declarations import LazyFunction, Sequence, SubFactory
from factory.django import DjangoModelFactory

from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind


class PersonFactory(DjangoModelFactory[Person]):
    class Meta:
        model = Person

    name = Sequence(lambda n: f"Volunteer {n}")
    phone = Sequence(lambda n: f"+919876{n:06d}")
    date_of_birth = dt.date(1990, 1, 1)
    source = "test"


class AssignmentFactory(DjangoModelFactory[Assignment]):
    """Writes the row directly (no counter, no audit): use services in behaviour tests."""

    class Meta:
        model = Assignment

    person = SubFactory(PersonFactory)
    kind = LazyFunction(lambda: PositionKind.objects.get(code="booth_president"))
    seat = 1
    status = AssignmentStatus.PENDING


class ConsentEventFactory(DjangoModelFactory[ConsentEvent]):
    class Meta:
        model = ConsentEvent

    person = SubFactory(PersonFactory)
    purpose = "volunteer_coordination"
    channel = "sms"
    action = "given"
    notice_version = "v1"
    source = "test"
