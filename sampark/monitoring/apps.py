from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "sampark.monitoring"
    label = "monitoring"
    verbose_name = _("Listening")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sampark.monitoring import tasks  # noqa: F401  (registers task handlers)
