"""Incidents, their timeline, responses and the duty roster (issue #4, the war room)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sampark.warroom.enums import (
    DutyRole,
    EventKind,
    IncidentOrigin,
    IncidentState,
    Language,
    ResponseState,
    Severity,
)


class Incident(models.Model):
    """A rumour the war room works on. `unit` is its scope: who sees it and where it is sent."""

    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    # The claim in words, as spread (the {claim} of response templates).
    claim = models.TextField(blank=True, default="")
    origin = models.CharField(max_length=10, choices=IncidentOrigin.choices)
    alert = models.ForeignKey(
        "monitoring.Alert", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    narrative = models.ForeignKey(
        "monitoring.Narrative", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        "monitoring.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.LOW)
    # Inputs of the severity rule, as they were at the last triage.
    reach = models.PositiveIntegerField(default=0)
    velocity = models.FloatField(default=0.0)
    match_band = models.CharField(max_length=10, blank=True, default="")
    match_verdict = models.CharField(max_length=20, blank=True, default="")
    watch_hits = models.PositiveIntegerField(default=0)
    district_ids: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    # Best-matching fact-checks: [{"fact_check_id", "score", "band"}], best first.
    matches: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    state = models.CharField(
        max_length=20, choices=IncidentState.choices, default=IncidentState.NEW
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sla_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Opening is idempotent per source object (a race ends in IntegrityError, retried
            # as a lookup); a narrative may get a new incident once the old one is closed.
            models.UniqueConstraint(
                fields=["alert"], condition=Q(alert__isnull=False), name="incident_once_per_alert"
            ),
            models.UniqueConstraint(
                fields=["post"], condition=Q(post__isnull=False), name="incident_once_per_post"
            ),
            models.UniqueConstraint(
                fields=["narrative"],
                condition=Q(narrative__isnull=False) & ~Q(state=IncidentState.CLOSED),
                name="incident_open_once_per_narrative",
            ),
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=4), name="incident_severity_1_4"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "-severity", "sla_due_at"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["sla_due_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Intake(models.Model):
    """One signal the war room's intake step took (issue #17): a listening alert, a tip with no
    automatic reply, or a narrative's new "auto" fact-check match. Unique per signal, written
    in the transaction that opens or links its incident: a killed worker leaves the signal for
    the next round, and no signal opens anything twice."""

    class Kind(models.TextChoices):
        ALERT = "alert", "alert"
        TIP = "tip", "tip"
        MATCH = "match", "match"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    ref_id = models.BigIntegerField()
    incident = models.ForeignKey(
        Incident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why no incident: the narrative is muted or organisational, or opening failed.
    note = models.CharField(max_length=300, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "ref_id"], name="intake_once_per_signal")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref_id}"


class IncidentEvent(models.Model):
    """One line of an incident's timeline (every action writes one, beside the audit row)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["incident", "at"])]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.kind}"


class ResponseTemplate(models.Model):
    """A response skeleton with {claim} {verdict} {factcheck_url} {publisher} placeholders.

    `unit` None: offered to every war room; otherwise inside that unit's subtree.
    """

    name = models.CharField(max_length=200)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.HINDI)
    body = models.TextField()
    unit = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Response(models.Model):
    """The organisation's answer to an incident, citing a third-party fact-check.

    The label ("Our response, citing <publisher>'s fact-check") is kept apart from the texts and
    put in front of them wherever the response goes out, so no edit can remove it.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.HINDI)
    text_hi = models.TextField(blank=True, default="")
    text_en = models.TextField(blank=True, default="")
    fact_check = models.ForeignKey(
        "factcheck.FactCheck",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label_hi = models.CharField(max_length=300, blank=True, default="")
    label_en = models.CharField(max_length=300, blank=True, default="")
    state = models.CharField(
        max_length=20, choices=ResponseState.choices, default=ResponseState.DRAFT
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(blank=True, default="")
    content_item = models.ForeignKey(
        "content.ContentItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    distribution = models.ForeignKey(
        "content.Distribution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Official accounts: {"x": {"status": "posted", "id": "…"}, …} (flags at publication time).
    official: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    official_pending = models.BooleanField(default=False, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["incident", "state"])]

    def __str__(self) -> str:
        return f"response {self.pk} to incident {self.incident_id}"

    @property
    def full_text_hi(self) -> str:
        return _labelled(self.label_hi, self.text_hi)

    @property
    def full_text_en(self) -> str:
        return _labelled(self.label_en, self.text_en)

    @property
    def full_text(self) -> str:
        """The text in the response's own language, label first."""
        return self.full_text_en if self.language == Language.ENGLISH else self.full_text_hi


def _labelled(label: str, text: str) -> str:
    if not text.strip():
        return ""
    return f"{label}\n\n{text.strip()}" if label else text.strip()


class Shift(models.Model):
    """Who is on duty in a unit's war room, and what they hand over to the next shift."""

    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=DutyRole.choices, default=DutyRole.ANALYST)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    handover_note = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start"
            )
        ]
        indexes = [models.Index(fields=["unit", "starts_at"]), models.Index(fields=["ends_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.starts_at:%Y-%m-%d %H:%M}"
