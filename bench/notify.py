"""Alert raised → on-duty analyst's web push delivered, end to end (issue #13: p95 ≤ 60 s).

`python -m bench.notify [--alerts N] [--rate R] [--json]` on a fresh SQLite file
(or `--database postgres://…`, an empty database):

1. builds a small tree, two war-room analysts on duty at the state (each with a person record,
   a push subscription at a loopback web-push fake that decrypts what it receives, and push
   chosen for incidents on the preferences page, which records consent for "operations"), and
   one analyst of District 2 (the outsider: must hear nothing of District 1);
2. starts `sampark worker` in a child process with every configured step, exactly as deployed
   (the war room opens an incident per alert, notify pulls it and sends the push);
3. raises N listening alerts in District 1 (Poisson arrivals at R a second);
4. prints p50/p95 seconds from each alert being raised to its push reaching the fake, the
   number of notifications, and `cross_scope`: notifications about a unit outside their user's
   subtree plus pushes that reached the outsider (must be 0). The baseline, measured in the same
   process after the worker stops: one notify pass (pull + send) for one more alert.

Quiet hours are switched off in the worker (SAMPARK_QUIET_START = END) so the figure does not
depend on the hour the benchmark is run at; every other sending rule is asked as in production.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = 20261206


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "sampark.settings"
    import django

    django.setup()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _staff(push_url_of: Any) -> tuple[Any, list[Any], Any]:
    """The tree, the on-duty analysts (state) and the outsider (District 2)."""
    import datetime as dt

    from django.utils import timezone

    from sampark.accounts.enums import Role
    from sampark.accounts.models import RoleGrant, User
    from sampark.content.models import PushSubscription
    from sampark.devtools.synthetic import build_tree
    from sampark.notify import selectors, services
    from sampark.notify.enums import Channel, Kind
    from sampark.people.models import Person
    from sampark.warroom.enums import DutyRole
    from sampark.warroom.models import Shift

    tree = build_tree()
    people = []
    for n, (name, unit) in enumerate(
        [("analyst1", tree.state), ("analyst2", tree.state), ("outsider", tree.districts[1])]
    ):
        person = Person.objects.create(name=name, phone=f"+9198000000{n:02d}", home_unit=unit)
        user = User.objects.create_user(username=name, password=None, unit=unit, person=person)
        RoleGrant.objects.create(user=user, role=Role.ANALYST)
        sub = json.loads(push_url_of(name))
        PushSubscription.objects.create(
            person=person,
            endpoint=sub["endpoint"],
            p256dh=sub["keys"]["p256dh"],
            auth=sub["keys"]["auth"],
        )
        choices = selectors.preferences_of(user=user)
        choices[Kind.INCIDENT] = ([Channel.PUSH], 1)
        services.preferences_save(
            user=user, choices=choices, quiet_start=0, quiet_end=0, digest=False
        )
        now = timezone.now()
        Shift.objects.create(
            unit=unit,
            user=user,
            role=DutyRole.ANALYST,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(hours=8),
        )
        people.append(user)
    return tree, people[:2], people[2]


def _raise_alert(unit: Any, n: int) -> int:
    from sampark.monitoring.enums import AlertKind
    from sampark.monitoring.models import Alert

    alert = Alert.objects.create(
        kind=AlertKind.values[0], unit=unit, message=f"अफ़वाह फैल रही है: ईवीएम दावा #{n}"
    )
    return alert.id


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management import call_command

    from sampark.devtools.loopback import FakePushService
    from sampark.geo import scope
    from sampark.integrations import webpush
    from sampark.integrations.channels import reset_channels
    from sampark.notify import tasks as notify_tasks
    from sampark.notify.models import Notification
    from sampark.warroom import tasks as warroom_tasks
    from sampark.warroom.models import Incident

    rng = random.Random(SEED)
    call_command("migrate", interactive=False, verbosity=0)
    fake = FakePushService()
    fake.start()
    private, public = webpush.vapid_keys()
    os.environ.update(
        SAMPARK_VAPID_PRIVATE_KEY=private,
        SAMPARK_VAPID_PUBLIC_KEY=public,
        SAMPARK_VAPID_SUBJECT="mailto:bench@sampark.invalid",
    )
    tree, analysts, _outsider = _staff(fake.subscribe)
    env = {
        **os.environ,
        "WORKER_SLEEP_SECONDS": str(args.sleep),
        "SAMPARK_QUIET_START": "0",
        "SAMPARK_QUIET_END": "0",
        "LOG_LEVEL": "ERROR",
    }
    child = subprocess.Popen([sys.executable, "-m", "sampark", "worker"], env=env, cwd=ROOT)
    raised: dict[int, float] = {}
    started = time.time()
    try:
        time.sleep(2.0)
        if child.poll() is not None:
            raise SystemExit("the worker did not start")
        for n in range(args.alerts):
            raised[_raise_alert(tree.districts[0], n)] = time.monotonic()
            time.sleep(rng.expovariate(args.rate))
        deadline = time.time() + args.timeout
        want = len(raised) * len(analysts)
        while time.time() < deadline and child.poll() is None:
            if len([r for r in fake.records if r.subscription.startswith("analyst")]) >= want:
                break
            time.sleep(0.5)
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
    wall = time.time() - started

    incident_of = dict(
        Incident.objects.filter(alert_id__in=list(raised)).values_list("id", "alert_id")
    )
    latency: list[float] = []
    outsider_pushes = 0
    for record in fake.records:
        url = (record.payload or {}).get("url", "")
        if record.subscription == "outsider":
            outsider_pushes += 1
            continue
        incident_id = int(url.rstrip("/").rsplit("/", 1)[-1]) if url else 0
        alert_id = incident_of.get(incident_id)
        if alert_id in raised:
            latency.append(record.at - raised[alert_id])
    outside = sum(
        1
        for n in Notification.objects.select_related("user__unit", "unit")
        if n.user.unit is None or not scope.contains(n.user.unit, n.unit)
    )
    notifications = Notification.objects.count()

    # Baseline, same process: one more alert through the war room's and notify's steps alone.
    reset_channels()
    before = len(fake.records)
    alone: list[float] = []
    for n in range(5):
        _raise_alert(tree.districts[0], 10_000 + n)
        t0 = time.perf_counter()
        warroom_tasks.open_from_alerts()
        notify_tasks.run_once(owner="bench")
        alone.append(time.perf_counter() - t0)
    fake.stop()
    return {
        "alerts": len(raised),
        "rate_per_s": args.rate,
        "worker_sleep_s": args.sleep,
        "on_duty_analysts": len(analysts),
        "notifications": notifications,
        "pushes": len(latency),
        "p50_s": round(pct(latency, 0.50), 3),
        "p95_s": round(pct(latency, 0.95), 3),
        "max_s": round(max(latency), 3) if latency else None,
        "cross_scope": outside + outsider_pushes,
        "baseline_pass_median_s": round(statistics.median(alone), 4),
        "baseline_pushes": len(fake.records) - before,
        "wall_s": round(wall, 1),
        "target_p95_s": 60,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.notify", description=__doc__)
    parser.add_argument("--alerts", type=int, default=60)
    parser.add_argument("--rate", type=float, default=1.0, help="alerts a second (Poisson)")
    parser.add_argument("--sleep", type=int, default=2, help="WORKER_SLEEP_SECONDS")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--database", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    database = args.database
    if not database:
        path = ROOT / "var" / "bench" / "notify.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database = f"sqlite:///{path}"
    setup_django(database)
    figures = measure(args)
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
