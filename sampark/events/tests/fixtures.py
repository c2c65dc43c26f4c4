"""A small state with electorates and AC boundaries, and a planned season."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.events import services
from sampark.events.models import Event, Gate, Registration, Season
from sampark.geo.enums import Level
from sampark.geo.models import Unit


def square(x: float, size: float) -> str:
    ring = [[x, 25.0], [x + size, 25.0], [x + size, 25.0 + size], [x, 25.0 + size], [x, 25.0]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def give_numbers(tree: Tree) -> None:
    """Booths get 1,000 × their number electors; ACs a square of growing size; sums upwards."""
    for booth in tree.booths:
        Unit.objects.filter(id=booth.id).update(electors=1000 * (booth.number or 1))
    for i, ac in enumerate(tree.acs):
        Unit.objects.filter(id=ac.id).update(boundary=square(float(i), 0.1 * (i + 1)))
    for level in (Level.SECTOR, Level.MANDAL, Level.AC, Level.DISTRICT):
        for unit in tree.by_level(level):
            total = sum(
                e or 0 for e in Unit.objects.filter(parent=unit).values_list("electors", flat=True)
            )
            Unit.objects.filter(id=unit.id).update(electors=total)
    for pc in tree.pcs:
        acs = Unit.objects.filter(pc=pc, level=Level.AC)
        total = sum(e or 0 for e in acs.values_list("electors", flat=True))
        Unit.objects.filter(id=pc.id).update(electors=total)


@pytest.fixture
def numbered(tree: Tree) -> Tree:
    give_numbers(tree)
    return tree


@pytest.fixture
def season(numbered: Tree, alice: User) -> Season:
    return services.season_create(
        actor=alice,
        name="District workshops",
        kind="district_workshop",
        starts_on=dt.date(2026, 12, 20),
        ends_on=dt.date(2026, 12, 30),
        band_min=2500,
        band_max=5000,
    )


def make_person(name: str, phone: str, home: Unit) -> int:
    from sampark.people import services as people_services

    result = people_services.person_create(
        name=name, phone=phone, home_unit=home, source="test", actor=None
    )
    return result.person.id


@pytest.fixture
def workshop(season: Season, numbered: Tree) -> Event:
    """District 1's workshop, open, with two seats."""
    event = Event.objects.get(season=season, unit=numbered.districts[0])
    Event.objects.filter(id=event.id).update(status="open", capacity=2)
    event.refresh_from_db()
    return event


@pytest.fixture
def volunteer(numbered: Tree, booth1: Unit) -> User:
    """A booth volunteer of district 1 with a person record and a login."""
    from conftest import make_user

    person_id = make_person("सीता देवी", "+919812345601", booth1)
    user = make_user("sita", booth1, "volunteer")
    User.objects.filter(id=user.id).update(person_id=person_id)
    user.refresh_from_db()
    return user


@pytest.fixture
def gate(workshop: Event) -> Gate:
    return Gate.objects.create(event=workshop, name="Gate A")


@pytest.fixture
def registered(workshop: Event, booth1: Unit) -> list[Registration]:
    """Two confirmed registrations of district 1's workshop."""
    from sampark.events import services as events_services

    return [
        events_services.registration_create(
            event_id=workshop.id,
            person_id=make_person(f"Worker {i}", f"+91981234561{i}", booth1),
            source="app",
        )
        for i in range(2)
    ]
