"""An event's invitations and reminders, sent through content's distribution channels (#14).

Events sits above content: it hands content plain data (texts, the registration link, the unit
and positions of the audience, or named people) and an origin "event:<id>:…" it reads back to
show progress. Content's sender checks every sending rule (`sampark.rules`, kind INVITATION,
purpose "events and training") as each message leaves.

Reminders (the day before, two hours before) are a worker step. For each due event it locks
the event's row, picks the confirmed registrations not yet reminded of that kind, queues them
as a content notice (one per event and kind; the outbox is unique per person) and stamps
`Registration.reminded_day` / `reminded_hours` in the same transaction: a worker killed before
the commit queued nothing, one killed after has stamped them, so nobody is reminded twice.
Sending is content's sender, whose claims are leases with an idempotency key per delivery.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability, Role
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area
from sampark.content import selectors as content_selectors
from sampark.content import services as content_services
from sampark.events import audit
from sampark.events.enums import EventKind, EventStatus, RegistrationStatus
from sampark.events.models import Event, Registration
from sampark.people import selectors as people_selectors

logger = logging.getLogger(__name__)

IST = dt.timezone(dt.timedelta(hours=5, minutes=30))

BOOTH_VOLUNTEERS = [
    "booth_president",
    "whatsapp_pramukh",
    "bla_liaison",
    "social_media_volunteer",
    "outreach_volunteer",
]
# Who is expected at each kind of event (the invitation's default audience).
EXPECTED_POSITIONS: dict[str, list[str]] = {
    EventKind.DISTRICT_WORKSHOP: BOOTH_VOLUNTEERS,
    EventKind.PC_MEETING: ["it_incharge_ac", "it_incharge_mandal", "it_incharge_sector"],
    EventKind.CONVENTION: [
        "it_incharge_district",
        "it_incharge_pc",
        "it_incharge_ac",
        "it_incharge_mandal",
    ],
}

# Reminder kinds: (registration field stamped, hours before the start when it falls due).
DAY, HOURS = "day", "hours"
REMINDERS: dict[str, tuple[str, int]] = {DAY: ("reminded_day", 24), HOURS: ("reminded_hours", 2)}


class InvitationError(ValueError):
    """A refused invitation, with a message meant for the user."""


def registration_link(event: Event) -> str:
    """Where an invitation points: the event in the volunteer app's "My events"."""
    site = str(getattr(settings, "SITE_URL", "http://127.0.0.1:8000")).rstrip("/")
    return f"{site}{reverse('app:events')}#event-{event.id}"


def _when(event: Event) -> str:
    return timezone.localtime(event.starts_at, IST).strftime("%d.%m.%Y %H:%M")


def _texts(event: Event) -> tuple[str, str]:
    place = f", {event.venue}" if event.venue else ""
    link = registration_link(event)
    hi = f"आपको {event.title} में आमंत्रित किया गया है: {_when(event)}{place}। पंजीकरण: {link}"
    en = f"You are invited to {event.title}: {_when(event)}{place}. Register: {link}"
    return hi, en


def _reminder_texts(event: Event, kind: str) -> tuple[str, str]:
    place = f", {event.venue}" if event.venue else ""
    if kind == DAY:
        hi = f"याद दिलाना: {event.title} कल है, {_when(event)}{place}। अपना टिकट साथ लाएँ।"
        en = f"Reminder: {event.title} is tomorrow, {_when(event)}{place}. Bring your ticket."
    else:
        hi = f"याद दिलाना: {event.title} दो घंटे में, {_when(event)}{place}। अपना टिकट साथ लाएँ।"
        en = f"Reminder: {event.title} starts in two hours, {_when(event)}{place}. Bring your ticket."
    return hi, en


def ref(event_id: int, *parts: str) -> str:
    """The origin reference content keeps for an event's message: "<event>:<parts>"."""
    return ":".join([str(event_id), *parts])


