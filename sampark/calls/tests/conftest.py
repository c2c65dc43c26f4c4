from sampark.calls.tests.fixtures import (  # noqa: F401
    agent1,
    agent2,
    agent_other,
    campaign,
    persons,
    script,
    supervisor,
)
