"""A loopback fake of the outside services for every connector test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sampark.integrations.tests.fakes import FakeServer


@pytest.fixture
def fake_http() -> Iterator[FakeServer]:
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()
