"""Distribution benchmarks (issue #5): expansion at 8 lakh, the rate limit, the kill test and
the generated schedules.

`sampark bench distribution --json` runs each part in a child process bound to its own database
(`distribution-one <part>`), and prints:

- expand_s_sqlite / expand_s_postgres: median seconds to expand a distribution to N deliveries
  (default 8,00,000), with the baseline (copying the same assignment rows into a bare table in the
  same process) and the ratio;
- rate_target / rate_achieved / rate_max_1s: SMS at 80 msg/s through two sender processes sharing
  one token bucket, against the loopback gateway;
- kills / lost / duplicates: SIGKILL a random sender process 200 times during a 1-lakh run;
  lost = deliveries not sent (or marked sent without the gateway having them), duplicates = the
  gateway holding two messages for one recipient;
- schedules / gate_violations: generated schedules through the real sender (see
  sampark/content/tests/schedules.py) and the sends the oracle finds against the rules.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.child import run_child

SMS_ENV = {
    "SAMPARK_SMS_GATEWAY_KEY": "bench-key",
    "SAMPARK_SMS_PROVIDER": "gateway",  # the fake speaks the generic gateway's protocol
    "SAMPARK_SMS_SENDER": "SMPARK",
    "SAMPARK_DLT_ENTITY_ID": "1101000000000000001",
    # The throughput runs must not depend on the hour they run at: quiet hours off (the gate
    # itself still runs for every message).
    "SAMPARK_QUIET_START": "0",
    "SAMPARK_QUIET_END": "0",
}


def run(
    *,
    var_dir: Path,
    postgres_url: str | None,
    deliveries: int,
    kills: int,
    kill_deliveries: int,
    schedules: int,
    rate: float,
    rate_seconds: float,
) -> dict[str, Any]:
    var_dir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Any] = {}
    details: dict[str, Any] = {}

    sqlite = run_child(
        "distribution-one",
        "expand",
        "--deliveries",
        str(deliveries),
        database_url=f"sqlite:///{var_dir / 'expand.sqlite3'}",
    )
    figures["expand_s_sqlite"] = sqlite["expand_s"]
    details["expand_sqlite"] = sqlite
    if postgres_url:
        pg = run_child(
            "distribution-one", "expand", "--deliveries", str(deliveries), database_url=postgres_url
        )
        figures["expand_s_postgres"] = pg["expand_s"]
        details["expand_postgres"] = pg
    else:
        figures["expand_s_postgres"] = None

    rated = run_child(
        "distribution-one",
        "rate",
        "--rate",
        str(rate),
        "--seconds",
        str(rate_seconds),
        database_url=f"sqlite:///{_fresh(var_dir / 'rate.sqlite3')}",
    )
    figures["rate_target"] = rated["rate_target"]
    figures["rate_achieved"] = rated["rate_achieved"]
    figures["rate_max_1s"] = rated["max_in_1s"]
    details["rate"] = rated

    killed = run_child(
        "distribution-one",
        "kill",
        "--kills",
        str(kills),
        "--deliveries",
        str(kill_deliveries),
        database_url=f"sqlite:///{_fresh(var_dir / 'kill.sqlite3')}",
    )
    figures["kills"] = killed["kills"]
    figures["lost"] = killed["lost"]
    figures["duplicates"] = killed["duplicates"]
    details["kill"] = killed

    props = run_child(
        "distribution-one",
        "schedules",
        "--schedules",
        str(schedules),
        database_url=f"sqlite:///{_fresh(var_dir / 'schedules.sqlite3')}",
    )
    figures["schedules"] = props["schedules"]
    figures["gate_violations"] = props["gate_violations"]
    details["schedules"] = props
    figures["details"] = details
    return figures


def _fresh(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def one(part: str, options: dict[str, Any]) -> dict[str, Any]:
    """Run one part in this process (its database is the one DATABASE_URL names)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if part == "expand":
        return measure_expand(options["deliveries"])
    if part == "rate":
        return measure_rate(rate=options["rate"], seconds=options["seconds"])
    if part == "kill":
        return measure_kill(kills=options["kills"], deliveries=options["deliveries"])
    return measure_schedules(options["schedules"])


