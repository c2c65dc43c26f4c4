"""The factcheck app's Ninja router (one Router per app, mounted in sampark/api.py)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["factcheck"])
