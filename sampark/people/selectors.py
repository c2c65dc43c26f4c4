"""Scoped reads for people. `access_*` is the only way a view gets a person or an assignment."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.shortcuts import get_object_or_404

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q, scope_root
from sampark.core.series import daily_counts
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import ANCESTOR_FIELD, subtree_q
from sampark.people import validation
from sampark.people.enums import AssignmentStatus, ConsentAction
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    ImportJob,
    Person,
    PositionKind,
    SignupFlag,
)

ACTIVE = ~Q(status=AssignmentStatus.ENDED)


def persons_visible(*, user: User) -> QuerySet[Person]:
    """Persons holding an active position in the user's subtree, or living in it."""
    root = scope_root(user=user)
    holders = Assignment.objects.filter(ACTIVE, subtree_q(root, field="unit")).values("person_id")
    # `id IN (subquery)` rather than a join, so a person with several positions appears once.
    return Person.objects.filter(Q(id__in=Subquery(holders)) | subtree_q(root, field="home_unit"))


def access_person(*, user: User, person_id: int) -> Person:
    """Return the person if visible to the user, else 404."""
    return get_object_or_404(persons_visible(user=user).select_related("home_unit"), id=person_id)


def assignments_visible(*, user: User) -> QuerySet[Assignment]:
    """Assignments (any status) on units in the user's subtree."""
    return Assignment.objects.filter(scope_q(user=user, field="unit"))


def access_assignment(*, user: User, assignment_id: int) -> Assignment:
    """Return the assignment if its unit is in the user's subtree, else 404."""
    return get_object_or_404(
        assignments_visible(user=user).select_related(
            "person", "kind", "unit", "unit__district", "unit__ac", "verified_by"
        ),
        id=assignment_id,
    )


def assignments_for_unit(*, unit: Unit, include_ended: bool = False) -> QuerySet[Assignment]:
    """Positions held on one unit, in catalogue order (the caller has scoped the unit)."""
    qs = Assignment.objects.filter(unit=unit).select_related("person", "kind")
    if not include_ended:
        qs = qs.filter(ACTIVE)
    return qs.order_by("kind__order", "kind__code", "seat", "id")


def positions_and_booth(*, person: Person) -> tuple[Unit | None, list[Assignment]]:
    """The person's own active positions (oldest first), and the booth among them, else their
    home unit when it is a booth (the volunteer app's "my booth")."""
    mine = list(
        Assignment.objects.filter(person=person)
        .filter(ACTIVE)
        .select_related("kind", "unit", "unit__ac", "unit__district")
        .order_by("started_at", "id")
    )
    booth = next((a.unit for a in mine if a.unit.level == Level.BOOTH), None)
    if booth is None and person.home_unit_id is not None:
        home = Unit.objects.select_related("ac", "district").get(id=person.home_unit_id)
        booth = home if home.level == Level.BOOTH else None
    return booth, mine


