"""Writes for directives: send one to units below, acknowledge one for your own unit."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.directives import audit
from sampark.directives.models import Directive, DirectiveAttachment, DirectiveRecipient
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q

# Chosen units travel as one IN list; whole levels reach any number of units.
MAX_CHOSEN_UNITS = 5000
MAX_ATTACHMENTS = 5
# What an attachment may be, known by its first bytes (never by its name or the browser's word).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def _recipient_units(*, root: Unit, unit_ids: list[int] | None, level: str | None) -> list[int]:
    """The units a directive goes to: all of `level` below `root`, or the given ids below it."""
    if (unit_ids is None) == (level is None):
        raise ValidationError(_("Choose either a level or a list of units."), code="target")
    below = Unit.objects.filter(subtree_q(root)).exclude(id=root.id)
    if level is not None:
        if level not in Level.values:
            raise ValidationError(_("Unknown level."), code="level")
        units = list(below.filter(level=level).order_by("path").values_list("id", flat=True))
        if not units:
            raise ValidationError(_("There are no units of that level in your area."), code="level")
        return units
    assert unit_ids is not None
    wanted = set(unit_ids)
    if not wanted:
        raise ValidationError(_("Choose at least one unit."), code="units")
    if len(wanted) > MAX_CHOSEN_UNITS:
        raise ValidationError(
            _("Choose at most %(n)d units; send to a whole level to reach more.")
            % {"n": MAX_CHOSEN_UNITS},
            code="units",
        )
    units = list(below.filter(id__in=wanted).order_by("path").values_list("id", flat=True))
    if len(units) != len(wanted):
        # One message whether the unit is elsewhere or does not exist: nothing is revealed.
        raise ValidationError(
            _("Every recipient must be a unit inside your area (not your own unit)."),
            code="units",
        )
    return units


def directive_send(
    *,
    sender: User,
    title: str,
    body: str,
    due: dt.date | None,
    unit_ids: list[int] | None = None,
    level: str | None = None,
) -> Directive:
    """Send a directive from the sender's unit to units inside its subtree (one row per unit)."""
    if not sender.can(Capability.SEND_DIRECTIVES):
        raise PermissionDenied(_("Your role may not send directives."))
    root = sender.unit
    if root is None:
        raise PermissionDenied(_("You have no unit to send from."))
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError(_("A directive needs a title."), code="title")
    with transaction.atomic():
        units = _recipient_units(root=root, unit_ids=unit_ids, level=level)
        directive = Directive.objects.create(
            title=title[:200],
            body=(body or "").strip(),
            sender=sender,
            sender_unit=root,
            due=due,
        )
        DirectiveRecipient.objects.bulk_create(
            [DirectiveRecipient(directive=directive, unit_id=unit_id) for unit_id in units],
            batch_size=1000,
        )
        audit.directive_sent(directive=directive, recipients=len(units), level=level, actor=sender)
    return directive


def directive_acknowledge(*, recipient_id: int, user: User, note: str = "") -> bool:
    """Acknowledge a directive for the user's own unit; False if someone already did (first wins)."""
    if not user.can(Capability.ACK_DIRECTIVES):
        raise PermissionDenied(_("Your role may not acknowledge directives."))
    with transaction.atomic():
        recipient = (
            DirectiveRecipient.objects.select_related("unit").filter(id=recipient_id).first()
        )
        if recipient is None or user.unit_id is None or recipient.unit_id != user.unit_id:
            raise PermissionDenied(_("Only your own unit's directives can be acknowledged."))
        won = (
            DirectiveRecipient.objects.filter(Q(id=recipient_id), acknowledged_at=None).update(
                acknowledged_at=timezone.now(),
                acknowledged_by=user,
                note=(note or "").strip()[:500],
            )
            == 1
        )
        if won:
            audit.directive_acknowledged(recipient=recipient, actor=user)
    return won


def attachment_max_bytes() -> int:
    """The largest attachment accepted (SAMPARK_DIRECTIVES["ATTACHMENT_MAX_BYTES"], 5 MB)."""
    conf = getattr(settings, "SAMPARK_DIRECTIVES", {})
    return int(conf.get("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))


def attachment_check(upload: UploadedFile) -> str:
    """The attachment's content type, after checking its size (before reading) and its first
    bytes; raises ValidationError otherwise."""
    limit = attachment_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("An attachment may be at most %(size)s.") % {"size": filesizeformat(limit)},
            code="attachment_size",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise ValidationError(_("Attach a PDF, PNG or JPEG file."), code="attachment_type")


def attachment_add(*, directive_id: int, actor: User, upload: UploadedFile) -> DirectiveAttachment:
    """Attach a file to a directive sent from the actor's unit (size and type checked)."""
    content_type = attachment_check(upload)
    with transaction.atomic():
        directive = Directive.objects.select_for_update().get(id=directive_id)
        if not actor.can(Capability.SEND_DIRECTIVES) or directive.sender_unit_id != actor.unit_id:
            raise PermissionDenied(_("Only the sending unit may attach files."))
        if directive.attachments.count() >= MAX_ATTACHMENTS:
            raise ValidationError(
                _("A directive may carry at most %(n)d files.") % {"n": MAX_ATTACHMENTS},
                code="attachment_count",
            )
        attachment = DirectiveAttachment(
            directive=directive,
            filename=(upload.name or "file")[-200:],
            content_type=content_type,
            size=int(upload.size or 0),
            uploaded_by=actor,
        )
        attachment.file.save(attachment.filename, upload, save=False)
        attachment.save()
        audit.attachment_added(attachment=attachment, actor=actor)
    return attachment
