"""The one NinjaAPI; each app contributes a Router. OpenAPI docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import django_auth

from sampark.accounts.api import router as accounts_router
from sampark.analytics.api import router as analytics_router
from sampark.calls.api import router as calls_router
from sampark.content.api import router as content_router
from sampark.directives.api import router as directives_router
from sampark.events.api import router as events_router
from sampark.factcheck.api import router as factcheck_router
from sampark.geo.api import router as geo_router
from sampark.groups.api import router as groups_router
from sampark.monitoring.api import router as monitoring_router
from sampark.notify.api import router as notify_router
from sampark.people.api import router as people_router
from sampark.warroom.api import router as warroom_router

api = NinjaAPI(title="Sampark API", version="1", auth=django_auth, urls_namespace="api")
api.add_router("/accounts/", accounts_router)
api.add_router("/geo/", geo_router)
api.add_router("/people/", people_router)
api.add_router("/directives/", directives_router)
api.add_router("/notify/", notify_router)
api.add_router("/events/", events_router)
api.add_router("/analytics/", analytics_router)
api.add_router("/monitoring/", monitoring_router)
api.add_router("/groups/", groups_router)
api.add_router("/content/", content_router)
api.add_router("/factcheck/", factcheck_router)
api.add_router("/warroom/", warroom_router)
api.add_router("/calls/", calls_router)
