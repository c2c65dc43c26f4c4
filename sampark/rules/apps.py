from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulesConfig(AppConfig):
    name = "sampark.rules"
    label = "rules"
    verbose_name = _("Sending rules")
    default_auto_field = "django.db.models.BigAutoField"
