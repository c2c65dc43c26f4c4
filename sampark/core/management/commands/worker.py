"""`sampark worker`: run the background steps (tasks, listening pipeline, polling) until SIGTERM."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from sampark.core import supervise, tasks
from sampark.core.worker import Worker

logger = logging.getLogger(__name__)


def build_steps(owner: str, only: list[str] | None = None) -> dict[str, Callable[[], int]]:
    """The configured worker steps (SAMPARK_WORKER_STEPS), optionally a subset by name."""
    conf: dict[str, str] = settings.SAMPARK_WORKER_STEPS
    names = only or list(conf)
    unknown = [n for n in names if n not in conf]
    if unknown:
        raise CommandError(f"unknown worker step(s) {unknown}; known: {sorted(conf)}")
    return {name: import_string(conf[name])(owner) for name in names}


class Command(BaseCommand):
    help = "Run the worker: queued tasks, the listening pipeline and source polling."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", action="append", help="run only this step (repeatable): tasks, pipeline, poll"
        )
        parser.add_argument("--once", action="store_true", help="run one round and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = tasks.worker_id()
        steps = build_steps(owner, options["only"])

        def round_() -> int:
            done = 0
            for name, step in steps.items():
                try:
                    done += step()
                except Exception:  # one broken step must not stop the others
                    logger.exception("worker step %s failed", name)
            return done

        if options["once"]:
            self.stdout.write(f"processed {round_()}")
            return
        worker = Worker(round_, idle_sleep=settings.WORKER_SLEEP_SECONDS)
        worker.install_signal_handlers()
        supervise.die_with_parent()  # started by `sampark start`: never outlive it
        self.stdout.write(f"worker {owner} started: {', '.join(steps)}")
        worker.run_forever()
