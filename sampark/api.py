"""The one NinjaAPI; each app contributes a Router. OpenAPI docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(title="Sampark API", version="1", auth=django_auth, urls_namespace="api")
