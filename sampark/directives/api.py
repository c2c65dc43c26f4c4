"""HTTP API of the directives app (mounted at /api/directives/ by sampark.api)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["directives"])
