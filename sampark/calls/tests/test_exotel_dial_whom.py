"""Exotel's Connect applet asks whom to ring for a helpline caller (issue #15)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sampark.accounts.models import User
from sampark.calls import inbound, telephony
from sampark.calls.enums import InboundStatus
from sampark.calls.models import InboundCall
from sampark.calls.tests.fixtures import DAY
from sampark.geo.models import Unit
from sampark.people.models import Person
from sampark.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parents[2] / "integrations" / "tests" / "payloads" / "telephony"


def _query(**extra: str) -> dict[str, str]:
    fields: dict[str, str] = json.loads((PAYLOADS / "exotel_connect_dial_whom.json").read_text())
    fields.pop("_source")
    return fields | extra


def _url(token: str | None = None) -> str:
    return reverse(
        "calls:helpline_exotel_dial", kwargs={"token": token or telephony.helpline_token()}
    )


def _ask(client: Client, **extra: str) -> dict[str, Any]:
    response = client.get(_url(), _query(**extra))
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _with_phone(agent: User, phone: str) -> User:
    agent.person = PersonFactory.create(phone=phone)
    agent.save()
    inbound.inbound_available(agent=agent, on=True)
    return agent


def test_the_caller_is_handed_to_a_free_agent_and_the_page_shows_them(
    client: Client, persons: list[Person], agent1: User
) -> None:
    # given an agent taking helpline callers, with a phone on their record
    _with_phone(agent1, "+919812345678")
    # when Exotel's Connect applet asks whom to ring for a known caller
    body = _ask(client, CallFrom=persons[0].phone)
    # then it is told to dial the agent's phone, from the ExoPhone the call came to
    assert body["destination"] == {"numbers": ["+919812345678"]}
    assert body["fetch_after_attempt"] is False
    assert body["outgoing_phone_number"] == "08030752400"
    call = InboundCall.objects.get()
    assert (call.status, call.agent_id) == (InboundStatus.ANSWERED, agent1.id)
    # and the agent's helpline page shows that caller's record
    client.force_login(agent1)
    page = client.get(reverse("calls:helpline")).content.decode()
    assert persons[0].name in page


def test_asked_again_the_caller_keeps_the_same_agent(
    client: Client, persons: list[Person], agent1: User, agent2: User
) -> None:
    _with_phone(agent1, "+919812345678")
    first = _ask(client, CallFrom=persons[0].phone)
    _with_phone(agent2, "+919812345679")
    again = _ask(client, CallFrom=persons[0].phone)
    assert first["destination"] == again["destination"] == {"numbers": ["+919812345678"]}
    assert InboundCall.objects.get().agent_id == agent1.id


def test_no_free_agent_dials_nobody_and_the_caller_waits(
    client: Client, persons: list[Person], agent1: User
) -> None:
    # given the only agent taking callers is already with one
    _with_phone(agent1, "+919812345678")
    _ask(client, CallSid="first", CallFrom=persons[1].phone)
    # when a second caller's applet asks
    body = _ask(client, CallFrom=persons[0].phone)
    # then nobody is dialled and the caller stays in the queue
    assert body["destination"] == {"numbers": []}
    waiting = InboundCall.objects.get(provider_call_id=_query()["CallSid"])
    assert (waiting.status, waiting.agent_id) == (InboundStatus.QUEUED, None)


def test_a_caller_who_waited_longer_gets_the_free_agent_first(
    client: Client, persons: list[Person], agent1: User
) -> None:
    # given a caller queued earlier (by the arrival Passthru) and one free agent
    inbound.inbound_arrived(
        provider="exotel", provider_call_id="early", phone=persons[1].phone, at=DAY
    )
    _with_phone(agent1, "+919812345678")
    # when a later caller's applet asks first, it waits; the earlier one gets the agent
    assert _ask(client, CallFrom=persons[0].phone)["destination"]["numbers"] == []
    early = _ask(client, CallSid="early", CallFrom=persons[1].phone)
    assert early["destination"]["numbers"] == ["+919812345678"]


def test_a_caller_gone_meanwhile_gets_no_destination(
    client: Client, persons: list[Person], agent1: User
) -> None:
    # given a caller who arrived and hung up
    ended = reverse(
        "calls:helpline_exotel", kwargs={"token": telephony.helpline_token(), "stage": "ended"}
    )
    arrived = reverse(
        "calls:helpline_exotel", kwargs={"token": telephony.helpline_token(), "stage": "arrived"}
    )
    client.get(arrived, _query(CallFrom=persons[0].phone))
    client.get(ended, _query(CallType="client-hangup"))
    _with_phone(agent1, "+919812345678")
    # when the applet asks (late) whom to ring
    body = _ask(client, CallFrom=persons[0].phone)
    # then nobody, and the agent stays free
    assert body["destination"] == {"numbers": []}
    assert InboundCall.objects.get().status == InboundStatus.ABANDONED
    assert inbound.inbound_held(agent=agent1) is None


def test_an_agent_without_a_phone_is_passed_over(
    client: Client, persons: list[Person], agent1: User, agent2: User
) -> None:
    inbound.inbound_available(agent=agent1, on=True)  # no person record, no phone
    _with_phone(agent2, "+919812345679")
    body = _ask(client, CallFrom=persons[0].phone)
    assert body["destination"] == {"numbers": ["+919812345679"]}


def test_a_wrong_token_is_404_and_no_callsid_400(client: Client, tree: object) -> None:
    assert client.get(_url("x" * 32), _query()).status_code == 404
    assert client.get(_url(), {"CallFrom": "09812300000"}).status_code == 400
    assert InboundCall.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_applet_and_the_page_never_share_a_caller_or_an_agent(
    tree: object, district1: Unit
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from conftest import make_user
    from sampark.accounts.enums import Role

    # given six agents with phones and six callers
    agents = [make_user(f"a{i}", district1, Role.CALL_AGENT) for i in range(6)]
    for i, agent in enumerate(agents):
        _with_phone(agent, f"+91981230010{i}")
    calls = [
        inbound.inbound_arrived(
            provider="exotel", provider_call_id=f"s{i}", phone=f"0981230000{i}", at=DAY
        )
        for i in range(6)
    ]

    def route(call: InboundCall) -> None:
        try:
            inbound.inbound_route(call=call, now=DAY)
        finally:
            connection.close()

    def page(agent: User) -> None:
        try:
            inbound.inbound_next(agent=agent, now=DAY)
        finally:
            connection.close()

    # when every caller's applet and three agents' pages ask at once
    with ThreadPoolExecutor(max_workers=9) as pool:
        done = [pool.submit(route, c) for c in calls] + [pool.submit(page, a) for a in agents[:3]]
        for future in done:
            future.result()
    # then no agent holds two callers
    held = list(
        InboundCall.objects.filter(status=InboundStatus.ANSWERED).values_list("agent_id", flat=True)
    )
    assert len(held) == len(set(held))
    assert held


def test_an_agent_who_lets_it_ring_out_loses_the_caller_to_the_next(
    client: Client, persons: list[Person], agent1: User, agent2: User
) -> None:
    # given a caller handed to agent1, and agent2 free as well
    _with_phone(agent1, "+919812345678")
    _ask(client, CallFrom=persons[0].phone)
    _with_phone(agent2, "+919812345679")
    # when the applet asks again after agent1's phone rang out
    body = _ask(
        client, CallFrom=persons[0].phone, CallType="incomplete", DialWhomNumber="09812345678"
    )
    # then agent2 is rung, and agent1 is off the helpline
    assert body["destination"] == {"numbers": ["+919812345679"]}
    assert InboundCall.objects.get().agent_id == agent2.id
    assert not inbound.takes_inbound(agent=agent1)
    # and a ring-out reported with another number changes nothing
    again = _ask(
        client, CallFrom=persons[0].phone, CallType="incomplete", DialWhomNumber="09800000000"
    )
    assert again["destination"] == {"numbers": ["+919812345679"]}
