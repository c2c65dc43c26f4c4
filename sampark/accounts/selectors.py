"""Scoped reads. `access_*` is the only way a view gets a scoped object: 404 outside the subtree."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sampark.accounts.models import User
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
