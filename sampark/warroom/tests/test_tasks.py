"""The war room's worker step: it pulls alerts and unanswered tips from listening (each opened
once, nothing lost when a worker dies), and escalates overdue incidents."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
import time_machine
from django.db import connection

from sampark.monitoring import services as monitoring_services
from sampark.monitoring import tipreply
from sampark.monitoring.enums import AlertKind, SourceKind
from sampark.monitoring.models import Alert, Post
from sampark.monitoring.tests.factories import build_world
from sampark.warroom import tasks
from sampark.warroom.enums import EventKind, IncidentOrigin
from sampark.warroom.models import Incident
from sampark.warroom.services import incidents as incident_services

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
    # and a later alert on the same narrative is taken in once, onto the open incident
    later = Alert.objects.create(
        kind=AlertKind.VELOCITY, unit=tree.state, narrative=world["shared"], message="faster"
    )
    assert tasks.open_from_alerts() == 1
    assert tasks.open_from_alerts() == 0
    incident = Incident.objects.get(narrative=world["shared"])
    assert incident.events.filter(kind=EventKind.LINKED, data__alert_id=later.id).count() == 1


# -- tips --------------------------------------------------------------------------------------


def _tip(text: str, *, user, answered: bool = False) -> Post:
    """A web tip after the tip-reply step: queued for the war room, or answered automatically."""
    post = monitoring_services.tip_submit(text=text, user=user, kind=SourceKind.TIP_FORM)
    assert post is not None
    outcome = tipreply.tips_answer(post_ids=[post.id])
    assert outcome.queued == [post.id]
    if answered:  # as if a fact-check had matched in the auto band
        Post.objects.filter(id=post.id).update(
            metrics={tipreply.KEY: {"state": tipreply.State.SENT, "channel": "web"}}
        )
    return post


def test_the_worker_opens_an_incident_for_each_unanswered_tip_once(tree, district1, bob):
    # given a tip the tip-reply step queued and one it answered
    queued = _tip("मतदान केंद्र पर EVM बदली जा रही है, सच है क्या?", user=bob)
    answered = _tip("2000 के नोट में GPS चिप है", user=bob, answered=True)
    # when the war-room step runs twice
    step = tasks.make_step("w")
    first, again = step(), step()
    # then the queued tip got its incident in its district, once; the answered one none
    assert (first, again) == (1, 0)
    incident = Incident.objects.get(post=queued)
    assert incident.origin == IncidentOrigin.TIP
    assert incident.unit_id == district1.id
    assert incident.events.filter(kind=EventKind.OPENED).count() == 1
    assert not Incident.objects.filter(post=answered).exists()


def test_a_worker_killed_while_opening_loses_no_tip(tree, district1, bob, monkeypatch):
    # given a queued tip, and a worker that dies while opening its incident
    tip = _tip("बूथ 145 पर वोटिंग रुक गई है", user=bob)

    def die(**kw: object) -> None:
        raise KeyboardInterrupt  # not an Exception: the worker process stops here

    with monkeypatch.context() as m:
        m.setattr(incident_services, "incident_open_from_tip", die)
        with pytest.raises(KeyboardInterrupt):
            tasks.open_from_tips()
    # when the next worker runs
    assert not Incident.objects.filter(post=tip).exists()
    assert tasks.open_from_tips() == 1
    # then the tip has its incident, once
    assert Incident.objects.filter(post=tip).count() == 1
    assert tasks.open_from_tips() == 0


def test_a_tip_that_cannot_be_opened_is_logged_once(tree, district1, bob, monkeypatch, caplog):
    # given a queued tip whose incident fails to open
    tip = _tip("कोई अफवाह", user=bob)

    def fail(**kw: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(incident_services, "incident_open_from_tip", fail)
    # when the step runs twice
    with caplog.at_level(logging.ERROR, logger="sampark.warroom.tasks"):
        assert tasks.open_from_tips() == 0
        assert tasks.open_from_tips() == 0
    # then the failure is logged once and the tip is not tried again
    assert [r.getMessage() for r in caplog.records] == [f"war-room intake of tip {tip.id} failed"]
    assert not Incident.objects.filter(post=tip).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_workers_racing_on_a_tip_open_one_incident(tree, district1, bob):
    # given a queued tip
    tip = _tip("बूथ 145 पर EVM बदली जा रही है", user=bob)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def work() -> None:
        try:
            barrier.wait()
            results.append(tasks.open_from_tips())
        finally:
            connection.close()

    # when four workers pull tips at the same moment
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    # then one took the tip and opened its incident, once
    assert sorted(results) == [0, 0, 0, 1]
    incident = Incident.objects.get(post=tip)
    assert incident.events.filter(kind=EventKind.OPENED).count() == 1
