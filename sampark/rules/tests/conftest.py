"""Fixtures for the rules tests (kept in fixtures.py; imported here so pytest finds them)."""

from sampark.rules.tests.fixtures import person  # noqa: F401
