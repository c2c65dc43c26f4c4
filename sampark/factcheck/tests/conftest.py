"""Fixtures of the fact-check tests: an analyst persona, the fake HTTP server, a clean index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.factcheck import services
from sampark.integrations.tests.fakes import FakeServer


@pytest.fixture
def analyst(tree):
    return make_user("analyst", tree.state, Role.ANALYST)


@pytest.fixture
def fake_http() -> Iterator[FakeServer]:
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    # The index is process-wide; tests roll the table back under it.
    services.match_index_reset()
    yield
    services.match_index_reset()
