"""Background work for people (registered with the core task queue)."""

from __future__ import annotations

from typing import Any

from sampark.core.tasks import task
from sampark.people import importer


@task("people.import", atomic=False)
def import_job_run(job_id: int) -> dict[str, Any]:
    """Run an uploaded import job; re-running resumes after its last committed chunk."""
    return importer.job_run(job_id=job_id)
