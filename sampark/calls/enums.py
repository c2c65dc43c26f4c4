"""What the call centre speaks of: campaign sources, modes, states, dispositions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    """Where a campaign's contacts come from."""

    # Holders of chosen positions in a subtree (e.g. the five volunteers of every booth).
    POSITIONS = "positions", _("Positions in the tree")
    # Persons whose consent covers voice calls for the campaign's purpose.
    CONSENT = "consent", _("Consent for calls")
    # An event's no-show list (`events.selectors.no_shows`, inside the manager's subtree).
    EVENT_NO_SHOWS = "event_no_shows", _("An event's no-shows")


class Category(models.TextChoices):
    """The call's category decides the caller-ID series (TRAI: 140 promotional, 160 service)."""

    PROMOTIONAL = "promotional", _("Promotional")
    SERVICE = "service", _("Service")


class Mode(models.TextChoices):
    PREVIEW = "preview", _("Preview")
    POWER = "power", _("Power")
    PREDICTIVE = "predictive", _("Predictive")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class ContactStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    LEASED = "leased", _("With an agent")
    DONE = "done", _("Done")
    HELD = "held", _("Held by the rules")


class AttemptStatus(models.TextChoices):
    """A call's state as the adapters report it (Exotel's and ARI's, mapped)."""

    QUEUED = "queued", _("Queued")
    RINGING = "ringing", _("Ringing")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    BUSY = "busy", _("Busy")
    NO_ANSWER = "no_answer", _("No answer")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")


LIVE_STATUSES = frozenset({AttemptStatus.QUEUED, AttemptStatus.RINGING, AttemptStatus.IN_PROGRESS})


class Disposition(models.TextChoices):
    COMPLETED = "completed", _("Spoke, script completed")
    CALL_BACK = "call_back", _("Call back later")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    SWITCHED_OFF = "switched_off", _("Switched off / unreachable")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    NOT_INTERESTED = "not_interested", _("Not interested")
    DO_NOT_CALL = "do_not_call", _("Asked not to be called")


# Dispositions after which the contact is tried again (up to the campaign's attempt limit).
RETRY_DISPOSITIONS = frozenset({Disposition.NO_ANSWER, Disposition.BUSY, Disposition.SWITCHED_OFF})


class AgentState(models.TextChoices):
    OFFLINE = "offline", _("Offline")
    AVAILABLE = "available", _("Available")
    ON_CALL = "on_call", _("On a call")
    WRAP_UP = "wrap_up", _("Wrap-up")
    BREAK = "break", _("On a break")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTI = "multi", _("Multiple choice")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")
    INFO = "info", _("Read out")


class Effect(models.TextChoices):
    """What an answer changes elsewhere, through that app's services."""

    OPT_OUT = "opt_out", _("Opted out of calls")
    CORRECT_PHONE = "correct_phone", _("Corrected phone number")
    VOLUNTEER = "volunteer", _("Willing to be a booth volunteer")
    # Said they are 18 or older: lets `volunteer` open a position when no birth date is known.
    ADULT = "adult", _("Confirmed 18 or older")
    REGISTER_EVENT = "register_event", _("Registered for the campaign's event")


class InboundStatus(models.TextChoices):
    """A helpline caller's place: waiting in the queue, with an agent, or gone."""

    QUEUED = "queued", _("Waiting in the queue")
    ANSWERED = "answered", _("With an agent")
    ABANDONED = "abandoned", _("Hung up while waiting")
    CLOSED = "closed", _("Closed")
