"""`sampark security probe-scope`: the randomized scope probe against the configured database.

Everything it writes (a random tree, users, persons, directives, import jobs) is created inside
one transaction and rolled back at the end, so nothing is left behind.
"""

from __future__ import annotations

import json
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sampark.devtools.probe import run_probe

SHOWN_LEAKS = 50


class Command(BaseCommand):
    help = "Security checks of the deployment."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        probe = sub.add_parser(
            "probe-scope",
            help="probe every endpoint with out-of-scope ids on a random tree (rolled back)",
        )
        probe.add_argument("--probes", type=int, default=10_000)
        probe.add_argument("--seed", type=int, default=None)
        probe.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["which"] == "probe-scope":
            self.probe_scope(
                probes=options["probes"], seed=options["seed"], as_json=options["json"]
            )

    def probe_scope(self, *, probes: int, seed: int | None, as_json: bool) -> None:
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        report = run_probe(probes=probes, seed=seed)
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "probes": report.probes,
                        "leaks": len(report.leaks),
                        "endpoints": len(report.endpoints),
                        "aggregates": report.aggregates,
                        "figures": report.figures,
                        "writes": report.writes,
                    }
                )
            )
        else:
            self.stdout.write(f"seed        {report.seed}")
            self.stdout.write(f"probes      {report.probes}")
            self.stdout.write(f"aggregates  {report.aggregates}")
            self.stdout.write(f"figures     {report.figures} (narrative counts vs visible posts)")
            self.stdout.write(f"writes      {report.writes} (state-wide objects, from below)")
            self.stdout.write(f"endpoints   {len(report.endpoints)}")
            for route in report.endpoints:
                self.stdout.write(f"  {','.join(report.methods.get(route, []))} {route}")
            self.stdout.write(f"not probed  {len(report.unprobed)} (no id in the route)")
            for label in report.unprobed:
                self.stdout.write(f"  {label}")
            for label in report.validation_first:
                self.stdout.write(f"validates before lookup: {label}")
            for label in report.unreached:
                self.stdout.write(f"never answered in scope: {label}")
            self.stdout.write(f"seconds     {report.seconds}")
            self.stdout.write(f"leaks       {len(report.leaks)}")
            for leak in report.leaks[:SHOWN_LEAKS]:
                self.stdout.write(f"  LEAK {leak}")
            if len(report.leaks) > SHOWN_LEAKS:
                self.stdout.write(f"  ... and {len(report.leaks) - SHOWN_LEAKS} more")
        if report.leaks:
            raise CommandError(f"{len(report.leaks)} leaks (seed {report.seed})")
