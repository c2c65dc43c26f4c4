from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    ENDED = "ended", _("Ended")


class VerifyMethod(models.TextChoices):
    OTP = "otp", _("OTP to the phone")
    INCHARGE = "incharge", _("Confirmed by the in-charge")
    IMPORT = "import", _("Verified at import by an in-charge")


class ConsentPurpose(models.TextChoices):
    VOLUNTEER_COORDINATION = "volunteer_coordination", _("Volunteer coordination")
    CAMPAIGN_UPDATES = "campaign_updates", _("Campaign updates")
    # Staff told about their own work (issue #13): alerts, pages, directives, approvals.
    OPERATIONS = "operations", _("Staff operations")
    EVENTS = "events", _("Events and training")
    CALLS = "calls", _("Phone calls")
    GROUP_MEMBERSHIP = "group_membership", _("Booth group membership")


class ConsentChannel(models.TextChoices):
    SMS = "sms", _("SMS")
    VOICE = "voice", _("Voice call")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", _("Telegram")
    PUSH = "push", _("Volunteer app")
    WHATSAPP = "whatsapp", _("WhatsApp (forwarded by volunteers)")


class ConsentAction(models.TextChoices):
    GIVEN = "given", _("Given")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class FlagKind(models.TextChoices):
    PHONE_REUSED = "phone_reused", _("Phone number already registered")
    EPIC_REUSED = "epic_reused", _("Voter ID already registered")


class Gender(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "o", _("Other")
    UNSTATED = "", _("Not stated")
