"""What the database already holds for one chunk's rows, read in a few batched queries before
the chunk is decided: persons by phone, EPIC owners, occupied seats, consent and open flags.

Persons of the chunk are keyed by phone (a phone appears once per file); other persons, known
only by id, are keyed by id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    FlagKind,
)
from sampark.people.importer.bulk import batched, pairs
from sampark.people.importer.validating import Row
from sampark.people.models import Assignment, ConsentEvent, Person, SignupFlag

PERSON_FIELDS = (
    "id",
    "name",
    "epic",
    "email",
    "gender",
    "date_of_birth",
    "languages",
    "home_unit_id",
)

# {(unit, kind): {seat: (holder, assignment id, status)}}
Seats = dict[tuple[int, int], dict[int, tuple[str | int, int, str]]]


@dataclass
class Current:
    """The chunk's view of the database; the decisions update it as rows are taken in turn."""

    existing: dict[str, dict[str, Any]]  # phone -> the person's PERSON_FIELDS
    in_scope: set[str]  # phones of existing persons the import may edit
    epic_owners: dict[str, list[str | int]]
    held: Seats
    staff_of: dict[tuple[str | int, int], int]  # (holder, unit) -> staffing kind held there
    consent_state: dict[str, str]
    name_flags: set[tuple[int, str]]  # open PHONE_REUSED flags: (person id, name)


def load(
    rows: list[Row],
    *,
    unit_level: Collection[int],
    staffing_kinds: set[int],
    with_consent: bool,
) -> Current:
    """Read the state of the persons, seats and consents the chunk's rows touch."""
    existing = existing_persons([r.phone for r in rows])
    phone_of = {p["id"]: phone for phone, p in existing.items()}
    in_scope = persons_in_scope(existing, unit_level)
    owners = epic_owners({r.epic for r in rows if r.epic}, phone_of)
    held, staff_of = seats(
        {r.unit_id for r in rows if r.kind is not None}, phone_of, staffing_kinds
    )
    consents = consent_state(phone_of) if with_consent else {}
    name_flags = open_phone_flags(
        [p["id"] for r in rows if (p := existing.get(r.phone)) and p["name"] != r.name]
    )
    return Current(existing, in_scope, owners, held, staff_of, consents, name_flags)


def existing_persons(phones: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    ids = [pid for _phone, pid in pairs(Person, "phone", "id", phones)]
    for batch in batched(ids):
        for person in Person.objects.filter(id__in=batch).values("phone", *PERSON_FIELDS):
            found[person["phone"]] = person
    return found


def persons_in_scope(existing: dict[str, dict[str, Any]], units: Collection[int]) -> set[str]:
    """Phones of existing persons the import may edit: living in, or holding a position in,
    the import's scope. Others keep their details; they can still take a position here."""
    phones = {phone for phone, p in existing.items() if p["home_unit_id"] in units}
    phone_of = {p["id"]: phone for phone, p in existing.items() if phone not in phones}
    for batch in batched(list(phone_of)):
        for pid, unit_id in (
            Assignment.objects.filter(person_id__in=batch)
            .exclude(status=AssignmentStatus.ENDED)
            .values_list("person_id", "unit_id")
        ):
            if unit_id in units:
                phones.add(phone_of[pid])
    return phones


def epic_owners(epics: Iterable[str], phone_of: dict[int, str]) -> dict[str, list[str | int]]:
    """{epic: [persons holding it, oldest first]} (persons of this chunk by phone)."""
    owners: dict[str, list[str | int]] = {}
    for epic, pid in sorted(pairs(Person, "epic", "id", sorted(epics)), key=lambda p: p[1]):
        owners.setdefault(epic, []).append(phone_of.get(pid, pid))
    return owners


def seats(
    unit_ids: set[int], phone_of: dict[int, str], staffing_kinds: set[int]
) -> tuple[Seats, dict[tuple[str | int, int], int]]:
    """Active seats on the units: {(unit, kind): {seat: (holder, assignment id, status)}},
    and {(holder, unit): staffing kind} for the one-booth-position rule."""
    held: Seats = {}
    staff_of: dict[tuple[str | int, int], int] = {}
    for batch in batched(sorted(unit_ids)):
        for aid, unit_id, kind_id, seat, person_id, status in (
            Assignment.objects.filter(unit_id__in=batch)
            .exclude(status=AssignmentStatus.ENDED)
            .values_list("id", "unit_id", "kind_id", "seat", "person_id", "status")
        ):
            holder = phone_of.get(person_id, person_id)
            held.setdefault((unit_id, kind_id), {})[seat] = (holder, aid, status)
            if kind_id in staffing_kinds:
                staff_of.setdefault((holder, unit_id), kind_id)
    return held, staff_of


def consent_state(phone_of: dict[int, str]) -> dict[str, str]:
    """The latest volunteer-coordination/SMS action per phone (withdrawal wins a tie)."""
    latest: dict[int, tuple[dt.datetime, int, int, str]] = {}
    for batch in batched(list(phone_of)):
        for pid, at, eid, action in ConsentEvent.objects.filter(
            person_id__in=batch,
            purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
            channel=ConsentChannel.SMS,
        ).values_list("person_id", "at", "id", "action"):
            rank = (at, int(action == ConsentAction.WITHDRAWN), eid, action)
            if pid not in latest or rank > latest[pid]:
                latest[pid] = rank
    return {phone_of[pid]: rank[3] for pid, rank in latest.items()}


def open_phone_flags(person_ids: list[int]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for batch in batched(person_ids):
        found.update(
            SignupFlag.objects.filter(
                person_id__in=batch, kind=FlagKind.PHONE_REUSED, resolved_at=None
            ).values_list("person_id", "detail")
        )
    return found
