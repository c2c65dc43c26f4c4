"""Import jobs: the uploaded file with its column choices and options, queued for the worker,
run (or resumed) by the `people.import` task, and shown to those whose subtree holds its unit."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_noop

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.geo.models import Unit
from sampark.people.importer.errors import ImportFileError
from sampark.people.importer.run import import_file
from sampark.people.models import ImportJob


def import_jobs_visible(*, user: User) -> QuerySet[ImportJob]:
    """Import jobs whose scope lies in the user's subtree, newest first."""
    return (
        ImportJob.objects.filter(scope_q(user=user, field="scope"))
        .select_related("scope", "created_by")
        .order_by("-created_at", "-id")
    )


def access_import_job(*, user: User, job_id: int) -> ImportJob:
    """Return the job if its scope lies in the user's subtree, else 404."""
    return get_object_or_404(import_jobs_visible(user=user), id=job_id)


def job_settings(
    *,
    columns: Mapping[str, str],
    verify: bool = False,
    default_position: str = "",
    notice_version: str = "",
) -> dict[str, Any]:
    """The `ImportJob.mapping` document: column choices and run options (progress is added
    by the run)."""
    return {
        "columns": dict(columns),
        "options": {
            "verify": verify,
            "default_position": default_position,
            "notice_version": notice_version,
        },
    }


def job_options(job: ImportJob) -> dict[str, Any]:
    return dict((job.mapping or {}).get("options") or {})


def job_columns(job: ImportJob) -> dict[str, str]:
    """The job's explicit column mapping {source header: field}."""
    return dict((job.mapping or {}).get("columns") or {})


def job_errors_omitted(job: ImportJob) -> int:
    return int(((job.mapping or {}).get("progress") or {}).get("errors_omitted") or 0)


def job_counts(job: ImportJob) -> dict[str, int]:
    progress = (job.mapping or {}).get("progress") or {}
    return {
        "total": job.rows_total,
        "created": job.rows_created,
        "updated": job.rows_updated,
        "unchanged": job.rows_unchanged,
        "failed": job.rows_failed,
        **{
            key: int(progress.get(key) or 0)
            for key in ("assignments", "verified", "flags", "consents", "errors_omitted")
        },
    }


def import_job_create(
    *,
    scope: Unit,
    actor: User | None,
    filename: str,
    file: Any = "",
    settings: Mapping[str, Any] | None = None,
    status: str = ImportJob.Status.QUEUED,
) -> ImportJob:
    """Store a new import job (the upload, or a console run)."""
    with transaction.atomic():
        job = ImportJob(
            created_by=actor if actor is not None and actor.pk else None,
            scope=scope,
            filename=filename[:200],
            mapping=dict(settings or job_settings(columns={})),
            status=status,
        )
        if file:
            job.file.save(Path(filename).name or "import.csv", file, save=False)
        job.save()
        return job


def import_job_queue(*, job: ImportJob, settings: Mapping[str, Any]) -> ImportJob:
    """Save the mapping step's choices and queue the job's run."""
    from sampark.core.tasks import enqueue

    with transaction.atomic():
        job.mapping = dict(settings)
        job.status = ImportJob.Status.QUEUED
        job.save(update_fields=["mapping", "status"])
        enqueue("people.import", job_id=job.pk)
    return job


def import_job_fail(*, job: ImportJob, error: ImportFileError) -> None:
    """Mark a job failed because its file cannot be read (the mapping step found out)."""
    with transaction.atomic():
        ImportJob.objects.filter(id=job.pk).update(
            status=ImportJob.Status.FAILED, errors=[error.as_error()], finished_at=timezone.now()
        )


def job_run(*, job_id: int) -> dict[str, Any]:
    """Run (or resume) an import job; a job already done is left as it is.

    Errors are stored language-neutral (`importer.errors`), so the run needs no language.
    """
    job = ImportJob.objects.select_related("scope", "created_by").filter(id=job_id).first()
    if job is None:
        return {"missing": job_id}
    if job.status == ImportJob.Status.DONE:
        return {"job_id": job.pk, **job_counts(job)}
    options = job_options(job)
    ImportJob.objects.filter(id=job.pk).update(status=ImportJob.Status.RUNNING)
    try:
        if not job.file:
            raise ImportFileError(gettext_noop("The job has no file."))
        with job.file.open("rb") as handle:
            report = import_file(
                source=handle,
                filename=job.filename,
                scope=job.scope,
                actor=job.created_by,
                mapping=job_columns(job),
                verify=bool(options.get("verify")),
                default_position=str(options.get("default_position") or ""),
                notice_version=str(options.get("notice_version") or ""),
                job=job,
            )
    except ImportFileError as exc:
        error = exc.as_error()
        ImportJob.objects.filter(id=job.pk).update(
            status=ImportJob.Status.FAILED, errors=[error], finished_at=timezone.now()
        )
        return {"job_id": job.pk, "failed": error["reason"]}
    except Exception:
        # Leave the progress for the retry (the task queue runs the job again, which
        # resumes after the last committed chunk); show the job as failed meanwhile.
        ImportJob.objects.filter(id=job.pk).update(status=ImportJob.Status.FAILED)
        raise
    return report.as_dict(with_errors=False)
