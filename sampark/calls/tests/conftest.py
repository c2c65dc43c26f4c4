import pytest

from sampark.calls import services
from sampark.calls.tests.fixtures import (  # noqa: F401
    agent1,
    agent2,
    agent_other,
    campaign,
    persons,
    script,
    supervisor,
)


@pytest.fixture(autouse=True)
def _fresh_calendar() -> None:
    """Each test reads the poll calendar it wrote (the service shares one for a minute)."""
    services._CALENDAR.clear()
    services.forget_rules()
