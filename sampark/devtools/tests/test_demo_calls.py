"""The call-centre demo: an agent, a script, a campaign of consenting booth presidents."""

from __future__ import annotations

import random

import pytest
import time_machine

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.calls.models import Campaign, Contact
from sampark.calls.tests.fixtures import DAY
from sampark.devtools.demo import calls as demo
from sampark.geo.models import Unit
from sampark.people.models import Assignment, PositionKind
from sampark.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_once(tree, district1):
    # given the call supervisor and three booth presidents in the first district
    make_user("call-supervisor", tree.state, Role.CALL_SUPERVISOR)
    kind = PositionKind.objects.get(code="booth_president")
    for booth in Unit.objects.filter(level="booth", district=district1).order_by("id")[:3]:
        Assignment.objects.create(person=PersonFactory.create(), unit=booth, kind=kind, seat=1)
    # when the demo loads twice, during calling hours
    with time_machine.travel(DAY, tick=False):
        demo.load(rng=random.Random(1))
        demo.load(rng=random.Random(1))
    # then there is one campaign over the three, some of them already called
    campaign = Campaign.objects.get()
    assert campaign.contacts.count() == 3
    assert Contact.objects.filter(calls__isnull=False).exists()
