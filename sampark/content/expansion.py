"""Expanding a distribution into its outbox rows: one INSERT … SELECT, idempotent.

Run when the distribution falls due (a `content.expand` task), so people who joined before the
scheduled time are included. `ON CONFLICT DO NOTHING` on (distribution, person) makes a re-run
after a crash harmless; the statement runs in one transaction, so a crash leaves nothing half
written.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sampark.content import invitations
from sampark.content.enums import (
    Channel,
    DeliveryStatus,
    DistributionKind,
    DistributionStatus,
    ItemState,
)
from sampark.content.models import ContentItem, Delivery, Distribution
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors

_COLUMNS = (
    "distribution_id, person_id, channel, unit_id_at, ac_id_at, pc_id_at, district_id_at,"
    " status, hold_reason, attempts, next_attempt_at, locked_by, provider_id, last_error"
)


def audience_sql(*, targets: list[Unit], position_ids: list[int]) -> tuple[str, list[Any]]:
    """SELECT of (person, channel, unit, ac, pc, district): one row per verified holder.

    A person holding two matching positions is counted once (their lowest assignment id wins).
    """
    holders = people_selectors.verified_holders_sql(targets=targets, position_ids=position_ids)
    select = (
        "a.person_id AS person_id, COALESCE(cp.channel, %s) AS channel, a.unit_id AS unit_id,"
        " u.ac_id AS ac_id, u.pc_id AS pc_id, u.district_id AS district_id"
    )
    base = (
        f" FROM {holders.tables}"
        " LEFT JOIN content_channelpreference cp ON cp.person_id = a.person_id"
        f" WHERE {holders.where}"
    )
    if connection.vendor == "postgresql":
        sql = f"SELECT DISTINCT ON (a.person_id) {select}{base} ORDER BY a.person_id, a.id"
    else:
        # SQLite: with MIN(), the bare columns come from the row holding the minimum.
        sql = f"SELECT {select}, MIN(a.id){base} GROUP BY a.person_id"
    return sql, [Channel.PUSH, *holders.params]


def position_ids(codes: list[str]) -> list[int]:
    return people_selectors.position_kind_ids(codes=codes)


def expand(*, distribution_id: int) -> int:
    """Write the outbox rows of a due distribution; returns how many it holds in all."""
    with transaction.atomic():
        distribution = (
            Distribution.objects.select_for_update().select_related("item").get(id=distribution_id)
        )
        if distribution.status == DistributionStatus.CANCELLED:
            return 0
        if distribution.status != DistributionStatus.SCHEDULED and distribution.expanded_at:
            return distribution.targeted
        now = timezone.now()
        # Raw SQL: store the timestamp exactly as the ORM would (SQLite compares strings).
        stamp = connection.ops.adapt_datetimefield_value(now)
        fixed: list[Any] = [DeliveryStatus.QUEUED, "", 0, stamp, "", "", ""]
        with connection.cursor() as cursor:
            if distribution.kind == DistributionKind.RECALL:
                cursor.execute(
                    f"INSERT INTO content_delivery ({_COLUMNS})"  # noqa: S608 (constants, placeholders)
                    " SELECT %s, d.person_id, d.channel, d.unit_id_at, d.ac_id_at, d.pc_id_at,"
                    " d.district_id_at, %s, %s, %s, %s, %s, %s, %s"
                    " FROM content_delivery d"
                    " JOIN content_distribution s ON s.id = d.distribution_id"
                    " WHERE s.item_id = %s AND s.kind = %s AND d.sent_at IS NOT NULL AND true"
                    " ON CONFLICT DO NOTHING",
                    [distribution.id, *fixed, distribution.item_id, DistributionKind.SEND],
                )
            elif distribution.kind == DistributionKind.INVITE:
                # An import job's people, each on the channel they consented to (issue #13).
                marks = ", ".join(["%s"] * 14)
                cursor.executemany(
                    f"INSERT INTO content_delivery ({_COLUMNS}) VALUES ({marks})"  # noqa: S608
                    " ON CONFLICT DO NOTHING",
                    [
                        (distribution.id, *row[:6], row[6], row[7], 0, stamp, "", "", "")
                        for row in invitations.invitation_rows(distribution)
                    ],
                )
            else:
                sql, params = audience_sql(
                    targets=list(distribution.targets.all()),
                    position_ids=position_ids(list(distribution.positions)),
                )
                # `WHERE true` keeps SQLite from reading ON CONFLICT as part of the join.
                cursor.execute(
                    f"INSERT INTO content_delivery ({_COLUMNS})"  # noqa: S608 (constants, placeholders)
                    " SELECT %s, x.person_id, x.channel, x.unit_id, x.ac_id, x.pc_id,"
                    " x.district_id, %s, %s, %s, %s, %s, %s, %s"
                    f" FROM ({sql}) x WHERE true ON CONFLICT DO NOTHING",
                    [distribution.id, *fixed, *params],
                )
        total = Delivery.objects.filter(distribution=distribution).count()
        Distribution.objects.filter(id=distribution.id).update(
            status=DistributionStatus.SENDING, expanded_at=now, targeted=total
        )
        ContentItem.objects.filter(id=distribution.item_id, state=ItemState.SCHEDULED).update(
            state=ItemState.SENT
        )
    return total