# --- shared set-up ------------------------------------------------------------------------------


def _staff() -> tuple[Any, Any, Any]:
    """A state head, an analyst and an approved kit (created once per database)."""
    from sampark.accounts.enums import Role
    from sampark.accounts.models import RoleGrant, User
    from sampark.content.enums import ItemState
    from sampark.content.models import ContentItem
    from sampark.geo.models import Unit

    state = Unit.objects.filter(level="state").order_by("id").first()
    assert state is not None
    head, created = User.objects.get_or_create(username="bench-head", defaults={"unit": state})
    if created:
        RoleGrant.objects.create(user=head, role=Role.STATE_HEAD)
    item = ContentItem.objects.filter(title="bench kit").first()
    if item is None:
        item = ContentItem.objects.create(
            unit=state,
            title="bench kit",
            text_hi="आज का संदेश: किसानों के लिए नई योजना।",
            state=ItemState.APPROVED,
            author=head,
            reviewer=head,
        )
    return state, head, item


def _people(n: int, *, booths: list[int], tag: str, sms: bool, consent: bool) -> list[int]:
    """n verified booth members spread over `booths` (seat by seat), optionally SMS + consent."""
    from django.db import transaction
    from django.utils import timezone

    from sampark.content.models import ChannelPreference
    from sampark.people.enums import AssignmentStatus, ConsentAction
    from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind

    kinds = list(PositionKind.objects.filter(level="booth").order_by("order"))
    extra, _ = PositionKind.objects.get_or_create(
        code="bench_booth_member",
        defaults={"level": "booth", "name_en": "Booth member", "name_hi": "बूथ सदस्य", "seats": 50},
    )
    now = timezone.now()
    ids: list[int] = []
    chunk = 20_000
    with transaction.atomic():
        for start in range(0, n, chunk):
            people = [
                Person(name=f"{tag} {i}", phone=f"+9170{i:08d}", source="bench", created_at=now)
                for i in range(start, min(n, start + chunk))
            ]
            Person.objects.bulk_create(people, batch_size=5000)
            got = list(
                Person.objects.filter(
                    source="bench", name__in=[p.name for p in people]
                ).values_list("id", flat=True)
            )
            rows = []
            for k, pid in enumerate(got, start=start):
                booth = booths[k % len(booths)]
                round_ = k // len(booths)
                if round_ < len(kinds):
                    kind, seat = kinds[round_], 1
                else:
                    kind, seat = extra, round_ - len(kinds) + 1
                rows.append(
                    Assignment(
                        person_id=pid,
                        unit_id=booth,
                        kind=kind,
                        seat=seat,
                        status=AssignmentStatus.VERIFIED,
                    )
                )
            Assignment.objects.bulk_create(rows, batch_size=5000)
            if sms:
                ChannelPreference.objects.bulk_create(
                    [ChannelPreference(person_id=pid, channel="sms") for pid in got],
                    batch_size=5000,
                )
            if consent:
                ConsentEvent.objects.bulk_create(
                    [
                        ConsentEvent(
                            person_id=pid,
                            purpose="volunteer_coordination",
                            channel="sms" if sms else "push",
                            action=ConsentAction.GIVEN,
                            notice_version="v1",
                            source="bench",
                            at=now - dt.timedelta(days=1),
                        )
                        for pid in got
                    ],
                    batch_size=5000,
                )
            ids.extend(got)
    return ids


# --- expansion ----------------------------------------------------------------------------------


