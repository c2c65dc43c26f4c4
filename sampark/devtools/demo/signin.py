"""Demo of issue #13: staff accounts the Lucknow in-charge manages (war room, call centre), and
a verified booth volunteer with no account, to sign in by phone (the code is in the log: the
demo's SMS backend is `console`)."""

from __future__ import annotations

from django.db import transaction

from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant, User
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment

STAFF = [
    ("lko-analyst", "Shalini", Role.ANALYST),
    ("lko-call-supervisor", "Rakesh", Role.CALL_SUPERVISOR),
    ("lko-agent-1", "Pooja", Role.CALL_AGENT),
]


def load() -> str:
    """Create the staff accounts (idempotent); the phone number of a volunteer to sign in."""
    lucknow = User.objects.filter(username="lucknow").select_related("unit").first()
    with transaction.atomic():
        if lucknow is not None and lucknow.unit is not None:
            for username, name, role in STAFF:
                user, made = User.objects.get_or_create(
                    username=username, defaults={"first_name": name, "unit": lucknow.unit}
                )
                if made:
                    user.set_unusable_password()
                    user.save(update_fields=["password"])
                    RoleGrant.objects.get_or_create(user=user, role=role)
    volunteer = (
        Assignment.objects.filter(
            status=AssignmentStatus.VERIFIED,
            kind__counts_toward_staffing=True,
            person__user__isnull=True,
            person__source="demo",
        )
        .select_related("person")
        .order_by("id")
        .first()
    )
    return volunteer.person.phone if volunteer is not None else ""
