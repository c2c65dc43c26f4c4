"""The results worker step (SAMPARK_WORKER_STEPS["results"]).

It keeps the booth strength snapshot fresh (every RESULTS_REFRESH_MINUTES) and, from 07:00 in
the project's time zone (IST), writes today's morning brief for every subscriber and e-mails it
to those who asked. Both are idempotent per day: a brief is one row per role, unit, day and
language, an e-mail one row per brief and user, so a restarted worker repeats nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from sampark.geo import selectors as geo_selectors
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.results import services
from sampark.results.models import BoothStrength, Brief

logger = logging.getLogger(__name__)

BRIEF_AT = dt.time(7, 0)


def _url(brief: Brief) -> str:
    path = reverse("results:brief_day", kwargs={"day": brief.day.isoformat()})
    return str(settings.SITE_URL).rstrip("/") + path


def refresh_due(now: dt.datetime) -> bool:
    latest = BoothStrength.objects.aggregate(at=Max("computed_at"))["at"]
    minutes = int(getattr(settings, "RESULTS_REFRESH_MINUTES", 60))
    return latest is None or now - latest >= dt.timedelta(minutes=minutes)


# Days this process has written the briefs for (one pass a day; the pass itself is idempotent,
# so another worker or a restart repeating it writes and sends nothing twice).
_briefed: set[dt.date] = set()


def briefs_due(now: dt.datetime) -> bool:
    """From 07:00 local time, once a day per worker process."""
    local = timezone.localtime(now)
    return local.time() >= BRIEF_AT and local.date() not in _briefed


def run_once(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    done = 0
    if geo_selectors.tree_exists() and refresh_due(now):
        for path in Unit.objects.filter(level=Level.STATE).values_list("path", flat=True):
            done += services.refresh_strength(state=path, now=now)
    done += services.run_exports()
    if briefs_due(now):
        done += services.morning_briefs(now=now, url_of=_url)
        _briefed.add(timezone.localdate(now))
    return done


def make_step(owner: str) -> Callable[[], int]:
    """Worker step: refresh the strength snapshot when stale; write the morning briefs."""
    return lambda: run_once()
