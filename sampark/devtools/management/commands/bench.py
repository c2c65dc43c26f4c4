"""`sampark bench ...`: the benchmarks of bench/, each printing its figures (medians)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sampark.core.env import BASE_DIR

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
        pipe.add_argument(
            "--match", action="store_true", help="then the claim-matching stage (issue #17)"
        )
        one = sub.add_parser("pipeline-one", help="(internal) measure on the configured database")
        one.add_argument("--posts", type=int, default=100_000)
        one.add_argument("--match", action="store_true")
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
        _add_app_benches(sub)
        imp = sub.add_parser("import", help="import N volunteers from a generated CSV")
        imp.add_argument("--rows", type=int, default=800_000)
        imp.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        # One method per benchmark: `_run_<which>` (dashes as underscores).
        getattr(self, "_run_" + options["which"].replace("-", "_"))(options)

    def _run_invitations_one(self, options: dict[str, Any]) -> None:
        from bench.invitations import one as one_invitations

        self.stdout.write(json.dumps(one_invitations(options)))

    def _run_invitations(self, options: dict[str, Any]) -> None:
        from bench.invitations import run as run_invitations

        figures = run_invitations(
            var_dir=Path(settings.VAR_DIR) / "bench" / "invitations",
            invitations=options["invitations"],
            rate=options["rate"],
            seconds=options["seconds"],
        )
        self._print(figures, as_json=options["json"])

    def _run_checkin_one(self, options: dict[str, Any]) -> None:
        from bench.checkin import measure as measure_checkin

        self.stdout.write(json.dumps(measure_checkin()))

    def _run_checkin(self, options: dict[str, Any]) -> None:
        from bench.checkin import run as run_checkin

        _ensure_pg_database(options["postgres"], fresh=True)
        self._print(run_checkin(postgres_url=options["postgres"]), as_json=options["json"])

    def _run_event_invitations_one(self, options: dict[str, Any]) -> None:
        from bench.event_invitations import measure as measure_event_invitations

        self.stdout.write(json.dumps(measure_event_invitations()))

    def _run_event_invitations(self, options: dict[str, Any]) -> None:
        from bench.event_invitations import run as run_event_invitations

        var_dir = Path(settings.VAR_DIR) / "bench" / "event-invitations"
        if options["postgres"]:
            _ensure_pg_database(options["postgres"], fresh=True)
        figures = run_event_invitations(var_dir=var_dir, postgres_url=options["postgres"])
        self._print(figures, as_json=options["json"])

    def _run_targets_one(self, options: dict[str, Any]) -> None:
        from bench.event_targets import measure as measure_targets

        self.stdout.write(json.dumps(measure_targets()))

    def _run_targets(self, options: dict[str, Any]) -> None:
        from bench.event_targets import run as run_targets

        _ensure_pg_database(options["postgres"])
        self._print(run_targets(postgres_url=options["postgres"]), as_json=options["json"])

    def _run_coverage_one(self, options: dict[str, Any]) -> None:
        from bench.coverage import measure

        self.stdout.write(json.dumps(measure()))

    def _run_results_one(self, options: dict[str, Any]) -> None:
        from bench.results import measure as measure_results

        self.stdout.write(json.dumps(measure_results()))

    def _run_results(self, options: dict[str, Any]) -> None:
        from bench.results import run as run_results

        pg = None if options["no_postgres"] else options["postgres"]
        if pg:
            _ensure_pg_database(pg)
        figures = run_results(sqlite_path=Path(options["sqlite"]), postgres_url=pg)
        self._print(figures, as_json=options["json"])

    def _run_pipeline_one(self, options: dict[str, Any]) -> None:
        from bench.pipeline import measure as measure_pipeline

        figures = measure_pipeline(options["posts"], with_match=options["match"])
        self.stdout.write(json.dumps(figures))

    def _run_calls_one(self, options: dict[str, Any]) -> None:
        from bench.calls import measure as measure_calls

        figures = measure_calls(
            agents=options["agents"], cycles=options["cycles"], processes=options["processes"]
        )
        self.stdout.write(json.dumps(figures))

    def _run_calls_work(self, options: dict[str, Any]) -> None:
        from bench.calls import work

        self.stdout.write(
            json.dumps(
                work(
                    campaign_id=options["campaign"],
                    part=options["part"],
                    parts=options["parts"],
                    cycles=options["cycles"],
                )
            )
        )

    def _run_calls(self, options: dict[str, Any]) -> None:
        from bench.calls import run as run_calls

        _ensure_pg_database(options["postgres"], fresh=True)
        figures = run_calls(
            postgres_url=options["postgres"],
            agents=options["agents"],
            cycles=options["cycles"],
            processes=options["processes"],
        )
        self._print(figures, as_json=options["json"])

    def _run_distribution_one(self, options: dict[str, Any]) -> None:
        from bench.distribution import one

        self.stdout.write(json.dumps(one(options["part"], options)))

    def _run_distribution(self, options: dict[str, Any]) -> None:
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

    def _run_pipeline(self, options: dict[str, Any]) -> None:
        from bench.pipeline import run as run_pipeline

        pg = None if options["no_postgres"] else options["postgres"]
        if pg:
            _ensure_pg_database(pg, fresh=True)
        figures = run_pipeline(
            posts=options["posts"],
            sqlite_path=Path(settings.VAR_DIR) / "bench" / "pipeline.sqlite3",
            postgres_url=pg,
            with_match=options["match"],
        )
        self._print(figures, as_json=options["json"])

    def _run_coverage(self, options: dict[str, Any]) -> None:
        from bench.coverage import run

        pg = None if options["no_postgres"] else options["postgres"]
        if pg:
            _ensure_pg_database(pg)
        figures = run(sqlite_path=Path(options["sqlite"]), postgres_url=pg)
        self._print(figures, as_json=options["json"])

    def _run_notify(self, options: dict[str, Any]) -> None:
        # Its own database and a `sampark worker` child: run as a separate process.
        argv = [sys.executable, "-m", "bench.notify", "--json"]
        argv += ["--alerts", str(options["alerts"]), "--rate", str(options["rate"])]
        if options["postgres"]:
            _ensure_pg_database(options["postgres"], fresh=True)
            argv += ["--database", options["postgres"]]
        out = subprocess.run(  # noqa: S603  (our own interpreter and module)
            argv, check=True, capture_output=True, text=True, cwd=BASE_DIR
        )
        self._print(json.loads(out.stdout.strip().splitlines()[-1]), as_json=options["json"])

    def _run_claims_kb(self, options: dict[str, Any]) -> None:
        from bench.claims_kb import run as run_claims_kb

        figures = run_claims_kb(part=options["split"], model=options["model"])
        self._print(figures, as_json=options["json"])

    def _run_ocr(self, options: dict[str, Any]) -> None:
        from bench.ocr import run as run_ocr

        self._print(run_ocr(part=options["split"], limit=options["limit"]), as_json=options["json"])

    def _run_import(self, options: dict[str, Any]) -> None:
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


def _add_app_benches(sub: Any) -> None:
    """The benchmarks of the apps built on the house plan: notify, calls, claim matching,
    results and events."""
    note = sub.add_parser("notify", help="alert raised to on-duty analyst's push, p95")
    note.add_argument("--alerts", type=int, default=60)
    note.add_argument("--rate", type=float, default=1.0)
    note.add_argument("--json", action="store_true")
    note.add_argument("--postgres", default="", help="an empty PostgreSQL database URL")
    calls = sub.add_parser("calls", help="call console cycle: next contact + disposition")
    calls.add_argument("--agents", type=int, default=2000)
    calls.add_argument("--cycles", type=int, default=3, help="cycles per agent")
    calls.add_argument("--processes", type=int, default=4, help="concurrent workers")
    calls.add_argument("--json", action="store_true")
    calls.add_argument("--postgres", default=os.getenv("BENCH_POSTGRES_URL", PG_DEFAULT + "_calls"))
    cone = sub.add_parser("calls-one", help="(internal) measure on the configured database")
    cone.add_argument("--agents", type=int, default=2000)
    cone.add_argument("--cycles", type=int, default=3)
    cone.add_argument("--processes", type=int, default=4)
    cwork = sub.add_parser("calls-work", help="(internal) one worker of the calls bench")
    cwork.add_argument("--campaign", type=int, required=True)
    cwork.add_argument("--part", type=int, required=True)
    cwork.add_argument("--parts", type=int, required=True)
    cwork.add_argument("--cycles", type=int, default=3)
    kb = sub.add_parser("claims-kb", help="claim matching against a real-sized knowledge base")
    kb.add_argument("--split", choices=["dev", "test", "train"], default="dev")
    kb.add_argument("--model", help="sentence-transformers model name or local folder")
    kb.add_argument("--json", action="store_true")
    ocr = sub.add_parser("ocr", help="text in images: CER, images/s, success@1 typed vs OCR")
    ocr.add_argument("--split", choices=["dev", "test"], default="dev")
    ocr.add_argument("--limit", type=int, default=0, help="queries per set (0 = all)")
    ocr.add_argument("--json", action="store_true")
    res = sub.add_parser("results", help="strength against results at full UP scale")
    res.add_argument("--json", action="store_true")
    res.add_argument("--sqlite", default=str(Path(settings.VAR_DIR) / "bench" / "full.sqlite3"))
    res.add_argument("--postgres", default=os.getenv("BENCH_POSTGRES_URL", PG_DEFAULT + "_results"))
    res.add_argument("--no-postgres", action="store_true")
    sub.add_parser("results-one", help="(internal) measure on the configured database")
    tgt = sub.add_parser("targets", help="events: whole-state target cascade to every booth")
    tgt.add_argument("--json", action="store_true")
    tgt.add_argument("--postgres", default=os.getenv("BENCH_POSTGRES_URL", PG_DEFAULT + "_events"))
    sub.add_parser("targets-one", help="(internal) measure on the configured database")
    inv = sub.add_parser("invitations", help="sign-in invitations to an imported list")
    inv.add_argument("--json", action="store_true")
    inv.add_argument("--invitations", type=int, default=100_000)
    inv.add_argument("--rate", type=float, default=float(os.getenv("SAMPARK_SMS_RATE", "80")))
    inv.add_argument("--seconds", type=float, default=20.0)
    ione = sub.add_parser("invitations-one", help="(internal) measure on the configured DB")
    ione.add_argument("--invitations", type=int, default=100_000)
    ione.add_argument("--rate", type=float, default=80.0)
    ione.add_argument("--seconds", type=float, default=20.0)
    chk = sub.add_parser("checkin", help="events: 20 live and 20 offline gates over HTTP")
    chk.add_argument("--json", action="store_true")
    chk.add_argument("--postgres", default=os.getenv("BENCH_POSTGRES_URL", PG_DEFAULT + "_checkin"))
    sub.add_parser("checkin-one", help="(internal) measure on the configured database")
    evi = sub.add_parser("event-invitations", help="events: invite a district's 15,000 volunteers")
    evi.add_argument("--json", action="store_true")
    evi.add_argument("--postgres", default="", help="also on this PostgreSQL database (fresh)")
    sub.add_parser("event-invitations-one", help="(internal) measure on the configured database")
