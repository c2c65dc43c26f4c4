"""Staff notifications: one inbox row per (user, signal), and its deliveries by channel."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sampark.notify.enums import Channel, DeliveryStatus, Kind, Severity


class Notification(models.Model):
    """One thing a user is told. `unit` is the object's unit: always inside the user's subtree.

    `signal` names what caused it ("incident:12", "page:12:2"); one row per (user, signal) is
    what makes pulling idempotent: a worker that crashes and pulls again creates nothing twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    signal = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "signal"], name="notification_once_per_signal")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.signal}"

    @property
    def is_page(self) -> bool:
        return self.kind == Kind.PAGE


class Delivery(models.Model):
    """A notification on one channel: the notify outbox (claimed with a lease, like content's).

    The idempotency key is derived from (notification, channel), which is unique, so a delivery
    re-sent after a crash between sending and recording carries the same key.
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    hold_reason = models.CharField(max_length=16, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    locked_by = models.CharField(max_length=64, blank=True, default="")
    provider_id = models.CharField(max_length=100, blank=True, default="")
    last_error = models.CharField(max_length=300, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    # From the provider's delivery report (MSG91's webhook), when it says the message arrived.
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notify_delivery_once_per_channel"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_due"),
            # Delivery reports find their message by the provider's id.
            models.Index(
                fields=["provider_id"], name="notify_provider_id", condition=~Q(provider_id="")
            ),
        ]

    def __str__(self) -> str:
        return f"notify-delivery:{self.pk}"

    @property
    def idempotency_key(self) -> str:
        return f"sampark-n{self.notification_id}-{self.channel}"


class Preference(models.Model):
    """How one user wants one kind of notification: channels beyond the inbox, and from which
    severity on (for incidents and alerts)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    channels = models.JSONField(default=list, blank=True)
    min_severity = models.PositiveSmallIntegerField(
        choices=Severity.choices, default=Severity.MEDIUM
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notify_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}"


class Profile(models.Model):
    """A user's quiet hours (IST; pages ignore them) and the daily digest switch."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_profile"
    )
    quiet_start = models.PositiveSmallIntegerField(default=22)
    quiet_end = models.PositiveSmallIntegerField(default=7)
    digest = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_start__lte=23, quiet_end__lte=23), name="notify_quiet_hours"
            )
        ]

    def __str__(self) -> str:
        return f"profile:{self.user_id}"


class Page(models.Model):
    """The paging schedule of one escalated incident: which round went out and when the next
    is due; stopped once someone takes the incident (or a response leaves)."""

    incident_id = models.BigIntegerField(unique=True)
    rounds = models.PositiveSmallIntegerField(default=0)
    next_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"page:{self.incident_id}"


class Cursor(models.Model):
    """How far a pull has read a source that grows by id (incidents, directive recipients)."""

    name = models.CharField(max_length=40, primary_key=True)
    position = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.position}"
