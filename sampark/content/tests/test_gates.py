"""What a kit is to the sending rules: its certificate bytes, a recall, a take-down notice.

The rules themselves (windows, consent, age, DND, calls, invitations) are tested in
`sampark/rules/tests/`.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sampark.accounts.models import User
from sampark.content import gates, services
from sampark.content.enums import DistributionKind
from sampark.content.models import ContentItem
from sampark.content.tests.fixtures import approved_item
from sampark.devtools.synthetic import Tree
from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent, Person
from sampark.rules import services as rules_services
from sampark.rules.enums import HoldReason
from sampark.rules.selectors import Calendar

IST = gates.IST


def at_ist(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 2, day, hour, minute, tzinfo=IST)


def _recipient(person: Person, *, channel: str = "push") -> gates.Recipient:
    return gates.Recipient(
        person_id=person.id,
        channel=channel,
        phone=person.phone,
        date_of_birth=person.date_of_birth,
        ac_id=None,
        pc_id=None,
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


def _check(
    item: ContentItem,
    person: Person,
    *,
    at: dt.datetime,
    kind: str = DistributionKind.SEND,
) -> str:
    keeper = gates.Gatekeeper.load(
        item=item,
        kind=kind,
        purpose="volunteer_coordination",
        recipients=[_recipient(person)],
        at=at_ist(10, 12),
        calendar=Calendar({}),
    )
    return keeper.check(_recipient(person), at=at).reason


def test_a_political_ad_needs_a_certificate_for_these_exact_bytes(
    tree: Tree, writer: User, alice: User, person: Person
) -> None:
    # given an approved political ad and a certificate for its hash
    ad = approved_item(author=writer, reviewer=alice, unit=tree.state, is_political_ad=True)
    assert _check(ad, person, at=at_ist(10, 12)) == HoldReason.NO_CERTIFICATE
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
    assert _check(ad, person, at=at_ist(10, 12)) == ""
    # when one byte of the text changes behind the service's back
    ad.text_hi = ad.text_hi.replace("।", ".")
    ad.save()
    # then it is blocked
    assert _check(ad, person, at=at_ist(10, 12)) == HoldReason.NO_CERTIFICATE


def test_a_recalled_or_expired_kit_never_leaves(kit: ContentItem, person: Person) -> None:
    kit.expires_at = at_ist(10, 12)
    assert _check(kit, person, at=at_ist(10, 12)) == HoldReason.EXPIRED
    kit.recalled_at = timezone.now()
    assert _check(kit, person, at=at_ist(10, 12)) == HoldReason.RECALLED


def test_take_down_notices_go_out_at_night(kit: ContentItem, person: Person) -> None:
    # given a recalled kit: its take-down notice is not held by the recall itself
    kit.recalled_at = timezone.now()
    assert _check(kit, person, at=at_ist(10, 23), kind=DistributionKind.RECALL) == ""
    kit.recalled_at = None
    assert _check(kit, person, at=at_ist(10, 23)) == HoldReason.QUIET_HOURS
