"""The helpline's inbound queue: first come first served, one agent per caller, the caller's
record only inside the agent's scope, abandons, the service level, Exotel's Passthru hooks."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.calls import inbound, telephony
from sampark.calls.enums import InboundStatus
from sampark.calls.models import DoNotCall, InboundCall
from sampark.calls.tests.fixtures import DAY
from sampark.geo.models import Unit
from sampark.people.models import Person

pytestmark = pytest.mark.django_db


def _arrive(sid: str, phone: str, at: dt.datetime) -> InboundCall:
    return inbound.inbound_arrived(provider="exotel", provider_call_id=sid, phone=phone, at=at)


def test_callers_are_taken_first_come_first_served(
    persons: list[Person], agent1: User, agent2: User
) -> None:
    # given two callers, the second arrived first
    late = _arrive("late", persons[0].phone, DAY)
    early = _arrive("early", persons[1].phone, DAY - dt.timedelta(seconds=30))
    # and only agent1 takes helpline calls yet
    inbound.inbound_available(agent=agent1, on=True)
    assert inbound.inbound_next(agent=agent2, now=DAY) is None
    inbound.inbound_available(agent=agent2, on=True)
    # when both agents ask for the next caller
    first = inbound.inbound_next(agent=agent1, now=DAY)
    second = inbound.inbound_next(agent=agent2, now=DAY)
    # then the longest waiting goes first, and each keeps their own on a reload
    assert first is not None
    assert second is not None
    assert (first.id, second.id) == (early.id, late.id)
    again = inbound.inbound_next(agent=agent1, now=DAY)
    assert again is not None
    assert again.id == early.id


def test_the_same_arrival_reported_twice_is_one_caller(persons: list[Person]) -> None:
    _arrive("sid-1", persons[0].phone, DAY)
    _arrive("sid-1", persons[0].phone, DAY)
    assert InboundCall.objects.count() == 1


def test_the_record_shows_only_inside_the_agents_scope(
    persons: list[Person], agent1: User, agent_other: User
) -> None:
    # given a caller from district 1 taken by an agent of district 2
    call = _arrive("sid", persons[0].phone, DAY)
    # when each agent looks at the caller
    inside = inbound.caller_card(user=agent1, call=call)
    outside = inbound.caller_card(user=agent_other, call=call)
    # then the district's own agent sees the record, the other only the number
    assert inside.known
    assert inside.name == persons[0].name
    assert not outside.known
    assert outside.name == ""
    assert outside.phone == persons[0].phone


def test_an_unknown_number_is_queued_under_the_state(tree: object, agent1: User) -> None:
    call = _arrive("sid", "09812300000", DAY)
    assert call.person is None
    assert call.unit.level == "state"
    assert call.phone == "+919812300000"


def test_abandoned_and_service_level_on_the_board(
    persons: list[Person], agent1: User, supervisor: User
) -> None:
    inbound.inbound_available(agent=agent1, on=True)
    # given: one caller answered after 10 s, one after 40 s, one hung up waiting, one waiting
    fast = _arrive("fast", persons[0].phone, DAY - dt.timedelta(minutes=10))
    inbound.inbound_next(agent=agent1, now=fast.queued_at + dt.timedelta(seconds=10))
    inbound.inbound_close(agent=agent1, inbound_id=fast.id, disposition="completed", now=DAY)
    slow = _arrive("slow", persons[1].phone, DAY - dt.timedelta(minutes=8))
    inbound.inbound_next(agent=agent1, now=slow.queued_at + dt.timedelta(seconds=40))
    inbound.inbound_close(agent=agent1, inbound_id=slow.id, disposition="completed", now=DAY)
    gone = _arrive("gone", persons[2].phone, DAY - dt.timedelta(minutes=5))
    inbound.inbound_ended(provider="exotel", provider_call_id="gone", at=DAY)
    _arrive("waiting", persons[3].phone, DAY - dt.timedelta(seconds=5))
    # when the supervisor's board is computed
    board = inbound.queue_board(user=supervisor, now=DAY)
    # then one of three offered was answered within 20 s, one abandoned, one waits 5 s
    assert InboundCall.objects.get(id=gone.id).status == InboundStatus.ABANDONED
    assert (board.waiting, board.longest_wait_seconds) == (1, 5.0)
    assert (board.offered, board.answered_within, board.abandoned) == (3, 1, 1)
    assert board.service_level == pytest.approx(1 / 3)


def test_do_not_call_on_the_helpline_lists_the_number(persons: list[Person], agent1: User) -> None:
    inbound.inbound_available(agent=agent1, on=True)
    call = _arrive("sid", persons[0].phone, DAY)
    inbound.inbound_next(agent=agent1, now=DAY)
    inbound.inbound_close(agent=agent1, inbound_id=call.id, disposition="do_not_call", now=DAY)
    inbound.inbound_close(agent=agent1, inbound_id=call.id, disposition="completed", now=DAY)
    call.refresh_from_db()
    assert (call.status, call.disposition) == (InboundStatus.CLOSED, "do_not_call")
    assert DoNotCall.objects.filter(phone=persons[0].phone).exists()


def test_the_agent_takes_and_closes_a_caller_on_the_page(
    client: Client, persons: list[Person], agent1: User, agent_other: User
) -> None:
    # given a caller waiting and an agent who starts taking callers
    call = _arrive("sid", persons[0].phone, DAY)
    client.force_login(agent1)
    with time_machine.travel(DAY, tick=False):
        client.post(reverse("calls:helpline_available"), {"on": "1"})
        page = client.get(reverse("calls:helpline")).content.decode()
        # then the caller's record is on screen
        assert persons[0].name in page
        # and an outsider cannot open or close that call
        client.force_login(agent_other)
        url = reverse("calls:helpline_save", kwargs={"inbound_id": call.id})
        assert client.post(url, {"disposition": "completed"}).status_code == 404
        # when the agent saves a disposition
        client.force_login(agent1)
        response = client.post(url, {"disposition": "completed", "note": "सहायता दी"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.status, call.note) == (InboundStatus.CLOSED, "सहायता दी")


def test_exotel_passthru_queues_and_abandons(client: Client, tree: object) -> None:
    token = telephony.helpline_token()
    url = reverse("calls:helpline_exotel", kwargs={"token": token, "stage": "arrived"})
    fields = {
        "CallSid": "c5d8a1e0f3b24e8d9a6b7c1d2e3f4a5b",
        "CallFrom": "09812300000",
        "CallTo": "08030752400",
        "Direction": "incoming",
        "CurrentTime": "2026-03-02 11:00:40",
    }
    # when Exotel reports a caller arriving, twice, then leaving
    assert client.get(url, fields).content == b"queued"
    assert client.get(url, fields).content == b"queued"
    ended = reverse("calls:helpline_exotel", kwargs={"token": token, "stage": "ended"})
    assert client.get(ended, fields | {"CallType": "client-hangup"}).status_code == 200
    # then one caller was queued and is counted as abandoned
    call = InboundCall.objects.get()
    assert (call.status, call.phone) == (InboundStatus.ABANDONED, "+919812300000")
    # and a wrong token or a body without CallSid is refused
    bad = reverse("calls:helpline_exotel", kwargs={"token": "x" * 32, "stage": "arrived"})
    assert client.get(bad, fields).status_code == 403
    assert client.get(url, {"CallFrom": "1"}).status_code == 400


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_no_caller_goes_to_two_agents(tree: object, district1: Unit) -> None:
    # given eight agents racing for four callers
    agents = [make_user(f"a{i}", district1, Role.CALL_AGENT) for i in range(8)]
    for agent in agents:
        inbound.inbound_available(agent=agent, on=True)
    for i in range(4):
        _arrive(f"sid{i}", f"0981230000{i}", DAY + dt.timedelta(seconds=i))

    def take(agent: User) -> int | None:
        try:
            call = inbound.inbound_next(agent=agent, now=DAY)
            return call.id if call else None
        finally:
            connection.close()

    # when they all ask at once
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = [i for i in pool.map(take, agents) if i is not None]
    # then every caller went to exactly one agent
    assert sorted(got) == sorted(set(got))
    assert len(got) == 4


def test_an_agent_on_an_outbound_call_gets_no_caller(persons: list[Person], agent1: User) -> None:
    from sampark.calls import services

    # given an agent taking helpline calls who is on an outbound call
    inbound.inbound_available(agent=agent1, on=True)
    services.agent_state_set(agent=agent1, state="on_call", now=DAY)
    _arrive("sid", persons[0].phone, DAY)
    # then no caller is handed to them until the call is over
    assert inbound.inbound_next(agent=agent1, now=DAY) is None
    services.agent_state_set(agent=agent1, state="available", now=DAY)
    assert inbound.inbound_next(agent=agent1, now=DAY) is not None
