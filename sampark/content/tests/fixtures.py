"""Fixtures of the content tests: an approved kit and verified booth volunteers with consent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.content import services
from sampark.content.models import ChannelPreference, ContentItem
from sampark.devtools.synthetic import Tree
from sampark.geo.models import Unit
from sampark.people.enums import AssignmentStatus, ConsentAction
from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass
class Volunteers:
    people: list[Person] = field(default_factory=list)
    booth_of: dict[int, Unit] = field(default_factory=dict)


def add_volunteers(
    booths: list[Unit],
    *,
    per_booth: int = 2,
    channel: str = "push",
    consent: bool = True,
    start: int = 0,
    first_kind: int = 0,
) -> Volunteers:
    """Verified holders of booth positions, with consent for campaign updates on `channel`."""
    kinds = list(PositionKind.objects.filter(counts_toward_staffing=True).order_by("order"))
    out = Volunteers()
    n = start
    for booth in booths:
        for seat in range(per_booth):
            n += 1
            person = Person.objects.create(
                name=f"स्वयंसेवक {n}",
                phone=f"+91981{n:07d}",
                email=f"v{n}@example.org",
                date_of_birth=dt.date(1990, 1, 1),
            )
            Assignment.objects.create(
                person=person,
                unit=booth,
                kind=kinds[first_kind + seat],
                status=AssignmentStatus.VERIFIED,
            )
            if channel != "push":
                ChannelPreference.objects.create(
                    person=person, channel=channel, telegram_chat_id=str(7000 + n)
                )
            if consent:
                ConsentEvent.objects.create(
                    person=person,
                    purpose="volunteer_coordination",
                    channel=channel,
                    action=ConsentAction.GIVEN,
                    notice_version="v1",
                    source="test",
                    at=EPOCH,
                )
            out.people.append(person)
            out.booth_of[person.id] = booth
    return out


def approved_item(*, author: User, reviewer: User, unit: Unit, **fields: object) -> ContentItem:
    item = services.item_create(
        actor=author,
        unit=unit,
        title=str(fields.pop("title", "आज का संदेश")),
        text_hi=str(fields.pop("text_hi", "किसानों के लिए नई योजना: आज से आवेदन शुरू।")),
        text_en=str(fields.pop("text_en", "A new scheme for farmers: applications open today.")),
        **fields,  # type: ignore[arg-type]
    )
    services.item_submit(item_id=item.id, actor=author)
    return services.item_approve(item_id=item.id, actor=reviewer)


@pytest.fixture
def writer(tree: Tree) -> User:
    return make_user("writer", tree.state, Role.ANALYST)


@pytest.fixture
def kit(tree: Tree, writer: User, alice: User) -> ContentItem:
    return approved_item(author=writer, reviewer=alice, unit=tree.state)


@pytest.fixture
def volunteers(tree: Tree) -> Volunteers:
    return add_volunteers(tree.booths)
