"""Who works in the call centre.

Managing (start, pause and end campaigns, write scripts, watch the wallboard) takes the
`RUN_CALLS` capability (state head, district in-charges, call supervisors). Working the console
takes the `call_agent` role or that capability. Both only inside one's own subtree (scope does
that).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability, Role
from sampark.accounts.models import User

AGENT_ROLES = frozenset({Role.CALL_AGENT})


def is_manager(user: User) -> bool:
    return user.unit_id is not None and user.can(Capability.RUN_CALLS)


def is_agent(user: User) -> bool:
    return user.unit_id is not None and (bool(user.role_names & AGENT_ROLES) or is_manager(user))


def require_agent(user: User) -> None:
    if not is_agent(user):
        raise PermissionDenied(_("Only the call centre's staff may do this."))


def require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied(_("Only call-centre supervisors may do this."))
