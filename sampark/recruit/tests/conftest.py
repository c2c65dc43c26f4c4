"""Fixtures for the recruit tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sampark.people.sms import locmem


@pytest.fixture
def sms_outbox() -> Iterator[list[locmem.SentSms]]:
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()
