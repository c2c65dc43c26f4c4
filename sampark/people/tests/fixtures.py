"""Fixtures of the people tests, imported by this folder's conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.people import services
from sampark.people.models import Assignment, Person
from sampark.people.sms import locmem
from sampark.people.tests.factories import PersonFactory


@pytest.fixture
def sms_outbox() -> Iterator[list[locmem.SentSms]]:
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


@pytest.fixture
def booth2(tree, district1: Unit) -> Unit:
    """A second booth of District 1."""
    booth = Unit.objects.filter(level="booth", district=district1).order_by("id")[1]
    return booth


@pytest.fixture
def far_booth(tree, district2: Unit) -> Unit:
    """A booth of District 2 (charlie's district, outside bob's)."""
    booth = Unit.objects.filter(level="booth", district=district2).order_by("-id").first()
    assert booth is not None
    return booth


@pytest.fixture
def dave(tree, booth1: Unit) -> User:
    """A booth volunteer in District 1: sees booth 1's people, never their full phones."""
    return make_user("dave", booth1, Role.VOLUNTEER)


@pytest.fixture
def sita(tree, booth1: Unit) -> Person:
    """A person living on booth 1 of bob's district, with a Devanagari name."""
    return PersonFactory.create(name="सीता देवी", phone="+919812345610", home_unit=booth1)


@pytest.fixture
def far_person(tree, far_booth: Unit) -> Person:
    """A person in District 2."""
    return PersonFactory.create(name="Ramesh Yadav", phone="+919700000002", home_unit=far_booth)


@pytest.fixture
def pending(sita: Person, booth1: Unit, bob: User) -> Assignment:
    """Sita awaiting verification as booth 1's WhatsApp pramukh."""
    return services.assignment_create(
        person=sita, unit=booth1, kind_code="whatsapp_pramukh", actor=bob
    )
