"""HTTP API of the content library's staff side (mounted at /api/content/ by sampark.api)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router, Schema

from sampark.accounts import selectors as account_selectors
from sampark.content import reports, selectors
from sampark.content.models import ContentItem, Distribution
from sampark.core.http import request_user as _user
from sampark.core.pagination import Limit, Offset
from sampark.geo.models import Unit

router = Router(tags=["content"])


class UnitRef(Schema):
    id: int
    path: str
    name: str
    level: str


class MediaOut(Schema):
    kind: str
    filename: str
    mime: str
    size: int
    sha256: str


class ItemOut(Schema):
    id: int
    title: str
    state: str
    unit: UnitRef
    tags: list[str]
    is_political_ad: bool
    ai_generated: bool
    ai_label: str
    content_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    recalled_at: dt.datetime | None


class ItemDetailOut(ItemOut):
    text_hi: str
    text_en: str
    media: list[MediaOut]
    certificate_number: str | None
    review_note: str


class CountsOut(Schema):
    targeted: int
    queued: int
    sent: int
    delivered: int
    opened: int
    forwarded: int
    groups_forwarded: int
    reach: int
    held: int
    cancelled: int
    dead: int


class RowOut(CountsOut):
    unit: UnitRef


class TotalsOut(CountsOut):
    held_by_reason: dict[str, int]
    cancelled_by_reason: dict[str, int]


class DistributionOut(Schema):
    id: int
    item_id: int
    item_title: str
    kind: str
    status: str
    unit: UnitRef
    scheduled_at: dt.datetime
    targeted: int


class ReportOut(Schema):
    distribution: DistributionOut
    unit: UnitRef
    totals: TotalsOut
    rows: list[RowOut]


def _unit(unit: Unit) -> UnitRef:
    return UnitRef(id=unit.id, path=unit.path, name=unit.name, level=unit.level)


def _item(item: ContentItem) -> ItemOut:
    return ItemOut(
        id=item.id,
        title=item.title,
        state=item.state,
        unit=_unit(item.unit),
        tags=list(item.tags or []),
        is_political_ad=item.is_political_ad,
        ai_generated=item.ai_generated,
        ai_label=item.ai_label,
        content_hash=item.content_hash,
        created_at=item.created_at,
        expires_at=item.expires_at,
        recalled_at=item.recalled_at,
    )


def _counts(row: reports.Row) -> dict[str, int]:
    return {name: getattr(row, name) for name in CountsOut.model_fields}


def _distribution(d: Distribution) -> DistributionOut:
    return DistributionOut(
        id=d.id,
        item_id=d.item_id,
        item_title=d.item.title,
        kind=d.kind,
        status=d.status,
        unit=_unit(d.unit),
        scheduled_at=d.scheduled_at,
        targeted=d.targeted,
    )


@router.get("/items", response=list[ItemOut])
def item_list(
    request: HttpRequest, state: str = "", q: str = "", limit: Limit = 100, offset: Offset = 0
) -> list[ItemOut]:
    """Kits of your area, newest first; filter by state and by a word of the title or a tag."""
    items = selectors.items_visible(user=_user(request))
    if state:
        items = items.filter(state=state)
    if q.strip():
        items = items.filter(Q(title__icontains=q.strip()) | Q(tags__icontains=q.strip()))
    return [_item(i) for i in items.order_by("-updated_at", "-id")[offset : offset + limit]]


@router.get("/items/{item_id}", response=ItemDetailOut)
def item_detail(request: HttpRequest, item_id: int) -> ItemDetailOut:
    """One kit with its texts and media."""
    item = selectors.access_item(user=_user(request), item_id=item_id)
    return ItemDetailOut(
        **_item(item).model_dump(),
        text_hi=item.text_hi,
        text_en=item.text_en,
        media=[
            MediaOut(kind=m.kind, filename=m.filename, mime=m.mime, size=m.size, sha256=m.sha256)
            for m in item.media.all()
        ],
        certificate_number=item.certificate.number if item.certificate else None,
        review_note=item.review_note,
    )


@router.get("/distributions", response=list[DistributionOut])
def distribution_list(
    request: HttpRequest, limit: Limit = 100, offset: Offset = 0
) -> list[DistributionOut]:
    """Distributions sent from your area, newest first."""
    found = selectors.distributions_visible(user=_user(request)).order_by("-scheduled_at", "-id")
    return [_distribution(d) for d in found[offset : offset + limit]]


@router.get("/distributions/{distribution_id}/report", response=ReportOut)
def distribution_report(
    request: HttpRequest, distribution_id: int, unit_id: int | None = None
) -> ReportOut:
    """Totals and the roll-up one level below `unit_id` (default: the sender's unit)."""
    user = _user(request)
    distribution = selectors.access_distribution(user=user, distribution_id=distribution_id)
    unit = (
        account_selectors.access_unit(user=user, unit_id=unit_id)
        if unit_id is not None
        else distribution.unit
    )
    scoped = None if unit.id == distribution.unit_id else unit
    totals = reports.distribution_totals(distribution=distribution, unit=scoped)
    rows = reports.distribution_rollup(distribution=distribution, parent=unit)
    return ReportOut(
        distribution=_distribution(distribution),
        unit=_unit(unit),
        totals=TotalsOut(
            **_counts(totals),
            held_by_reason=totals.held_by_reason,
            cancelled_by_reason=totals.cancelled_by_reason,
        ),
        rows=[RowOut(**_counts(r), unit=_unit(r.unit)) for r in rows if r.unit is not None],
    )
