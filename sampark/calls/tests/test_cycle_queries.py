"""The console's cycle stays a handful of round trips (issue #15: p95 ≤ 200 ms at 2,000 agents).

One cycle — next contact, dial, save the disposition with answers and a note — was 40 queries
(with the rules loaded twice); it is 21 on SQLite in a test transaction, savepoints included.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from sampark.accounts.models import User
from sampark.calls import services
from sampark.calls.models import Campaign
from sampark.calls.tests.fixtures import DAY

pytestmark = pytest.mark.django_db

CYCLE_MAX_QUERIES = 21


def _cycle(agent: User, campaign: Campaign) -> None:
    contact = services.contact_next(agent=agent, campaign=campaign)
    assert contact is not None
    attempt = services.call_start(agent=agent, contact_id=contact.id)
    services.disposition_save(
        agent=agent,
        attempt_id=attempt.id,
        disposition="completed",
        answers={"attend": "yes", "count": "4", "topics": ["it"]},
        note="आएँगे",
    )


def test_one_console_cycle_stays_within_its_query_budget(
    campaign: Campaign, agent1: User, django_assert_max_num_queries: Any
) -> None:
    # given an agent who has worked one contact already (the calendar and script are loaded)
    with time_machine.travel(DAY, tick=False):
        _cycle(agent1, campaign)
        agent = User.objects.get(id=agent1.id)  # a fresh request's user
        # when the agent works the next contact, then the whole cycle fits the budget
        with django_assert_max_num_queries(CYCLE_MAX_QUERIES):
            _cycle(agent, campaign)
    # and both contacts were worked
    assert campaign.contacts.filter(status="done").count() == 2
