"""HTTP API of the events app (mounted at /api/events/): what a gate's phone calls."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status

from sampark.core.http import request_user as _user
from sampark.core.pagination import LongLimit
from sampark.events import selectors, services
from sampark.events.schemas import (
    ErrorOut,
    ScanResultOut,
    SyncIn,
    SyncOut,
    TicketOut,
    TicketsOut,
    WalkinIn,
)

router = Router(tags=["events"])


@router.get("/gates/{gate_id}/tickets", response=TicketsOut)
def gate_tickets(
    request: HttpRequest, gate_id: int, after: int = 0, limit: LongLimit = 5000
) -> TicketsOut:
    """The event's tickets for the gate's offline cache, in pages by ticket id."""
    gate = selectors.access_gate(user=_user(request), gate_id=gate_id)
    rows = selectors.gate_tickets(gate=gate, after=max(0, min(after, 2**62)), limit=limit)
    return TicketsOut(
        tickets=[TicketOut(id=r.id, code=r.code, name=r.name, status=r.status) for r in rows],
        next_after=rows[-1].id if len(rows) == limit else None,
    )


@router.post("/gates/{gate_id}/sync", response={200: SyncOut, 422: ErrorOut})
def gate_sync(request: HttpRequest, gate_id: int, payload: SyncIn) -> Any:
    """Queued scans, in any order and as often as needed: one answer per client scan id."""
    gate = selectors.access_gate(user=_user(request), gate_id=gate_id)
    try:
        out = services.scans_sync(
            gate_id=gate.id,
            scans=[services.ScanIn(s.client_id, s.code, s.scanned_at) for s in payload.scans],
        )
    except ValidationError as exc:
        return Status(422, ErrorOut(detail=" ".join(exc.messages)))
    return Status(
        200,
        SyncOut(
            results=[
                ScanResultOut(client_id=o.client_id, result=o.result, name=o.name) for o in out
            ]
        ),
    )


@router.post("/gates/{gate_id}/walkin", response={200: ScanResultOut, 422: ErrorOut})
def gate_walkin(request: HttpRequest, gate_id: int, payload: WalkinIn) -> Any:
    """Register a walk-in at the gate and let them in."""
    user = _user(request)
    gate = selectors.access_gate(user=user, gate_id=gate_id)
    try:
        out = services.gate_walkin(
            actor=user, gate_id=gate.id, name=payload.name, phone=payload.phone
        )
    except ValidationError as exc:
        return Status(422, ErrorOut(detail=" ".join(exc.messages)))
    return Status(200, ScanResultOut(client_id=out.client_id, result=out.result, name=out.name))