def person_assignments(*, user: User, person: Person) -> QuerySet[Assignment]:
    """A person's positions in the user's subtree (positions elsewhere stay invisible)."""
    return (
        assignments_visible(user=user)
        .filter(person=person)
        .select_related("kind", "unit", "unit__district", "unit__ac", "verified_by")
        .order_by(
            Case(
                When(status=AssignmentStatus.ENDED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "-started_at",
            "-id",
        )
    )


def persons_for_list(
    *,
    user: User,
    q: str = "",
    status: str = "",
    unit: Unit | None = None,
) -> QuerySet[Person]:
    """The people list: visible persons with their in-scope active positions prefetched.

    `q` matches a name fragment; a phone fragment (4+ digits) only for roles that may see
    phones, so that search cannot be used to probe masked numbers.
    """
    scoped_active = assignments_visible(user=user).filter(ACTIVE)
    qs = persons_visible(user=user)
    if unit is not None:
        holders = scoped_active.filter(subtree_q(unit, field="unit")).values("person_id")
        qs = qs.filter(Q(id__in=Subquery(holders)) | subtree_q(unit, field="home_unit"))
    if status in (AssignmentStatus.PENDING, AssignmentStatus.VERIFIED):
        qs = qs.filter(
            Exists(scoped_active.filter(person_id=OuterRef("pk"), status=status).order_by())
        )
    text = " ".join((q or "").split())
    if text:
        digits = "".join(ch for ch in validation.ascii_digits(text) if ch.isdigit())
        match = Q(name__icontains=text)
        if len(digits) >= 4 and user.can(Capability.SEE_PHONES):
            match |= Q(phone__contains=digits)
        qs = qs.filter(match)
    return qs.select_related("home_unit").prefetch_related(
        Prefetch(
            "assignments",
            queryset=scoped_active.select_related(
                "kind", "unit", "unit__district", "unit__ac"
            ).order_by("kind__order", "id"),
            to_attr="scoped_assignments",
        )
    )


def open_flags(*, user: User) -> QuerySet[SignupFlag]:
    """Unresolved sign-up flags on persons visible to the user, newest first."""
    return (
        SignupFlag.objects.filter(
            resolved_at=None, person_id__in=persons_visible(user=user).values("id")
        )
        .select_related("person")
        .order_by("-created_at", "-id")
    )


def phone_for(*, user: User, person: Person) -> str:
    """The person's phone as this user may see it: national form, or masked (98xxxxxx10)."""
    return validation.display_phone(person.phone, masked=not user.can(Capability.SEE_PHONES))


def phone_fix_for(*, user: User, person: Person) -> str:
    """The pending reported number of the person as this user may see it, or ""."""
    fix = person.phone_corrections.filter(status="pending").first()
    if fix is None:
        return ""
    return validation.display_phone(fix.phone, masked=not user.can(Capability.SEE_PHONES))


def mask_epic(epic: str) -> str:
    """ABC1234567 -> ABCxxxxx67 (a voter ID is as personal as a phone number)."""
    return epic[:3] + "x" * (len(epic) - 5) + epic[-2:] if len(epic) > 5 else epic


def epic_for(*, user: User, person: Person) -> str:
    """The person's EPIC as this user may see it (masked unless the role may see phones)."""
    return person.epic if user.can(Capability.SEE_PHONES) else mask_epic(person.epic)


def _latest_first() -> tuple[str | Combinable, ...]:
    # Newest first; at the same instant a withdrawal wins over a consent.
    return (
        "-at",
        Case(
            When(action=ConsentAction.WITHDRAWN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-id",
    )


def consent_ledger(*, person: Person) -> QuerySet[ConsentEvent]:
    """Every consent event of the person, newest first."""
    return ConsentEvent.objects.filter(person=person).order_by(*_latest_first())


def consent_current(*, person: Person) -> dict[tuple[str, str], ConsentEvent]:
    """The latest event per (purpose, channel): the person's consent state right now."""
    current: dict[tuple[str, str], ConsentEvent] = {}
    for event in consent_ledger(person=person):
        current.setdefault((event.purpose, event.channel), event)
    return current


def consent_states(
    *, person_ids: Iterable[int], purpose: str, channels: Iterable[str]
) -> dict[tuple[int, str], str]:
    """The current action (given/withdrawn) per (person, channel) for one purpose, for many
    persons at once (the send-time gates of a batch); same order as `consent_current`."""
    latest: dict[tuple[int, str], tuple[datetime, int, int, str]] = {}
    ids = list(person_ids)
    wanted = list(channels)
    for start in range(0, len(ids), 500):
        rows = ConsentEvent.objects.filter(
            person_id__in=ids[start : start + 500], purpose=purpose, channel__in=wanted
        )
        _rank_latest(rows, latest)
    return {key: value[3] for key, value in latest.items()}


def _rank_latest(
    rows: QuerySet[ConsentEvent], latest: dict[tuple[int, str], tuple[datetime, int, int, str]]
) -> None:
    for person_id, channel, at, event_id, action in rows.values_list(
        "person_id", "channel", "at", "id", "action"
    ):
        # Newest first; at the same instant a withdrawal wins, then the later row.
        rank = (at, int(action == ConsentAction.WITHDRAWN), event_id, action)
        current = latest.get((person_id, channel))
        if current is None or rank[:3] > current[:3]:
            latest[(person_id, channel)] = rank


class PersonFacts(NamedTuple):
    phone: str
    date_of_birth: date | None
    home_unit_id: int | None


def person_facts(*, person_ids: Iterable[int]) -> dict[int, PersonFacts]:
    """Phone, date of birth and home unit per person id, for many persons in one query (the
    sending rules read them for every recipient of a batch)."""
    rows = Person.objects.filter(id__in=list(person_ids)).values_list(
        "id", "phone", "date_of_birth", "home_unit_id"
    )
    return {pid: PersonFacts(phone, born, home) for pid, phone, born, home in rows}


def persons_with_consent(
    *, purpose: str, channel: str, user: User | None = None
) -> QuerySet[Person]:
    """Persons whose latest event for purpose × channel is GIVEN (withdrawal wins from its time).

    With `user`, restricted to persons visible to that user.
    """
    latest = (
        ConsentEvent.objects.filter(person_id=OuterRef("pk"), purpose=purpose, channel=channel)
        .order_by(*_latest_first())
        .values("action")[:1]
    )
    qs = persons_visible(user=user) if user is not None else Person.objects.all()
    return qs.annotate(current_consent=Subquery(latest)).filter(current_consent=ConsentAction.GIVEN)


def can_handle_person(*, user: User, person: Person, capability: str) -> bool:
    """Whether the user is the person, or holds `capability` and can see the person."""
    if user.person_id is not None and user.person_id == person.id:
        return True
    return user.can(capability) and persons_visible(user=user).filter(id=person.id).exists()


# --- reads for other apps (issue #11: they read people through here, never its models) -------

INCHARGE_PREFIX = "it_incharge_"  # codes of the IT-cell in-charge positions (catalogue)


def person_by_id(*, person_id: int) -> Person | None:
    """The person with this id, or None (unscoped: for services that checked the caller)."""
    return Person.objects.filter(id=person_id).first()


def person_by_phone(*, phone: str) -> Person | None:
    """The person with this phone (already normalised to +91…), or None."""
    return Person.objects.filter(phone=phone).first()


def persons_by_ids(*, person_ids: Sequence[int], user: User | None = None) -> list[Person]:
    """The persons with these ids, by id; with `user`, only those the user can see."""
    qs = Person.objects.filter(id__in=person_ids)
    if user is not None:
        qs = qs.filter(id__in=persons_visible(user=user).values("id"))
    return list(qs.order_by("id"))


def booth_people(*, booth: Unit, also: QuerySet[Any] | None = None) -> list[Person]:
    """Persons holding an active position on the booth or living on it, by name; `also` adds
    the persons whose ids a subquery selects (a group's admins)."""
    holders = Assignment.objects.filter(unit=booth).exclude(status=AssignmentStatus.ENDED)
    q = Q(id__in=holders.values("person_id")) | Q(home_unit=booth)
    if also is not None:
        q |= Q(id__in=also)
    return list(Person.objects.filter(q).order_by("name", "id"))


def position_kinds() -> list[PositionKind]:
    """The whole position catalogue, by level and order."""
    return list(PositionKind.objects.order_by("level", "order"))


def booth_position_kinds() -> list[PositionKind]:
    """The booth position kinds (the five volunteers), in catalogue order."""
    return list(PositionKind.objects.filter(counts_toward_staffing=True).order_by("order", "code"))


def position_kind_codes(*, booth_only: bool = False) -> list[str]:
    """Codes of the catalogue (only the booth volunteer kinds with `booth_only`)."""
    qs = PositionKind.objects.all()
    if booth_only:
        qs = qs.filter(counts_toward_staffing=True)
    return list(qs.values_list("code", flat=True))


def position_kind_ids(*, codes: Sequence[str]) -> list[int]:
    """Ids of the position kinds with these codes (the booth volunteer kinds when none)."""
    qs = PositionKind.objects.all()
    qs = qs.filter(code__in=codes) if codes else qs.filter(counts_toward_staffing=True)
    return list(qs.values_list("id", flat=True))


def incharge_assignments(*, unit_ids: Iterable[int]) -> QuerySet[Assignment]:
    """Active IT-cell in-charge positions held on these units (callers order and pick columns)."""
    return Assignment.objects.filter(
        ACTIVE, unit_id__in=unit_ids, kind__code__startswith=INCHARGE_PREFIX
    )


def booth_assignments(*, unit: Unit, kind_ids: Sequence[int]) -> QuerySet[Assignment]:
    """Active positions of these kinds on the booths under the unit (on the booth itself, for a
    booth); callers order, group and pick columns."""
    if unit.level == Level.BOOTH:
        where = Q(unit_id=unit.id)
    else:
        where = Q(unit__level=Level.BOOTH, **{f"unit__{ANCESTOR_FIELD[unit.level]}_id": unit.id})
    return Assignment.objects.filter(where, ACTIVE, kind_id__in=kind_ids)


# Which unit column says "lies under a target of this level" (alias `u` below).
_TARGET_COLUMN: dict[str, str] = {
    Level.STATE: "u.state_id",
    Level.DISTRICT: "u.district_id",
    Level.PC: "u.pc_id",
    Level.AC: "u.ac_id",
    Level.MANDAL: "u.mandal_id",
    Level.SECTOR: "u.sector_id",
}


@dataclass(frozen=True)
class HoldersSql:
    """FROM and WHERE of a raw SELECT over the verified holders of some positions under some
    units, for INSERT … SELECT statements of other apps (one statement, no rows in Python).

    Aliases: `a` is the assignment (`a.person_id`, `a.unit_id`, `a.id`), `u` its unit
    (`u.ac_id`, `u.pc_id`, `u.district_id` …). `params` belong to `where`.
    """

    tables: str
    where: str
    params: list[Any]


def verified_holders_sql(*, targets: Sequence[Unit], position_ids: Sequence[int]) -> HoldersSql:
    """Verified holders of `position_ids` on the targets or anywhere under them."""
    by_level: dict[str, list[int]] = {}
    for unit in targets:
        by_level.setdefault(unit.level, []).append(unit.id)
    clauses: list[str] = []
    params: list[Any] = []
    for level, ids in sorted(by_level.items()):
        marks = ", ".join(["%s"] * len(ids))
        clauses.append(f"u.id IN ({marks})")
        params.extend(ids)
        column = _TARGET_COLUMN.get(level)
        if column is not None:
            clauses.append(f"{column} IN ({marks})")
            params.extend(ids)
    kinds = ", ".join(["%s"] * len(position_ids))
    return HoldersSql(
        tables=(f"{Assignment._meta.db_table} a JOIN {Unit._meta.db_table} u ON u.id = a.unit_id"),
        where=f"a.status = %s AND a.kind_id IN ({kinds}) AND ({' OR '.join(clauses)})",
        params=[AssignmentStatus.VERIFIED, *position_ids, *params],
    )


def verified_person_ids(*, person_ids: Iterable[int]) -> set[int]:
    """Those of `person_ids` who hold at least one verified position (a recruit's drive
    counts a referral as verified once the in-charge or the OTP confirmed the position)."""
    return set(
        Assignment.objects.filter(
            person_id__in=list(person_ids), status=AssignmentStatus.VERIFIED
        ).values_list("person_id", flat=True)
    )


def taken_kind_codes(*, unit: Unit) -> set[str]:
    """Codes of the positions with no free seat left on `unit` (active holders fill seats)."""
    rows = (
        Assignment.objects.filter(unit=unit)
        .filter(ACTIVE)
        .values("kind__code", "kind__seats")
        .annotate(n=Count("id"))
    )
    return {r["kind__code"] for r in rows if r["n"] >= r["kind__seats"]}


# --- import jobs for other apps (issue #13: invitations to an imported list) ---------------


class ImportedPerson(NamedTuple):
    person_id: int
    phone: str
    email: str
    home_unit_id: int | None


def finished_import_jobs(*, user: User) -> QuerySet[ImportJob]:
    """Finished import jobs whose scope lies in the user's subtree, newest first."""
    return (
        ImportJob.objects.filter(scope_q(user=user, field="scope"), status=ImportJob.Status.DONE)
        .select_related("scope")
        .order_by("-created_at", "-id")
    )


def access_finished_import_job(*, user: User, job_id: int) -> ImportJob:
    """The finished job if its scope lies in the user's subtree, else 404."""
    return get_object_or_404(finished_import_jobs(user=user), id=job_id)


@dataclass(frozen=True)
class ImportFinishedSignal:
    """An import job that finished (a long job), for the notification of who started it."""

    id: int
    scope_id: int
    created_by_id: int | None
    filename: str
    status: str
    rows_created: int
    rows_failed: int
    finished_at: datetime | None


def import_jobs_finished_since(
    *, since: datetime, unit: Unit | None = None, limit: int = 200
) -> list[ImportFinishedSignal]:
    """Import jobs that finished (done or failed) at or after `since`, oldest first; only
    those whose scope lies in `unit`'s subtree when it is given (staff notifications)."""
    rows = ImportJob.objects.filter(
        status__in=(ImportJob.Status.DONE, ImportJob.Status.FAILED), finished_at__gte=since
    )
    if unit is not None:
        rows = rows.filter(subtree_q(unit, field="scope"))
    found = rows.order_by("finished_at", "id").values_list(
        "id",
        "scope_id",
        "created_by_id",
        "filename",
        "status",
        "rows_created",
        "rows_failed",
        "finished_at",
    )[:limit]
    return [ImportFinishedSignal(*row) for row in found]


def imported_person_ids(*, job_id: int) -> QuerySet[Person, Any]:
    """Ids of the people a job created (their `source` names it), as a subquery. People the
    job only updated were on record before and keep their own source."""
    return Person.objects.filter(source=f"import:{job_id}").values("id")


def imported_people(*, job_id: int) -> list[ImportedPerson]:
    """The people a job created, by id (see `imported_person_ids`)."""
    rows = (
        Person.objects.filter(source=f"import:{job_id}")
        .order_by("id")
        .values_list("id", "phone", "email", "home_unit_id")
    )
    return [ImportedPerson(*row) for row in rows]


def imported_consent_states(
    *, job_id: int, purpose: str, channels: Iterable[str]
) -> dict[tuple[int, str], str]:
    """`consent_states` of the people a job created, in one query (no lists of ids)."""
    latest: dict[tuple[int, str], tuple[datetime, int, int, str]] = {}
    rows = ConsentEvent.objects.filter(
        person_id__in=imported_person_ids(job_id=job_id), purpose=purpose, channel__in=channels
    )
    _rank_latest(rows, latest)
    return {key: value[3] for key, value in latest.items()}


def recruitment_daily(*, unit: Unit, since: datetime) -> dict[str, dict[date, int]]:
    """Positions taken and positions verified per day (IST) in the unit's subtree since `since`
    (the caller has scoped the unit): two GROUP BYs by day in the database (results' charts)."""
    rows = Assignment.objects.all()
    if unit.parent_id is not None:  # the top of the tree holds every row: no join to Unit
        rows = rows.filter(subtree_q(unit, field="unit"))
    return {
        "taken": daily_counts(rows, field="started_at", since=since),
        "verified": daily_counts(rows, field="verified_at", since=since),
    }


def position_kind_ids_for_roles(*, roles: Iterable[str]) -> list[int]:
    """Ids of the position kinds whose holders get one of `roles` (training prerequisites are
    set by role; `orgaccounts.POSITION_ROLES` says which positions imply which role)."""
    from sampark.people.orgaccounts import POSITION_ROLES

    wanted = set(roles)
    codes = [code for code, role in POSITION_ROLES.items() if role in wanted]
    return list(PositionKind.objects.filter(code__in=codes).values_list("id", flat=True))


def assignments_under(*, unit: Unit, kind_ids: Sequence[int] | None = None) -> QuerySet[Assignment]:
    """Active positions (of these kinds; None: of every kind) on the unit or anywhere under it
    (the caller has scoped the unit); callers group and count."""
    rows = Assignment.objects.filter(subtree_q(unit, field="unit"), ACTIVE)
    return rows if kind_ids is None else rows.filter(kind_id__in=kind_ids)
