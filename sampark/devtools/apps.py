from __future__ import annotations

from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """No models: the app is installed for its management commands only."""

    name = "sampark.devtools"
    label = "devtools"
