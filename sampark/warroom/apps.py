from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarroomConfig(AppConfig):
    name = "sampark.warroom"
    label = "warroom"
    verbose_name = _("War room")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sampark.people import privacy
        from sampark.warroom import privacy as warroom_privacy

        privacy.register_eraser("warroom", warroom_privacy.erase)
