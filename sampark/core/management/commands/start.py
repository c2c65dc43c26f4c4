"""`sampark start`: the main job on one machine — migrate, load the demo once, web + worker."""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

from sampark.core.supervise import Stop, Supervisor


class Command(BaseCommand):
    help = "Migrate, load the UP demo if the database is empty, and serve web + worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.getenv("SAMPARK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.getenv("SAMPARK_PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-demo", action="store_true", help="do not load the demo data")
        parser.add_argument("--no-worker", action="store_true", help="serve web only")
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=float(os.getenv("SAMPARK_STOP_TIMEOUT", "30")),
            help="seconds the worker gets to finish its item after SIGTERM before SIGKILL",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import create_server

        from sampark.wsgi import application

        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        # The demo is development tooling, reached by its command name only: a deployment that
        # leaves the tooling app out of INSTALLED_APPS still starts.
        if not options["no_demo"]:
            if "demo" not in get_commands():
                self.stdout.write("the demo command is not installed; starting without the demo")
            else:
                # The demo command knows whether the tree is there (core sits below geo).
                call_command("demo", "load", "--scale", "small", "--if-empty", stdout=self.stdout)
        # SIGTERM (a process manager) and SIGINT (Ctrl+C) stop web and worker together; a
        # worker that dies stops the web server too, and `start` then exits non-zero (#12).
        supervisor = Supervisor(stop_timeout=options["stop_timeout"])
        supervisor.install_signal_handlers()
        logging.basicConfig()  # waitress logs its warnings through the root logger
        server = None
        try:
            if not options["no_worker"]:
                supervisor.spawn([sys.executable, "-m", "sampark", "worker"], name="worker")
            server = create_server(
                application, host=options["host"], port=options["port"], threads=options["threads"]
            )
            url = f"http://{options['host']}:{options['port']}"
            self.stdout.write(f"\nSampark is running at {url}  (Ctrl+C stops web and worker)\n")
            server.run()  # returns when a stop signal raises Stop (a SystemExit) in this thread
        except Stop:
            pass  # the signal came before the server loop: stop the same way
        finally:
            if server is not None:
                server.close()
            code = supervisor.stop()
        if code:
            self.stderr.write(f"stopped with errors: {', '.join(supervisor.failed) or 'a worker'}")
            sys.exit(code)
