from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "sampark.calls"
    label = "calls"
    verbose_name = _("Call centre")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A person's calls are in their download and go with their erasure (docs/privacy.md).
        from sampark.calls import privacy as calls_privacy
        from sampark.people import privacy

        privacy.register_exporter("calls", calls_privacy.export)
        privacy.register_eraser("calls", calls_privacy.erase)
