"""Worker entry points of fact-checks (SAMPARK_WORKER_STEPS)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sampark.core.tasks import task
from sampark.factcheck import embedding, importers


def make_embed_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["embed"]): embed a batch when hybrid matching is on."""
    return lambda: embedding.embed_missing() if embedding.hybrid_on() else 0


@task("factcheck.import_file")
def import_file_run(
    stored: str, name: str, source: str = "", actor_id: int | None = None
) -> dict[str, Any]:
    """Import an uploaded fact-check file too large for the web request."""
    return importers.import_queued(stored=stored, name=name, source=source, actor_id=actor_id)
