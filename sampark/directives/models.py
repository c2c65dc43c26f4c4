"""Directives: an instruction from a unit to a set of units below it, each acknowledged."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Directive(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField()
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The sender's unit: the directive is visible to that subtree and to its recipients.
    sender_unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    due = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.title


class DirectiveRecipient(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="recipients")
    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, related_name="directives")
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["directive", "unit"], name="one_recipient_row_per_unit")
        ]
        indexes = [models.Index(fields=["unit", "acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.directive_id}->{self.unit_id}"


def _attachment_path(instance: DirectiveAttachment, filename: str) -> str:
    # The stored name is ours; the uploader's name is kept apart for the download.
    return f"directives/{instance.directive_id}/{uuid.uuid4().hex}{instance.extension}"


class DirectiveAttachment(models.Model):
    """A file sent with a directive (a PDF circular, a photo of a letter); size and type
    are checked before it is stored."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename

    @property
    def extension(self) -> str:
        return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(
            self.content_type, ""
        )
