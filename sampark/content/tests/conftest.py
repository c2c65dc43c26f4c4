"""Fixtures for the content tests (kept in fixtures.py; imported here so pytest finds them)."""

from sampark.content.tests.fixtures import kit, volunteers, writer  # noqa: F401
