"""The demo loader keeps the registry's invariants."""

from __future__ import annotations

import random

from django.db.models import Sum

from sampark.devtools.demo import groups as demo
from sampark.geo.models import Unit
from sampark.groups.models import Group, GroupJoin
from sampark.groups.tests.factories import make_person
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, ConsentEvent, PositionKind


def test_demo_groups_are_consistent(tree):
    # given staffed booths with a volunteer each
    kind = PositionKind.objects.filter(counts_toward_staffing=True).first()
    assert kind is not None
    for booth in tree.booths:
        Assignment.objects.create(
            person=make_person(), unit=booth, kind=kind, status=AssignmentStatus.VERIFIED
        )
    Unit.objects.filter(level="booth").update(volunteers=1)
    # when the demo loads
    report = demo.load(rng=random.Random(5))
    # then every staffed booth has 1-3 groups run by its volunteer
    assert report["booths"] == len(tree.booths)
    assert len(tree.booths) <= Group.objects.count() <= 3 * len(tree.booths)
    for group in Group.objects.prefetch_related("count_reports", "admins"):
        assert group.member_count == sum(r.delta for r in group.count_reports.all())
        assert group.member_count <= group.cap
        assert group.admins.count() >= 1
        assert "बूथ" in group.name
    # and every join has its consent event, from the invite page of its group
    for join in GroupJoin.objects.all():
        assert ConsentEvent.objects.filter(
            person_id=join.person_id, source=f"invite:{join.group_id}", action="given"
        ).exists()
    assert Group.objects.aggregate(s=Sum("member_count"))["s"] > 0
    # and a second load changes nothing
    assert demo.load(rng=random.Random(5)) == {}
