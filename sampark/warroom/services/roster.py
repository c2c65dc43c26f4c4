"""The duty roster: who is on shift in a unit's war room, and the hand-over notes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area as _require
from sampark.geo import scope
from sampark.geo.models import Unit
from sampark.warroom import audit
from sampark.warroom.errors import WarroomError
from sampark.warroom.models import Shift


def shift_create(
    *,
    actor: User,
    unit: Unit,
    user: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    role: str,
) -> Shift:
    """Put someone on the roster of a unit's war room (approvers, inside their area)."""
    _require(actor, Capability.APPROVE_RESPONSES, unit)
    if ends_at <= starts_at:
        raise WarroomError(_("A shift ends after it starts."))
    if user.unit is None or (
        not scope.contains(unit, user.unit) and not scope.contains(user.unit, unit)
    ):
        raise WarroomError(_("That person does not work in this unit."))
    with transaction.atomic():
        shift = Shift.objects.create(
            unit=unit,
            user=user,
            role=role,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        audit.record(
            verb="shift.created",
            object_type="shift",
            object_id=shift.id,
            actor=actor,
            unit_path=unit.path,
        )
    return shift


def shift_handover(*, shift_id: int, actor: User, note: str) -> Shift:
    """Write the hand-over note of a shift (the person on it, or an approver in the area)."""
    with transaction.atomic():
        shift = Shift.objects.select_for_update().select_related("unit").get(id=shift_id)
        if shift.user_id != actor.id:
            _require(actor, Capability.APPROVE_RESPONSES, shift.unit)
        shift.handover_note = note.strip()
        shift.updated_at = timezone.now()
        shift.save(update_fields=["handover_note", "updated_at"])
        audit.record(
            verb="shift.handover",
            object_type="shift",
            object_id=shift.id,
            actor=actor,
            unit_path=shift.unit.path,
        )
    return shift


def shift_delete(*, shift_id: int, actor: User) -> None:
    """Take a shift off the roster (approvers in the area)."""
    with transaction.atomic():
        shift = Shift.objects.select_for_update().select_related("unit").get(id=shift_id)
        _require(actor, Capability.APPROVE_RESPONSES, shift.unit)
        audit.record(
            verb="shift.deleted",
            object_type="shift",
            object_id=shift.id,
            actor=actor,
            unit_path=shift.unit.path,
        )
        shift.delete()
