from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteerAppConfig(AppConfig):
    """The volunteer's phone app (PWA) at /app/: everything a booth volunteer does."""

    name = "sampark.app"
    label = "app"
    verbose_name = _("Volunteer app")
