"""The events worker step (SAMPARK_WORKER_STEPS["events"]): reminders before events."""

from __future__ import annotations

import time
from collections.abc import Callable

from sampark.events import messaging


def make_step(owner: str) -> Callable[[], int]:
    """Worker step: queue the day-before and two-hours-before reminders that fell due."""

    last = [0.0]

    def step() -> int:
        # Reminders are due by the minute: look twice a minute, not every round.
        if time.monotonic() - last[0] < 30:
            return 0
        last[0] = time.monotonic()
        return messaging.reminders_send()

    return step
