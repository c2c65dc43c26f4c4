"""Background work for people (registered with the core task queue) and the "privacy" step."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from sampark.core.tasks import task
from sampark.people import importer, privacy
from sampark.people.models import RightsCode

logger = logging.getLogger(__name__)


@task("people.import", atomic=False)
def import_job_run(job_id: int) -> dict[str, Any]:
    """Run an uploaded import job; re-running resumes after its last committed chunk."""
    return importer.job_run(job_id=job_id)


def rights_codes_sweep(*, now: dt.datetime) -> int:
    """Codes of the public "my data" page, a day after they expired."""
    return RightsCode.objects.filter(expires_at__lt=now - dt.timedelta(days=1)).delete()[0]


def make_privacy_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["privacy"]): one batch of every retention sweep
    registered with `people.privacy` (listening authors, delivery addresses, ...)."""

    def step() -> int:
        now = timezone.now()
        done = rights_codes_sweep(now=now)
        for name, sweep in sorted(privacy.retention_sweeps().items()):
            try:
                done += sweep(now=now)
            except Exception:
                # One app's failure must not stop the others' retention.
                logger.exception("retention sweep %s failed", name)
        return done

    return step
