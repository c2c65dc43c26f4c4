"""HTTP API of the listening app (mounted at /api/monitoring/ by sampark.api).

Session auth like the other routers. The feed, narratives and alerts need the LISTEN capability
(403), acknowledging needs MANAGE_LISTENING (403), tips need only a login; objects outside the
caller's subtree are 404, looked up before the capability check (a 403 would tell they exist).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from sampark.accounts import selectors as account_selectors
from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.core.http import request_user as _user
from sampark.core.pagination import Limit
from sampark.monitoring import selectors, services
from sampark.monitoring.enums import LangChoice, PlatformChoice
from sampark.monitoring.models import Alert, Narrative
from sampark.monitoring.schemas import (
    AckOut,
    AlertOut,
    DistrictCount,
    ErrorOut,
    NarrativeDetailOut,
    NarrativeOut,
    PostOut,
    TipIn,
    TipOut,
)
from sampark.monitoring.templatetags.listening import narrative_title

router = Router(tags=["monitoring"])

MAX_LIMIT = 200


def _listener(request: HttpRequest) -> User:
    user = _user(request)
    if not user.can(Capability.LISTEN):
        raise HttpError(403, "Your role may not use the listening feed.")
    return user


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_LIMIT))


def _narrative(n: Narrative) -> dict[str, Any]:
    return {
        "id": n.id,
        "title": narrative_title(n),
        "lang": n.lang,
        "status": n.status,
        "first_seen": n.first_seen,
        "last_seen": n.last_seen,
        "posts": n.posts,
        "variants": n.variants,
        "velocity": n.velocity,
        "burst": n.burst,
    }


def _alert(a: Alert) -> AlertOut:
    who = a.acknowledged_by
    return AlertOut(
        id=a.id,
        kind=a.kind,
        message=a.message,
        count=a.count,
        unit_id=a.unit_id,
        narrative_id=a.narrative_id,
        watchlist_id=a.watchlist_id,
        created_at=a.created_at,
        last_at=a.last_at,
        acknowledged_at=a.acknowledged_at,
        acknowledged_by=(who.get_full_name() or who.username) if who is not None else None,
    )


@router.get("/posts", response={200: list[PostOut], 403: ErrorOut, 422: ErrorOut})
def post_list(
    request: HttpRequest,
    lang: str = "",
    platform: str = "",
    unit_id: int | None = None,
    narrative_id: int | None = None,
    q: str = "",
    before: int | None = None,
    after: int | None = None,
    limit: Limit = 50,
) -> Status[Any]:
    """The feed, last processed first, with the filters of the feed page; page with
    `before`/`after`, which take a post's `seq` (processing order, so a poll misses nothing)."""
    user = _listener(request)
    if lang and lang not in LangChoice.values:
        return Status(422, ErrorOut(detail=f"lang must be one of {', '.join(LangChoice.values)}"))
    if platform and platform not in PlatformChoice.values:
        return Status(422, ErrorOut(detail="unknown platform"))
    unit = account_selectors.access_unit(user=user, unit_id=unit_id) if unit_id else None
    posts = selectors.feed(
        user=user,
        lang=lang,
        platform=platform,
        unit=unit,
        narrative_id=narrative_id,
        before_id=before,
        after_id=after,
        query=q.strip(),
    )[: _limit(limit)]
    return Status(200, [PostOut.from_orm(p) for p in posts])


@router.get("/narratives", response={200: list[NarrativeOut], 403: ErrorOut})
def narrative_list(request: HttpRequest, limit: Limit = 50) -> Status[Any]:
    """Narratives the caller may see, fastest-growing first."""
    user = _listener(request)
    qs = selectors.narratives_visible(user=user).order_by("-burst", "-velocity", "-last_seen")
    rows = selectors.narratives_scoped(user=user, narratives=qs[: _limit(limit)])
    # Below the state the figures are the caller's own: rank the page by them.
    rows.sort(key=lambda n: (-n.burst, -n.velocity, -n.last_seen.timestamp()))
    return Status(200, [NarrativeOut(**_narrative(n)) for n in rows])


@router.get("/narratives/{narrative_id}", response={200: NarrativeDetailOut, 403: ErrorOut})
def narrative_detail(request: HttpRequest, narrative_id: int) -> Status[Any]:
    """One narrative with its last 48 hours (posts per hour) and the districts it reached; every
    figure counts only the posts the caller may see."""
    user = _user(request)
    narrative = selectors.access_narrative(user=user, narrative_id=narrative_id)
    _listener(request)
    (narrative,) = selectors.narratives_scoped(user=user, narratives=[narrative])
    districts = [
        DistrictCount(
            unit_id=d["unit"].id, path=d["unit"].path, name=d["unit"].name, posts=int(d["posts"])
        )
        for d in selectors.narrative_districts(user=user, narrative=narrative)
    ]
    return Status(
        200,
        NarrativeDetailOut(
            **_narrative(narrative),
            series=selectors.narrative_series(user=user, narrative=narrative),
            districts=districts,
        ),
    )


@router.post("/tips", response={201: TipOut, 422: ErrorOut})
def tip_create(request: HttpRequest, payload: TipIn) -> Status[Any]:
    """Report a rumour: any logged-in user. `duplicate` when this very tip was received before."""
    user = _user(request)
    text, url = payload.text.strip(), payload.url.strip()
    if not text:
        return Status(422, ErrorOut(detail="text is required"))
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            return Status(422, ErrorOut(detail="url is not a web address"))
    post = services.tip_submit(text=text[:5000], url=url[:1000], user=user)
    return Status(201, TipOut(id=post.id if post else None, duplicate=post is None))


@router.get("/alerts", response={200: list[AlertOut], 403: ErrorOut})
def alert_list(request: HttpRequest, open_only: bool = True, limit: Limit = 100) -> Status[Any]:
    """Alerts in the caller's subtree, latest first (open ones only unless `open_only=false`)."""
    user = _listener(request)
    rows = selectors.alerts_visible(user=user, open_only=open_only)[: _limit(limit)]
    return Status(200, [_alert(a) for a in rows])


@router.post("/alerts/{alert_id}/ack", response={200: AckOut, 403: ErrorOut})
def alert_ack(request: HttpRequest, alert_id: int) -> Status[Any]:
    """Acknowledge an alert; `acknowledged` is False when someone already had."""
    user = _user(request)
    alert = selectors.access_alert(user=user, alert_id=alert_id)
    _listener(request)
    if not user.can(Capability.MANAGE_LISTENING):
        return Status(403, ErrorOut(detail="Your role may not acknowledge alerts."))
    won = services.alert_acknowledge(alert=alert, actor=user)
    alert = selectors.access_alert(user=user, alert_id=alert.id)
    return Status(200, AckOut(acknowledged=won, alert=_alert(alert)))
