"""Property: over generated schedules, nothing is sent into a silent constituency, at night,
after an opt-out, before consent, to a minor or (by SMS) to a DND number — including
deliveries queued before the window opened. `sampark bench distribution` runs ≥ 10,000."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from sampark.accounts.models import User
from sampark.content.models import ContentItem
from sampark.content.tests.schedules import Schedule, build_world, run_schedule, schedules
from sampark.devtools.synthetic import Tree

pytestmark = pytest.mark.django_db


def test_no_send_breaks_a_rule(tree: Tree, alice: User, kit: ContentItem) -> None:
    world = build_world(tree=tree, sender=alice, item_id=kit.id)
    seen = {"examples": 0, "sends": 0}

    @settings(
        max_examples=150,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(schedule=schedules())
    def check(schedule: Schedule) -> None:
        sends, bad = run_schedule(world, schedule)
        assert bad == []
        seen["examples"] += 1
        seen["sends"] += sends

    check()
    # and the schedules let messages out often enough for the property to mean something
    assert seen["examples"] >= 100
    assert seen["sends"] >= seen["examples"] // 4
