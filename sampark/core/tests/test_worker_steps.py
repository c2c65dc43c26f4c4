"""SAMPARK_WORKER_STEPS names real entry points (they live in each app's tasks.py)."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


def test_every_configured_step_is_importable():
    for name, path in settings.SAMPARK_WORKER_STEPS.items():
        assert callable(import_string(path)), name
