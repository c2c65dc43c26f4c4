"""Fixtures for the war-room tests (kept in fixtures.py; imported here so pytest finds them)."""

from sampark.content.tests.fixtures import volunteers, writer  # noqa: F401
from sampark.warroom.tests.fixtures import (  # noqa: F401
    _fresh_match_index,
    analyst,
    analyst2,
    fact_check,
    incident,
    outsider_analyst,
    submitted,
    template_en,
    template_hi,
)
