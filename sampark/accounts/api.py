"""HTTP API of the accounts app (mounted at /api/accounts/ by sampark.api)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from sampark.accounts.enums import ROLE_CAPABILITIES, Capability
from sampark.accounts.models import User
from sampark.accounts.schemas import MeOut, UnitOut

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """Who you are: your unit (your scope), your roles and what they let you do."""
    user = request.user
    assert isinstance(user, User)
    unit = user.unit
    roles = sorted(user.role_names)
    if user.is_superuser:
        capabilities = sorted(Capability.values)
    else:
        capabilities = sorted({c for r in roles for c in ROLE_CAPABILITIES.get(r, frozenset())})
    return MeOut(
        username=user.username,
        full_name=user.get_full_name(),
        unit=(
            UnitOut(
                id=unit.id, path=unit.path, name=unit.name, name_hi=unit.name_hi, level=unit.level
            )
            if unit is not None
            else None
        ),
        roles=roles,
        capabilities=capabilities,
    )
