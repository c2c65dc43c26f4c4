"""Accounts that come from the organisation (issue #13): a verified position implies a role on
the position's unit, and the person's account follows it.

Checked at each phone sign-in and when a position ends (`services.assignment_end`), so the
account loses the role the moment the position ends; a session already open loses it too,
because roles are read per request. Roles given by hand are never touched here.
"""

from __future__ import annotations

from sampark.accounts import services as accounts_services
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.geo.models import Unit
from sampark.people.catalogue import BOOTH_POSITIONS
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, Person

# Which role each position of the catalogue implies. Positions not named here imply none.
POSITION_ROLES: dict[str, str] = {
    "it_incharge_state": Role.STATE_HEAD,
    "it_incharge_district": Role.DISTRICT_INCHARGE,
    "it_incharge_pc": Role.PC_INCHARGE,
    "it_incharge_ac": Role.AC_INCHARGE,
    "it_incharge_mandal": Role.MANDAL_INCHARGE,
    "it_incharge_sector": Role.SECTOR_INCHARGE,
    **{code: Role.VOLUNTEER for code, _en, _hi in BOOTH_POSITIONS},
}
# When a person holds several positions, the highest one gives the account its role and unit.
_RANK = [
    Role.STATE_HEAD,
    Role.DISTRICT_INCHARGE,
    Role.PC_INCHARGE,
    Role.AC_INCHARGE,
    Role.MANDAL_INCHARGE,
    Role.SECTOR_INCHARGE,
    Role.VOLUNTEER,
]


def implied_role(*, person_id: int) -> tuple[str, Unit] | None:
    """The role and unit the person's verified positions imply (the highest one), or None."""
    best: tuple[int, str, Unit] | None = None
    rows = Assignment.objects.filter(
        person_id=person_id, status=AssignmentStatus.VERIFIED
    ).select_related("unit", "kind")
    for assignment in rows.order_by("id"):
        role = POSITION_ROLES.get(assignment.kind.code)
        if role is None:
            continue
        rank = _RANK.index(Role(role))
        if best is None or rank < best[0]:
            best = (rank, role, assignment.unit)
    return None if best is None else (best[1], best[2])


def person_account_sync(*, person: Person) -> User | None:
    """Create or update the person's account from their positions (see the module)."""
    implied = implied_role(person_id=person.id)
    return accounts_services.organisation_account_sync(
        person_id=person.id,
        name=person.name,
        role=implied[0] if implied else None,
        unit=implied[1] if implied else None,
    )
