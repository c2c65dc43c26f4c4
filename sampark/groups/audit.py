"""Named audit events of the booth group registry (rows in sampark.core AuditEvent).

Never put a phone number, an invite link or a join token in `data`: in-charges read the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sampark.core import audit
from sampark.core.models import AuditEvent

if TYPE_CHECKING:
    from sampark.accounts.models import User
    from sampark.groups.models import Group, GroupJoin


def _record(
    verb: str, *, group: Group, actor: User | None, data: dict[str, Any] | None = None
) -> AuditEvent:
    return audit.record(
        verb=verb,
        object_type="booth_group",
        object_id=group.id,
        actor=actor,
        unit_path=group.booth.path,
        data=data,
    )


def group_created(*, group: Group, actor: User | None) -> AuditEvent:
    return _record(
        "booth_group.created",
        group=group,
        actor=actor,
        data={"platform": group.platform, "purpose": group.purpose, "name": group.name},
    )


def group_updated(*, group: Group, actor: User, changed: list[str]) -> AuditEvent:
    return _record("booth_group.updated", group=group, actor=actor, data={"changed": changed})


def group_archived(*, group: Group, actor: User) -> AuditEvent:
    return _record("booth_group.archived", group=group, actor=actor)


def admins_set(*, group: Group, actor: User | None, person_ids: list[int]) -> AuditEvent:
    return _record("booth_group.admins_set", group=group, actor=actor, data={"admins": person_ids})


def count_reported(*, group: Group, actor: User | None, count: int, delta: int) -> AuditEvent:
    return _record(
        "booth_group.count_reported",
        group=group,
        actor=actor,
        data={"count": count, "delta": delta},
    )


def invite_rotated(*, group: Group, actor: User | None) -> AuditEvent:
    return _record("booth_group.invite_rotated", group=group, actor=actor)


def activity_attested(*, group: Group, actor: User | None) -> AuditEvent:
    return _record("booth_group.activity_attested", group=group, actor=actor)


def export_source_linked(*, group: Group, actor: User, source_id: int) -> AuditEvent:
    return _record(
        "booth_group.export_source_linked", group=group, actor=actor, data={"source_id": source_id}
    )


def joined(*, join: GroupJoin) -> AuditEvent:
    return _record(
        "booth_group.joined",
        group=join.group,
        actor=None,
        data={"person_id": join.person_id, "via": join.via},
    )


def left(*, join: GroupJoin, how: str) -> AuditEvent:
    return _record(
        "booth_group.left",
        group=join.group,
        actor=None,
        data={"person_id": join.person_id, "how": how},
    )
