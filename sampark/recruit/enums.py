from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JoinVia(models.TextChoices):
    LINK = "link", _("Link")
    QR = "qr", _("QR code")


class AttemptKind(models.TextChoices):
    ADDRESS = "address", _("Address")
    PHONE = "phone", _("Phone")


# Booth positions a self sign-up may take, in order of preference; a booth president is chosen
# by the in-charge, not by a form.
SIGNUP_KINDS: tuple[str, ...] = (
    "outreach_volunteer",
    "social_media_volunteer",
    "whatsapp_pramukh",
    "bla_liaison",
)
