"""`sampark results import|summary`: load past results and print the seats they give."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sampark.results import selectors, services
from sampark.results.enums import Kind


class Command(BaseCommand):
    help = "Import past election results, or print the seats an election gave each party."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="read the results files (idempotent)")
        imp.add_argument("--data", default=str(Path(settings.DATA_DIR) / "geo-up"))
        imp.add_argument("--state", default="UP")
        imp.add_argument("--party", default=None, help="the organisation's party (else settings)")
        imp.add_argument("--json", action="store_true")
        refresh = sub.add_parser("refresh", help="recompute the booth strength snapshot")
        refresh.add_argument("--state", default="UP")
        summary = sub.add_parser("summary", help="seats won by party")
        summary.add_argument("--year", type=int, required=True)
        summary.add_argument("--kind", choices=Kind.values, required=True)
        summary.add_argument("--state", default="UP")
        summary.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            report = services.import_results(
                data_dir=Path(options["data"]), state=options["state"], party=options["party"]
            )
            if options["json"]:
                self.stdout.write(json.dumps(report.as_dict(), indent=2))
            else:
                for name, counts in report.elections.items():
                    self.stdout.write(f"{name}: {counts}")
                for problem in report.problems:
                    self.stderr.write(problem)
                self.stdout.write(
                    f"{len(report.elections)} elections, {len(report.problems)} problems "
                    f"in {report.seconds:.1f} s"
                )
            if not report.elections:
                raise CommandError("no results imported")
            return
        if options["action"] == "refresh":
            started = time.perf_counter()
            booths = services.refresh_strength(state=options["state"])
            self.stdout.write(f"{booths} booths in {time.perf_counter() - started:.1f} s")
            return
        seats = selectors.seats(state=options["state"], year=options["year"], kind=options["kind"])
        if seats is None:
            raise CommandError("no such election; run `sampark results import`")
        if options["json"]:
            self.stdout.write(json.dumps({"seats": seats}, ensure_ascii=False))
            return
        for party, n in seats.items():
            self.stdout.write(f"{party:<30} {n}")
        self.stdout.write(f"{'total':<30} {sum(seats.values())}")
