"""The helpline's inbound queue (issue #15): callers wait first come first served; an agent
who takes helpline calls gets the longest-waiting one with the caller's record on screen
(matched by phone, and only inside the agent's own subtree: outside it, the number alone);
the agent closes the call with a disposition, like an outbound one.

A caller is handed to one agent only: on PostgreSQL the oldest waiting rows are read `FOR
UPDATE SKIP LOCKED`, and on both databases the call is taken by a conditional UPDATE that one
writer wins. A caller who hangs up while waiting is counted as abandoned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q, scope_root
from sampark.calls import audit
from sampark.calls.enums import AgentState, Disposition, InboundStatus
from sampark.calls.models import AgentStatus, DoNotCall, InboundCall
from sampark.calls.permissions import is_manager, require_agent
from sampark.geo.models import Unit
from sampark.geo.scope import contains
from sampark.people import selectors as people_selectors
from sampark.people import services as people_services
from sampark.people.enums import ConsentChannel
from sampark.people.validation import normalize_phone

MAX_NOTE = 2000


def answer_within() -> int:
    """Seconds within which an answered caller counts towards the service level (20 s)."""
    conf: dict[str, Any] = settings.SAMPARK_CALLS
    return int(conf.get("INBOUND_ANSWER_WITHIN", 20))


def _phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValidationError:
        return raw.strip()[:16]  # a withheld or odd number is queued as it came


def inbound_arrived(
    *, provider: str, provider_call_id: str, phone: str, at: dt.datetime
) -> InboundCall:
    """Queue a caller (once per provider call: a repeated report changes nothing)."""
    number = _phone(phone)
    person = people_selectors.person_by_phone(phone=number) if number else None
    unit_id = person.home_unit_id if person is not None else None
    if unit_id is None:
        top = Unit.objects.filter(parent__isnull=True, level="state").order_by("id").first()
        if top is None:
            raise ValidationError(_("The tree has no state to hold the helpline."))
        unit_id = top.id
    call, _created = InboundCall.objects.get_or_create(
        provider=provider,
        provider_call_id=provider_call_id[:80],
        defaults={"phone": number, "person": person, "unit_id": unit_id, "queued_at": at},
    )
    return call


def inbound_ended(*, provider: str, provider_call_id: str, at: dt.datetime) -> bool:
    """The caller's line is gone: abandoned if still waiting, else the talk ended."""
    calls = InboundCall.objects.filter(provider=provider, provider_call_id=provider_call_id)
    abandoned = calls.filter(status=InboundStatus.QUEUED).update(
        status=InboundStatus.ABANDONED, ended_at=at
    )
    ended = (
        calls.filter(ended_at__isnull=True).exclude(status=InboundStatus.QUEUED).update(ended_at=at)
    )
    return bool(abandoned or ended)


def inbound_available(*, agent: User, on: bool, now: dt.datetime | None = None) -> None:
    """Mark the agent as taking helpline callers (or not)."""
    require_agent(agent)
    now = now or timezone.now()
    state = AgentState.AVAILABLE if on else AgentState.OFFLINE
    row, created = AgentStatus.objects.get_or_create(
        agent=agent, defaults={"inbound": on, "state": state, "since": now}
    )
    if not created:
        AgentStatus.objects.filter(id=row.id).update(inbound=on, state=state, since=now)


def takes_inbound(*, agent: User) -> bool:
    return AgentStatus.objects.filter(agent=agent, inbound=True).exists()


def inbound_held(*, agent: User) -> InboundCall | None:
    """The caller this agent has on the line and not yet closed."""
    return (
        InboundCall.objects.filter(agent=agent, status=InboundStatus.ANSWERED)
        .order_by("id")
        .first()
    )


def inbound_next(*, agent: User, now: dt.datetime | None = None) -> InboundCall | None:
    """The caller the agent works on now: the one they hold, else the longest waiting."""
    now = now or timezone.now()
    held = inbound_held(agent=agent)
    free = AgentStatus.objects.filter(agent=agent, inbound=True).exclude(state=AgentState.ON_CALL)
    if held is not None or not free.exists():
        return held  # an agent on an outbound call gets no caller until it is closed
    for _round in range(10):
        waiting = InboundCall.objects.filter(status=InboundStatus.QUEUED).order_by(
            "queued_at", "id"
        )
        with transaction.atomic():
            if connection.vendor == "postgresql":
                waiting = waiting.select_for_update(skip_locked=True)
            first = list(waiting.values_list("id", flat=True)[:1])
            if not first:
                return None
            claimed = _claim(call_id=first[0], agent_id=agent.id, now=now)
        if claimed == "won":
            return InboundCall.objects.select_related("person", "unit").get(id=first[0])
        if claimed == "busy":
            return inbound_held(agent=agent)  # taken by the Exotel route meanwhile
    return None


