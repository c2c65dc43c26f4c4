"""Writes of the events app: seasons and their targets (tickets and check-in: see below)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area
from sampark.events import audit, planning, tickets, tree
from sampark.events.enums import (
    HOST_LEVEL,
    EventKind,
    EventStatus,
    RegistrationSource,
    RegistrationStatus,
    ScanResult,
)
from sampark.events.models import (
    Attendance,
    Event,
    Gate,
    Holiday,
    Registration,
    Scan,
    Season,
    Target,
    Ticket,
)
from sampark.events.targets import Band, Weighted, band_targets, cascade, largest_remainder
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import contains
from sampark.people import selectors as people_selectors
from sampark.people import services as people_services
from sampark.rules import selectors as rules_selectors

MAX_BAND = 1_000_000


@dataclass(frozen=True)
class Computed:
    """A cascade's result: targets by unit id, and the inputs of the host units."""

    band: Band
    hosts: list[Weighted]
    targets: dict[int, int]
    meta: dict[int, tuple[str, str, str]]
    booth_ids: set[int]


def _clean_band(low: int, high: int, weight: float) -> Band:
    if not (0 < low <= high <= MAX_BAND):
        raise ValidationError(_("The band must be two whole numbers, low ≤ high."), code="band")
    if not (0.0 <= weight <= 1.0):
        raise ValidationError(_("The electorate's weight must be between 0 and 1."), code="weight")
    return Band(low, high, weight)


def targets_compute(
    *,
    state: Unit,
    kind: str,
    band: Band,
    pins: dict[int, int] | None = None,
    hosts_only: bool = False,
) -> Computed:
    """Targets for every host unit of `kind` inside the band, cascaded down to every booth
    (unless `hosts_only`); pinned units keep their number and their siblings share the rest."""
    if kind not in HOST_LEVEL:
        raise ValidationError(_("Unknown kind of event."), code="kind")
    numbers = tree.load(state=state, host_level=HOST_LEVEL[kind])
    pins = pins or {}
    roots = band_targets(numbers.hosts, band)
    host_pins = {h.unit_id: pins[h.unit_id] for h in numbers.hosts if h.unit_id in pins}
    if host_pins:
        # The state total is kept: the other hosts share the difference by their band target.
        total = sum(roots.values())
        free = [h.unit_id for h in numbers.hosts if h.unit_id not in host_pins]
        left = max(0, total - sum(host_pins.values()))
        values = largest_remainder(left, [float(roots[u]) for u in free])
        roots = {**dict(zip(free, values, strict=True)), **host_pins}
    targets = (
        roots
        if hosts_only
        else cascade(roots, numbers.children_of, electors_weight=band.electors_weight, pins=pins)
    )
    return Computed(
        band=band,
        hosts=numbers.hosts,
        targets=targets,
        meta=numbers.meta,
        booth_ids=numbers.booth_ids,
    )


def _pins(season: Season) -> dict[int, Target]:
    return {t.unit_id: t for t in Target.objects.filter(season=season, pinned=True)}


def targets_rebuild(*, season: Season) -> int:
    """Recompute and store the season's targets; pinned ones are kept.

    Booths' targets are stored only when pinned: the others follow from their sector's target
    by the same split (`selectors.child_targets`), which keeps the stored rows at a tenth.
    """
    pinned = _pins(season)
    computed = targets_compute(
        state=season.unit,
        kind=season.kind,
        band=Band(season.band_min, season.band_max, season.electors_weight),
        pins={uid: t.target for uid, t in pinned.items()},
    )
    rows = []
    for unit_id, value in computed.targets.items():
        pin = pinned.get(unit_id)
        if pin is not None:
            rows.append(
                (season.id, unit_id, value, True, pin.reason, pin.adjusted_by_id, pin.adjusted_at)
            )
        elif unit_id not in computed.booth_ids:
            rows.append((season.id, unit_id, value, False, "", None, None))
    with transaction.atomic():
        Target.objects.filter(season=season).delete()
        _write_targets(rows)
    return len(rows)


TargetRow = tuple[int, int, int, bool, str, int | None, dt.datetime | None]
TARGET_COLUMNS = (
    "season_id",
    "unit_id",
    "target",
    "pinned",
    "reason",
    "adjusted_by_id",
    "adjusted_at",
)


