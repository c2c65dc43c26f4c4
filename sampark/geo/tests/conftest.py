"""Fixtures for the geo tests (kept in fixtures.py; imported here so pytest finds them)."""

from sampark.geo.tests.fixtures import state_dir  # noqa: F401
