"""Who works in the call centre: by role, since the call pages need no capability of their own.

Agents work the console; managers (supervisors and in-charges) also start campaigns, write
scripts and watch the wallboard. Both only inside their own subtree (scope does that).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sampark.accounts.enums import Role
from sampark.accounts.models import User

MANAGER_ROLES = frozenset({Role.CALL_SUPERVISOR, Role.STATE_HEAD, Role.DISTRICT_INCHARGE})
AGENT_ROLES = frozenset({Role.CALL_AGENT, *MANAGER_ROLES})


def is_agent(user: User) -> bool:
    return user.unit_id is not None and (user.is_superuser or bool(user.role_names & AGENT_ROLES))


def is_manager(user: User) -> bool:
    return user.unit_id is not None and (user.is_superuser or bool(user.role_names & MANAGER_ROLES))


def require_agent(user: User) -> None:
    if not is_agent(user):
        raise PermissionDenied(_("Only the call centre's staff may do this."))


def require_manager(user: User) -> None:
    if not is_manager(user):
        raise PermissionDenied(_("Only call-centre supervisors may do this."))
