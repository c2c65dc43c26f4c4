"""Report selectors: how a distribution went, in total and rolled up the tree.

Every roll-up is one GROUP BY over the outbox's denormalised columns (`district_id_at`,
`ac_id_at`, `unit_id_at`), never a join to the tree per row; unit names come from a second query
over the (few) keys found. Callers pass a parent unit they obtained through `access_unit`, so
the rows are always inside the user's subtree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from sampark.accounts import selectors as account_selectors
from sampark.accounts.models import User
from sampark.content.enums import DeliveryStatus, DistributionKind
from sampark.content.models import Delivery, Distribution
from sampark.core.models import AuditEvent
from sampark.geo.enums import Level
from sampark.geo.models import Unit

LEFT = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED)
PENDING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)

# The Delivery column that names a parent's children (booths directly below an AC: the outbox
# knows only the booth, not its mandal or sector).
CHILD_COLUMN: dict[str, str] = {
    Level.STATE: "district_id_at",
    Level.DISTRICT: "ac_id_at",
    Level.PC: "ac_id_at",
    Level.AC: "unit_id_at",
    Level.MANDAL: "unit_id_at",
    Level.SECTOR: "unit_id_at",
}


@dataclass
class Row:
    """Counts of one unit (or of a whole distribution)."""

    targeted: int = 0
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    opened: int = 0
    forwarded: int = 0
    groups_forwarded: int = 0
    reach: int = 0
    held: int = 0
    cancelled: int = 0
    dead: int = 0
    unit: Unit | None = None

    @property
    def unit_id(self) -> int | None:
        return self.unit.id if self.unit is not None else None

    def pct(self, name: str) -> float:
        """`name` as a % of those targeted (for the funnel bars)."""
        value: int = getattr(self, name)
        return round(100.0 * value / self.targeted, 1) if self.targeted else 0.0

    @property
    def funnel(self) -> list[tuple[str, int, float]]:
        return [(n, getattr(self, n), self.pct(n)) for n in FUNNEL]


FUNNEL = ("targeted", "sent", "delivered", "opened", "forwarded")


@dataclass
class Totals(Row):
    held_by_reason: dict[str, int] = field(default_factory=dict)
    cancelled_by_reason: dict[str, int] = field(default_factory=dict)


def _counts() -> dict[str, Any]:
    """The aggregate expressions of a Row (one pass, no join)."""
    return {
        "targeted": Count("id"),
        "queued": Count("id", filter=Q(status__in=PENDING)),
        "sent": Count("id", filter=Q(status__in=LEFT)),
        "delivered": Count("id", filter=Q(status=DeliveryStatus.DELIVERED)),
        "opened": Count("id", filter=Q(opened_at__isnull=False)),
        "forwarded": Count("id", filter=Q(forwarded_groups__gt=0)),
        "groups_forwarded": Sum("forwarded_groups"),
        "reach_sum": Sum("reach"),
        "held": Count("id", filter=Q(status=DeliveryStatus.HELD)),
        "cancelled": Count("id", filter=Q(status=DeliveryStatus.CANCELLED)),
        "dead": Count("id", filter=Q(status=DeliveryStatus.DEAD)),
    }


def _row(values: dict[str, Any], unit: Unit | None = None) -> Row:
    return Row(
        targeted=values["targeted"] or 0,
        queued=values["queued"] or 0,
        sent=values["sent"] or 0,
        delivered=values["delivered"] or 0,
        opened=values["opened"] or 0,
        forwarded=values["forwarded"] or 0,
        groups_forwarded=values["groups_forwarded"] or 0,
        reach=values["reach_sum"] or 0,
        held=values["held"] or 0,
        cancelled=values["cancelled"] or 0,
        dead=values["dead"] or 0,
        unit=unit,
    )


def within(unit: Unit) -> Q:
    """Deliveries to people serving in `unit`'s subtree, by the denormalised columns."""
    if unit.level == Level.STATE:
        return Q(
            district_id_at__in=Unit.objects.filter(level=Level.DISTRICT, state_id=unit.id).values(
                "id"
            )
        )
    if unit.level == Level.DISTRICT:
        return Q(district_id_at=unit.id)
    if unit.level == Level.PC:
        return Q(pc_id_at=unit.id)
    if unit.level == Level.AC:
        return Q(ac_id_at=unit.id)
    if unit.level in (Level.MANDAL, Level.SECTOR):
        column = "mandal_id" if unit.level == Level.MANDAL else "sector_id"
        booths = Unit.objects.filter(level=Level.BOOTH, **{column: unit.id}).values("id")
        return Q(unit_id_at__in=booths)
    return Q(unit_id_at=unit.id)