def _write_targets(rows: list[TargetRow]) -> None:
    """Insert target rows: COPY on PostgreSQL (155k rows in well under a second), else batches."""
    if connection.vendor == "postgresql":
        table = Target._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({', '.join(TARGET_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    Target.objects.bulk_create(
        [Target(**dict(zip(TARGET_COLUMNS, row, strict=True))) for row in rows], batch_size=2000
    )


def _require_planner(actor: User, capability: str = Capability.RUN_EVENTS) -> Unit:
    # Planning a season needs RUN_EVENTS; adjusting one's part of the targets SET_TARGETS.
    if not actor.can(capability) or actor.unit is None:
        raise PermissionDenied(_("Your role may not plan events or set targets."))
    return actor.unit


def _blocked_days(*, season: Season, days: list[dt.date]) -> dict[int, frozenset[dt.date]]:
    """Days each host unit may not use: holidays on it or above it, and silence periods."""
    host_level = HOST_LEVEL[season.kind]
    hosts = list(Unit.objects.filter(state=season.unit, level=host_level))
    if host_level == Level.STATE:
        hosts = [season.unit]
    holidays = list(Holiday.objects.filter(day__gte=days[0], day__lte=days[-1]))
    calendar = rules_selectors.Calendar.load()
    field = "district_id" if host_level == Level.DISTRICT else "pc_id"
    acs_of: dict[int, list[tuple[int, int | None]]] = {}
    for ac_id, host_id, pc_id in Unit.objects.filter(state=season.unit, level=Level.AC).values_list(
        "id", field, "pc_id"
    ):
        acs_of.setdefault(host_id if host_level != Level.STATE else season.unit.id, []).append(
            (ac_id, pc_id)
        )
    out: dict[int, frozenset[dt.date]] = {}
    for host in hosts:
        blocked = {h.day for h in holidays if h.unit is None or contains(h.unit, host)}
        windows = []
        for ac_id, pc_id in acs_of.get(host.id, []):
            for key in (("ac", ac_id), ("pc", pc_id)):
                windows += [(w.start, w.end) for w in calendar.windows.get(key, [])]  # type: ignore[arg-type]
        blocked |= planning.blocked_by_windows(windows, days)
        out[host.id] = frozenset(blocked)
    return out


def season_create(
    *,
    actor: User,
    name: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    band_min: int,
    band_max: int,
    electors_weight: float = 0.7,
    state_team_attends: bool = True,
) -> Season:
    """Plan a season from the actor's state: targets for every unit, an event per host unit."""
    root = _require_planner(actor)
    if root.level != Level.STATE:
        raise PermissionDenied(_("Only the state team plans a season."))
    if kind not in EventKind.values:
        raise ValidationError(_("Unknown kind of event."), code="kind")
    if ends_on < starts_on or (ends_on - starts_on).days > 120:
        raise ValidationError(_("Choose a first and a last day, at most 120 days apart."))
    band = _clean_band(band_min, band_max, electors_weight)
    name = " ".join((name or "").split())[:200] or str(EventKind(kind).label)
    with transaction.atomic():
        season = Season.objects.create(
            name=name,
            kind=kind,
            unit=root,
            starts_on=starts_on,
            ends_on=ends_on,
            band_min=band.low,
            band_max=band.high,
            electors_weight=band.electors_weight,
            state_team_attends=state_team_attends,
            created_by=actor,
        )
        targets_rebuild(season=season)
        season_propose_events(season=season)
        audit.record(
            "season.created",
            object_type="season",
            object_id=season.id,
            actor=actor,
            unit=root,
            kind=kind,
            band=f"{band.low}:{band.high}",
        )
    return season


def season_propose_events(*, season: Season) -> list[Event]:
    """(Re)propose the season's events still planned: a day and slot per host unit."""
    days = planning.days_between(season.starts_on, season.ends_on)
    blocked = _blocked_days(season=season, days=days)
    regions = tree.regions(state=season.unit)
    targets = dict(
        Target.objects.filter(season=season, unit_id__in=list(blocked)).values_list(
            "unit_id", "target"
        )
    )
    hosts = [
        planning.Host(uid, regions.get(uid, ""), targets.get(uid, 0), days_off)
        for uid, days_off in blocked.items()
    ]
    proposals = planning.propose(hosts, days, state_team=season.state_team_attends)
    units = Unit.objects.in_bulk(list(proposals))
    kind_label = EventKind(season.kind).label
    events = []
    with transaction.atomic():
        Event.objects.filter(season=season, status=EventStatus.PLANNED).delete()
        for uid, p in sorted(proposals.items(), key=lambda kv: units[kv[0]].path):
            if p.starts_at is None or p.ends_at is None:
                continue
            unit = units[uid]
            events.append(
                Event(
                    season=season,
                    kind=season.kind,
                    title=f"{kind_label} · {unit.local_name}",
                    unit=unit,
                    region=regions.get(uid, ""),
                    starts_at=p.starts_at,
                    ends_at=p.ends_at,
                    venue="",
                    state_team=p.state_team,
                    capacity=targets.get(uid, 0),
                    public_slug=secrets.token_urlsafe(12),
                )
            )
        Event.objects.bulk_create(events)
    return events


def target_adjust(*, actor: User, season_id: int, unit_id: int, target: int, reason: str) -> int:
    """Set one unit's target with a reason; its siblings share the rest of their parent's
    total, and everything below is cascaded again. Returns the rows rewritten."""
    root = _require_planner(actor, Capability.SET_TARGETS)
    reason = " ".join((reason or "").split())[:300]
    if not reason:
        raise ValidationError(_("Say why the target changes."), code="reason")
    if target < 0 or target > MAX_BAND:
        raise ValidationError(_("A target is a whole number of workers."), code="target")
    with transaction.atomic():
        season = Season.objects.select_for_update().get(id=season_id)
        unit = Unit.objects.filter(id=unit_id, state=season.unit).first()
        if unit is None or not contains(root, unit) or unit.id == root.id:
            raise PermissionDenied(_("You may adjust only the targets of units below your own."))
        host = unit.level == HOST_LEVEL[season.kind]
        if host and not (season.band_min <= target <= season.band_max):
            raise ValidationError(
                _("Keep the target inside the band %(low)s–%(high)s.")
                % {"low": season.band_min, "high": season.band_max},
                code="target",
            )
        if not host:
            under_pc = unit.level == Level.AC and season.kind == EventKind.PC_MEETING
            parent_id = unit.pc_id if under_pc else unit.parent_id
            assert parent_id is not None
            parent = Target.objects.get(season=season, unit_id=parent_id)
            siblings = (
                {"unit__pc_id": unit.pc_id} if under_pc else {"unit__parent_id": unit.parent_id}
            )
            others = Target.objects.filter(
                season=season, pinned=True, unit__level=unit.level, **siblings
            ).exclude(unit_id=unit.id)
            room = parent.target - sum(t.target for t in others)
            if target > room:
                raise ValidationError(
                    _("At most %(n)s: the other units' fixed targets take the rest.") % {"n": room},
                    code="target",
                )
        row = Target.objects.filter(season=season, unit=unit).first()
        before = row.target if row is not None else None
        Target.objects.update_or_create(
            season=season,
            unit=unit,
            defaults={
                "target": target,
                "pinned": True,
                "reason": reason,
                "adjusted_by": actor,
                "adjusted_at": timezone.now(),
            },
        )
        written = targets_rebuild(season=season)
        audit.record(
            "target.adjusted",
            object_type="season",
            object_id=season.id,
            actor=actor,
            unit=unit,
            before=before if before is not None else "",
            after=target,
            reason=reason,
        )
    return written


# --- registrations and tickets ------------------------------------------------------------------


def _seats_taken(event_id: int) -> int:
    return Registration.objects.filter(
        event_id=event_id, status=RegistrationStatus.CONFIRMED
    ).count()


def _person_place(person_id: int) -> tuple[int | None, str]:
    """Where a registration counts (the booth or unit of the person's position, else home) and
    the position's code."""
    person = people_selectors.person_by_id(person_id=person_id)
    if person is None:
        raise ValidationError(_("Unknown person."), code="person")
    _booth, mine = people_selectors.positions_and_booth(person=person)
    if mine:
        return mine[0].unit_id, mine[0].kind.code
    return person.home_unit_id, ""


def registration_create(
    *, event_id: int, person_id: int, source: str, actor: User | None = None
) -> Registration:
    """Register a person (again, after a cancellation): a seat if one is free, else the
    waitlist; a ticket either way. Registering twice returns the same registration."""
    if source not in RegistrationSource.values:
        raise ValidationError(_("Unknown source."), code="source")
    unit_id, position = _person_place(person_id)
    with transaction.atomic():
        # The event row lock orders registrations of one event: seats are never oversold.
        event = Event.objects.select_for_update().get(id=event_id)
        if event.status in (EventStatus.CLOSED, EventStatus.CANCELLED):
            raise ValidationError(_("Registration for this event is closed."), code="closed")
        existing = Registration.objects.filter(event=event, person_id=person_id).first()
        if existing is not None and existing.status != RegistrationStatus.CANCELLED:
            return existing
        full = event.capacity > 0 and _seats_taken(event.id) >= event.capacity
        status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
        if existing is not None:
            existing.status, existing.cancelled_at = status, None
            existing.created_at = timezone.now()
            existing.save(update_fields=["status", "cancelled_at", "created_at"])
            registration = existing
        else:
            registration = Registration.objects.create(
                event=event,
                person_id=person_id,
                unit_id=unit_id,
                position=position,
                status=status,
                source=source,
            )
            Ticket.objects.create(registration=registration, event=event, code=tickets.new_code())
        audit.record(
            "registration.created",
            object_type="event",
            object_id=event.id,
            actor=actor,
            unit=event.unit,
            registration=registration.id,
            status=status,
            source=source,
        )
    return registration


def registration_cancel(*, registration_id: int, actor: User | None = None) -> bool:
    """Cancel a registration; a freed seat goes to the longest-waiting person on the waitlist.
    Returns False if it was already cancelled. Callers check who may cancel."""
    with transaction.atomic():
        registration = Registration.objects.select_related("event").get(id=registration_id)
        event = Event.objects.select_for_update().get(id=registration.event_id)
        was = registration.status
        if (
            Registration.objects.filter(id=registration.id)
            .exclude(status=RegistrationStatus.CANCELLED)
            .update(status=RegistrationStatus.CANCELLED, cancelled_at=timezone.now())
            != 1
        ):
            return False
        promoted = None
        if was == RegistrationStatus.CONFIRMED:
            promoted = (
                Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED)
                .order_by("created_at", "id")
                .first()
            )
            if promoted is not None:
                Registration.objects.filter(id=promoted.id).update(
                    status=RegistrationStatus.CONFIRMED
                )
        audit.record(
            "registration.cancelled",
            object_type="event",
            object_id=event.id,
            actor=actor,
            unit=event.unit,
            registration=registration.id,
            promoted=promoted.id if promoted is not None else "",
        )
    return True


def walkin_start(*, event_id: int, name: str, phone: str) -> int:
    """A walk-in on the public page: find or create the person by phone and send an OTP.
    Returns the person's id, kept in the session until the code is confirmed."""
    event = Event.objects.get(id=event_id)
    if event.status in (EventStatus.CLOSED, EventStatus.CANCELLED):
        raise ValidationError(_("Registration for this event is closed."), code="closed")
    result = people_services.person_create(
        name=name, phone=phone, source="events-walkin", actor=None
    )
    people_services.otp_send(person=result.person, actor=None)
    return result.person.id


def walkin_confirm(*, event_id: int, person_id: int, code: str) -> Registration | None:
    """Register the walk-in once their phone's code matches; None if it does not."""
    person = people_selectors.person_by_id(person_id=person_id)
    if person is None or not people_services.otp_confirm(person=person, code=code):
        return None
    return registration_create(
        event_id=event_id, person_id=person.id, source=RegistrationSource.PUBLIC
    )


# --- check-in at the gate -----------------------------------------------------------------------

MAX_SCANS_PER_SYNC = 500


@dataclass(frozen=True)
class ScanIn:
    client_id: str
    code: str
    scanned_at: dt.datetime


@dataclass(frozen=True)
class ScanOut:
    client_id: str
    result: str
    name: str = ""


def _judge(gate: Gate, raw: str, found: dict[str, Ticket]) -> tuple[str, Registration | None]:
    read = tickets.read(raw)
    if read is None:
        return ScanResult.UNKNOWN, None
    signed_event, code = read
    ticket = found.get(code)
    if ticket is None:
        return ScanResult.UNKNOWN, None
    if ticket.event_id != gate.event_id or (
        signed_event is not None and signed_event != gate.event_id
    ):
        return ScanResult.FOREIGN, None
    registration = ticket.registration
    if registration.status == RegistrationStatus.CANCELLED:
        return ScanResult.CANCELLED, registration
    return ScanResult.ADMITTED, registration


def _tickets_for(raws: list[str]) -> dict[str, Ticket]:
    codes = {read[1] for raw in raws if (read := tickets.read(raw)) is not None}
    rows = Ticket.objects.filter(code__in=codes).select_related("registration__person")
    return {t.code: t for t in rows}


def _admit(gate: Gate, registration: Registration, at: dt.datetime) -> bool:
    """Record the attendance; False if the person is already in (at any gate).

    The unique constraint decides between gates syncing at once; the earliest scan's time is
    kept, whatever order the scans arrive in.
    """
    try:
        with transaction.atomic():
            Attendance.objects.create(
                event_id=gate.event_id, registration=registration, gate=gate, scanned_at=at
            )
    except IntegrityError:
        Attendance.objects.filter(registration=registration, scanned_at__gt=at).update(
            scanned_at=at, gate=gate
        )
        return False
    if registration.status == RegistrationStatus.WAITLISTED:
        # Whoever is at the gate while seats are empty gets one (no-shows free them).
        Registration.objects.filter(id=registration.id).update(status=RegistrationStatus.CONFIRMED)
    return True


def _record(gate: Gate, scan: ScanIn, found: dict[str, Ticket]) -> ScanOut:
    client_id = (scan.client_id or "")[:64]
    result, registration = _judge(gate, scan.code, found)
    if result == ScanResult.ADMITTED:
        assert registration is not None
        if not _admit(gate, registration, scan.scanned_at):
            result = ScanResult.DUPLICATE
    try:
        with transaction.atomic():
            Scan.objects.create(
                gate=gate,
                client_id=client_id,
                code=(scan.code or "")[:200],
                result=result,
                registration=registration,
                scanned_at=scan.scanned_at,
            )
    except IntegrityError:
        # The same scan arrived twice at once: the first one's answer stands.
        result = Scan.objects.get(gate=gate, client_id=client_id).result
    name = registration.person.name if registration is not None else ""
    return ScanOut(client_id, result, name)


def scans_sync(*, gate_id: int, scans: list[ScanIn]) -> list[ScanOut]:
    """A gate's queued scans, in any order and any number of times; one answer per scan.

    Idempotent on (gate, client id): a retried scan answers as the first time and records
    nothing new. Exactly one attendance per person per event, whatever the gate or order.
    """
    if len(scans) > MAX_SCANS_PER_SYNC:
        raise ValidationError(_("Send at most %(n)d scans at a time.") % {"n": MAX_SCANS_PER_SYNC})
    gate = Gate.objects.select_related("event").get(id=gate_id)
    ids = [(s.client_id or "")[:64] for s in scans]
    earlier = Scan.objects.filter(gate=gate, client_id__in=ids).select_related(
        "registration__person"
    )
    answered = {
        row.client_id: ScanOut(
            row.client_id, row.result, row.registration.person.name if row.registration else ""
        )
        for row in earlier
    }
    found = _tickets_for([s.code for s in scans if (s.client_id or "")[:64] not in answered])
    out = []
    for scan, client_id in zip(scans, ids, strict=True):
        if client_id not in answered:
            answered[client_id] = _record(gate, scan, found)
        out.append(answered[client_id])
    return out


def gate_open(*, actor: User, event_id: int, name: str) -> Gate:
    """Open a gate of an event (a phone at an entrance)."""
    event = Event.objects.select_related("unit").get(id=event_id)
    require_in_area(actor, Capability.RUN_EVENTS, event.unit)
    name = " ".join((name or "").split())[:100] or _("Gate")
    with transaction.atomic():
        gate = Gate.objects.create(event=event, name=name)
        audit.record(
            "gate.opened", object_type="event", object_id=event.id, actor=actor, unit=event.unit
        )
    return gate


def gate_walkin(*, actor: User, gate_id: int, name: str, phone: str) -> ScanOut:
    """A walk-in registered at the gate by its operator (who checks the person) and let in."""
    gate = Gate.objects.select_related("event").get(id=gate_id)
    person = people_services.person_create(
        name=name, phone=phone, source="events-gate", actor=None
    ).person
    registration = registration_create(
        event_id=gate.event_id, person_id=person.id, source=RegistrationSource.GATE, actor=actor
    )
    admitted = _admit(gate, registration, timezone.now())
    return ScanOut("", ScanResult.ADMITTED if admitted else ScanResult.DUPLICATE, person.name)
