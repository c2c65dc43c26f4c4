"""The shared worker loop (healthchecks `sendalerts`, zulip `QueueProcessingWorker`).

Claim a batch, process each item in its own transaction, keep going when one fails, sleep when
idle, stop cleanly on SIGTERM/SIGINT after the current item. A step that claims a batch asks
`shutdown_requested()` between items and releases what it has not started, so another worker
takes it at once instead of after the lease (issue #12). A worker started by `sampark start`
stops when its parent dies (`supervise.die_with_parent`, and the `parent_gone` check here).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from django.db import close_old_connections, connections

from sampark.core import supervise

logger = logging.getLogger(__name__)
# Set by the signal handler: the whole process is stopping (steps release their batches).
_SHUTDOWN = threading.Event()


def shutdown_requested() -> bool:
    """True once this process was asked to stop: finish the current item, release the rest."""
    return _SHUTDOWN.is_set()


class Worker:
    """Run `step` until asked to stop; `step` returns how many items it processed."""

    def __init__(self, step: Callable[[], int], *, idle_sleep: float = 2.0) -> None:
        self.step = step
        self.idle_sleep = idle_sleep
        self.stopping = threading.Event()

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        logger.info("worker stopping after the current item (signal %s)", signum)
        _SHUTDOWN.set()
        self.stopping.set()

    def stop(self) -> None:
        self.stopping.set()

    def run_forever(self) -> None:
        while not self.stopping.is_set():
            if supervise.parent_gone():
                logger.warning("worker stopping: the process that started it is gone")
                break
            close_old_connections()
            try:
                done = self.step()
            except Exception:
                logger.exception("worker step failed")
                done = 0
            if not done:
                self.stopping.wait(self.idle_sleep)
        connections.close_all()  # give the database connection back before the process ends
