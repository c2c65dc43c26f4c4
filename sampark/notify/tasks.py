"""The notify worker step (SAMPARK_WORKER_STEPS["notify"]): pull what the apps below raised,
page the duty shift for escalated incidents, make the daily digests, then send."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sampark.notify import delivery, pull

logger = logging.getLogger(__name__)

# (source, at most once every N seconds): new signals every pass; the sweeps over whole tables
# (directives falling due or unacknowledged, finished jobs, digests) once a minute.
SOURCES: list[tuple[Callable[[], int], float]] = [
    (pull.new_incidents, 0),
    (pull.pages, 0),
    (pull.new_directives, 0),
    (pull.approvals, 0),
    (pull.directive_reminders, 60),
    (pull.directive_escalations, 60),
    (pull.jobs_finished, 60),
    (pull.imports_finished, 60),
    (pull.digests, 60),
]


def run_once(*, owner: str, last: dict[str, float] | None = None) -> int:
    """One pass over the sources that are due, then one batch of sending; how much was done."""
    last = {} if last is None else last
    done = 0
    for source, every in SOURCES:
        name = source.__name__
        if every and time.monotonic() - last.get(name, -every) < every:
            continue
        last[name] = time.monotonic()
        try:
            done += source()
        except Exception:
            # One broken source must not stop the others (pages above all).
            logger.exception("notify source %s failed", name)
    return done + delivery.send_batch(owner=owner)


def make_step(owner: str) -> Callable[[], int]:
    """Worker step: pull signals into inboxes and send what is due."""
    last: dict[str, float] = {}

    def step() -> int:
        return run_once(owner=owner, last=last)

    return step
