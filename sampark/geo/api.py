"""HTTP API of the geo app (mounted at /api/geo/ by sampark.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["geo"])
