"""The shared worker loop (healthchecks `sendalerts`, zulip `QueueProcessingWorker`).

Claim a batch, process each item in its own transaction, keep going when one fails, sleep when
idle, stop cleanly on SIGTERM/SIGINT after the current item.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from django.db import close_old_connections

logger = logging.getLogger(__name__)


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
        self.stopping.set()

    def stop(self) -> None:
        self.stopping.set()

    def run_forever(self) -> None:
        while not self.stopping.is_set():
            close_old_connections()
            try:
                done = self.step()
            except Exception:
                logger.exception("worker step failed")
                done = 0
            if not done:
                self.stopping.wait(self.idle_sleep)
