"""Scoped reads of the content app. Outside the user's subtree an object does not exist (404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.content.enums import (
    EVENT_ORIGIN,
    INVITE_ORIGIN,
    DeliveryStatus,
    DistributionStatus,
    ItemState,
)
from sampark.content.models import (
    ChannelPreference,
    ContentItem,
    Delivery,
    Distribution,
    MediaAsset,
    PushSubscription,
)
from sampark.content.services import SENDABLE
from sampark.core.series import daily_counts
from sampark.geo import selectors as geo_selectors
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q


def items_visible(*, user: User) -> QuerySet[ContentItem]:
    """Kits owned by a unit in the user's subtree."""
    if user.unit_id is None:
        return ContentItem.objects.none()
    return (
        ContentItem.objects.filter(scope_q(user=user, field="unit"))
        # An invitation's text is not a kit of the library (issue #13).
        .exclude(origin__startswith=INVITE_ORIGIN)
        .exclude(origin__startswith=EVENT_ORIGIN)
        .select_related("unit", "author", "reviewer", "certificate")
    )


def access_item(*, user: User, item_id: int) -> ContentItem:
    """The kit if it lies in the user's subtree, else 404."""
    return get_object_or_404(items_visible(user=user).prefetch_related("media"), id=item_id)


def distributions_visible(*, user: User) -> QuerySet[Distribution]:
    """Distributions sent from a unit in the user's subtree."""
    if user.unit_id is None:
        return Distribution.objects.none()
    return Distribution.objects.filter(scope_q(user=user, field="unit")).select_related(
        "item", "unit", "created_by"
    )


def access_distribution(*, user: User, distribution_id: int) -> Distribution:
    """The distribution if it was sent from the user's subtree, else 404."""
    return get_object_or_404(
        distributions_visible(user=user).prefetch_related("targets"), id=distribution_id
    )


def dead_letters(*, user: User) -> QuerySet[Delivery]:
    """Deliveries that failed for good, in distributions the user can see, newest first."""
    return (
        Delivery.objects.filter(
            status=DeliveryStatus.DEAD,
            distribution__in=distributions_visible(user=user).values("id"),
        )
        .select_related("person", "distribution__item")
        .order_by("-id")
    )


def kits_for(*, person_id: int) -> QuerySet[Delivery]:
    """What reached the volunteer (kits and take-down notices), newest first."""
    return (
        Delivery.objects.filter(
            person_id=person_id, status__in=[DeliveryStatus.SENT, DeliveryStatus.DELIVERED]
        )
        .select_related("distribution__item")
        .prefetch_related(
            Prefetch("distribution__item__media", queryset=MediaAsset.objects.order_by("order"))
        )
        .order_by("-sent_at", "-id")
    )


def access_own_delivery(*, user: User, delivery_id: int) -> Delivery:
    """The user's own delivery that has left the outbox, else 404."""
    if user.person_id is None:
        raise Http404
    return get_object_or_404(kits_for(person_id=user.person_id), id=delivery_id)


def preference_of(*, person_id: int) -> ChannelPreference | None:
    """How the person chose to get kits (channel, language, Telegram chat), if they chose."""
    return ChannelPreference.objects.filter(person_id=person_id).first()


def shared_media(*, media_id: int) -> MediaAsset:
    """The media behind a kit's public share link while the kit may still be shared, else 404
    (withdrawn, expired or never approved)."""
    asset = get_object_or_404(MediaAsset.objects.select_related("item"), id=media_id)
    item = asset.item
    if item.state not in SENDABLE or item.recalled_at is not None:
        raise Http404
    if item.expires_at is not None and item.expires_at <= timezone.now():
        raise Http404
    return asset


def person_by_telegram_chat(*, chat_id: int) -> int | None:
    """The person who connected this Telegram chat to the bot, if anyone did."""
    return (
        ChannelPreference.objects.filter(telegram_chat_id=str(chat_id))
        .values_list("person_id", flat=True)
        .first()
    )


