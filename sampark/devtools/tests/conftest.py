"""Fixtures for the devtools tests (the war-room demo's needs come from the war-room tests)."""

from sampark.warroom.tests.fixtures import _fresh_match_index, fact_check  # noqa: F401
