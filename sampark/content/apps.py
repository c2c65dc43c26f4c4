from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "sampark.content"
    label = "content"
    verbose_name = _("Content and distribution")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sampark.content import (
            signin_codes,
            tasks,  # noqa: F401  (registers the expand task)
            webhooks,
        )
        from sampark.integrations import telegram
        from sampark.people import signin

        telegram.register_command("start", webhooks.telegram_start)
        from sampark.content import privacy as content_privacy
        from sampark.people import privacy

        privacy.register_exporter("content", content_privacy.export)
        privacy.register_eraser("content", content_privacy.erase)
        privacy.register_retention("content", content_privacy.sweep)
        signin.register_code_route(signin_codes.telegram_code)
