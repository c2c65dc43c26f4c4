"""Named audit events of the people app (rows in sampark.core AuditEvent).

Never put a phone number, an OTP or its hash in `data`: the audit log is readable by in-charges
who may not see phones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.geo.models import Unit
    from sampark.people.models import Assignment, ConsentEvent, Person, SignupFlag


def _person_path(person: Person) -> str:
    return person.home_unit.path if person.home_unit is not None else ""


def person_created(*, person: Person, actor: User | None) -> AuditEvent:
    return audit.record(
        verb="person.created",
        object_type="person",
        object_id=person.id,
        actor=actor,
        unit_path=_person_path(person),
        data={"source": person.source},
    )


def person_flagged(*, flag: SignupFlag, actor: User | None) -> AuditEvent:
    return audit.record(
        verb="person.flagged",
        object_type="person",
        object_id=flag.person_id,
        actor=actor,
        unit_path=_person_path(flag.person),
        data={"flag_id": flag.id, "kind": flag.kind, "other_person_id": flag.other_person_id},
    )


def assignment_created(
    *, assignment: Assignment, actor: User | None, age_confirmed: bool
) -> AuditEvent:
    return audit.record(
        verb="assignment.created",
        object_type="assignment",
        object_id=assignment.id,
        actor=actor,
        unit_path=assignment.unit.path,
        data={
            "person_id": assignment.person_id,
            "kind": assignment.kind.code,
            "seat": assignment.seat,
            # Recorded when the actor vouched for age 18+ because the date of birth is unknown.
            "age_confirmed": age_confirmed,
        },
    )


def assignment_verified(*, assignment: Assignment, actor: User | None, method: str) -> AuditEvent:
    return audit.record(
        verb="assignment.verified",
        object_type="assignment",
        object_id=assignment.id,
        actor=actor,
        unit_path=assignment.unit.path,
        data={"person_id": assignment.person_id, "method": method},
    )


def assignment_ended(
    *, assignment: Assignment, actor: User | None, reason: str, was: str
) -> AuditEvent:
    return audit.record(
        verb="assignment.ended",
        object_type="assignment",
        object_id=assignment.id,
        actor=actor,
        unit_path=assignment.unit.path,
        data={"person_id": assignment.person_id, "reason": reason, "was": was},
    )


def otp_sent(*, person: Person, actor: User | None, verification_id: int) -> AuditEvent:
    return audit.record(
        verb="person.otp_sent",
        object_type="person",
        object_id=person.id,
        actor=actor,
        unit_path=_person_path(person),
        data={"verification_id": verification_id},
    )


def otp_confirmed(*, person: Person, verification_id: int, assignment_ids: list[int]) -> AuditEvent:
    return audit.record(
        verb="person.otp_confirmed",
        object_type="person",
        object_id=person.id,
        actor=None,
        unit_path=_person_path(person),
        data={"verification_id": verification_id, "assignment_ids": assignment_ids},
    )


def consent_recorded(*, event: ConsentEvent, actor: User | None) -> AuditEvent:
    data: dict[str, Any] = {
        "event_id": event.id,
        "purpose": event.purpose,
        "channel": event.channel,
        "action": event.action,
        "notice_version": event.notice_version,
        "source": event.source,
    }
    return audit.record(
        verb="consent.recorded",
        object_type="person",
        object_id=event.person_id,
        actor=actor,
        unit_path=_person_path(event.person) if event.person is not None else "",
        data=data,
    )


def phones_read(
    *, actor: User, what: str, rows: int, filters: dict[str, Any], unit: Unit | None
) -> AuditEvent | None:
    """A list or search that showed full phone numbers: one row per page read (issue #12)."""
    root = unit if unit is not None else actor.unit
    return audit.phones_read(
        actor=actor,
        what=what,
        rows=rows,
        filters=filters,
        unit_path=root.path if root is not None else "",
        unit_id=root.pk if root is not None else None,
    )


def phone_correction(*, person: Person, actor: User | None, verb: str) -> AuditEvent:
    """A phone reported, confirmed or rejected (never the number itself)."""
    return audit.record(
        verb=verb,
        object_type="person",
        object_id=person.id,
        actor=actor,
        unit_path=_person_path(person),
        data={},
    )
