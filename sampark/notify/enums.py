"""What staff are told about, how it reaches them, and where each message stands (issue #13)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    INCIDENT = "incident", _("New incident or alert in my area")
    PAGE = "page", _("SLA missed: page to the duty shift")
    DIRECTIVE = "directive", _("Directive to my unit")
    REMINDER = "reminder", _("Directive falling due")
    ESCALATION = "escalation", _("Directive not acknowledged")
    APPROVAL = "approval", _("Approval waiting for me")
    JOB = "job", _("Long job finished")
    DIGEST = "digest", _("Daily digest")


# Kinds a user may set preferences for (the digest follows its own switch).
CHOOSABLE = [k for k in Kind if k != Kind.DIGEST]


class Channel(models.TextChoices):
    """Channels beyond the inbox, which every notification lands in."""

    PUSH = "push", _("Web push")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Severity(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    CRITICAL = 4, _("Critical")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Not sent")
    DEAD = "dead", _("Failed")


# Defaults when a user has set nothing: the inbox always; pages also by push and SMS.
DEFAULT_CHANNELS: dict[str, list[str]] = {Kind.PAGE: [Channel.PUSH, Channel.SMS]}
DEFAULT_MIN_SEVERITY = Severity.MEDIUM
