"""The sending rules, read: a recipient, a channel, a purpose and an instant → send or hold.

`check` is the entry point for one message, call or invitation. `Rulebook.load` gathers what a
batch needs (consents, DND entries, the poll calendar, the content's certificate) in a handful of
queries, and `Rulebook.check` answers for one recipient at the instant it is asked; a sender asks
again right before each message leaves, with the real clock, so a message held at 21:59:59 does
not leave at 22:00:01.

The rules, in the order they are checked (the first that applies answers):
content (recalled, expired, political ad without a matching MCMC certificate) → under 18 →
opted out → no consent for this purpose on this channel → DND register (SMS and calls) →
[take-down notices stop here] → the constituency's silence period → quiet hours, and for a call
the calling hours. All but the windows are final; a window says when to look again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from sampark.accounts.selectors import scope_q
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.people.enums import ConsentAction
from sampark.rules.enums import DND_CHANNELS, Channel, HoldReason, Kind
from sampark.rules.models import Certificate, DndNumber, PollPhase

if TYPE_CHECKING:
    from sampark.accounts.models import User

IST = ZoneInfo("Asia/Kolkata")
ADULT_AGE = 18


# --- the clock's windows ------------------------------------------------------------------------


def quiet_hours() -> tuple[int, int]:
    """(start, end) hour in IST of the quiet hours, when nothing leaves (22, 6)."""
    start, end = getattr(settings, "SAMPARK_QUIET_HOURS", (22, 6))
    return int(start), int(end)


def calling_hours() -> tuple[int, int]:
    """(start, end) hour in IST of the calling hours, the only time calls are placed (9, 21)."""
    start, end = getattr(settings, "SAMPARK_CALLING_HOURS", (9, 21))
    return int(start), int(end)


def _closed_until(at: dt.datetime, *, start: int, end: int) -> dt.datetime | None:
    """End of the daily window [start:00, end:00) IST holding `at`, if any.

    The window may span midnight (22 → 6); equal hours mean no window (configured off).
    """
    if start == end:
        return None
    local = at.astimezone(IST)
    hour = local.hour
    inside = start <= hour < end if start < end else (hour >= start or hour < end)
    if not inside:
        return None
    day = local.date() if hour < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(end), tzinfo=IST).astimezone(dt.UTC)


def quiet_until(at: dt.datetime) -> dt.datetime | None:
    """End of the quiet hours (06:00 IST) if `at` falls inside them (22:00–06:00 IST)."""
    start, end = quiet_hours()
    return _closed_until(at, start=start, end=end)


def calling_until(at: dt.datetime) -> dt.datetime | None:
    """Start of the next calling hours (09:00 IST) if `at` falls outside them (09:00–21:00)."""
    start, end = calling_hours()
    return _closed_until(at, start=end, end=start)


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime


class Calendar:
    """Silence windows per AC: from `silence_hours` before the end of poll until the end of poll."""

    def __init__(self, windows: dict[tuple[str, int], list[Window]]) -> None:
        # Keyed by ("ac", id) or ("pc", id): a PC's phase silences all its ACs.
        self.windows = windows

    @classmethod
    def load(cls) -> Calendar:
        windows: dict[tuple[str, int], list[Window]] = defaultdict(list)
        phases = PollPhase.objects.select_related("election").prefetch_related("units")
        for phase in phases:
            end = dt.datetime.combine(phase.poll_date, phase.poll_end, tzinfo=IST)
            window = Window(end - dt.timedelta(hours=phase.election.silence_hours), end)
            for unit in phase.units.all():
                windows[(unit.level, unit.id)].append(window)
        return cls(dict(windows))

    def silence_until(
        self, *, ac_id: int | None, pc_id: int | None, at: dt.datetime
    ) -> dt.datetime | None:
        """End of the silence window covering `at` for this constituency, if any."""
        until: dt.datetime | None = None
        for key in (("ac", ac_id), ("pc", pc_id)):
            if key[1] is None:
                continue
            for window in self.windows.get((key[0], key[1]), ()):
                if window.start <= at < window.end and (until is None or window.end > until):
                    until = window.end
        return until.astimezone(dt.UTC) if until is not None else None


# --- certificates -------------------------------------------------------------------------------


def certificates_visible(*, user: User) -> QuerySet[Certificate]:
    """Certificates issued in the user's area (a state head sees every district's), newest first."""
    return Certificate.objects.filter(scope_q(user=user, field="unit")).order_by(
        "-issued_on", "-id"
    )


def certificate_get(*, certificate_id: int) -> Certificate:
    """The certificate with this id (raises `Certificate.DoesNotExist`)."""
    return Certificate.objects.get(id=certificate_id)


def certificate_valid(*, certificate_id: int | None, content_hash: str, at: dt.datetime) -> bool:
    """Whether the certificate is in force on `at`'s date (IST) and certifies exactly this hash."""
    if certificate_id is None:
        return False
    cert = Certificate.objects.filter(id=certificate_id).first()
    if cert is None:
        return False
    day = at.astimezone(IST).date()
    if day < cert.issued_on or (cert.valid_until is not None and day > cert.valid_until):
        return False
    return content_hash == cert.content_hash


