"""The demo's content: kits in every state, yesterday's outcome, today's kit scheduled."""

from __future__ import annotations

import random

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.content.enums import DistributionStatus, ItemState
from sampark.content.models import ContentItem, Delivery, Distribution
from sampark.content.tests.fixtures import add_volunteers
from sampark.devtools.demo import content as demo
from sampark.devtools.synthetic import Tree

pytestmark = pytest.mark.django_db


def test_demo_content_covers_the_states_and_reports(tree: Tree, alice: User) -> None:
    # given the demo's state head and analyst, and volunteers with coordination consent
    alice.username = "state-head"
    alice.save()
    make_user("analyst", tree.state, Role.ANALYST)
    vols = add_volunteers(tree.booths)
    # when the demo content loads
    report = demo.load(rng=random.Random(5))
    # then there are kits in draft, review, sent and scheduled states
    states = set(ContentItem.objects.values_list("state", flat=True))
    assert {ItemState.DRAFT, ItemState.IN_REVIEW, ItemState.SENT, ItemState.SCHEDULED} <= states
    # yesterday's kit reached the two districts' volunteers, with opens and forwards
    done = Distribution.objects.get(status=DistributionStatus.DONE)
    rows = Delivery.objects.filter(distribution=done)
    assert rows.count() == report["sent_yesterday"] == len(vols.people)
    assert rows.filter(opened_at__isnull=False).exists()
    # and today's kit is scheduled for the worker, not sent by the demo
    assert Distribution.objects.filter(status=DistributionStatus.SCHEDULED).count() == 1
    assert demo.load(rng=random.Random(5)) == {}
