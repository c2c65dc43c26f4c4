"""The embedder system check warns instead of crashing."""

from __future__ import annotations

from django.test import override_settings

from sampark.factcheck.checks import embedder_available


def test_the_default_embedder_passes() -> None:
    assert embedder_available() == []


@override_settings(SAMPARK_EMBEDDER={"BACKEND": "pipeline.backends.no_such_backend"})
def test_a_missing_backend_is_a_warning() -> None:
    (warning,) = embedder_available()
    assert warning.id == "sampark.factcheck.W001"
    assert "no_such_backend" in warning.msg
