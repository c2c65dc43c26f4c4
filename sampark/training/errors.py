"""Errors of the training app that other apps catch (the war room's gate)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from sampark.training.models import Module


class TrainingError(ValidationError):
    """A refused change, with a message meant for the user."""


class TrainingRequired(PermissionDenied):
    """The user must pass these modules first (a prerequisite of their role)."""

    def __init__(self, modules: Sequence[Module]) -> None:
        self.modules = list(modules)
        names = ", ".join(f"{m.title_hi} / {m.title_en}" for m in self.modules)
        super().__init__(
            _("Pass the required training module first: %(names)s.") % {"names": names}
        )
