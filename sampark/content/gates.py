"""The election rules, checked for each message as it leaves (never only when it is queued).

`Gatekeeper` loads what one batch of deliveries needs (consents, DND entries, the calendar, the
item's certificate) and `Gatekeeper.check` answers for one recipient at one instant: go, wait
until a window ends (silence, quiet hours), or stop for good (opted out, no consent, minor,
DND, no certificate). The sender calls `check` again right before each send with the actual
clock, so a message held at 21:59:59 does not leave at 22:00:01.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from sampark.content import hashing
from sampark.content.enums import Channel, DistributionKind, HoldReason
from sampark.content.expansion import audience_sql, position_ids
from sampark.content.models import ContentItem, MediaAsset
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.people.enums import ConsentAction
from sampark.people.models import Person
from sampark.rules.models import DndNumber, PollPhase

IST = ZoneInfo("Asia/Kolkata")


def quiet_hours() -> tuple[int, int]:
    start, end = getattr(settings, "SAMPARK_QUIET_HOURS", (22, 6))
    return int(start), int(end)


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
    person_id: int
    channel: str
    phone: str
    date_of_birth: dt.date | None
    ac_id: int | None
    pc_id: int | None


def quiet_until(at: dt.datetime) -> dt.datetime | None:
    """End of the quiet hours (06:00 IST) if `at` falls inside them (22:00–06:00 IST)."""
    start, end = quiet_hours()
    if start == end:  # configured off (the throughput benchmarks run at any hour)
        return None
    local = at.astimezone(IST)
    if local.hour >= start:
        day = local.date() + dt.timedelta(days=1)
    elif local.hour < end:
        day = local.date()
    else:
        return None
    return dt.datetime.combine(day, dt.time(end), tzinfo=IST).astimezone(dt.UTC)


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


_MEDIA_CACHE: dict[tuple[str, int, int], str] = {}


def _media_sha(asset: MediaAsset) -> str:
    """SHA-256 of the stored file's bytes (cached by path, size and mtime)."""
    try:
        path = asset.file.path
        stat = os.stat(path)
    except (NotImplementedError, ValueError, OSError):
        return ""
    key = (path, stat.st_size, stat.st_mtime_ns)
    if key not in _MEDIA_CACHE:
        with open(path, "rb") as fh:
            _MEDIA_CACHE[key] = hashing.file_sha256(iter(lambda: fh.read(1 << 20), b""))
    return _MEDIA_CACHE[key]


def certified(item: ContentItem, *, at: dt.datetime) -> bool:
    """Whether a political ad's content, as it is now, matches a valid MCMC certificate."""
    cert = item.certificate
    if cert is None:
        return False
    day = at.astimezone(IST).date()
    if day < cert.issued_on or (cert.valid_until is not None and day > cert.valid_until):
        return False
    current = hashing.compute_hash(item, media_hashes=[_media_sha(m) for m in item.media.all()])
    return current == cert.content_hash


@dataclass
class Gatekeeper:
    """What the rules need for one batch of one distribution."""

    purpose: str
    kind: str
    item_ok: bool  # certificate (for political ads) and not recalled/expired
    item_reason: str
    consents: dict[tuple[int, str], str] = field(default_factory=dict)
    dnd: set[str] = field(default_factory=set)
    calendar: Calendar = field(default_factory=lambda: Calendar({}))

    @classmethod
    def load(
        cls,
        *,
        item: ContentItem,
        kind: str,
        purpose: str,
        recipients: list[Recipient],
        at: dt.datetime,
        calendar: Calendar | None = None,
    ) -> Gatekeeper:
        reason = ""
        if kind == DistributionKind.SEND:
            if item.recalled_at is not None:
                reason = HoldReason.RECALLED
            elif item.expires_at is not None and item.expires_at <= at:
                reason = HoldReason.EXPIRED
            elif item.is_political_ad and not certified(item, at=at):
                reason = HoldReason.NO_CERTIFICATE
        phones = [r.phone for r in recipients if r.channel == Channel.SMS]
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
            item_ok=not reason,
            item_reason=reason,
            consents=people_selectors.consent_states(
                person_ids={r.person_id for r in recipients},
                purpose=purpose,
                channels={r.channel for r in recipients},
            ),
            dnd=dnd,
            calendar=calendar or Calendar.load(),
        )

    def check(self, recipient: Recipient, *, at: dt.datetime) -> Verdict:
        """The verdict for one recipient at instant `at`: final reasons first, then windows."""
        if not self.item_ok:
            return Verdict(self.item_reason)
        born = recipient.date_of_birth
        if born is not None and _age(born, at.astimezone(IST).date()) < 18:
            return Verdict(HoldReason.MINOR)
        action = self.consents.get((recipient.person_id, recipient.channel))
        if action == ConsentAction.WITHDRAWN:
            return Verdict(HoldReason.OPTED_OUT)
        if action != ConsentAction.GIVEN:
            return Verdict(HoldReason.NO_CONSENT)
        if recipient.channel == Channel.SMS and recipient.phone in self.dnd:
            return Verdict(HoldReason.DND)
        if self.kind == DistributionKind.RECALL:
            # A take-down notice reduces campaigning; it goes out in silence and at night.
            return GO
        silence = self.calendar.silence_until(ac_id=recipient.ac_id, pc_id=recipient.pc_id, at=at)
        if silence is not None:
            return Verdict(HoldReason.SILENCE, silence)
        quiet = quiet_until(at)
        if quiet is not None:
            return Verdict(HoldReason.QUIET_HOURS, quiet)
        return GO


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


# The reasons `sampark distribute simulate` always reports (the shell contract).
SIMULATED_REASONS = (
    HoldReason.SILENCE,
    HoldReason.QUIET_HOURS,
    HoldReason.OPTED_OUT,
    HoldReason.NO_CONSENT,
    HoldReason.NO_CERTIFICATE,
    HoldReason.DND,
    HoldReason.MINOR,
)


def simulate(
    *,
    item: ContentItem,
    target_ids: list[int],
    positions: list[str],
    purpose: str,
    at: dt.datetime,
    chunk: int = 5000,
) -> dict[str, Any]:
    """How many deliveries a distribution would make at `at`, and how many would be held (why).

    Sends nothing and writes nothing: the audience query of the expansion, then the gates.
    """
    targets = list(Unit.objects.filter(id__in=target_ids))
    sql, params = audience_sql(targets=targets, position_ids=position_ids(positions))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [r[:6] for r in cursor.fetchall()]
    held: dict[str, int] = {reason.value: 0 for reason in SIMULATED_REASONS}
    would_send = 0
    calendar = Calendar.load()
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        facts = {
            pid: (phone, born)
            for pid, phone, born in Person.objects.filter(id__in=[r[0] for r in part]).values_list(
                "id", "phone", "date_of_birth"
            )
        }
        recipients = [
            Recipient(
                person_id=r[0],
                channel=r[1],
                phone=facts[r[0]][0],
                date_of_birth=facts[r[0]][1],
                ac_id=r[3],
                pc_id=r[4],
            )
            for r in part
        ]
        keeper = Gatekeeper.load(
            item=item,
            kind=DistributionKind.SEND,
            purpose=purpose,
            recipients=recipients,
            at=at,
            calendar=calendar,
        )
        for recipient in recipients:
            verdict = keeper.check(recipient, at=at)
            if verdict.go:
                would_send += 1
            else:
                held[verdict.reason] = held.get(verdict.reason, 0) + 1
    return {"deliveries": len(rows), "would_send": would_send, "held": held}
