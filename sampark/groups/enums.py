"""Choices of the booth group registry (issue #5)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    # Values equal people.ConsentChannel's, so a group's platform is its consent channel.
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")


class GroupPurpose(models.TextChoices):
    """What a group is for. By principle there is no caste or religion purpose."""

    BOOTH_GENERAL = "booth_general", _("Booth (general)")
    WOMEN = "women", _("Women")
    YOUTH = "youth", _("Youth")
    FARMERS = "farmers", _("Farmers")
    BENEFICIARIES = "beneficiaries", _("Scheme beneficiaries")
    OTHER = "other", _("Other")


class JoinVia(models.TextChoices):
    LINK = "link", _("Invite page link")
    QR = "qr", _("Printed QR code")


# Members a group can hold: WhatsApp caps groups at 1,024; a Telegram group at 2 lakh.
DEFAULT_CAP: dict[str, int] = {Platform.WHATSAPP: 1024, Platform.TELEGRAM: 200_000}
# A group whose admin has attested no activity for this long is "quiet" in the roll-ups.
STALE_DAYS = 14
# Joins counted as recent growth in the roll-ups.
GROWTH_DAYS = 7
