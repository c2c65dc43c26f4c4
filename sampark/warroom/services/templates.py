"""Response templates: kept by approvers, for their area or (at the state) for everyone."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.geo import scope
from sampark.geo.models import Unit
from sampark.warroom import audit
from sampark.warroom.enums import Language
from sampark.warroom.errors import WarroomError
from sampark.warroom.models import ResponseTemplate


def _template_scope(actor: User, unit: Unit | None) -> None:
    if not actor.can(Capability.APPROVE_RESPONSES):
        raise PermissionDenied(_("Your role may not manage response templates."))
    root = actor.unit
    if root is None:
        raise PermissionDenied(_("This unit is outside your area."))
    if unit is None:
        if root.parent_id is not None and not actor.is_superuser:
            raise PermissionDenied(_("Only the state war room keeps templates for everyone."))
    elif not scope.contains(root, unit):
        raise PermissionDenied(_("This unit is outside your area."))


def template_save(
    *,
    actor: User,
    name: str,
    language: str,
    body: str,
    unit: Unit | None,
    active: bool = True,
    template_id: int | None = None,
) -> ResponseTemplate:
    """Create or change a response template (approvers only; global ones at the state level)."""
    if language not in Language.values:
        raise WarroomError(_("Unknown language."))
    if not name.strip() or not body.strip():
        raise WarroomError(_("A template needs a name and a text."))
    _template_scope(actor, unit)
    with transaction.atomic():
        if template_id is None:
            template = ResponseTemplate(created_by=actor)
        else:
            template = ResponseTemplate.objects.select_for_update().get(id=template_id)
            _template_scope(actor, template.unit)
        template.name = name.strip()[:200]
        template.language = language
        template.body = body.strip()
        template.unit = unit
        template.active = active
        template.updated_at = timezone.now()
        template.save()
        audit.record(
            verb="response_template.saved",
            object_type="response_template",
            object_id=template.id,
            actor=actor,
            unit_path=unit.path if unit else "",
        )
    return template


def template_delete(*, template_id: int, actor: User) -> None:
    """Retire a template (kept, inactive: drafts made from it stay explainable)."""
    with transaction.atomic():
        template = ResponseTemplate.objects.select_for_update().get(id=template_id)
        _template_scope(actor, template.unit)
        template.active = False
        template.updated_at = timezone.now()
        template.save(update_fields=["active", "updated_at"])
        audit.record(
            verb="response_template.retired",
            object_type="response_template",
            object_id=template.id,
            actor=actor,
        )