# --- the verdict --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    reason: str = ""
    # For waiting reasons: when to look again. None for final reasons and for "go".
    until: dt.datetime | None = None

    @property
    def go(self) -> bool:
        return not self.reason


GO = Verdict()


@dataclass(frozen=True)
class Recipient:
    """The person a message goes to, and the constituency whose silence period covers them."""

    person_id: int
    phone: str
    date_of_birth: dt.date | None
    ac_id: int | None
    pc_id: int | None


@dataclass(frozen=True)
class Content:
    """What the rules read of the content a message carries; its owner fills it in.

    `current_hash` is the content's SHA-256 as it is now (recomputed by the owner from the stored
    bytes); only a political ad needs it, to compare with its MCMC certificate.
    """

    recalled: bool = False
    expires_at: dt.datetime | None = None
    political_ad: bool = False
    certificate_id: int | None = None
    current_hash: str = ""


def _content_reason(content: Content, *, at: dt.datetime) -> str:
    if content.recalled:
        return HoldReason.RECALLED
    if content.expires_at is not None and content.expires_at <= at:
        return HoldReason.EXPIRED
    if content.political_ad and not certificate_valid(
        certificate_id=content.certificate_id, content_hash=content.current_hash, at=at
    ):
        return HoldReason.NO_CERTIFICATE
    return ""


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class Rulebook:
    """What the rules need for one batch of messages of one purpose and kind."""

    purpose: str
    kind: str = Kind.MESSAGE
    content_reason: str = ""  # a final reason found in the content, for every recipient
    consents: dict[tuple[int, str], str] = field(default_factory=dict)
    dnd: set[str] = field(default_factory=set)
    calendar: Calendar = field(default_factory=lambda: Calendar({}))

    @classmethod
    def load(
        cls,
        *,
        purpose: str,
        audience: Iterable[tuple[Recipient, str]],
        at: dt.datetime,
        kind: str = Kind.MESSAGE,
        content: Content | None = None,
        calendar: Calendar | None = None,
    ) -> Rulebook:
        """Load the rules for (recipient, channel) pairs; the content is judged once, at `at`.

        Pass a `calendar` to share one between batches (it changes rarely).
        """
        if kind not in Kind.values:
            raise ValueError(f"unknown kind of message: {kind!r}")
        pairs = list(audience)
        phones = [r.phone for r, channel in pairs if channel in DND_CHANNELS]
        dnd: set[str] = set()
        for start in range(0, len(phones), 500):
            dnd.update(
                DndNumber.objects.filter(phone__in=phones[start : start + 500]).values_list(
                    "phone", flat=True
                )
            )
        return cls(
            purpose=purpose,
            kind=kind,
            content_reason=_content_reason(content, at=at) if content is not None else "",
            consents=people_selectors.consent_states(
                person_ids={r.person_id for r, _channel in pairs},
                purpose=purpose,
                channels={channel for _r, channel in pairs},
            ),
            dnd=dnd,
            calendar=calendar or Calendar.load(),
        )

    def check(self, recipient: Recipient, *, channel: str, at: dt.datetime) -> Verdict:
        """The verdict for one recipient on one channel at instant `at`: final reasons first."""
        if self.content_reason:
            return Verdict(self.content_reason)
        born = recipient.date_of_birth
        if born is not None and _age(born, at.astimezone(IST).date()) < ADULT_AGE:
            return Verdict(HoldReason.MINOR)
        action = self.consents.get((recipient.person_id, channel))
        if action == ConsentAction.WITHDRAWN:
            return Verdict(HoldReason.OPTED_OUT)
        if action != ConsentAction.GIVEN:
            return Verdict(HoldReason.NO_CONSENT)
        if channel in DND_CHANNELS and recipient.phone in self.dnd:
            return Verdict(HoldReason.DND)
        # Then the windows. Calling hours are the telephone's rule (TRAI), not the campaign's:
        # every call keeps them.
        calling = calling_until(at) if channel == Channel.VOICE else None
        if self.kind == Kind.TAKE_DOWN:
            # A take-down notice reduces campaigning; it goes out in silence and at night.
            return GO if calling is None else Verdict(HoldReason.CALLING_HOURS, calling)
        silence = self.calendar.silence_until(ac_id=recipient.ac_id, pc_id=recipient.pc_id, at=at)
        if silence is not None:
            return Verdict(HoldReason.SILENCE, silence)
        quiet = quiet_until(at)
        if calling is not None and (quiet is None or calling >= quiet):
            # Both windows start now; the later end is when both are over.
            return Verdict(HoldReason.CALLING_HOURS, calling)
        if quiet is not None:
            return Verdict(HoldReason.QUIET_HOURS, quiet)
        return GO


