"""System checks of sign-in safety (issue #12): they stop `manage.py`/`sampark` commands early."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from sampark.core.env import DEMO_SECRET_KEY


@register(Tags.security)
def demo_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """sampark.E001: outside DEBUG and the demo, the public demo SECRET_KEY is refused.

    Sessions, password-reset links and the Telegram link tokens (`django.core.signing`) are all
    signed with it, so anyone holding the repository could forge them.
    """
    if settings.DEBUG or settings.SAMPARK_DEMO:
        return []
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if DEMO_SECRET_KEY not in keys:
        return []
    return [
        Error(
            "SECRET_KEY is the public demo key, outside the demo.",
            hint=(
                "Set SECRET_KEY (or SECRET_KEY_FILE) to 50 or more random characters, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`; "
                "or SAMPARK_DEMO=1 to run the public demo (`make demo` does)."
            ),
            id="sampark.E001",
        )
    ]
