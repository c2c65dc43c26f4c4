"""Scoped reads for the call centre: campaigns, contacts and calls inside the user's subtree.

A campaign is visible to its unit's subtree's staff above it (its unit inside their subtree)
and to agents below it, who see only the contacts inside their own subtree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q, scope_root
from sampark.calls.enums import AgentState, AttemptStatus, Disposition
from sampark.calls.models import (
    AgentStatus,
    Attempt,
    Campaign,
    Contact,
    Note,
    Script,
    ScriptVersion,
)
from sampark.calls.permissions import require_agent, require_manager
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors


def campaigns_visible(*, user: User) -> QuerySet[Campaign]:
    """Campaigns whose unit lies in the user's subtree or above it (an agent of a district
    works the state's campaign, on their district's contacts only)."""
    root = scope_root(user=user)
    above = [int(p) for p in (root.state_id, root.district_id, root.ac_id) if p is not None]
    return (
        Campaign.objects.filter(scope_q(user=user, field="unit") | Q(unit_id__in=above))
        .select_related("unit", "script__script")
        .order_by("-created_at", "-id")
    )


def campaigns_managed(*, user: User) -> QuerySet[Campaign]:
    """Campaigns of the user's own subtree (those a manager may start, pause and change)."""
    return campaigns_visible(user=user).filter(scope_q(user=user, field="unit"))


def access_campaign(*, user: User, campaign_id: int) -> Campaign:
    """The campaign if visible to the user, else 404 (then 403 for a user who takes no calls)."""
    campaign = get_object_or_404(campaigns_visible(user=user), id=campaign_id)
    require_agent(user)
    return campaign


