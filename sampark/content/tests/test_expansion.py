"""Expanding a distribution into outbox rows."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from sampark.accounts.models import User
from sampark.content import expansion, services
from sampark.content.enums import DeliveryStatus, DistributionStatus, ItemState
from sampark.content.models import ContentItem, Delivery
from sampark.content.tests.fixtures import Volunteers, add_volunteers
from sampark.core.models import Task
from sampark.devtools.synthetic import Tree
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, PositionKind

pytestmark = pytest.mark.django_db


def test_it_expands_to_each_verified_volunteer_in_the_targets_once(
    tree: Tree, alice: User, kit: ContentItem, volunteers: Volunteers
) -> None:
    # given one volunteer who also holds a second booth position, and one pending sign-up
    first = volunteers.people[0]
    Assignment.objects.create(
        person=first,
        unit=volunteers.booth_of[first.id],
        kind=PositionKind.objects.get(code="outreach_volunteer"),
        status=AssignmentStatus.VERIFIED,
    )
    pending = add_volunteers([tree.booths[0]], per_booth=1, start=900, first_kind=2).people[0]
    Assignment.objects.filter(person=pending).update(status=AssignmentStatus.PENDING)
    district = tree.districts[0]
    # when a distribution to district 1 falls due
    d = services.distribution_create(actor=alice, item_id=kit.id, target_ids=[district.id])
    total = expansion.expand(distribution_id=d.id)
    # then every verified volunteer under district 1 gets exactly one row, with roll-up columns
    expected = {
        p.id for p in volunteers.people if volunteers.booth_of[p.id].district_id == district.id
    }
    rows = list(Delivery.objects.filter(distribution=d))
    assert total == len(rows) == len(expected)
    assert {r.person_id for r in rows} == expected
    row = next(r for r in rows if r.person_id == first.id)
    booth = volunteers.booth_of[first.id]
    assert (row.unit_id_at, row.ac_id_at, row.pc_id_at, row.district_id_at) == (
        booth.id,
        booth.ac_id,
        booth.pc_id,
        booth.district_id,
    )
    assert all(r.status == DeliveryStatus.QUEUED and r.channel == "push" for r in rows)
    d.refresh_from_db()
    kit.refresh_from_db()
    assert d.status == DistributionStatus.SENDING
    assert d.targeted == total
    assert kit.state == ItemState.SENT


def test_it_is_idempotent_when_run_twice(
    tree: Tree, alice: User, kit: ContentItem, volunteers: Volunteers
) -> None:
    # given an expanded distribution over two targets (a district and a PC that overlap)
    d = services.distribution_create(
        actor=alice, item_id=kit.id, target_ids=[tree.districts[0].id, tree.pcs[0].id]
    )
    first = expansion.expand(distribution_id=d.id)
    # when the task runs again (a worker died after committing)
    from sampark.content.models import Distribution

    Distribution.objects.filter(id=d.id).update(status=DistributionStatus.SCHEDULED)
    second = expansion.expand(distribution_id=d.id)
    # then no row is doubled
    assert first == second == Delivery.objects.filter(distribution=d).count()


def test_it_filters_by_position(
    tree: Tree, alice: User, kit: ContentItem, volunteers: Volunteers
) -> None:
    # given volunteers in seats 1 and 2 (booth president, WhatsApp pramukh)
    # when only WhatsApp pramukhs are targeted
    d = services.distribution_create(
        actor=alice, item_id=kit.id, target_ids=[tree.state.id], positions=["whatsapp_pramukh"]
    )
    expansion.expand(distribution_id=d.id)
    # then only they get it
    pramukhs = set(
        Assignment.objects.filter(kind__code="whatsapp_pramukh").values_list("person_id", flat=True)
    )
    assert (
        set(Delivery.objects.filter(distribution=d).values_list("person_id", flat=True)) == pramukhs
    )
    assert pramukhs


def test_it_queues_expansion_for_the_scheduled_time(
    tree: Tree, alice: User, kit: ContentItem
) -> None:
    import datetime as dt

    from django.utils import timezone

    when = timezone.now() + dt.timedelta(hours=3)
    d = services.distribution_create(
        actor=alice, item_id=kit.id, target_ids=[tree.state.id], scheduled_at=when
    )
    task = Task.objects.get(name="content.expand")
    assert task.payload == {"distribution_id": d.id}
    assert task.run_after == when


def test_a_district_incharge_cannot_target_another_district(
    tree: Tree, bob: User, kit: ContentItem
) -> None:
    with pytest.raises(PermissionDenied):
        services.distribution_create(actor=bob, item_id=kit.id, target_ids=[tree.districts[1].id])


def test_a_cancelled_distribution_does_not_expand(
    tree: Tree, alice: User, kit: ContentItem, volunteers: Volunteers
) -> None:
    d = services.distribution_create(actor=alice, item_id=kit.id, target_ids=[tree.state.id])
    assert services.distribution_cancel(distribution_id=d.id, actor=alice)
    assert expansion.expand(distribution_id=d.id) == 0
    assert not Delivery.objects.filter(distribution=d).exists()
