"""The war room's worker step: it pulls alerts from listening (each opened once) and escalates
overdue incidents."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from sampark.monitoring.enums import AlertKind
from sampark.monitoring.models import Alert
from sampark.monitoring.tests.factories import build_world
from sampark.warroom import tasks
from sampark.warroom.models import Incident

pytestmark = pytest.mark.django_db


def test_worker_step_escalates(incident):
    step = tasks.make_step("test")
    with time_machine.travel(incident.sla_due_at + dt.timedelta(minutes=5)):
        assert step() == 1


# -- alerts ------------------------------------------------------------------------------------


def test_the_worker_opens_an_incident_for_each_new_alert_once(tree, district1, alice):
    # given two fresh alerts from the listening pipeline, one on a narrative
    world = build_world(district1=district1, district2=tree.districts[1])
    first = Alert.objects.create(kind=AlertKind.WATCH, unit=district1, message="watchlist hit")
    second = Alert.objects.create(
        kind=AlertKind.VELOCITY, unit=tree.state, narrative=world["shared"], message="fast"
    )
    # when the war-room step runs twice
    opened = tasks.open_from_alerts()
    again = tasks.open_from_alerts()
    # then each alert got its incident once, triaged, and nothing is opened the second time
    assert opened == 2
    assert again == 0
    assert Incident.objects.filter(alert=first).count() == 1
    assert Incident.objects.get(alert=second).narrative_id == world["shared"].id
    # and a later alert on the same narrative joins nothing new to the queue
    Alert.objects.create(
        kind=AlertKind.VELOCITY, unit=tree.state, narrative=world["shared"], message="faster"
    )
    assert tasks.open_from_alerts() == 0
