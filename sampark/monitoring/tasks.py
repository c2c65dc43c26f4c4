"""Worker entry points of listening (SAMPARK_WORKER_STEPS): each returns what one round calls."""

from __future__ import annotations

from collections.abc import Callable

from sampark.monitoring import polling, processing


def make_pipeline_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["pipeline"]): process one inbox batch."""
    processor = processing.Processor()
    return lambda: processor.run_batch(owner=owner)


def make_poll_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["poll"]): poll the sources that are due."""
    return lambda: polling.poll_due()
