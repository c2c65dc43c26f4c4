"""HTTP API of the analytics app (mounted at /api/analytics/ by sampark.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["analytics"])
