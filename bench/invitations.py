"""Invitation benchmark (issue #13): sign-in invitations to 1 lakh imported volunteers on SQLite.

`sampark bench invitations --json` runs in a child process bound to a fresh SQLite database
(`invitations-one`) and prints:

- invitations: outbox rows of one invitation (the job's people; 1 in 10 has no consent and is
  counted as skipped);
- expansion_s: median of 3 expansions (`content.expansion.expand` of a new invitation each),
  with the same-process baseline of reading the job's person rows alone (`baseline_read_s`);
- send_rate_per_s / rate_limit_per_s: SMS accepted per second by the loopback MSG91 fake over
  `--seconds`, through two real sender processes (`sampark worker --only send`, rules checked
  per message, one shared token bucket) at the configured rate (`SAMPARK_SMS_RATE`, default
  80/s; the fake answers 429 above it), with `max_in_1s` and `throttled`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.child import run_child

ENV = {
    # The throughput must not depend on the hour it runs at: quiet hours off (the gate itself
    # still runs for every message).
    "SAMPARK_QUIET_START": "0",
    "SAMPARK_QUIET_END": "0",
}
KEY = "bench-msg91-key"
TEMPLATE = "6650f0c1d6fc0512a41b2cbe"


def run(*, var_dir: Path, invitations: int, rate: float, seconds: float) -> dict[str, Any]:
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "invitations.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.environ.update(ENV)
    return run_child(
        "invitations-one",
        "--invitations",
        str(invitations),
        "--rate",
        str(rate),
        "--seconds",
        str(seconds),
        database_url=f"sqlite:///{path}",
    )


def _world(n: int) -> tuple[Any, int]:
    """A state head and a finished import job that created `n` people (9 in 10 consented to
    operations messages by SMS)."""
    from django.db import transaction
    from django.utils import timezone

    from sampark.accounts.enums import Role
    from sampark.accounts.models import RoleGrant, User
    from sampark.devtools.synthetic import build_tree
    from sampark.people.enums import ConsentAction, ConsentPurpose
    from sampark.people.models import ConsentEvent, ImportJob, Person

    tree = build_tree()
    head = User.objects.create_user(username="bench-head", unit=tree.state)
    RoleGrant.objects.create(user=head, role=Role.STATE_HEAD)
    job = ImportJob.objects.create(
        scope=tree.state, filename="bench.csv", status=ImportJob.Status.DONE, rows_created=n
    )
    now = timezone.now()
    source = f"import:{job.id}"
    with transaction.atomic():
        for start in range(0, n, 20_000):
            stop = min(n, start + 20_000)
            Person.objects.bulk_create(
                [
                    Person(name=f"v{i}", phone=f"+9171{i:08d}", source=source, created_at=now)
                    for i in range(start, stop)
                ],
                batch_size=5000,
            )
        ids = list(Person.objects.filter(source=source).values_list("id", flat=True))
        ConsentEvent.objects.bulk_create(
            [
                ConsentEvent(
                    person_id=pid,
                    purpose=ConsentPurpose.OPERATIONS,
                    channel="sms",
                    action=ConsentAction.GIVEN,
                    notice_version="v1",
                    source="bench",
                    at=now - dt.timedelta(days=1),
                )
                for k, pid in enumerate(ids)
                if k % 10
            ],
            batch_size=5000,
        )
    return head, job.id


def one(options: dict[str, Any]) -> dict[str, Any]:
    """Measure in this process (its database is the one DATABASE_URL names)."""
    from django.core.management import call_command
    from django.db import connection

    from sampark.content import expansion, invitations
    from sampark.content.models import Delivery

    call_command("migrate", interactive=False, verbosity=0)
    n = int(options["invitations"])
    started = time.perf_counter()
    head, job_id = _world(n)
    build_s = round(time.perf_counter() - started, 1)
    samples, baselines, made, distribution_id = [], [], 0, 0
    for _ in range(3):
        Delivery.objects.all().delete()
        with connection.cursor() as cursor:
            started = time.perf_counter()
            # The floor: reading the job's person rows alone, nothing written.
            cursor.execute(
                "SELECT id, phone, email, home_unit_id FROM people_person WHERE source = %s",
                [f"import:{job_id}"],
            )
            cursor.fetchall()
            baselines.append(time.perf_counter() - started)
        d = invitations.invitation_create(actor=head, job_id=job_id, channel="sms")
        started = time.perf_counter()
        made = expansion.expand(distribution_id=d.id)
        samples.append(time.perf_counter() - started)
        distribution_id = d.id
    counts = invitations.progress(distribution=_distribution(distribution_id))
    return {
        "invitations": made,
        "skipped": counts.skipped,
        "expansion_s": round(statistics.median(samples), 2),
        "expansion_runs_s": [round(s, 2) for s in samples],
        "baseline_read_s": round(statistics.median(baselines), 2),
        "build_s": build_s,
        **_send(rate=float(options["rate"]), seconds=float(options["seconds"])),
    }


def _distribution(distribution_id: int) -> Any:
    from sampark.content.models import Distribution

    return Distribution.objects.get(id=distribution_id)


def _send(*, rate: float, seconds: float, workers: int = 2) -> dict[str, Any]:
    """`workers` sender processes (`sampark worker --only send`, sharing one token bucket)
    against the loopback MSG91 at `rate`, for `seconds` after the first message."""
    from sampark.devtools.loopback_msg91 import FakeMsg91

    templates = {
        "invite": {
            "template_id": TEMPLATE,
            "dlt_te_id": "1107000000000000013",
            "variables": ["unit", "link"],
        }
    }
    limit = max(1, int(rate))
    with FakeMsg91(auth_key=KEY, templates={TEMPLATE: ["unit", "link"]}, rate_limit=limit) as fake:
        env = {
            **os.environ,
            **ENV,
            "DJANGO_SETTINGS_MODULE": "sampark.settings",
            "SAMPARK_SMS_PROVIDER": "msg91",
            "MSG91_BASE_URL": fake.url,
            "MSG91_AUTH_KEY": KEY,
            "MSG91_TEMPLATES": json.dumps(templates),
            "SAMPARK_SMS_RATE": str(rate),
            "SAMPARK_SEND_CHANNELS": "sms",
            "WORKER_SLEEP_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "sampark", "worker", "--only", "send"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for _ in range(workers)
        ]
        try:
            give_up = time.monotonic() + 120
            while not fake.accepted and time.monotonic() < give_up:
                time.sleep(0.2)
            time.sleep(seconds)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=60)
        stats = fake.stats()
    return {
        "send_rate_per_s": stats["achieved_rate"],
        "rate_limit_per_s": rate,
        "sent": stats["accepted"],
        "max_in_1s": stats["max_in_1s"],
        "throttled": stats["throttled"],
        "send_seconds": seconds,
        "send_workers": workers,
    }
