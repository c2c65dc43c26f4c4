"""Export of the volunteers in a unit's subtree, as CSV (streamed) or XLSX.

One row per person: persons holding an active position in the subtree, or living in it. The
row's unit and position are the person's first active position in the subtree (booth positions
first); further positions in the subtree are listed in `other_positions`. Positions outside the
subtree are never shown. Column names are the importer's field names, so a file exported by
someone who may see phones imports back unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import Q, QuerySet, Subquery

from sampark.accounts.models import User
from sampark.core import audit
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, Person
from sampark.people.validation import display_phone

COLUMNS: tuple[str, ...] = (
    "name",
    "phone",
    "epic",
    "date_of_birth",
    "gender",
    "languages",
    "email",
    "ac_no",
    "part_no",
    "booth_path",
    "position",
    "status",
    "other_positions",
)
BATCH = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def persons_in(*, unit: Unit) -> QuerySet[Person]:
    """Persons holding an active position in the unit's subtree, or living in it."""
    holders = (
        Assignment.objects.filter(subtree_q(unit, field="unit"))
        .exclude(status=AssignmentStatus.ENDED)
        .values("person_id")
    )
    return Person.objects.filter(
        Q(id__in=Subquery(holders)) | subtree_q(unit, field="home_unit")
    ).order_by("id")


def safe_cell(value: str) -> str:
    """Keep spreadsheets from running a cell as a formula (the importer strips the guard)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def export_rows(*, unit: Unit, masked: bool) -> Iterator[list[str]]:
    """The header, then one row per person in the unit's subtree, in id order."""
    yield list(COLUMNS)
    persons = persons_in(unit=unit).select_related("home_unit", "home_unit__ac")
    batch: list[Person] = []
    for person in persons.iterator(chunk_size=BATCH):
        batch.append(person)
        if len(batch) >= BATCH:
            yield from _rows(batch, unit=unit, masked=masked)
            batch = []
    if batch:
        yield from _rows(batch, unit=unit, masked=masked)


def _rows(persons: list[Person], *, unit: Unit, masked: bool) -> Iterator[list[str]]:
    held: dict[int, list[Assignment]] = {}
    assignments = (
        Assignment.objects.filter(
            subtree_q(unit, field="unit"), person_id__in=[p.pk for p in persons]
        )
        .exclude(status=AssignmentStatus.ENDED)
        .select_related("unit", "unit__ac", "kind")
        .order_by("person_id", "-kind__counts_toward_staffing", "started_at", "id")
    )
    for assignment in assignments:
        held.setdefault(assignment.person_id, []).append(assignment)
    for person in persons:
        mine = held.get(person.pk, [])
        place = mine[0].unit if mine else person.home_unit
        if place is not None and not mine and not place.is_descendant_of(unit):
            place = None
        ac_no = part_no = ""
        if place is not None and place.level == Level.BOOTH and place.ac is not None:
            ac_no, part_no = str(place.ac.number or ""), str(place.number or "")
        yield [
            safe_cell(person.name),
            display_phone(person.phone, masked=masked),
            person.epic,
            person.date_of_birth.isoformat() if person.date_of_birth else "",
            person.gender,
            ",".join(str(code) for code in person.languages or []),
            safe_cell(person.email),
            ac_no,
            part_no,
            place.path if place is not None else "",
            mine[0].kind.code if mine else "",
            mine[0].status if mine else "",
            "; ".join(f"{a.kind.code}@{a.unit.path}" for a in mine[1:]),
        ]


class Echo:
    """A file-like that hands back what csv.writer writes (for streaming)."""

    def write(self, value: str) -> str:
        return value


def export_csv(*, unit: Unit, masked: bool) -> Iterator[str]:
    """CSV text, line by line, for a StreamingHttpResponse (with a BOM, for Excel)."""
    writer = csv.writer(Echo())
    yield "\ufeff"
    for row in export_rows(unit=unit, masked=masked):
        yield writer.writerow(row)


def export_xlsx(*, unit: Unit, masked: bool, out: IO[bytes]) -> int:
    """Write an XLSX workbook (openpyxl write-only) to `out`; returns the persons written."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title="volunteers")
    count = -1
    for row in export_rows(unit=unit, masked=masked):
        sheet.append(row)
        count += 1
    book.save(out)
    return count


def record_export(*, actor: User | None, unit: Unit, fmt: str, masked: bool) -> None:
    """One audit row per export: who took which subtree's list, how many people, and whether
    phones were shown (the count is taken up front: a CSV is streamed)."""
    data: dict[str, Any] = {"format": fmt, "masked": masked, "rows": persons_in(unit=unit).count()}
    audit.record(
        verb="people.exported",
        object_type="unit",
        object_id=unit.pk,
        actor=actor,
        unit_path=unit.path,
        data=data,
    )
