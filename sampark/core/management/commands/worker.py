"""`sampark worker`: run background tasks until SIGTERM."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sampark.core import tasks
from sampark.core.worker import Worker


class Command(BaseCommand):
    help = "Run the task worker (claims batches from the task table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=20)
        parser.add_argument("--once", action="store_true", help="run one batch and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = tasks.worker_id()
        if options["once"]:
            count = tasks.run_pending(limit=options["batch"], owner=owner)
            self.stdout.write(f"processed {count}")
            return
        worker = Worker(
            lambda: tasks.run_pending(limit=options["batch"], owner=owner),
            idle_sleep=settings.WORKER_SLEEP_SECONDS,
        )
        worker.install_signal_handlers()
        self.stdout.write(f"worker {owner} started")
        worker.run_forever()
