"""A small task queue on the project's own database (transactional outbox).

`enqueue` writes the task row in the caller's transaction, so work is queued exactly when the
state change that needs it commits. Workers `claim` batches under a lease and `run` them; a task
whose worker died is claimed again when its lease expires, so handlers must be idempotent.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sampark.core.models import Task, TaskStatus
from sampark.core.worker import shutdown_requested

logger = logging.getLogger(__name__)

Handler = Callable[..., dict[str, Any] | None]
_REGISTRY: dict[str, Handler] = {}
# Handlers that commit their own work in chunks (long imports) run outside a transaction.
_NON_ATOMIC: set[str] = set()
LEASE = timedelta(minutes=5)


def task(name: str, *, atomic: bool = True) -> Callable[[Handler], Handler]:
    """Register a handler under a stable name (payload keys become keyword arguments).

    `atomic=False` is for long handlers that commit chunk by chunk and resume after a crash.
    """

    def register(func: Handler) -> Handler:
        _REGISTRY[name] = func
        if not atomic:
            _NON_ATOMIC.add(name)
        return func

    return register


def registered() -> dict[str, Handler]:
    return dict(_REGISTRY)


def enqueue(name: str, /, **payload: Any) -> Task:
    """Queue a task in the current transaction."""
    return Task.objects.create(name=name, payload=payload)


def enqueue_at(name: str, when: datetime, /, **payload: Any) -> Task:
    """Queue a task in the current transaction, due at `when`."""
    return Task.objects.create(name=name, payload=payload, run_after=when)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(*, limit: int, owner: str, names: list[str] | None = None) -> list[Task]:
    """Claim up to `limit` due tasks for `owner`; safe with any number of workers."""
    now = timezone.now()
    due = Q(status=TaskStatus.QUEUED, run_after__lte=now) | Q(
        status=TaskStatus.RUNNING, locked_until__lt=now
    )
    with transaction.atomic():
        qs = Task.objects.filter(due)
        if names:
            qs = qs.filter(name__in=names)
        ids = list(
            qs.select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        Task.objects.filter(id__in=ids).update(
            status=TaskStatus.RUNNING, locked_by=owner, locked_until=now + LEASE
        )
        return list(Task.objects.filter(id__in=ids).order_by("id"))


def run(item: Task, *, owner: str) -> bool:
    """Run one claimed task; returns True when it finished."""
    handler = _REGISTRY.get(item.name)
    attempts = item.attempts + 1
    if handler is None:
        Task.objects.filter(id=item.id, locked_by=owner).update(
            status=TaskStatus.FAILED, attempts=attempts, last_error=f"no handler {item.name!r}"
        )
        return False
    try:
        if item.name in _NON_ATOMIC:
            result = handler(**item.payload) or {}
        with transaction.atomic():
            if item.name not in _NON_ATOMIC:
                result = handler(**item.payload) or {}
            # Finishing is conditional on still holding the lease: a worker that lost it
            # (lease expired, someone else claimed) must not mark the task done.
            Task.objects.filter(id=item.id, locked_by=owner).update(
                status=TaskStatus.DONE,
                attempts=attempts,
                result=result,
                finished_at=timezone.now(),
                locked_until=None,
            )
        return True
    except Exception as exc:
        logger.exception("task failed", extra={"task_id": item.id, "task": item.name})
        final = attempts >= item.max_attempts
        Task.objects.filter(id=item.id, locked_by=owner).update(
            status=TaskStatus.FAILED if final else TaskStatus.QUEUED,
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            run_after=timezone.now() + timedelta(seconds=min(2**attempts, 600)),
            locked_until=None,
        )
        return False


def release(*, ids: list[int], owner: str) -> int:
    """Give back claimed tasks not started (the worker is stopping); they are due at once."""
    return Task.objects.filter(id__in=ids, locked_by=owner, status=TaskStatus.RUNNING).update(
        status=TaskStatus.QUEUED, locked_by="", locked_until=None
    )


def run_pending(*, limit: int = 100, owner: str | None = None) -> int:
    """Claim and run one batch in this process; returns how many tasks were claimed."""
    owner = owner or worker_id()
    batch = claim(limit=limit, owner=owner)
    for index, item in enumerate(batch):
        if shutdown_requested():
            # Stopping (SIGTERM): the rest go back to the queue now, not after the lease.
            release(ids=[t.id for t in batch[index:]], owner=owner)
            break
        run(item, owner=owner)
    return len(batch)


def make_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS): run one batch of queued tasks."""
    return lambda: run_pending(limit=20, owner=owner)


@dataclass(frozen=True)
class QueuedFile:
    """What became of a file queued for the worker, for the page its uploader sees."""

    task_id: int
    filename: str
    queued_at: datetime
    # waiting | retrying | done | refused (the file was read and turned down) | failed
    state: str
    reason: str = ""


def queued_files(*, name: str, days: int = 7, **payload: Any) -> list[QueuedFile]:
    """The recent tasks `name` whose payload holds these values (e.g. the uploader's id),
    newest first, with their outcome."""
    qs = Task.objects.filter(name=name, created_at__gte=timezone.now() - timedelta(days=days))
    for key, value in payload.items():
        qs = qs.filter(**{f"payload__{key}": value})
    return [_outcome(t) for t in qs.order_by("-id")[:20]]


def _outcome(t: Task) -> QueuedFile:
    result = t.result if isinstance(t.result, dict) else {}
    filename = str(t.payload.get("filename") or t.payload.get("name") or "")
    if t.status == TaskStatus.FAILED or (t.status == TaskStatus.DONE and "missing" in result):
        state, reason = "failed", ""
    elif t.status == TaskStatus.DONE and "refused" in result:
        state, reason = "refused", str(result["refused"])
    elif t.status == TaskStatus.DONE:
        state, reason = "done", ""
    else:
        state, reason = ("retrying" if t.attempts else "waiting"), ""
    return QueuedFile(t.id, filename, t.created_at, state, reason)
