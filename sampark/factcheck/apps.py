from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FactcheckConfig(AppConfig):
    name = "sampark.factcheck"
    label = "factcheck"
    verbose_name = _("Fact-checks")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sampark.factcheck import (
            checks,  # noqa: F401  (registers the system checks)
            tasks,  # noqa: F401  (registers task handlers)
        )
