"""Fixtures for the analytics tests (kept in fixtures.py; imported here so pytest finds them)."""

from sampark.analytics.tests.fixtures import mandal_user, pc_user, staffed  # noqa: F401