def _claim(*, call_id: int, agent_id: int, now: dt.datetime, skip: bool = False) -> str:
    """In the caller's transaction (the call's row already locked): hand the call to the agent
    if they are still free. "won"; "busy" (the agent is not free); "gone" (the call was
    taken). The agent's status row is locked so that the page and Exotel's route never give
    one agent two callers; `skip` passes over an agent another transaction is handing one."""
    statuses = AgentStatus.objects.filter(agent_id=agent_id, inbound=True).exclude(
        state=AgentState.ON_CALL
    )
    if connection.vendor == "postgresql":
        statuses = statuses.select_for_update(skip_locked=skip)
    status = statuses.first()
    holds = InboundCall.objects.filter(agent_id=agent_id, status=InboundStatus.ANSWERED)
    if status is None or holds.exists():
        return "busy"
    won = InboundCall.objects.filter(id=call_id, status=InboundStatus.QUEUED).update(
        status=InboundStatus.ANSWERED, agent_id=agent_id, answered_at=now
    )
    if not won:
        return "gone"
    AgentStatus.objects.filter(id=status.id).update(state=AgentState.ON_CALL, since=now)
    return "won"


@dataclass(frozen=True)
class Routed:
    """Whom the telephone line should ring for a caller: `phone` is the agent's, or empty
    while no agent is free (`waiting`) or once the caller is gone."""

    call: InboundCall
    phone: str = ""
    waiting: bool = False


def _agent_phone(agent_id: int) -> str:
    person_id = User.objects.filter(id=agent_id).values_list("person_id", flat=True).first()
    facts = people_selectors.person_facts(person_ids=[person_id or 0])
    return facts[person_id].phone if person_id in facts else ""


def inbound_route(*, call: InboundCall, now: dt.datetime | None = None) -> Routed:
    """Hand a queued caller to a free helpline agent for the line to ring (Exotel's Connect
    applet asks this), by the same claim as the helpline page: one caller, one agent.

    Idempotent: asked again, a caller already with an agent gets that agent. First come first
    served: a caller gets an agent only when more agents are free than callers waited longer.
    The longest idle agent with a phone on their record goes first."""
    now = now or timezone.now()
    call.refresh_from_db()
    if call.status == InboundStatus.ANSWERED and call.ended_at is None and call.agent_id:
        return Routed(call, phone=_agent_phone(call.agent_id))
    if call.status != InboundStatus.QUEUED:
        return Routed(call)
    waiting = InboundCall.objects.filter(status=InboundStatus.QUEUED)
    ahead = waiting.filter(
        Q(queued_at__lt=call.queued_at) | Q(queued_at=call.queued_at, id__lt=call.id)
    ).count()
    free = (
        AgentStatus.objects.filter(inbound=True, state=AgentState.AVAILABLE)
        .exclude(
            agent__in=InboundCall.objects.filter(status=InboundStatus.ANSWERED).values("agent")
        )
        .exclude(agent__person__isnull=True)
        .order_by("since", "id")
        .values_list("agent_id", "agent__person_id")[: ahead + 20]
    )
    candidates = list(free)
    phones = people_selectors.person_facts(person_ids=[p for _a, p in candidates])
    dialable = [(a, phones[p].phone) for a, p in candidates if p in phones and phones[p].phone]
    if len(dialable) <= ahead:
        return Routed(call, waiting=True)
    for agent_id, phone in dialable:
        with transaction.atomic():
            rows = InboundCall.objects.filter(id=call.id, status=InboundStatus.QUEUED)
            if connection.vendor == "postgresql":
                rows = rows.select_for_update(skip_locked=True)
            if not rows.exists():
                break  # the page or another request is taking this caller
            claimed = _claim(call_id=call.id, agent_id=agent_id, now=now, skip=True)
        if claimed == "won":
            call.refresh_from_db()
            return Routed(call, phone=phone)
        if claimed == "gone":
            break
    call.refresh_from_db()
    if call.status == InboundStatus.ANSWERED and call.agent_id:
        return Routed(call, phone=_agent_phone(call.agent_id))
    return Routed(call, waiting=call.status == InboundStatus.QUEUED)


def inbound_ring_missed(*, call: InboundCall, dialled: str, now: dt.datetime | None = None) -> bool:
    """The line rang the caller's agent and nobody picked up: the caller goes back to the
    queue, keeping their place, and the agent is taken off the helpline until they tick "take
    callers" again (so the next ask rings someone else). Only for the agent's own number."""
    now = now or timezone.now()
    if call.agent_id is None or not dialled or _phone(dialled) != _agent_phone(call.agent_id):
        return False
    with transaction.atomic():
        back = InboundCall.objects.filter(
            id=call.id, agent_id=call.agent_id, status=InboundStatus.ANSWERED, ended_at=None
        ).update(status=InboundStatus.QUEUED, agent=None, answered_at=None)
        if back:
            AgentStatus.objects.filter(agent_id=call.agent_id).update(
                inbound=False, state=AgentState.OFFLINE, since=now
            )
    return bool(back)


