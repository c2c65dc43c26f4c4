"""The notify worker step (SAMPARK_WORKER_STEPS["notify"]): pull what the apps below raised,
page the duty shift for escalated incidents, make the daily digests, then send."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sampark.notify import delivery, pull

logger = logging.getLogger(__name__)

SOURCES: list[Callable[[], int]] = [
    pull.new_incidents,
    pull.pages,
    pull.new_directives,
    pull.directive_reminders,
    pull.directive_escalations,
    pull.approvals,
    pull.jobs_finished,
    pull.digests,
]


def run_once(*, owner: str) -> int:
    """One pass over every source, then one batch of sending; how much was done."""
    done = 0
    for source in SOURCES:
        try:
            done += source()
        except Exception:
            # One broken source must not stop the others (pages above all).
            logger.exception("notify source %s failed", source.__name__)
    return done + delivery.send_batch(owner=owner)


def make_step(owner: str) -> Callable[[], int]:
    """Worker step: pull signals into inboxes and send what is due."""

    def step() -> int:
        return run_once(owner=owner)

    return step
