"""Choices of the events app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sampark.geo.enums import Level


class EventKind(models.TextChoices):
    DISTRICT_WORKSHOP = "district_workshop", _("District workshop")
    PC_MEETING = "pc_meeting", _("Lok Sabha IT-cell meeting")
    CONVENTION = "convention", _("State convention")


# The unit level that hosts one event of each kind in a season.
HOST_LEVEL: dict[str, str] = {
    EventKind.DISTRICT_WORKSHOP: Level.DISTRICT,
    EventKind.PC_MEETING: Level.PC,
    EventKind.CONVENTION: Level.STATE,
}


class EventStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Registration open")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationSource(models.TextChoices):
    APP = "app", _("Phone app")
    PUBLIC = "public", _("Public page")
    GATE = "gate", _("Walk-in at the gate")
    DESK = "desk", _("Desk")


class ScanResult(models.TextChoices):
    ADMITTED = "admitted", _("Admitted")
    DUPLICATE = "duplicate", _("Already checked in")
    FOREIGN = "foreign", _("Ticket of another event")
    UNKNOWN = "unknown", _("Unknown ticket")
    CANCELLED = "cancelled", _("Cancelled registration")


class QuestionStatus(models.TextChoices):
    """A group of similar questions, as the moderator left it."""

    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Open for votes")
    ANSWERED = "answered", _("Answered")
    HIDDEN = "hidden", _("Hidden")
    MERGED = "merged", _("Merged")


class QuestionSource(models.TextChoices):
    APP = "app", _("Phone app")
    WEB = "web", _("Web")
    TELEGRAM = "telegram", _("Telegram")