def check(
    *,
    recipient: Recipient,
    channel: str,
    purpose: str,
    at: dt.datetime,
    kind: str = Kind.MESSAGE,
    content: Content | None = None,
) -> Verdict:
    """Send or hold: every sending rule for one message, call or invitation at instant `at`.

    A call is `channel=Channel.VOICE`; an invitation is `kind=Kind.INVITATION` (usually under
    the `events` purpose); `content` only for content that may need an MCMC certificate.
    For many recipients, load one `Rulebook` and ask it for each.
    """
    book = Rulebook.load(
        purpose=purpose, audience=[(recipient, channel)], at=at, kind=kind, content=content
    )
    return book.check(recipient, channel=channel, at=at)


def _place(
    unit_id: int, level: str, ac_id: int | None, pc_id: int | None
) -> tuple[int | None, int | None]:
    """The (AC, PC) whose silence period covers a unit."""
    return (unit_id if level == Level.AC else ac_id, unit_id if level == Level.PC else pc_id)


def recipient_at(
    *, person_id: int, phone: str, date_of_birth: dt.date | None, unit: Unit | None
) -> Recipient:
    """One recipient from facts the caller already read (no query), placed at `unit`."""
    ac_id, pc_id = (
        _place(unit.id, unit.level, unit.ac_id, unit.pc_id) if unit is not None else (None, None)
    )
    return Recipient(
        person_id=person_id, phone=phone, date_of_birth=date_of_birth, ac_id=ac_id, pc_id=pc_id
    )


def recipients(
    *, person_ids: Iterable[int], unit_ids: Mapping[int, int] | None = None
) -> dict[int, Recipient]:
    """Recipients by person id, placed for the silence period at the unit `unit_ids` names for
    them (e.g. the booth they serve), else at their home unit (else nowhere)."""
    facts = people_selectors.person_facts(person_ids=person_ids)
    where = {pid: (unit_ids or {}).get(pid, f.home_unit_id) for pid, f in facts.items()}
    places = {
        uid: _place(uid, level, ac_id, pc_id)
        for uid, level, ac_id, pc_id in Unit.objects.filter(
            id__in={u for u in where.values() if u is not None}
        ).values_list("id", "level", "ac_id", "pc_id")
    }
    out: dict[int, Recipient] = {}
    for pid, f in facts.items():
        unit_id = where[pid]
        ac_id, pc_id = places.get(unit_id, (None, None)) if unit_id is not None else (None, None)
        out[pid] = Recipient(
            person_id=pid,
            phone=f.phone,
            date_of_birth=f.date_of_birth,
            ac_id=ac_id,
            pc_id=pc_id,
        )
    return out
