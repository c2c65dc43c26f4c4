"""System checks: a configured embedder that cannot load is a warning, never a crash."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from pipeline import backends


@register()
def embedder_available(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    conf = getattr(settings, "SAMPARK_EMBEDDER", None)
    if not conf:
        return []
    why = backends.available(conf)
    if why is None:
        return []
    return [
        Warning(
            f"SAMPARK_EMBEDDER {conf.get('BACKEND')!r} cannot be loaded: {why}",
            hint="Install the ML extra (pip install 'sampark[ml]') or use the lexical default.",
            id="sampark.factcheck.W001",
        )
    ]
