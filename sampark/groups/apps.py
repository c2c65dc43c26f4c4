from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "sampark.groups"
    label = "groups"
    verbose_name = _("Booth groups")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sampark.groups import privacy as groups_privacy
        from sampark.people import privacy

        privacy.register_exporter("groups", groups_privacy.export)
        privacy.register_eraser("groups", groups_privacy.erase)
