from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "sampark.calls"
    label = "calls"
    verbose_name = _("Call centre")
    default_auto_field = "django.db.models.BigAutoField"
