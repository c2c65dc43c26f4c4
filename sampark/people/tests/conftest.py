"""Fixtures for the people tests (kept in fixtures.py; imported here so pytest finds them)."""

from sampark.people.tests.fixtures import (  # noqa: F401
    booth2,
    dave,
    far_booth,
    far_person,
    pending,
    sita,
    sms_outbox,
)
