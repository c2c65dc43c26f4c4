from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "sampark.monitoring"
    label = "monitoring"
    verbose_name = _("Listening")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sampark.monitoring import (
            checks,  # noqa: F401  (registers the system checks)
            tasks,  # noqa: F401  (registers task handlers)
        )
        from sampark.monitoring import privacy as monitoring_privacy
        from sampark.people import privacy

        privacy.register_exporter("monitoring", monitoring_privacy.export)
        privacy.register_eraser("monitoring", monitoring_privacy.erase)
        privacy.register_retention("monitoring", monitoring_privacy.sweep)
