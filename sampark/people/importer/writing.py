"""Deciding and writing one chunk of valid rows, inside the chunk's transaction.

The rules are the single-person services' (`people.services`): a seat has one active holder and
a person holds one staffing position per booth; verified assignments count in `Unit.volunteers`
(recounted for the booths touched); reusing an EPIC, or a phone under another name, raises a
`SignupFlag` for review; consent is a ledger, written only when the current state differs.
Re-importing a file that is already in changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_noop

from sampark.accounts.models import User
from sampark.geo.enums import Level
from sampark.people import privacy, staffing
from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    FlagKind,
    VerifyMethod,
)
from sampark.people.importer import existing
from sampark.people.importer.bulk import Inserter, batched, pairs
from sampark.people.importer.errors import row_error
from sampark.people.importer.lookups import Catalogue
from sampark.people.importer.mapping import Layout
from sampark.people.importer.report import ChunkResult
from sampark.people.importer.validating import Row, kind_names
from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind, SignupFlag

# (person key, kind, detail, other person key or id)
Flag = tuple[str, str, str, str | int | None]


@dataclass
class _Decisions:
    """What a chunk will write, keyed by phone until new persons have ids."""

    new_persons: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    changed: list[tuple[Person, set[str]]] = field(default_factory=list)
    new_assignments: list[tuple[str, int, int, int]] = field(default_factory=list)
    verify_ids: list[int] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    consents: list[tuple[str, str]] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)


class ChunkWriter:
    """Writes the chunks of one import run."""

    def __init__(
        self,
        *,
        layout: Layout,
        catalogue: Catalogue,
        unit_level: dict[int, str],
        actor: User | None,
        verify: bool,
        source: str,
        notice_version: str,
    ) -> None:
        self.layout = layout
        self.catalogue = catalogue
        self.unit_level = unit_level
        self.actor = actor
        self.verify = verify
        self.status = AssignmentStatus.VERIFIED if verify else AssignmentStatus.PENDING
        self.source = source
        self.notice_version = notice_version
        self.staffing_kinds = {k.pk for k in catalogue.kinds.values() if k.counts_toward_staffing}
        self._person_insert = Inserter(
            Person,
            (
                "name",
                "phone",
                "epic",
                "email",
                "gender",
                "date_of_birth",
                "languages",
                "home_unit_id",
                "source",
                "created_at",
            ),
        )
        self._assignment_insert = Inserter(
            Assignment,
            (
                "person_id",
                "unit_id",
                "kind_id",
                "seat",
                "status",
                "verify_method",
                "verified_by_id",
                "verified_at",
                "started_at",
            ),
        )
        self._consent_insert = Inserter(
            ConsentEvent,
            ("person_id", "purpose", "channel", "action", "notice_version", "source", "at"),
        )
        self._languages_field = Person._meta.get_field("languages")
        self._json_cache: dict[tuple[str, ...], Any] = {}

    def write(self, rows: list[Row]) -> ChunkResult:
        """Decide and write one chunk of valid rows (runs inside the chunk's transaction).

        Persons are keyed by phone while the chunk is decided: a phone appears once per file,
        and new persons have no id until they are inserted.
        """
        result = ChunkResult()
        rows = self._drop_erased(rows, result)
        if not rows:
            return result
        now = timezone.now()
        current = existing.load(
            rows,
            unit_level=self.unit_level,
            staffing_kinds=self.staffing_kinds,
            with_consent="consent" in self.layout.columns,
        )
        stamp = connection.ops.adapt_datetimefield_value(now)
        decided = self._decide(rows, current, result, stamp)
        self._apply(decided, current, result, now=now, stamp=stamp)
        return result

    def _drop_erased(self, rows: list[Row], result: ChunkResult) -> list[Row]:
        """Rows of persons erased at their request are refused; the error omits the phone."""
        erased = privacy.erased_among(r.phone for r in rows)
        if not erased:
            return rows
        msgid = gettext_noop("Erased at the person's request.")
        column = self.layout.column("phone")
        for row in rows:
            if row.phone in erased:
                result.failed += 1
                result.errors.append(row_error(row.line, column, "", "erased", msgid, {}))
        return [r for r in rows if r.phone not in erased]

    def _decide(
        self, rows: list[Row], current: existing.Current, result: ChunkResult, stamp: Any
    ) -> _Decisions:
        """Decide the rows in file order: a row sees the seats, EPICs and consents taken by
        the rows before it."""
        decided = _Decisions()
        new_persons, changed, flags = decided.new_persons, decided.changed, decided.flags
        touched = decided.touched
        persons, in_scope, consent_state = current.existing, current.in_scope, current.consent_state
        adapt_date = connection.ops.adapt_datefield_value
        for row in rows:
            key = row.phone
            person = persons.get(key)
            # Position first: a row whose position cannot be taken is not imported at all.
            seat = 0
            upgrade: int | None = None
            kind = row.kind
            if kind is not None:
                taken = self._take_seat(row, kind, current, result)
                if taken is None:
                    continue
                seat, upgrade = taken
            epic_new = bool(row.epic) and (
                person is None or (key in in_scope and person["epic"] != row.epic)
            )
            wrote = False
            if person is None:
                new_persons[key] = (
                    row.name,
                    row.phone,
                    row.epic,
                    row.email or "",
                    row.gender or "",
                    adapt_date(row.dob),
                    self._json(row.languages or []),
                    row.unit_id,
                    self.source,
                    stamp,
                )
                result.created += 1
            else:
                fields = _changes(person, row, key, flags, current.name_flags, in_scope)
                if fields:
                    changed.append((_person_from(person), fields))
                    wrote = True
            if epic_new:
                owners = current.epic_owners.setdefault(row.epic, [])
                others = [o for o in owners if o != key]
                if others:
                    flags.append((key, FlagKind.EPIC_REUSED, row.epic, others[0]))
                owners.append(key)
            if seat:
                assert kind is not None
                decided.new_assignments.append((key, row.unit_id, kind.pk, seat))
                wrote = True
                if self.verify:
                    touched.add(row.unit_id)
            if upgrade is not None:
                decided.verify_ids.append(upgrade)
                wrote = True
                touched.add(row.unit_id)
            if row.consent is not None:
                state = consent_state.get(key, ConsentAction.WITHDRAWN)
                if state != row.consent:
                    decided.consents.append((key, row.consent))
                    consent_state[key] = row.consent
                    wrote = True
            if person is not None:
                if wrote:
                    result.updated += 1
                else:
                    result.unchanged += 1
        return decided

    def _take_seat(
        self, row: Row, kind: PositionKind, current: existing.Current, result: ChunkResult
    ) -> tuple[int, int | None] | None:
        """(new seat or 0, a pending assignment of the person's to verify or None). None when
        the position cannot be taken (the seats are full, or a second booth position on the
        booth): the row is then refused with an error."""
        key = row.phone
        seats = current.held.setdefault((row.unit_id, kind.pk), {})
        mine = next((s for s, held_by in seats.items() if held_by[0] == key), None)
        if mine is not None:
            _, assignment_id, held_status = seats[mine]
            if self.verify and held_status == AssignmentStatus.PENDING:
                seats[mine] = (key, assignment_id, AssignmentStatus.VERIFIED)
                return 0, assignment_id
            return 0, None
        other = current.staff_of.get((key, row.unit_id)) if kind.counts_toward_staffing else None
        free = [s for s in range(1, kind.seats + 1) if s not in seats]
        if other is not None or not free:
            result.failed += 1
            result.errors.append(self._seat_error(row, kind, other))
            return None
        seat = free[0]
        seats[seat] = (key, 0, self.status)
        if kind.counts_toward_staffing:
            current.staff_of[(key, row.unit_id)] = kind.pk
        return seat, None

    def _apply(
        self,
        decided: _Decisions,
        current: existing.Current,
        result: ChunkResult,
        *,
        now: dt.datetime,
        stamp: Any,
    ) -> None:
        """Write the decisions in dependency order; then every key resolves to a person id."""
        ids: dict[str, int] = {phone: p["id"] for phone, p in current.existing.items()}
        if decided.new_persons:
            self._person_insert.insert(decided.new_persons.values())
            ids.update(pairs(Person, "phone", "id", decided.new_persons))
        if decided.changed:
            _update_persons(decided.changed)
        if decided.new_assignments:
            verified = self.verify
            by = self.actor.pk if verified and self.actor is not None else None
            method = VerifyMethod.IMPORT if verified else ""
            verified_at = stamp if verified else None
            status = self.status
            self._assignment_insert.insert(
                (ids[key], unit_id, kind_id, seat, status, method, by, verified_at, stamp)
                for key, unit_id, kind_id, seat in decided.new_assignments
            )
            result.assignments = len(decided.new_assignments)
            if verified:
                result.verified += len(decided.new_assignments)
        if decided.verify_ids:
            for batch in batched(decided.verify_ids):
                Assignment.objects.filter(id__in=batch, status=AssignmentStatus.PENDING).update(
                    status=AssignmentStatus.VERIFIED,
                    verify_method=VerifyMethod.IMPORT,
                    verified_by=self.actor,
                    verified_at=now,
                )
            result.verified += len(decided.verify_ids)
        if decided.flags:
            SignupFlag.objects.bulk_create(
                [
                    SignupFlag(
                        person_id=ids[key],
                        kind=flag_kind,
                        detail=detail[:200],
                        other_person_id=(
                            other if isinstance(other, int) or other is None else ids[other]
                        ),
                        created_at=now,
                    )
                    for key, flag_kind, detail, other in decided.flags
                ],
                batch_size=500,
            )
            result.flags = len(decided.flags)
        if decided.consents:
            purpose, channel = ConsentPurpose.VOLUNTEER_COORDINATION, ConsentChannel.SMS
            notice, source = self.notice_version, self.source
            self._consent_insert.insert(
                (ids[key], purpose, channel, action, notice, source, stamp)
                for key, action in decided.consents
            )
            result.consents = len(decided.consents)
        booths = [u for u in decided.touched if self.unit_level.get(u) == Level.BOOTH]
        if booths:
            staffing.booth_recount(booth_ids=booths)

    def _seat_error(self, row: Row, kind: PositionKind, other: int | None) -> dict[str, Any]:
        value = self.layout.raw(row.cells, "position") or kind.code
        column = self.layout.column("position")
        if other is not None:
            held = self.catalogue.kind_by_id(other)
            msgid = gettext_noop(
                "Already holds the booth position “%(position)s” here; a person holds one "
                "booth position per booth."
            )
            position: Any = kind_names(held) if held else other
            code = "one_position_per_booth"
            return row_error(row.line, column, value, code, msgid, {"position": position})
        msgid = gettext_noop("“%(position)s” on this unit is already held by someone else.")
        params = {"position": kind_names(kind)}
        return row_error(row.line, column, value, "position_taken", msgid, params)

    def _json(self, languages: list[str]) -> Any:
        key = tuple(languages)
        value = self._json_cache.get(key)
        if value is None:
            value = self._languages_field.get_db_prep_save(languages, connection)
            if len(self._json_cache) < 1000:
                self._json_cache[key] = value
        return value


def _changes(
    current: dict[str, Any],
    row: Row,
    key: str,
    flags: list[Flag],
    name_flags: set[tuple[int, str]],
    in_scope: set[str],
) -> set[str]:
    """Fields of an existing person the row changes (blank cells never erase data)."""
    fields: set[str] = set()
    editable = key in in_scope
    if row.name != current["name"]:
        if row.name.casefold() == current["name"].casefold():
            if editable:
                fields.add("name")
                current["name"] = row.name
        elif (current["id"], row.name[:200]) not in name_flags:
            # Same phone, another name: someone else may be using this number. Keep the
            # name on record and flag the row for an in-charge to review.
            flags.append((key, FlagKind.PHONE_REUSED, row.name, None))
            name_flags.add((current["id"], row.name[:200]))
    if not editable:
        return fields
    updates = (
        ("epic", row.epic or None),
        ("email", row.email),
        ("gender", row.gender),
        ("date_of_birth", row.dob),
        ("languages", row.languages),
    )
    for name, value in updates:
        if value is not None and value != current[name]:
            fields.add(name)
            current[name] = value
    if current["home_unit_id"] is None:
        fields.add("home_unit")
        current["home_unit_id"] = row.unit_id
    return fields


def _person_from(current: dict[str, Any]) -> Person:
    return Person(
        id=current["id"],
        name=current["name"],
        phone=current["phone"],
        epic=current["epic"],
        email=current["email"],
        gender=current["gender"],
        date_of_birth=current["date_of_birth"],
        languages=current["languages"],
        home_unit_id=current["home_unit_id"],
    )


def _update_persons(changed: list[tuple[Person, set[str]]]) -> None:
    # Group by the set of changed fields so each UPDATE touches only what changed.
    groups: dict[frozenset[str], list[Person]] = {}
    for person, fields in changed:
        groups.setdefault(frozenset(fields), []).append(person)
    for names, persons in groups.items():
        Person.objects.bulk_update(persons, sorted(names), batch_size=500)