def inbound_close(
    *,
    agent: User,
    inbound_id: int,
    disposition: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> InboundCall:
    """Close the agent's call with a disposition and a note; "do not call" withdraws every
    consent the number gave and lists it, as on an outbound call."""
    now = now or timezone.now()
    code = Disposition(disposition)
    with transaction.atomic():
        call = InboundCall.objects.select_for_update().select_related("unit").get(id=inbound_id)
        if call.agent_id != agent.id:
            raise PermissionDenied(_("This call is no longer yours."))
        if call.closed_at is not None:
            return call  # a double submit: the first one counted
        call.disposition = code
        call.note = note.strip()[:MAX_NOTE]
        call.closed_at = now
        call.status = InboundStatus.CLOSED
        call.ended_at = call.ended_at or now
        call.save()
        if code == Disposition.DO_NOT_CALL and call.phone:
            for channel in ConsentChannel.values:
                people_services.consent_withdraw_channel(
                    phone=call.phone, channel=channel, source="call_centre"
                )
            DoNotCall.objects.get_or_create(phone=call.phone, defaults={"reason": "helpline"})
        AgentStatus.objects.filter(agent=agent).update(state=AgentState.AVAILABLE, since=now)
        audit.inbound_closed(call=call, actor=agent)
    return call


# --- reads -------------------------------------------------------------------------------------


def inbound_visible(*, user: User) -> QuerySet[InboundCall]:
    """Calls the user may open: their own, and (supervisors) those of callers in their subtree."""
    mine = Q(agent=user)
    if is_manager(user):
        mine |= scope_q(user=user, field="unit")
    return InboundCall.objects.filter(mine)


def access_inbound(*, user: User, inbound_id: int) -> InboundCall:
    """An inbound call the user may open, else 404."""
    call = get_object_or_404(
        inbound_visible(user=user).select_related("person", "unit"), id=inbound_id
    )
    require_agent(user)
    return call


@dataclass(frozen=True)
class CallerCard:
    """What the agent sees of a caller: the number, and the record only inside their scope."""

    phone: str
    name: str = ""
    booth: Unit | None = None
    positions: tuple[str, ...] = ()
    earlier: tuple[InboundCall, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.name)


def caller_card(*, user: User, call: InboundCall) -> CallerCard:
    """The caller's record if their home lies inside the agent's subtree; else the number."""
    person = call.person
    if person is None or person.home_unit is None:
        return CallerCard(phone=call.phone)
    if not contains(scope_root(user=user), person.home_unit):
        return CallerCard(phone=call.phone)
    _booth, assignments = people_selectors.positions_and_booth(person=person)
    earlier = InboundCall.objects.filter(person=person, closed_at__isnull=False).exclude(id=call.id)
    return CallerCard(
        phone=call.phone,
        name=person.name,
        booth=person.home_unit,
        positions=tuple(a.kind.name_hi for a in assignments),
        earlier=tuple(earlier.order_by("-id")[:5]),
    )


@dataclass(frozen=True)
class QueueBoard:
    waiting: int
    longest_wait_seconds: float
    offered: int
    answered: int
    answered_within: int
    abandoned: int
    service_level: float
    within_seconds: int


def queue_board(*, user: User, now: dt.datetime) -> QueueBoard:
    """The inbound queue in the user's subtree: waiting now, the longest wait, and over the last
    hour the service level (answered within N s / offered, N = `answer_within()`)."""
    within = answer_within()
    calls = InboundCall.objects.filter(scope_q(user=user, field="unit"))
    waiting = list(calls.filter(status=InboundStatus.QUEUED).values_list("queued_at", flat=True))
    hour = calls.filter(queued_at__gte=now - dt.timedelta(hours=1))
    answered = list(hour.filter(answered_at__isnull=False).values_list("queued_at", "answered_at"))
    fast = sum(1 for q, a in answered if a is not None and (a - q).total_seconds() <= within)
    abandoned = hour.filter(status=InboundStatus.ABANDONED).count()
    # Offered: every caller who reached an end or has already waited past N seconds.
    late = sum(
        1
        for q in waiting
        if q >= now - dt.timedelta(hours=1) and (now - q).total_seconds() > within
    )
    offered = len(answered) + abandoned + late
    return QueueBoard(
        waiting=len(waiting),
        longest_wait_seconds=max(((now - q).total_seconds() for q in waiting), default=0.0),
        offered=offered,
        answered=len(answered),
        answered_within=fast,
        abandoned=abandoned,
        service_level=fast / offered if offered else 1.0,
        within_seconds=within,
    )
