"""The content library and the outbox.

A `Distribution` sends one `ContentItem` to the holders of some positions in some units; it is
expanded into one `Delivery` row per recipient (the outbox), which sender workers claim, check
against the sending rules *at send time* (`sampark.rules`, through `content.gates`) and hand to
a channel. The rule tables (poll calendar, DND register, MCMC certificates) live in `rules`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sampark.content.enums import (
    Channel,
    DeliveryStatus,
    DistributionKind,
    DistributionStatus,
    DltCategory,
    ItemState,
    MediaKind,
)
from sampark.people.enums import ConsentPurpose


class ContentItem(models.Model):
    """One kit: texts in Hindi and English plus media, approved by someone other than its author."""

    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="content_items")
    title = models.CharField(max_length=200)
    text_hi = models.TextField(blank=True, default="")
    text_en = models.TextField(blank=True, default="")
    tags = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=12, choices=ItemState.choices, default=ItemState.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_items"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_items",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, default="")
    # Political advertisements need an MCMC certificate whose hash matches the content.
    is_political_ad = models.BooleanField(default=False)
    certificate = models.ForeignKey(
        "rules.Certificate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    # Synthetic or AI-altered media must say so to the people who see it.
    ai_generated = models.BooleanField(default=False)
    ai_label = models.CharField(max_length=200, blank=True, default="")
    # Hash of texts + media at approval; recomputed at send time for the certificate check.
    content_hash = models.CharField(max_length=64, blank=True, default="")
    expires_at = models.DateTimeField(null=True, blank=True)
    recalled_at = models.DateTimeField(null=True, blank=True)
    recall_reason = models.TextField(blank=True, default="")
    # Where the item came from when not written by hand (e.g. "warroom.response:12").
    origin = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["unit", "state"])]

    def __str__(self) -> str:
        return self.title

    def text_for(self, language: str) -> str:
        if language.startswith("en"):
            return self.text_en or self.text_hi
        return self.text_hi or self.text_en


def _media_path(instance: MediaAsset, filename: str) -> str:
    return f"content/{instance.item_id}/{filename}"


class MediaAsset(models.Model):
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="media")
    kind = models.CharField(max_length=8, choices=MediaKind.choices)
    file = models.FileField(upload_to=_media_path)
    filename = models.CharField(max_length=200)
    mime = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.filename


class DltTemplate(models.Model):
    """An SMS template registered on the DLT platform; SMS text must match it exactly."""

    template_id = models.CharField(max_length=30, unique=True)
    entity_id = models.CharField(max_length=30)
    header = models.CharField(max_length=11)
    body = models.TextField(help_text=_("With {#var#} where the text varies."))
    category = models.CharField(
        max_length=20, choices=DltCategory.choices, default=DltCategory.SERVICE_EXPLICIT
    )
    language = models.CharField(max_length=8, default="hi")
    # What the template announces: a new kit, or a take-down notice.
    use = models.CharField(
        max_length=8, choices=DistributionKind.choices, default=DistributionKind.SEND
    )
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.template_id


class ChannelPreference(models.Model):
    """How a person wants to be reached; the app's inbox is the default."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="channel_preference"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PUSH)
    telegram_chat_id = models.CharField(max_length=32, blank=True, default="")
    language = models.CharField(max_length=8, default="hi")
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.person_id}:{self.channel}"


class PushSubscription(models.Model):
    """A browser's web-push subscription for the volunteer app."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=600, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    gone_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"push:{self.person_id}"


class Distribution(models.Model):
    """Send an item (or a take-down notice for it) to position holders in some units."""

    item = models.ForeignKey(ContentItem, on_delete=models.PROTECT, related_name="distributions")
    kind = models.CharField(
        max_length=8, choices=DistributionKind.choices, default=DistributionKind.SEND
    )
    recall_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="recalls"
    )
    # The sender's unit: who may see and manage this distribution (scope).
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    targets = models.ManyToManyField("geo.Unit", related_name="+")
    # An invitation's audience: the people this import job created (issue #13).
    import_job = models.ForeignKey(
        "people.ImportJob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An invitation's channel for those not connected on Telegram (sms or email).
    invite_channel = models.CharField(max_length=10, blank=True, default="")
    # Where an event's invitation or notice points (its registration page), issue #14.
    link = models.CharField(max_length=300, blank=True, default="")
    # PositionKind codes; empty means every booth position that counts toward staffing.
    positions = models.JSONField(default=list, blank=True)
    purpose = models.CharField(
        max_length=32, choices=ConsentPurpose.choices, default=ConsentPurpose.VOLUNTEER_COORDINATION
    )
    scheduled_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=DistributionStatus.choices, default=DistributionStatus.SCHEDULED
    )
    targeted = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expanded_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "scheduled_at"])]

    def __str__(self) -> str:
        return f"distribution:{self.pk}"


class Delivery(models.Model):
    """One recipient of one distribution: a row in the outbox.

    The idempotency key handed to providers is derived from (distribution, person), which is
    unique, so a re-sent delivery (a worker killed between sending and recording) carries the
    same key and a provider that honours keys accepts it once.
    """

    # Both foreign keys are covered by the composite indexes below (fewer indexes to write
    # when a distribution expands to lakhs of rows).
    distribution = models.ForeignKey(
        Distribution, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # Where the recipient serves, denormalised for roll-ups (ids of geo.Unit rows).
    unit_id_at = models.BigIntegerField()
    ac_id_at = models.BigIntegerField(null=True)
    pc_id_at = models.BigIntegerField(null=True)
    district_id_at = models.BigIntegerField(null=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    hold_reason = models.CharField(max_length=16, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # While a row is SENDING, `next_attempt_at` holds the claim's lease expiry (docs T6).
    locked_by = models.CharField(max_length=64, blank=True, default="")
    provider_id = models.CharField(max_length=100, blank=True, default="")
    last_error = models.CharField(max_length=300, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    forwarded_groups = models.PositiveSmallIntegerField(null=True, blank=True)
    reach = models.PositiveIntegerField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["distribution", "person"], name="one_delivery_each")
        ]
        indexes = [
            models.Index(fields=["channel", "status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["person", "distribution"], name="delivery_person"),
            # Delivery reports find their row by the provider's message id (MSG91's request
            # id); only sent rows await one, so the index holds only those.
            models.Index(
                fields=["provider_id"],
                name="delivery_awaiting_report",
                condition=Q(status=DeliveryStatus.SENT),
            ),
        ]

    def __str__(self) -> str:
        return f"delivery:{self.pk}"

    @property
    def idempotency_key(self) -> str:
        return idempotency_key(self.distribution_id, self.person_id)


def idempotency_key(distribution_id: int, person_id: int) -> str:
    return f"sampark-d{distribution_id}-p{person_id}"


def parse_idempotency_key(key: str) -> tuple[int, int] | None:
    """(distribution id, person id) of a key made by `idempotency_key`, else None."""
    prefix, _, rest = key.partition("-d")
    dist, _, person = rest.partition("-p")
    if prefix != "sampark" or not dist.isdigit() or not person.isdigit():
        return None
    return int(dist), int(person)


class TokenBucket(models.Model):
    """A rate limit shared by every sender process (the database default; Redis when set)."""

    name = models.CharField(max_length=60, primary_key=True)
    tokens = models.FloatField(default=0.0)
    # Seconds since the epoch at the last refill, as a float (sub-millisecond precision).
    refilled_at = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return self.name
