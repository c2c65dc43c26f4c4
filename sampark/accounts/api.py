"""HTTP API of the accounts app (mounted at /api/accounts/ by sampark.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["accounts"])
