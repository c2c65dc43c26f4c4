"""Scoped reads of the content app. Outside the user's subtree an object does not exist (404)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.content.enums import INVITE_ORIGIN, DeliveryStatus
from sampark.content.models import (
    ChannelPreference,
    ContentItem,
    Delivery,
    Distribution,
    MediaAsset,
)
from sampark.content.services import SENDABLE


def items_visible(*, user: User) -> QuerySet[ContentItem]:
    """Kits owned by a unit in the user's subtree."""
    if user.unit_id is None:
        return ContentItem.objects.none()
    return (
        ContentItem.objects.filter(scope_q(user=user, field="unit"))
        # An invitation's text is not a kit of the library (issue #13).
        .exclude(origin__startswith=INVITE_ORIGIN)
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