def distribution_totals(*, distribution: Distribution, unit: Unit | None = None) -> Totals:
    """Counts over a distribution's deliveries (within `unit` when given): two queries."""
    deliveries = Delivery.objects.filter(distribution=distribution)
    if unit is not None:
        deliveries = deliveries.filter(within(unit))
    return _totals(deliveries)


def _totals(deliveries: QuerySet[Delivery]) -> Totals:
    row = _row(deliveries.aggregate(**_counts()))
    totals = Totals(**{f: getattr(row, f) for f in Row.__dataclass_fields__})
    reasons = (
        deliveries.filter(status__in=[DeliveryStatus.HELD, DeliveryStatus.CANCELLED])
        .values_list("status", "hold_reason")
        .annotate(n=Count("id"))
        .order_by("status", "hold_reason")
    )
    for status, reason, n in reasons:
        target = (
            totals.held_by_reason if status == DeliveryStatus.HELD else totals.cancelled_by_reason
        )
        target[reason] = target.get(reason, 0) + n
    return totals


def _rollup(deliveries: QuerySet[Delivery], parent: Unit) -> list[Row]:
    column = CHILD_COLUMN.get(parent.level)
    if column is None:
        return []
    grouped = list(
        deliveries.filter(within(parent), **{f"{column}__isnull": False})
        .values(column)
        .annotate(**_counts())
        .order_by(column)
    )
    units = Unit.objects.in_bulk([g[column] for g in grouped])
    rows = [_row(g, units.get(g[column])) for g in grouped]
    # A unit deleted since the send (re-imported tree) has no name to show; keep its counts out
    # of the table rather than show a bare id.
    named = [r for r in rows if r.unit is not None]
    named.sort(key=lambda r: (r.unit.number or 0, r.unit.name) if r.unit else (0, ""))
    return named


def distribution_rollup(*, distribution: Distribution, parent: Unit | None = None) -> list[Row]:
    """One row per child unit of `parent` (default: the sender's unit) with deliveries.

    Two queries: one GROUP BY over the outbox, one for the names.
    """
    top = parent if parent is not None else distribution.unit
    return _rollup(Delivery.objects.filter(distribution=distribution), top)


def _window(*, since: dt.datetime) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        distribution__scheduled_at__gte=since, distribution__kind=DistributionKind.SEND
    )


def unit_report(*, user: User, unit: Unit, since: dt.datetime) -> list[Row]:
    """The same counts across every kit sent since `since`, for `unit`'s children.

    Counts cover the volunteers of the unit whoever sent the kit (a district sees how its
    volunteers did with the state's kits); `unit` must come from `access_unit`.
    """
    account_selectors.access_unit(user=user, unit_id=unit.id)
    return _rollup(_window(since=since), unit)


def unit_totals(*, user: User, unit: Unit, since: dt.datetime) -> Totals:
    """`unit_report`'s total line."""
    account_selectors.access_unit(user=user, unit_id=unit.id)
    return _totals(_window(since=since).filter(within(unit)))


def item_timeline(*, item_id: int) -> QuerySet[AuditEvent]:
    """Audit rows of a kit, oldest first (the detail page's state timeline)."""
    return (
        AuditEvent.objects.filter(object_type="content_item", object_id=item_id)
        .select_related("actor")
        .order_by("at", "id")
    )
