"""The war-room demo: incidents from the listening data, templates, a response, the roster."""

from __future__ import annotations

import random

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.devtools.demo import warroom as demo
from sampark.monitoring.models import Alert, Watchlist
from sampark.monitoring.tests.factories import build_world
from sampark.warroom.enums import ResponseState
from sampark.warroom.models import Incident, Response, ResponseTemplate, Shift

pytestmark = pytest.mark.django_db


def test_demo_loads_once(tree, district1, district2, fact_check):
    # given the demo's users and some listening data
    make_user("state-head", tree.state, Role.STATE_HEAD)
    make_user("analyst", tree.state, Role.ANALYST)
    world = build_world(district1=district1, district2=district2)
    watchlist = Watchlist.objects.create(name="EVM", unit=district1)
    Alert.objects.create(
        kind="watch", unit=district1, watchlist=watchlist, post=world["p1"], message="EVM"
    )
    # when the demo loads twice
    first = demo.load(rng=random.Random(1))
    second = demo.load(rng=random.Random(1))
    # then there are incidents, four templates, a response awaiting approval and a week of shifts
    assert second == {}
    assert first["incidents"] == Incident.objects.count() >= 3
    assert ResponseTemplate.objects.count() == 4
    response = Response.objects.get()
    assert response.state in {ResponseState.DRAFT, ResponseState.AWAITING_APPROVAL}
    assert Shift.objects.count() == first["shifts"] == 21
