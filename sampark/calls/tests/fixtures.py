"""Fixtures of the call centre's tests: agents in District 1, a campaign over its contacts."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.calls import services
from sampark.calls.enums import Category, SourceKind
from sampark.calls.models import Campaign, ScriptVersion
from sampark.geo.models import Unit
from sampark.people.models import ConsentEvent, Person
from sampark.people.tests.factories import PersonFactory

# 11:00 IST on an ordinary day: inside calling hours, outside quiet hours.
DAY = dt.datetime(2026, 3, 2, 5, 30, tzinfo=dt.UTC)

STEPS = [
    {
        "key": "attend",
        "kind": "single",
        "hi": "क्या आप कार्यशाला में आएँगे?",
        "en": "Will you attend the workshop?",
        "options": [
            {"value": "yes", "hi": "हाँ", "en": "Yes", "next": "count"},
            {"value": "no", "hi": "नहीं", "en": "No", "next": "stop"},
        ],
    },
    {
        "key": "count",
        "kind": "number",
        "hi": "कितने लोग?",
        "en": "How many?",
        "min": 0,
        "max": 50,
        "next": "topics",
    },
    {
        "key": "topics",
        "kind": "multi",
        "hi": "विषय?",
        "en": "Topics?",
        "options": [
            {"value": "it", "hi": "आईटी", "en": "IT"},
            {"value": "booth", "hi": "बूथ", "en": "Booth"},
        ],
        "next": "volunteer",
    },
    {
        "key": "stop",
        "kind": "single",
        "hi": "क्या आप आगे कॉल नहीं चाहते?",
        "en": "Do you want no more calls?",
        "effect": "opt_out",
        "when": "yes",
        "options": [
            {"value": "yes", "hi": "हाँ", "en": "Yes"},
            {"value": "no", "hi": "नहीं", "en": "No"},
        ],
        "next": "volunteer",
    },
    {
        "key": "volunteer",
        "kind": "single",
        "hi": "क्या आप बूथ स्वयंसेवक बनेंगे?",
        "en": "Will you be a booth volunteer?",
        "effect": "volunteer",
        "when": "yes",
        "options": [
            {"value": "yes", "hi": "हाँ", "en": "Yes"},
            {"value": "no", "hi": "नहीं", "en": "No"},
        ],
        "next": "phone",
    },
    {
        "key": "phone",
        "kind": "text",
        "hi": "सही फ़ोन नंबर",
        "en": "Correct phone",
        "effect": "correct_phone",
        "next": "",
    },
]


def give_voice_consent(person: Person, purpose: str = "calls") -> None:
    ConsentEvent.objects.create(
        person=person,
        purpose=purpose,
        channel="voice",
        action="given",
        notice_version="v1",
        source="test",
        at=DAY - dt.timedelta(days=30),
    )


@pytest.fixture
def supervisor(district1: Unit) -> User:
    return make_user("supervisor", district1, Role.CALL_SUPERVISOR)


@pytest.fixture
def agent1(district1: Unit) -> User:
    return make_user("agent1", district1, Role.CALL_AGENT)


@pytest.fixture
def agent2(district1: Unit) -> User:
    return make_user("agent2", district1, Role.CALL_AGENT)


@pytest.fixture
def agent_other(district2: Unit) -> User:
    return make_user("agent_other", district2, Role.CALL_AGENT)


@pytest.fixture
def persons(district1: Unit) -> list[Person]:
    booths = list(Unit.objects.filter(level="booth", district=district1).order_by("id"))
    out = []
    for i in range(6):
        person = PersonFactory.create(home_unit=booths[i % len(booths)])
        give_voice_consent(person)
        out.append(person)
    return out


@pytest.fixture
def script(supervisor: User, district1: Unit) -> ScriptVersion:
    return services.script_save(actor=supervisor, name="Workshop", unit=district1, steps=STEPS)


@pytest.fixture
def campaign(
    supervisor: User, district1: Unit, persons: list[Person], script: ScriptVersion
) -> Campaign:
    return services.campaign_create(
        actor=supervisor,
        name="Workshop calls",
        unit=district1,
        source=SourceKind.CONSENT,
        category=Category.SERVICE,
        script=script,
    )
