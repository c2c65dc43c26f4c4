"""Choices of the war room (issue #4)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentOrigin(models.TextChoices):
    ALERT = "alert", _("Alert")
    NARRATIVE = "narrative", _("Narrative")
    TIP = "tip", _("Tip")
    MANUAL = "manual", _("Opened by hand")


class IncidentState(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    RESPONDING = "responding", _("Responding")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    PUBLISHED = "published", _("Published")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")


# Before a response is out the SLA clock runs; after it, the incident is only watched.
OPEN_STATES = frozenset(
    {
        IncidentState.NEW,
        IncidentState.TRIAGED,
        IncidentState.RESPONDING,
        IncidentState.AWAITING_APPROVAL,
        IncidentState.PUBLISHED,
        IncidentState.MONITORING,
    }
)
SLA_STATES = frozenset(
    {
        IncidentState.NEW,
        IncidentState.TRIAGED,
        IncidentState.RESPONDING,
        IncidentState.AWAITING_APPROVAL,
    }
)

# Moves an analyst may make by hand (the others are made by the response services).
MANUAL_TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentState.NEW: frozenset({IncidentState.TRIAGED, IncidentState.CLOSED}),
    IncidentState.TRIAGED: frozenset({IncidentState.RESPONDING, IncidentState.CLOSED}),
    IncidentState.RESPONDING: frozenset({IncidentState.TRIAGED, IncidentState.CLOSED}),
    IncidentState.AWAITING_APPROVAL: frozenset({IncidentState.CLOSED}),
    IncidentState.PUBLISHED: frozenset({IncidentState.MONITORING, IncidentState.CLOSED}),
    IncidentState.MONITORING: frozenset({IncidentState.CLOSED}),
    IncidentState.CLOSED: frozenset({IncidentState.TRIAGED}),
}


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class SlaStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    MET = "met", _("Response out")


class EventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    LINKED = "linked", _("Linked to a new signal")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Taken")
    STATE = "state", _("State changed")
    ESCALATED = "escalated", _("SLA missed: escalated")
    RESPONSE_DRAFTED = "response_drafted", _("Response drafted")
    RESPONSE_EDITED = "response_edited", _("Response edited")
    RESPONSE_SUBMITTED = "response_submitted", _("Response sent for approval")
    RESPONSE_APPROVED = "response_approved", _("Response approved")
    RESPONSE_REJECTED = "response_rejected", _("Response sent back")
    RESPONSE_PUBLISHED = "response_published", _("Response published")
    OFFICIAL_POSTED = "official_posted", _("Posted on official accounts")


class ResponseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Sent back")


class Language(models.TextChoices):
    HINDI = "hi", _("Hindi")
    ENGLISH = "en", _("English")


class DutyRole(models.TextChoices):
    LEAD = "lead", _("Shift lead")
    ANALYST = "analyst", _("Analyst")
    APPROVER = "approver", _("Approver")


class OfficialStatus(models.TextChoices):
    """Where a published response stands on one official account (`Response.official`)."""

    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    POSTED = "posted", _("Posted")
    FAILED = "failed", _("Failed")
    DISABLED = "disabled", _("Disabled")
    NOT_CONFIGURED = "not_configured", _("Not configured")
