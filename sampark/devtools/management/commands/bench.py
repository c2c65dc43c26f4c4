"""`sampark bench ...`: the benchmarks of bench/, each printing its figures (medians)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

PG_DEFAULT = "postgres://postgres@127.0.0.1:5432/sampark_bench"


class Command(BaseCommand):
    help = "Run a benchmark and print its figures."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        cov = sub.add_parser("coverage", help="roll-up, drill-down and page at full UP scale")
        cov.add_argument("--json", action="store_true")
        cov.add_argument("--sqlite", default=str(Path(settings.VAR_DIR) / "bench" / "full.sqlite3"))
        cov.add_argument("--postgres", default=os.getenv("BENCH_POSTGRES_URL", PG_DEFAULT))
        cov.add_argument("--no-postgres", action="store_true")
        sub.add_parser("coverage-one", help="(internal) measure on the configured database")
        pipe = sub.add_parser("pipeline", help="listening pipeline: inbox to stored results")
        pipe.add_argument("--posts", type=int, default=100_000)
        pipe.add_argument("--json", action="store_true")
        pipe.add_argument(
            "--postgres", default=os.getenv("BENCH_POSTGRES_URL", PG_DEFAULT + "_pipeline")
        )
        pipe.add_argument("--no-postgres", action="store_true")
        one = sub.add_parser("pipeline-one", help="(internal) measure on the configured database")
        one.add_argument("--posts", type=int, default=100_000)
        dist = sub.add_parser("distribution", help="expansion, rate limit, kill test, schedules")
        dist.add_argument("--json", action="store_true")
        dist.add_argument("--deliveries", type=int, default=800_000)
        dist.add_argument("--kills", type=int, default=200)
        dist.add_argument("--kill-deliveries", type=int, default=100_000)
        dist.add_argument("--schedules", type=int, default=10_000)
        dist.add_argument("--rate", type=float, default=80.0)
        dist.add_argument("--rate-seconds", type=float, default=30.0)
        dist.add_argument(
            "--postgres", default=os.getenv("BENCH_POSTGRES_URL", PG_DEFAULT + "_distribution")
        )
        dist.add_argument("--no-postgres", action="store_true")
        done = sub.add_parser("distribution-one", help="(internal) one part on the configured DB")
        done.add_argument("part", choices=["expand", "rate", "kill", "schedules"])
        done.add_argument("--deliveries", type=int, default=800_000)
        done.add_argument("--kills", type=int, default=200)
        done.add_argument("--schedules", type=int, default=10_000)
        done.add_argument("--rate", type=float, default=80.0)
        done.add_argument("--seconds", type=float, default=30.0)
        inv = sub.add_parser("invitations", help="sign-in invitations to an imported list")
        inv.add_argument("--json", action="store_true")
        inv.add_argument("--invitations", type=int, default=100_000)
        inv.add_argument("--rate", type=float, default=float(os.getenv("SAMPARK_SMS_RATE", "80")))
        inv.add_argument("--seconds", type=float, default=20.0)
        ione = sub.add_parser("invitations-one", help="(internal) measure on the configured DB")
        ione.add_argument("--invitations", type=int, default=100_000)
        ione.add_argument("--rate", type=float, default=80.0)
        ione.add_argument("--seconds", type=float, default=20.0)
        imp = sub.add_parser("import", help="import N volunteers from a generated CSV")
        imp.add_argument("--rows", type=int, default=800_000)
        imp.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        which = options["which"]
        if which == "coverage-one":
            from bench.coverage import measure

            self.stdout.write(json.dumps(measure()))
            return
        if which == "pipeline-one":
            from bench.pipeline import measure as measure_pipeline

            self.stdout.write(json.dumps(measure_pipeline(options["posts"])))
            return
        if which == "distribution-one":
            from bench.distribution import one

            self.stdout.write(json.dumps(one(options["part"], options)))
            return
        if which == "invitations-one":
            from bench.invitations import one as one_invitations

            self.stdout.write(json.dumps(one_invitations(options)))
            return
        if which == "invitations":
            from bench.invitations import run as run_invitations

            figures = run_invitations(
                var_dir=Path(settings.VAR_DIR) / "bench" / "invitations",
                invitations=options["invitations"],
                rate=options["rate"],
                seconds=options["seconds"],
            )
            self._print(figures, as_json=options["json"])
            return
        if which == "distribution":
            from bench.distribution import run as run_distribution

            pg = None if options["no_postgres"] else options["postgres"]
            if pg:
                _ensure_pg_database(pg)
            figures = run_distribution(
                var_dir=Path(settings.VAR_DIR) / "bench" / "distribution",
                postgres_url=pg,
                deliveries=options["deliveries"],
                kills=options["kills"],
                kill_deliveries=options["kill_deliveries"],
                schedules=options["schedules"],
                rate=options["rate"],
                rate_seconds=options["rate_seconds"],
            )
            self._print(figures, as_json=options["json"])
            return
        if which == "pipeline":
            from bench.pipeline import run as run_pipeline

            pg = None if options["no_postgres"] else options["postgres"]
            if pg:
                _ensure_pg_database(pg, fresh=True)
            figures = run_pipeline(
                posts=options["posts"],
                sqlite_path=Path(settings.VAR_DIR) / "bench" / "pipeline.sqlite3",
                postgres_url=pg,
            )
            self._print(figures, as_json=options["json"])
            return
        if which == "coverage":
            from bench.coverage import run

            pg = None if options["no_postgres"] else options["postgres"]
            if pg:
                _ensure_pg_database(pg)
            figures = run(sqlite_path=Path(options["sqlite"]), postgres_url=pg)
            self._print(figures, as_json=options["json"])
            return
        if which == "import":
            from bench.import_volunteers import run as run_import

            path = Path(settings.VAR_DIR) / "bench" / f"volunteers-{options['rows']}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            self._print(run_import(rows=options["rows"], path=path), as_json=options["json"])

    def _print(self, figures: dict[str, Any], *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        for key, value in figures.items():
            if key != "details":
                self.stdout.write(f"{key:<28} {value}")


def _ensure_pg_database(url: str, *, fresh: bool = False) -> None:
    """Create the benchmark database on the PostgreSQL server if it is missing (or anew)."""
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or "",
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
