"""Scoped reads. `access_*` is the only way a view gets a scoped object: 404 outside the subtree."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sampark.accounts.models import User
from sampark.core.models import AuditEvent
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q


def scope_root(*, user: User) -> Unit:
    """The unit at the top of the user's subtree; a user without one sees nothing (404)."""
    if getattr(user, "unit_id", None) is None:
        raise Http404("no scope")
    unit = user.unit
    assert unit is not None
    return unit


def scope_q(*, user: User, field: str = "") -> Q:
    """Q restricting a queryset to the user's subtree (`field` = FK to Unit on other models)."""
    return subtree_q(scope_root(user=user), field=field)


def visible_units(*, user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user=user))


def access_unit(*, user: User, unit_id: int) -> Unit:
    """Return the unit if it lies in the user's subtree, else 404."""
    return get_object_or_404(visible_units(user=user), id=unit_id)


def access_unit_by_path(*, user: User, path: str) -> Unit:
    """Same as access_unit, addressed by materialised path (`UP/D47/AC173`)."""
    return get_object_or_404(visible_units(user=user), path=path)


def backup_codes_left(*, user: User) -> int:
    """How many unused backup codes the user has."""
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


def has_device(*, user: User) -> bool:
    """Whether the user has set up a second factor."""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def _path_q(unit: Unit) -> Q:
    """Audit rows of `unit`'s subtree, by the path they were written with."""
    paths = [unit.path]
    if unit.level == Level.PC:
        # A PC is a grouping of ACs, not a step of the path: its subtree is its ACs' paths.
        paths = list(Unit.objects.filter(pc=unit, level=Level.AC).values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(unit_path=path) | Q(unit_path__startswith=f"{path}/")
    return q


def audit_events(
    *,
    user: User,
    actor: str = "",
    verb: str = "",
    unit: Unit | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Audit rows of the user's subtree (a state's head: every row, those with no unit too),
    newest first, narrowed by actor username, verb prefix, unit subtree and [since, until)."""
    root = scope_root(user=user)
    rows = AuditEvent.objects.select_related("actor")
    if root.level != Level.STATE:
        rows = rows.filter(_path_q(root))
    if unit is not None:
        rows = rows.filter(_path_q(unit))
    if actor:
        rows = rows.filter(actor__username=actor)
    if verb:
        rows = rows.filter(verb__startswith=verb)
    if since is not None:
        rows = rows.filter(at__gte=since)
    if until is not None:
        rows = rows.filter(at__lt=until)
    return rows.order_by("-at", "-id")
