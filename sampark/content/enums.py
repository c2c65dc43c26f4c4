"""States of the content library and its outbox (why a message is held: `rules.enums`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The `origin` of the content item holding an invitation's text ("invite:<import job id>").
INVITE_ORIGIN = "invite:"
# The `origin` of an item holding an event's message (issue #14): "event:<ref>", where the
# events app chooses <ref>; content never reads it.
EVENT_ORIGIN = "event:"


class ItemState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    SENT = "sent", _("Sent")
    RECALLED = "recalled", _("Recalled")
    EXPIRED = "expired", _("Expired")


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    PDF = "pdf", _("PDF")


class DistributionKind(models.TextChoices):
    SEND = "send", _("Kit")
    RECALL = "recall", _("Take-down notice")
    # An invitation to sign in by phone, to the people of an import job (issue #13).
    INVITE = "invite", _("Sign-in invitation")
    # An invitation to an event, to the holders of positions in a unit (issue #14).
    EVENT = "event", _("Event invitation")
    # An event's message to named people: a reminder, an expert's answer (issue #14).
    NOTICE = "notice", _("Event notice")


class DistributionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    EXPANDING = "expanding", _("Preparing recipients")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Channel(models.TextChoices):
    """Machine channels to volunteers. WhatsApp is never one: volunteers forward by hand."""

    PUSH = "push", _("Volunteer app")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS notice")
    EMAIL = "email", _("E-mail")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    DEAD = "dead", _("Failed")
    # Never queued: the recipient had not consented to the distribution's purpose.
    SKIPPED = "skipped", _("Skipped (no consent)")


class DltCategory(models.TextChoices):
    SERVICE_IMPLICIT = "service_implicit", _("Service (implicit)")
    SERVICE_EXPLICIT = "service_explicit", _("Service (explicit consent)")
    PROMOTIONAL = "promotional", _("Promotional")
