"""What the sending rules speak of: channels, kinds of message, and why one is held."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """Every channel a message or a call leaves by (values match the consent ledger's channels).

    A call is the voice channel: calling hours and DND apply to it.
    """

    PUSH = "push", _("Volunteer app")
    TELEGRAM = "telegram", _("Telegram")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    VOICE = "voice", _("Voice call")


class Kind(models.TextChoices):
    """What is leaving. The kind decides which time windows hold it."""

    # A kit, an update, a call from the call centre: held in silence and quiet hours.
    MESSAGE = "message", _("Message")
    # An invitation to an event or a training: held like a message.
    INVITATION = "invitation", _("Invitation")
    # A take-down notice reduces campaigning: it goes out in silence and at night.
    TAKE_DOWN = "take_down", _("Take-down notice")


class HoldReason(models.TextChoices):
    """Why a message did not leave. The windows (silence, quiet and calling hours) end when a
    clock passes; the rest are final."""

    SILENCE = "silence", _("48-hour silence period")
    QUIET_HOURS = "quiet_hours", _("Quiet hours (22:00–06:00)")
    CALLING_HOURS = "calling_hours", _("Outside calling hours (09:00–21:00)")
    OPTED_OUT = "opted_out", _("Opted out")
    NO_CONSENT = "no_consent", _("No consent for this purpose and channel")
    NO_CERTIFICATE = "no_certificate", _("No matching MCMC certificate")
    DND = "dnd", _("On the DND register")
    MINOR = "minor", _("Under 18")
    NO_ADDRESS = "no_address", _("No address on this channel")
    NO_TEMPLATE = "no_template", _("No approved DLT template")
    RECALLED = "recalled", _("Item recalled")
    EXPIRED = "expired", _("Item expired")


# Reasons that end when a clock passes: the message waits (held until the window ends).
WAITING_REASONS = frozenset({HoldReason.SILENCE, HoldReason.QUIET_HOURS, HoldReason.CALLING_HOURS})

# The TRAI NCPR (do-not-disturb) register covers commercial SMS and calls.
DND_CHANNELS = frozenset({Channel.SMS, Channel.VOICE})
