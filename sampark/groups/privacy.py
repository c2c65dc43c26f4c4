"""What booth groups hold about a person, for their download and erasure (people.privacy)."""

from __future__ import annotations

from typing import Any

from sampark.groups.models import Group, GroupJoin
from sampark.people.privacy import Subject


def export(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """The groups the person joined through our page and the groups they run."""
    if subject.person_id is None:
        return {}
    joins = GroupJoin.objects.filter(person_id=subject.person_id).order_by("id")
    admin_of = Group.objects.filter(admins__id=subject.person_id).order_by("id")
    return {
        "joins": [
            {
                "group": j.group.name,
                "joined_at": j.joined_at.isoformat(),
                "left_at": j.left_at.isoformat() if j.left_at else None,
                "via": j.via,
            }
            for j in joins.select_related("group")
        ],
        "admin_of": [{"group": g.name, "platform": g.platform} for g in admin_of],
    }


def erase(subject: Subject) -> int:
    """Memberships removed; the person is no longer an admin of any group."""
    if subject.person_id is None:
        return 0
    joins, _ = GroupJoin.objects.filter(person_id=subject.person_id).delete()
    through = Group.admins.through
    admins, _ = through.objects.filter(person_id=subject.person_id).delete()
    return joins + admins