def measure_expand(deliveries: int, repeat: int = 3) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from sampark.content import expansion, services
    from sampark.content.models import Delivery
    from sampark.geo.importer import import_state
    from sampark.geo.models import Unit
    from sampark.people.models import Assignment

    build_s = None
    if not Unit.objects.filter(level="booth").exists():
        started = time.perf_counter()
        import_state(state="UP", data_dir=Path(settings.DATA_DIR) / "geo-up", name="Uttar Pradesh")
        booths = list(
            Unit.objects.filter(level="booth").order_by("id").values_list("id", flat=True)
        )
        _people(deliveries, booths=booths, tag="bench", sms=False, consent=False)
        build_s = round(time.perf_counter() - started, 1)
    state, head, item = _staff()
    holders = Assignment.objects.filter(status="verified").count()
    if holders < deliveries:
        raise SystemExit(
            f"bench database holds {holders} holders, fewer than {deliveries}; delete it"
        )
    codes = [
        "booth_president",
        "whatsapp_pramukh",
        "bla_liaison",
        "social_media_volunteer",
        "outreach_volunteer",
        "bench_booth_member",
    ]
    samples, baselines, made = [], [], 0
    for _ in range(repeat):
        Delivery.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_copy")
            cursor.execute("CREATE TABLE bench_copy (person_id bigint, unit_id bigint)")
            started = time.perf_counter()
            # The floor: the same rows copied into a bare table (no joins, no indexes).
            cursor.execute(
                "INSERT INTO bench_copy SELECT person_id, unit_id FROM people_assignment WHERE status = %s",
                ["verified"],
            )
            baselines.append(time.perf_counter() - started)
            cursor.execute("DROP TABLE bench_copy")
        d = services.distribution_create(
            actor=head, item_id=item.id, target_ids=[state.id], positions=codes
        )
        started = time.perf_counter()
        made = expansion.expand(distribution_id=d.id)
        samples.append(time.perf_counter() - started)
    expand_s = round(statistics.median(samples), 2)
    baseline_s = round(statistics.median(baselines), 2)
    return {
        "database": connection.vendor,
        "deliveries": made,
        "expand_s": expand_s,
        "baseline_copy_s": baseline_s,
        "ratio_to_baseline": round(expand_s / baseline_s, 1) if baseline_s else None,
        "runs_s": [round(s, 2) for s in samples],
        "build_s": build_s,
    }


# --- sender processes ---------------------------------------------------------------------------


def _small_world(n: int, *, sms: bool = True) -> tuple[int, list[int]]:
    """A synthetic tree with enough booths, n SMS volunteers with consent, one distribution
    (expanded); returns (distribution id, person ids)."""
    from sampark.content import expansion, services
    from sampark.content.models import DltTemplate
    from sampark.devtools.synthetic import build_tree

    tree = build_tree(
        districts=2,
        acs_per_district=2,
        mandals_per_ac=2,
        sectors_per_mandal=5,
        booths_per_sector=10,
    )
    booths = [b.id for b in tree.booths]
    ids = _people(n, booths=booths, tag="bench", sms=sms, consent=True)
    DltTemplate.objects.get_or_create(
        template_id="1107000000000000001",
        defaults={
            "entity_id": "1101000000000000001",
            "header": "SMPARK",
            "body": "Sampark: naya sandesh {#var#} dekhein {#var#}",
        },
    )
    state, head, item = _staff()
    d = services.distribution_create(
        actor=head,
        item_id=item.id,
        target_ids=[state.id],
        positions=[
            "booth_president",
            "whatsapp_pramukh",
            "bla_liaison",
            "social_media_volunteer",
            "outreach_volunteer",
            "bench_booth_member",
        ],
    )
    expansion.expand(distribution_id=d.id)
    return d.id, ids


def _spawn_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sampark", "worker", "--only", "send"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _worker_env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **SMS_ENV,
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "DJANGO_SETTINGS_MODULE": "sampark.settings",
        "SAMPARK_SMS_GATEWAY_URL": url,
        "SAMPARK_SEND_CHANNELS": "sms",
        "WORKER_SLEEP_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def measure_rate(*, rate: float, seconds: float, workers: int = 2) -> dict[str, Any]:
    from sampark.devtools.loopback import FakeSmsGateway

    n = int(rate * seconds)
    _small_world(n)
    with FakeSmsGateway(api_key=SMS_ENV["SAMPARK_SMS_GATEWAY_KEY"]) as fake:
        env = _worker_env(fake.url, SAMPARK_SMS_RATE=str(rate))
        procs = [_spawn_worker(env) for _ in range(workers)]
        deadline = time.monotonic() + seconds * 3 + 60
        try:
            while len(fake.accepted) < n and time.monotonic() < deadline:
                time.sleep(0.5)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
        stats = fake.stats()
    return {
        "rate_target": rate,
        "rate_achieved": round(stats["achieved_rate"], 2),
        "ratio": round(stats["achieved_rate"] / rate, 3),
        "max_in_1s": stats["max_in_1s"],
        "messages": stats["accepted"],
        "workers": workers,
    }


