"""Worker entry points of listening (SAMPARK_WORKER_STEPS): each returns what one round calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sampark.core.tasks import task
from sampark.monitoring import polling, processing, services


def make_pipeline_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["pipeline"]): process one inbox batch."""
    processor = processing.Processor()
    return lambda: processor.run_batch(owner=owner)


def make_poll_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["poll"]): poll the sources that are due."""
    return lambda: polling.poll_due()


@task("monitoring.export_ingest")
def export_ingest_run(
    source_id: int, name: str, filename: str, actor_id: int | None = None
) -> dict[str, Any]:
    """Import a chat export too large for the web request (queued by `services.export_queue`)."""
    return services.export_ingest_queued(
        source_id=source_id, name=name, filename=filename, actor_id=actor_id
    )
