"""Worker entry points of content: the expand task (core task queue) and the sender step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sampark.content import expansion, sending
from sampark.core.tasks import task


@task("content.expand")
def expand_task(*, distribution_id: int) -> dict[str, Any]:
    """Write the outbox rows of a distribution that fell due (queued by distribution_create)."""
    return {"deliveries": expansion.expand(distribution_id=distribution_id)}


def make_send_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["send"]): one batch per channel."""
    return sending.Sender(owner=owner).step
