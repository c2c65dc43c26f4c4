"""Reads of the rule tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from sampark.accounts.selectors import scope_q
from sampark.rules.models import Certificate

if TYPE_CHECKING:
    from sampark.accounts.models import User


def certificates_visible(*, user: User) -> QuerySet[Certificate]:
    """Certificates issued in the user's area (a state head sees every district's), newest first."""
    return Certificate.objects.filter(scope_q(user=user, field="unit")).order_by(
        "-issued_on", "-id"
    )


def certificate_get(*, certificate_id: int) -> Certificate:
    """The certificate with this id (raises `Certificate.DoesNotExist`)."""
    return Certificate.objects.get(id=certificate_id)