def measure_kill(*, kills: int, deliveries: int, workers: int = 2) -> dict[str, Any]:
    from sampark.content.enums import DeliveryStatus
    from sampark.content.models import Delivery, idempotency_key
    from sampark.content.sending import ACTIVE
    from sampark.devtools.loopback import FakeSmsGateway

    distribution_id, _ids = _small_world(deliveries)
    rng = random.Random(5)
    started = time.monotonic()
    with FakeSmsGateway(api_key=SMS_ENV["SAMPARK_SMS_GATEWAY_KEY"]) as fake:
        env = _worker_env(fake.url, SAMPARK_SEND_RATE_LIMIT="False", SAMPARK_SEND_LEASE_SECONDS="3")
        procs = [_spawn_worker(env) for _ in range(workers)]
        done = 0
        try:
            while done < kills:
                time.sleep(rng.uniform(0.2, 0.9))
                k = rng.randrange(workers)
                os.kill(procs[k].pid, signal.SIGKILL)
                procs[k].wait()
                procs[k] = _spawn_worker(env)
                done += 1
            kills_s = time.monotonic() - started
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline:
                if not Delivery.objects.filter(status__in=ACTIVE).exists():
                    break
                time.sleep(1)
        finally:
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=30)
        accepted = fake.messages
        stats = fake.stats()
    sent = {
        idempotency_key(d, p)
        for d, p in Delivery.objects.filter(
            status=DeliveryStatus.SENT, distribution_id=distribution_id
        ).values_list("distribution_id", "person_id")
    }
    keys = {m.idempotency_key for m in accepted}
    not_sent = deliveries - len(sent)
    marked_but_missing = len(sent - keys)
    return {
        "kills": done,
        "deliveries": deliveries,
        "lost": not_sent + marked_but_missing,
        "duplicates": len(accepted) - len({m.to for m in accepted}),
        "resends_refused_by_key": stats["duplicates_refused"],
        "kills_s": round(kills_s, 1),
        "total_s": round(time.monotonic() - started, 1),
        "workers": workers,
    }


# --- generated schedules ------------------------------------------------------------------------


def measure_schedules(n: int) -> dict[str, Any]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hseed

    from sampark.content.enums import ItemState
    from sampark.content.models import ContentItem
    from sampark.content.tests.schedules import Schedule, build_world, run_schedule, schedules
    from sampark.devtools.synthetic import build_tree

    tree = build_tree()
    _state, head, _item = _staff()
    item = ContentItem.objects.create(
        unit=tree.state, title="kit", text_hi="संदेश", state=ItemState.APPROVED, author=head
    )
    world = build_world(tree=tree, sender=head, item_id=item.id)
    seen: dict[str, Any] = {"examples": 0, "sends": 0, "violations": 0, "first": ""}

    def check(schedule: Schedule) -> None:
        sends, bad = run_schedule(world, schedule)
        seen["examples"] += 1
        seen["sends"] += sends
        seen["violations"] += len(bad)
        if bad and not seen["first"]:
            seen["first"] = f"{schedule}: {bad}"

    started = time.perf_counter()
    round_ = 0
    while seen["examples"] < n:
        round_ += 1
        runner = hseed(round_)(
            settings(
                max_examples=n - seen["examples"],
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )(given(schedule=schedules())(check))
        )
        runner()
    return {
        "schedules": seen["examples"],
        "sends": seen["sends"],
        "gate_violations": seen["violations"],
        "first_violation": seen["first"],
        "seconds": round(time.perf_counter() - started, 1),
    }
