"""Fixtures for the notify tests (kept in fixtures.py; imported here so pytest finds them)."""

from sampark.notify.tests.fixtures import analyst, lead, outsider_analyst  # noqa: F401
