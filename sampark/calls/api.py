"""HTTP API of the call centre (mounted at /api/calls/ by sampark.api)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from pydantic import Field

from sampark.calls import selectors, staffing
from sampark.calls.permissions import require_agent, require_manager
from sampark.calls.schemas import BoardOut, CampaignOut, ErrorOut, StaffingOut
from sampark.core.http import request_user as _user
from sampark.core.pagination import Limit, Offset

router = Router(tags=["calls"])


@router.get("/campaigns", response=list[CampaignOut])
def campaign_list(
    request: HttpRequest, limit: Limit = 100, offset: Offset = 0
) -> list[CampaignOut]:
    """Campaigns visible to you, newest first."""
    user = _user(request)
    require_agent(user)
    rows = selectors.campaigns_visible(user=user)[offset : offset + limit]
    return [
        CampaignOut(
            id=c.id,
            name=c.name,
            unit_path=c.unit.path,
            source=c.source,
            category=c.category,
            mode=c.mode,
            status=c.status,
        )
        for c in rows
    ]


@router.get("/campaigns/{campaign_id}/board", response=BoardOut)
def campaign_board(request: HttpRequest, campaign_id: int) -> BoardOut:
    """The last hour's figures of one campaign, over your subtree's contacts."""
    user = _user(request)
    campaign = selectors.access_campaign(user=user, campaign_id=campaign_id)
    require_manager(user)
    board = selectors.wallboard(user=user, now=timezone.now(), campaign=campaign)
    return BoardOut(**asdict(board))


@router.get("/staffing", response={200: StaffingOut, 422: ErrorOut})
def staffing_inbound(
    request: HttpRequest,
    calls_per_hour: Annotated[float, Field(gt=0, le=1_000_000)],
    aht: Annotated[float, Field(gt=0, le=36_000)],
    service_level: Annotated[float, Field(gt=0, lt=1)] = 0.8,
    answer_within: Annotated[float, Field(ge=0, le=3600)] = 20,
) -> tuple[int, StaffingOut | ErrorOut]:
    """Agents for an inbound queue by Erlang C (the fewest meeting the service level)."""
    require_agent(_user(request))
    try:
        result = staffing.inbound(
            calls_per_hour=calls_per_hour, aht=aht, target=service_level, within=answer_within
        )
    except ValueError as exc:
        return 422, ErrorOut(detail=str(exc))
    return 200, StaffingOut(**asdict(result))
