"""HTTP API of the people app (mounted at /api/people/ by sampark.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["people"])
