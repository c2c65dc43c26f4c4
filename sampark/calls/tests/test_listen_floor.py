"""Listening in (scoped, audited, only where the line allows it) and shifts and seats."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.calls import listen, rota
from sampark.calls.enums import AttemptStatus
from sampark.calls.models import Attempt, CallShift, Campaign, Contact, RosterEntry, Site
from sampark.calls.tests.fixtures import DAY
from sampark.core.models import AuditEvent
from sampark.devtools.telephony_fake import FakeAri
from sampark.geo.models import Unit
from sampark.integrations.telephony.base import DialRequest

pytestmark = pytest.mark.django_db


def _ari_settings(url: str, telephony: str = "asterisk") -> dict[str, object]:
    return {
        "TELEPHONY": telephony,
        "CALLBACK_SECRET": "s",
        "CALLER_ID": {"service": "1600000000", "promotional": "1400000000"},
        "LEASE_SECONDS": 300,
        "ASTERISK": {"BASE_URL": url, "USER": "ari", "PASSWORD": "secret"},
        "EXOTEL": {"ACCOUNT_SID": "acme", "API_KEY": "k", "API_TOKEN": "t"},
    }


def _live(campaign: Campaign, agent: User, call_id: str, provider: str = "asterisk") -> Attempt:
    contact = Contact.objects.filter(campaign=campaign).order_by("id").first()
    assert contact is not None
    return Attempt.objects.create(
        contact=contact,
        agent=agent,
        provider=provider,
        provider_call_id=call_id,
        status=AttemptStatus.IN_PROGRESS,
    )


def test_a_supervisor_listens_to_a_live_call(
    campaign: Campaign, agent1: User, supervisor: User
) -> None:
    with FakeAri() as fake, override_settings(SAMPARK_CALLS=_ari_settings(fake.url)):
        # given a call up through Asterisk
        from sampark.calls import telephony

        adapter = telephony.adapter()
        call = adapter.dial(DialRequest("09812345678", "09876000001", "1600000000", False)).call_id
        for event in fake.drain():
            adapter.on_event(event)  # type: ignore[attr-defined]
        attempt = _live(campaign, agent1, call)
        # when the supervisor listens in
        session = listen.listen_start(supervisor=supervisor, attempt_id=attempt.id, phone="0980")
    # then the customer's leg is snooped both ways, nothing whispered, and it is audited
    assert fake.snoops == [(f"{call}-c", "both", "none")]
    row = AuditEvent.objects.get(verb="calls.listen_started")
    assert (row.object_id, row.actor_id, row.data["session"]) == (
        attempt.id,
        supervisor.id,
        session,
    )


def test_listening_is_scoped_and_needs_a_supervisor(
    campaign: Campaign, agent1: User, agent2: User, district2: Unit
) -> None:
    outsider = make_user("sup2", district2, Role.CALL_SUPERVISOR)
    attempt = _live(campaign, agent1, "abc")
    with pytest.raises(Http404):
        listen.listen_start(supervisor=outsider, attempt_id=attempt.id, phone="0980")
    with pytest.raises(PermissionDenied, match="supervisors"):
        listen.listen_start(supervisor=agent2, attempt_id=attempt.id, phone="0980")


def test_exotel_cannot_listen_in(campaign: Campaign, agent1: User, supervisor: User) -> None:
    attempt = _live(campaign, agent1, "sid", provider="exotel")
    with (
        override_settings(SAMPARK_CALLS=_ari_settings("http://127.0.0.1:9", telephony="exotel")),
        pytest.raises(ValidationError, match="does not allow"),
    ):
        listen.listen_start(supervisor=supervisor, attempt_id=attempt.id, phone="0980")
    assert not AuditEvent.objects.filter(verb="calls.listen_started").exists()


# --- shifts and seats ---------------------------------------------------------------------------


@pytest.fixture
def site(supervisor: User, district1: Unit) -> Site:
    return rota.site_create(actor=supervisor, name="Lucknow floor", unit=district1, seats=3)


def _shift(supervisor: User, site: Site, start: dt.datetime, hours: int = 8) -> CallShift:
    return rota.shift_create(
        actor=supervisor,
        site=site,
        name="Morning",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
    )


def test_agents_get_free_seats_and_never_two_overlapping_shifts(
    supervisor: User, site: Site, agent1: User, agent2: User, agent_other: User
) -> None:
    # given a 3-seat site with a morning shift and an overlapping one
    morning = _shift(supervisor, site, DAY)
    midday = _shift(supervisor, site, DAY + dt.timedelta(hours=4))
    # when two agents are put on the morning shift
    entries = rota.roster_assign(actor=supervisor, shift=morning, agents=[agent1, agent2])
    # then they get the first free seats
    assert [e.seat for e in entries] == [1, 2]
    # and an agent on the morning shift cannot be on the overlapping one
    with pytest.raises(ValidationError, match="already on a shift"):
        rota.roster_assign(actor=supervisor, shift=midday, agents=[agent1])
    # and an agent outside the supervisor's area is refused
    with pytest.raises(ValidationError, match="not an agent in your area"):
        rota.roster_assign(actor=supervisor, shift=morning, agents=[agent_other])
    # and the overlapping shift has only the seat left free
    third = make_user("agent3", site.unit, Role.CALL_AGENT)
    fourth = make_user("agent4", site.unit, Role.CALL_AGENT)
    assert [e.seat for e in rota.roster_assign(actor=supervisor, shift=midday, agents=[third])] == [
        3
    ]
    with pytest.raises(ValidationError, match="No free seat"):
        rota.roster_assign(actor=supervisor, shift=midday, agents=[fourth])


def test_floor_shows_who_is_on_shift_against_the_console(
    client: Client, supervisor: User, site: Site, agent1: User, agent2: User
) -> None:
    # given agent1 and agent2 on the shift now, agent1 signed in and available on the console
    shift = _shift(supervisor, site, DAY - dt.timedelta(hours=1))
    rota.roster_assign(actor=supervisor, shift=shift, agents=[agent1, agent2])
    from sampark.calls import inbound

    with time_machine.travel(DAY, tick=False):
        entry = rota.sign_in(agent=agent1)
        inbound.inbound_available(agent=agent1, on=True)
        rows = {r.username: r for r in rota.floor_now(user=supervisor, now=DAY)}
        client.force_login(supervisor)
        page = client.get(reverse("calls:floor"))
    # then agent2 is on shift but not on the console, agent1 is there and signed in
    assert entry.signed_in_at == DAY
    assert rows["agent2"].absent
    assert not rows["agent1"].absent
    assert rows["agent1"].signed_in
    assert page.status_code == 200
    assert "agent2" in page.content.decode()


def test_signing_out_takes_the_agent_off_the_console(
    supervisor: User, site: Site, agent1: User
) -> None:
    shift = _shift(supervisor, site, DAY)
    rota.roster_assign(actor=supervisor, shift=shift, agents=[agent1])
    # an agent cannot sign in an hour before the shift
    with pytest.raises(ValidationError):
        rota.sign_in(agent=agent1, now=DAY - dt.timedelta(hours=1))
    rota.sign_in(agent=agent1, now=DAY - dt.timedelta(minutes=10))
    out = rota.sign_out(agent=agent1, now=DAY + dt.timedelta(hours=8))
    assert out.signed_out_at == DAY + dt.timedelta(hours=8)
    assert RosterEntry.objects.get().signed_in_at == DAY - dt.timedelta(minutes=10)


def test_floor_pages_are_scoped(
    client: Client, supervisor: User, site: Site, district2: Unit, agent1: User
) -> None:
    shift = _shift(supervisor, site, DAY)
    outsider = make_user("sup2", district2, Role.CALL_SUPERVISOR)
    client.force_login(outsider)
    # an outsider's supervisor gets 404 for the site and the shift
    url = reverse("calls:shift_create", kwargs={"site_id": site.id})
    assert client.post(url, {"starts_at": "2026-03-03T09:00"}).status_code == 404
    roster = reverse("calls:roster_add", kwargs={"call_shift_id": shift.id})
    assert client.post(roster, {"usernames": "agent1"}).status_code == 404
    # and the site's own supervisor rosters agents by name
    client.force_login(supervisor)
    assert client.post(roster, {"usernames": "agent1, nobody"}).status_code == 302
    assert not RosterEntry.objects.exists()  # one unknown name: nothing is done
    client.post(roster, {"usernames": "agent1"})
    assert RosterEntry.objects.get().agent_id == agent1.id
    # an agent may not open the floor
    client.force_login(agent1)
    assert client.get(reverse("calls:floor")).status_code == 403