def contacts_visible(*, user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(scope_q(user=user, field="unit"))


def access_contact(*, user: User, contact_id: int) -> Contact:
    """A contact inside the user's subtree, else 404 (then 403 for a user who takes no calls)."""
    contact = get_object_or_404(
        contacts_visible(user=user).select_related("campaign", "unit", "person"), id=contact_id
    )
    require_agent(user)
    return contact


def access_attempt(*, user: User, attempt_id: int) -> Attempt:
    """A call whose contact lies inside the user's subtree, else 404 (then 403 for a user who
    takes no calls)."""
    attempt = get_object_or_404(
        Attempt.objects.filter(scope_q(user=user, field="contact__unit")).select_related(
            "contact__campaign", "contact__unit", "script"
        ),
        id=attempt_id,
    )
    require_agent(user)
    return attempt


def scripts_visible(*, user: User) -> QuerySet[Script]:
    return Script.objects.filter(scope_q(user=user, field="unit")).order_by("-created_at")


@dataclass(frozen=True)
class ContactCard:
    """What the console shows of the contact in hand."""

    contact: Contact
    name: str
    phone: str
    booth: Unit
    positions: list[str]
    history: list[Attempt]
    notes: list[Note]


def contact_card(*, contact: Contact) -> ContactCard:
    """The contact's name, number, booth, positions and past calls and notes (the agent holds
    the contact: the number is theirs to dial)."""
    person = contact.person
    _booth, assignments = people_selectors.positions_and_booth(person=person)
    history = list(
        contact.calls.filter(closed_at__isnull=False).select_related("agent").order_by("-id")[:10]
    )
    notes = list(contact.notes.select_related("author").order_by("-id")[:10])
    return ContactCard(
        contact=contact,
        name=person.name,
        phone=person.phone,
        booth=contact.unit,
        positions=[a.kind.name_hi for a in assignments],
        history=history,
        notes=notes,
    )


def open_attempt(*, agent: User, contact: Contact) -> Attempt | None:
    """The call the agent has open on this contact (after a reload, with its autosaved draft)."""
    return (
        contact.calls.filter(agent=agent, closed_at__isnull=True)
        .select_related("script")
        .order_by("-id")
        .first()
    )


@dataclass(frozen=True)
class Board:
    agents_by_state: dict[str, int]
    calls_last_hour: int
    answered_last_hour: int
    contact_rate: float
    aht_seconds: float
    abandon_rate: float
    by_disposition: dict[str, int]


def wallboard(
    *, user: User, now: dt.datetime, campaign: Campaign | None = None, agent: User | None = None
) -> Board:
    """The supervisor's figures over the last hour in the user's subtree (one campaign or one
    agent if given): agents by state, calls, contact rate, average handle time, abandon rate."""
    since = now - dt.timedelta(hours=1)
    calls = Attempt.objects.filter(scope_q(user=user, field="contact__unit"), started_at__gte=since)
    if campaign is not None:
        calls = calls.filter(contact__campaign=campaign)
    if agent is not None:
        calls = calls.filter(agent=agent)
    total = calls.count()
    answered = calls.filter(answered_at__isnull=False) | calls.filter(
        provider="", closed_at__isnull=False
    )
    answered_n = answered.distinct().count()
    handled = [
        (closed - started).total_seconds()
        for started, closed in calls.filter(closed_at__isnull=False).values_list(
            "started_at", "closed_at"
        )
        if closed is not None
    ]
    # Abandoned: the provider reported the contact's leg answered, yet the agent closed the
    # call as "no answer" (nobody was there for the contact). A proxy until a dialler records
    # abandons itself.
    abandoned = calls.filter(answered_at__isnull=False, disposition=Disposition.NO_ANSWER).count()
    states = dict(
        AgentStatus.objects.filter(scope_q(user=user, field="agent__unit"))
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    dispositions = dict(
        calls.exclude(disposition="")
        .values_list("disposition")
        .annotate(n=Count("id"))
        .values_list("disposition", "n")
    )
    return Board(
        agents_by_state={s: states.get(s, 0) for s in AgentState.values},
        calls_last_hour=total,
        answered_last_hour=answered_n,
        contact_rate=answered_n / total if total else 0.0,
        aht_seconds=sum(handled) / len(handled) if handled else 0.0,
        abandon_rate=abandoned / answered_n if answered_n else 0.0,
        by_disposition=dispositions,
    )


def live_statuses() -> list[str]:
    return [AttemptStatus.QUEUED, AttemptStatus.RINGING, AttemptStatus.IN_PROGRESS]


@dataclass(frozen=True)
class AgentFigures:
    username: str
    calls: int
    answered: int
    aht_seconds: float


def agent_figures(*, user: User, now: dt.datetime, limit: int = 50) -> list[AgentFigures]:
    """Per agent over the last hour in the user's subtree: calls, answered, average handle
    time (closed calls); busiest first, at most `limit` agents, in one query."""
    since = now - dt.timedelta(hours=1)
    rows = (
        Attempt.objects.filter(scope_q(user=user, field="contact__unit"), started_at__gte=since)
        .values("agent__username")
        .annotate(
            calls=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False) | Q(provider="")),
            handle=Avg(F("closed_at") - F("started_at"), filter=Q(closed_at__isnull=False)),
        )
        .order_by("-calls", "agent__username")[:limit]
    )
    return [
        AgentFigures(
            username=r["agent__username"],
            calls=r["calls"],
            answered=r["answered"],
            aht_seconds=r["handle"].total_seconds() if r["handle"] is not None else 0.0,
        )
        for r in rows
    ]


def access_script(*, user: User, script_id: int) -> Script:
    """A script of the user's subtree, else 404 (then 403 for a user who runs no calls)."""
    script = get_object_or_404(scripts_visible(user=user), id=script_id)
    require_manager(user)
    return script


def latest_versions(*, user: User, limit: int = 200) -> list[ScriptVersion]:
    """The newest version of each script in the user's subtree, newest script first."""
    newest = (
        ScriptVersion.objects.filter(script=OuterRef("script")).order_by("-number").values("id")[:1]
    )
    return list(
        ScriptVersion.objects.filter(script__in=scripts_visible(user=user), id=Subquery(newest))
        .select_related("script")
        .order_by("-script__created_at", "-script_id")[:limit]
    )


def campaign_counts(*, campaign: Campaign) -> dict[str, int]:
    """Contacts of the campaign by status (for its manager, whose subtree holds it)."""
    rows = (
        campaign.contacts.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return dict(rows)