def audience_preview(*, event: Event, positions: list[str]) -> int:
    """How many holders of `positions` under the event's host an invitation would reach now."""
    return content_selectors.event_audience_count(unit_id=event.unit_id, positions=positions)


def event_invite(*, actor: User, event_id: int, positions: list[str]) -> int:
    """Invite the holders of `positions` under the event's host unit; returns the content
    distribution's id. The actor needs RUN_EVENTS on the host (content checks DISTRIBUTE)."""
    event = Event.objects.select_related("unit").get(id=event_id)
    require_in_area(actor, Capability.RUN_EVENTS, event.unit)
    if event.status in (EventStatus.CANCELLED, EventStatus.CLOSED):
        raise InvitationError(_("This event takes no more registrations."))
    known = set(people_selectors.position_kind_codes())
    chosen = sorted({p for p in positions if p in known})
    if not chosen:
        raise InvitationError(_("Choose at least one position to invite."))
    hi, en = _texts(event)
    try:
        distribution = content_services.event_invitation_create(
            actor=actor,
            unit_id=event.unit_id,
            positions=chosen,
            ref=ref(event.id, "invite"),
            title=event.title,
            text_hi=hi,
            text_en=en,
            link=registration_link(event),
        )
    except PermissionDenied:
        raise InvitationError(_("Your role may not send to this unit.")) from None
    audit.record(
        "event.invited",
        object_type="event",
        object_id=event.id,
        actor=actor,
        unit=event.unit,
        positions=",".join(chosen),
        distribution=distribution.id,
    )
    return distribution.id


def _author(event: Event) -> User | None:
    """Whose name an automatic message of the event carries: the season's planner, else the
    longest-serving state head."""
    if event.season is not None and event.season.created_by_id is not None:
        return event.season.created_by
    return User.objects.filter(roles__role=Role.STATE_HEAD, is_active=True).order_by("id").first()


def _due(kind: str, now: dt.datetime) -> list[int]:
    _field, hours = REMINDERS[kind]
    later = REMINDERS[HOURS][1] if kind == DAY else 0
    return list(
        Event.objects.filter(
            starts_at__gt=now + dt.timedelta(hours=later),
            starts_at__lte=now + dt.timedelta(hours=hours),
            status__in=[EventStatus.OPEN, EventStatus.PLANNED],
        )
        .order_by("starts_at")
        .values_list("id", flat=True)
    )


def remind_event(*, event_id: int, kind: str, now: dt.datetime, limit: int = 5000) -> int:
    """Queue the `kind` reminder to the event's confirmed registrations not yet reminded of
    it (at most `limit`); returns how many were queued. Safe to run again at any point."""
    field, _hours = REMINDERS[kind]
    with transaction.atomic():
        event = (
            Event.objects.select_for_update(of=("self",)).select_related("season").get(id=event_id)
        )
        rows = list(
            Registration.objects.filter(
                event=event, status=RegistrationStatus.CONFIRMED, **{f"{field}__isnull": True}
            )
            .order_by("id")
            .values_list("id", "person_id", "unit_id")[:limit]
        )
        if not rows:
            return 0
        author = _author(event)
        if author is None:
            logger.warning("no author for the reminders of event %s", event.id)
            return 0
        hi, en = _reminder_texts(event, kind)
        content_services.event_notice_send(
            author=author,
            unit_id=event.unit_id,
            ref=ref(event.id, "remind", kind),
            title=event.title,
            text_hi=hi,
            text_en=en,
            link=registration_link(event),
            people=[(person_id, unit_id) for _id, person_id, unit_id in rows],
        )
        Registration.objects.filter(id__in=[r[0] for r in rows]).update(**{field: now})
    return len(rows)


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Worker step: queue every due reminder; returns how many registrations were reminded."""
    now = now or timezone.now()
    done = 0
    for kind in (HOURS, DAY):
        for event_id in _due(kind, now):
            try:
                done += remind_event(event_id=event_id, kind=kind, now=now)
            except Exception:
                logger.exception("reminders failed", extra={"event_id": event_id})
    return done
