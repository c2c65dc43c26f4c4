"""The checks made before a write: the role allows it, and (services) the unit is in the area."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sampark.accounts.models import User
from sampark.geo import scope
from sampark.geo.models import Unit


def require_capability(actor: User, capability: str) -> None:
    """PermissionDenied unless the actor's roles grant `capability`."""
    if not actor.can(capability):
        raise PermissionDenied(_("Your role may not do this."))


def require_any(actor: User, capabilities: Iterable[str], message: str = "") -> None:
    """PermissionDenied unless the actor's roles grant one of `capabilities` (an area's
    pages: `accounts.enums.*_PAGES`, the sets the desktop menu asks too)."""
    if not actor.can_any(capabilities):
        raise PermissionDenied(message or _("Your role may not do this."))


def has_area(actor: User) -> bool:
    """Whether the actor has a unit, the top of everything scoped they see (without one, every
    scoped page is a 404)."""
    return actor.unit_id is not None


def require_in_area(actor: User, capability: str, unit: Unit) -> None:
    """PermissionDenied unless the actor's roles grant `capability` and `unit` lies in the
    actor's subtree."""
    require_capability(actor, capability)
    root = actor.unit
    if root is None or not scope.contains(root, unit):
        raise PermissionDenied(_("This unit is outside your area."))
