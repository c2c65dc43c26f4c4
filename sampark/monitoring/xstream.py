"""The X filtered stream as a source (issue #17): the "xstream" worker step.

Each enabled `x_stream` source is read by one worker process at a time: the step holds the
source under a lease (`locked_until`, renewed every round, conditional UPDATE on the holder
kept in `cursor["holder"]`) and runs `integrations.x.run_stream` in a thread, which reconnects
with X's documented back-off. The thread only reads the network: it puts posts on a bounded
queue, and the step drains the queue into the inbox (`services.posts_ingest`) on the worker's
own database connection, so posts enter the pipeline like any other source's. A source paused,
deleted or taken over by another worker (its lease ran out) has its thread stopped.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from pipeline.types import RawPost
from sampark.core import worker
from sampark.integrations import x
from sampark.monitoring import services
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Source

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
QUEUE_MAX = 10_000
DRAIN_MAX = 1_000


@dataclass
class _Running:
    thread: threading.Thread
    stop: threading.Event
    posts: queue.Queue[RawPost] = field(default_factory=lambda: queue.Queue(QUEUE_MAX))


class StreamManager:
    """The streams this worker process reads, by source id."""

    def __init__(self, owner: str, *, runner: Callable[..., None] = x.run_stream) -> None:
        self.owner = owner
        self.runner = runner
        self.running: dict[int, _Running] = {}

    def _hold(self, source_id: int) -> bool:
        """Take or renew the lease on a stream source; False if another worker holds it."""
        now = timezone.now()
        free = Q(locked_until=None) | Q(locked_until__lt=now) | Q(cursor__holder=self.owner)
        return bool(
            Source.objects.filter(Q(id=source_id) & free).update(
                locked_until=now + LEASE, cursor={"holder": self.owner}, last_polled_at=now
            )
        )

    def _start(self, source: Source) -> None:
        stop = threading.Event()
        posts: queue.Queue[RawPost] = queue.Queue(QUEUE_MAX)
        config: dict[str, Any] = dict(source.config)
        thread = threading.Thread(
            target=self.runner,
            args=(config, posts.put, stop),
            name=f"xstream-{source.id}",
            daemon=True,
        )
        self.running[source.id] = _Running(thread=thread, stop=stop, posts=posts)
        thread.start()

    def stop(self, source_id: int) -> None:
        run = self.running.pop(source_id, None)
        if run is not None:
            run.stop.set()
            self._drain(source_id, run)

    def stop_all(self) -> None:
        for source_id in list(self.running):
            self.stop(source_id)

    def _drain(self, source_id: int, run: _Running) -> int:
        batch: list[RawPost] = []
        while len(batch) < DRAIN_MAX:
            try:
                batch.append(run.posts.get_nowait())
            except queue.Empty:
                break
        if not batch:
            return 0
        source = Source.objects.filter(id=source_id).first()
        if source is None:
            return 0
        report = services.posts_ingest(source=source, posts=batch)
        Source.objects.filter(id=source_id).update(last_ok_at=timezone.now(), last_error="")
        return report.new

    def round(self) -> int:
        """Start, keep or stop streams; move what they read into the inbox. Returns posts
        stored (0 when idle, so the worker sleeps between rounds)."""
        if worker.shutdown_requested():
            self.stop_all()
            return 0
        wanted = set(
            Source.objects.filter(kind=SourceKind.X_STREAM, enabled=True).values_list(
                "id", flat=True
            )
        )
        for source_id in list(self.running):
            if source_id not in wanted or not self._hold(source_id):
                self.stop(source_id)
        for source in Source.objects.filter(id__in=wanted - set(self.running)):
            if self._hold(source.id):
                self._start(source)
        stored = 0
        for source_id, run in list(self.running.items()):
            stored += self._drain(source_id, run)
            if not run.thread.is_alive():  # it raised (bad config): try again next round
                logger.warning("X stream of source %s ended; restarting", source_id)
                self.running.pop(source_id, None)
        return stored


def make_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["xstream"])."""
    return StreamManager(owner).round
