"""Property: over generated schedules, nothing is sent into a silent constituency, at night,
after an opt-out, before consent, to a minor or (by SMS) to a DND number — including
deliveries queued before the window opened. `sampark bench distribution` runs ≥ 10,000."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from sampark.accounts.models import User
from sampark.content.models import ContentItem
from sampark.content.tests.schedules import Schedule, World, build_world, run_schedule, schedules
from sampark.geo.synthetic import Tree

pytestmark = pytest.mark.django_db

SEEN = {"examples": 0, "sends": 0}


@pytest.fixture
def world(tree: Tree, alice: User, kit: ContentItem) -> World:
    return build_world(tree=tree, sender=alice, item_id=kit.id)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(schedule=schedules())
def test_no_send_breaks_a_rule(world: World, schedule: Schedule) -> None:
    sends, bad = run_schedule(world, schedule)
    assert bad == []
    SEEN["examples"] += 1
    SEEN["sends"] += sends


def test_the_property_test_sent_something() -> None:
    # The property above is only worth something if the generated schedules let messages out.
    if SEEN["examples"] == 0:
        pytest.skip("runs after test_no_send_breaks_a_rule in the same process")
    assert SEEN["sends"] > SEEN["examples"]