def push_subscription_of(*, person_id: int) -> PushSubscription | None:
    """The person's newest live web-push subscription (staff notifications use it too)."""
    return (
        PushSubscription.objects.filter(person_id=person_id, gone_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class FinishedSignal:
    """A distribution that finished sending (a long job), for its sender's notification."""

    id: int
    unit_id: int
    created_by_id: int | None
    title: str
    targeted: int
    finished_at: dt.datetime | None


def distributions_finished_since(*, since: dt.datetime, limit: int = 200) -> list[FinishedSignal]:
    """Distributions that finished at or after `since`, oldest first (staff notifications)."""
    rows = (
        Distribution.objects.filter(status=DistributionStatus.DONE, finished_at__gte=since)
        .order_by("finished_at", "id")
        .values_list("id", "unit_id", "created_by_id", "item__title", "targeted", "finished_at")
    )[:limit]
    return [FinishedSignal(*row) for row in rows]


_AT_COLUMN = {"district": "district_id_at", "pc": "pc_id_at", "ac": "ac_id_at"}


def forwarded_by_booth(*, unit: Unit, since: dt.datetime) -> dict[int, int]:
    """Kits forwarded to at least one group since `since`, per booth of the recipient (as
    denormalised at sending), inside the unit's subtree: one GROUP BY."""
    rows = Delivery.objects.filter(forwarded_at__gte=since, forwarded_groups__gt=0)
    column = _AT_COLUMN.get(unit.level)
    if column:
        rows = rows.filter(**{column: unit.id})
    elif unit.level != "state":
        rows = rows.filter(ac_id_at=unit.ac_id)
    counted = dict(rows.order_by().values_list("unit_id_at").annotate(n=Count("id")))
    if unit.level in ("mandal", "sector", "booth"):
        inside = set(geo_selectors.booths_under(unit=unit).values_list("id", flat=True))
        counted = {k: v for k, v in counted.items() if k in inside}
    return counted


def kit_counts(*, unit: Unit, since: dt.datetime) -> dict[str, int]:
    """Kits sent and kits forwarded to a group since `since`, to recipients serving in the
    unit's subtree (as denormalised at sending): one aggregate (results' morning brief)."""
    rows = Delivery.objects.all()
    column = _AT_COLUMN.get(unit.level)
    if column:
        rows = rows.filter(**{column: unit.id})
    elif unit.level != "state":
        rows = rows.filter(ac_id_at=unit.ac_id)
    found = rows.aggregate(
        sent=Count("id", filter=Q(sent_at__gte=since)),
        forwarded=Count("id", filter=Q(forwarded_at__gte=since, forwarded_groups__gt=0)),
    )
    return {"sent": found["sent"] or 0, "forwarded": found["forwarded"] or 0}


@dataclass(frozen=True)
class ReviewSignal:
    """A content item waiting for review, for the reviewers' notifications."""

    id: int
    unit_id: int
    author_id: int
    title: str
    at: dt.datetime | None


def items_in_review_since(*, since: dt.datetime, limit: int = 200) -> list[ReviewSignal]:
    """Items sent for review at or after `since` and still waiting, oldest first."""
    rows = (
        ContentItem.objects.filter(state=ItemState.IN_REVIEW, submitted_at__gte=since)
        .order_by("submitted_at", "id")
        .values_list("id", "unit_id", "author_id", "title", "submitted_at")
    )[:limit]
    return [ReviewSignal(*row) for row in rows]


def _deliveries_in(unit: Unit) -> QuerySet[Delivery]:
    """Deliveries to recipients serving in the unit's subtree (as denormalised at sending)."""
    rows = Delivery.objects.all()
    column = _AT_COLUMN.get(unit.level)
    if column:
        return rows.filter(**{column: unit.id})
    if unit.level == "state":
        return rows
    inside = Unit.objects.filter(subtree_q(unit)).values("id")
    return rows.filter(ac_id_at=unit.ac_id, unit_id_at__in=inside)


def kits_daily(*, unit: Unit, since: dt.datetime) -> dict[str, dict[dt.date, int]]:
    """Kits sent and kits forwarded to a group per day (IST) since `since`, to recipients in the
    unit's subtree (the caller has scoped the unit): two GROUP BYs by day (results' charts)."""
    rows = _deliveries_in(unit)
    return {
        "sent": daily_counts(rows, field="sent_at", since=since),
        "forwarded": daily_counts(
            rows.filter(forwarded_groups__gt=0), field="forwarded_at", since=since
        ),
    }


def approved_kits(*, item_ids: Iterable[int]) -> dict[int, ContentItem]:
    """Approved kits by id, with their media, for pages that show a kit to people outside its
    unit (a training lesson cites it); drafts and withdrawn kits are left out."""
    rows = ContentItem.objects.filter(id__in=list(item_ids), state__in=SENDABLE)
    return {item.id: item for item in rows.prefetch_related("media")}


# --- an event's invitations and notices (issue #14; the events app reads these) -------------
# `event_messages` reads this module, hence the imports inside the functions.


def event_audience_count(*, unit_id: int, positions: list[str]) -> int:
    """How many people an event invitation to these positions under the unit would reach."""
    from sampark.content import event_messages

    return event_messages.audience_count(unit_id=unit_id, positions=positions)


def event_distributions(*, user: User, ref_prefix: str) -> list[Any]:
    """An event's invitations and notices sent from the user's subtree, with their progress."""
    from sampark.content import event_messages

    return list(event_messages.event_distributions(user=user, ref_prefix=ref_prefix))


def event_held_counts(*, distribution_id: int) -> dict[str, int]:
    """Why an event message's deliveries were held or blocked: reason → count."""
    from sampark.content import event_messages

    return event_messages.held_counts(distribution_id=distribution_id)
