"""Worker entry points of fact-checks (SAMPARK_WORKER_STEPS)."""

from __future__ import annotations

from collections.abc import Callable

from sampark.factcheck import embedding


def make_embed_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["embed"]): embed a batch when hybrid matching is on."""
    return lambda: embedding.embed_missing() if embedding.hybrid_on() else 0
