"""HTTP API of the war room (mounted at /api/warroom/ by sampark.api)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Status

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.core.http import request_user as _user
from sampark.core.pagination import Limit
from sampark.warroom import selectors
from sampark.warroom.labels import publisher_of
from sampark.warroom.models import Incident
from sampark.warroom.schemas import (
    ErrorOut,
    EventOut,
    IncidentDetailOut,
    IncidentOut,
    MatchOut,
    QueueOut,
    UnitRef,
)
from sampark.warroom.services import incidents as incident_services

router = Router(tags=["warroom"])


def _require_warroom(user: User) -> None:
    if not (user.can(Capability.TRIAGE) or user.can(Capability.APPROVE_RESPONSES)):
        raise PermissionDenied


def _who(user: User | None) -> str | None:
    return (user.get_full_name() or user.username) if user is not None else None


def _incident(i: Incident) -> dict[str, Any]:
    return {
        "id": i.id,
        "title": i.title,
        "unit": UnitRef(id=i.unit.id, path=i.unit.path, name=i.unit.name, level=i.unit.level),
        "origin": i.origin,
        "state": i.state,
        "severity": i.severity,
        "sla_due_at": i.sla_due_at,
        "sla": selectors.sla_status(i),
        "escalated_at": i.escalated_at,
        "assignee": _who(i.assignee),
        "reach": i.reach,
        "velocity": i.velocity,
        "watch_hits": i.watch_hits,
        "district_ids": list(i.district_ids),
        "created_at": i.created_at,
    }


@router.get("/incidents", response={200: QueueOut, 403: ErrorOut})
def queue(
    request: HttpRequest,
    state: str = "",
    severity: int = 0,
    mine: bool = False,
    overdue: bool = False,
    limit: Limit = 100,
) -> Status[Any]:
    """Open incidents in your area, most severe first, then the nearest SLA deadline."""
    user = _user(request)
    if not (user.can(Capability.TRIAGE) or user.can(Capability.APPROVE_RESPONSES)):
        return Status(403, ErrorOut(detail="no war-room role"))
    rows = selectors.queue(
        user=user, state=state, severity=severity or None, mine=mine, overdue=overdue
    )[:limit]
    return Status(200, QueueOut(incidents=[IncidentOut(**_incident(i)) for i in rows]))


@router.get("/incidents/{incident_id}", response={200: IncidentDetailOut, 403: ErrorOut})
def incident_detail(request: HttpRequest, incident_id: int) -> Status[Any]:
    """One incident with its best fact-checks and its timeline."""
    user = _user(request)
    incident = selectors.access_incident(user=user, incident_id=incident_id)
    if not (user.can(Capability.TRIAGE) or user.can(Capability.APPROVE_RESPONSES)):
        return Status(403, ErrorOut(detail="no war-room role"))
    matches = [
        MatchOut(
            fact_check_id=m["fact_check"].id,
            url=m["fact_check"].url,
            publisher=publisher_of(m["fact_check"]),
            verdict=m["fact_check"].verdict,
            title=m["fact_check"].title,
            score=float(m["score"]),
            band=m["band"],
        )
        for m in selectors.matches(incident=incident)
    ]
    timeline = [
        EventOut(kind=e.kind, actor=_who(e.actor), data=e.data, at=e.at)
        for e in selectors.timeline(incident=incident)
    ]
    return Status(
        200,
        IncidentDetailOut(
            **_incident(incident),
            claim=incident.claim,
            narrative_id=incident.narrative_id,
            matches=matches,
            timeline=timeline,
        ),
    )


@router.post(
    "/incidents/{incident_id}/assign", response={200: IncidentOut, 403: ErrorOut, 409: ErrorOut}
)
def assign(request: HttpRequest, incident_id: int) -> Status[Any]:
    """Take the incident; 409 when someone else got it first."""
    user = _user(request)
    incident = selectors.access_incident(user=user, incident_id=incident_id)
    try:
        won = incident_services.incident_assign(incident_id=incident.id, assignee=user, actor=user)
    except PermissionDenied as exc:
        return Status(403, ErrorOut(detail=str(exc) or "forbidden"))
    if not won:
        return Status(409, ErrorOut(detail="already assigned"))
    incident = selectors.access_incident(user=user, incident_id=incident.id)
    return Status(200, IncidentOut(**_incident(incident)))
