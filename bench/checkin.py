"""Check-in benchmark (issue #14): `sampark bench checkin --json`.

A convention of 20,000 registrations on PostgreSQL, served by waitress on loopback (real HTTP,
the same API the gate page calls):

1. live gates: 20 gates scan 10,000 tickets as people arrive, one request per scan, 5% of
   people scanned again at another gate; throughput, p95 of the round trip, and p95 of the
   server time (`Server-Timing` from `bench.timed_wsgi`: inside Django, without the wait for a
   free server thread). The baseline, in the same run and at the same concurrency, is 50 empty
   syncs per gate (the same request, session and gate lookup, with no scan in it);
2. offline gates: 20 more gates each sync 5,000 queued scans in batches of 200, shuffled
   (reordering), each batch sent again one time in five (lost answers), every person scanned
   at several gates (duplicates).

Then the database is asked how many attendances exist and whether any person has two.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.child import run_child

PEOPLE = 20_000
GATES = 20
OFFLINE_PER_GATE = 5_000
BATCH = 200
BASELINE_PER_GATE = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _setup() -> tuple[int, list[int], list[int], list[str], str]:
    """The event, its gates (live, offline), the tickets' signed tokens and a session key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.utils import timezone

    from sampark.accounts.enums import Role
    from sampark.accounts.models import RoleGrant, User
    from sampark.events import tickets
    from sampark.events.models import Event, Gate, Registration, Ticket
    from sampark.geo.models import Unit
    from sampark.geo.services import unit_create
    from sampark.people.models import Person

    call_command("migrate", interactive=False, verbosity=0)
    state = Unit.objects.filter(path="BN").first() or unit_create(
        parent=None, level="state", number=1, name="Bench", code="BN"
    )
    user = User.objects.create_user(username=f"bench-{secrets.token_hex(4)}", unit=state)
    RoleGrant.objects.create(user=user, role=Role.STATE_HEAD)
    start = timezone.now()
    event = Event.objects.create(
        kind="convention",
        title="Bench convention",
        unit=state,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=6),
        status="open",
        capacity=PEOPLE,
        public_slug=secrets.token_urlsafe(12),
    )
    tag = secrets.token_hex(3)
    persons = Person.objects.bulk_create(
        [
            Person(name=f"व्यक्ति {i}", phone=f"+91{tag[:2]}{i:08d}"[:13], source="bench")
            for i in range(PEOPLE)
        ],
        batch_size=5000,
    )
    regs = Registration.objects.bulk_create(
        [Registration(event=event, person=p, status="confirmed", source="app") for p in persons],
        batch_size=5000,
    )
    codes = [tickets.new_code() for _ in regs]
    Ticket.objects.bulk_create(
        [Ticket(registration=r, event=event, code=c) for r, c in zip(regs, codes, strict=True)],
        batch_size=5000,
    )
    gates = Gate.objects.bulk_create([Gate(event=event, name=f"G{i}") for i in range(2 * GATES)])
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    tokens = [tickets.sign(event_id=event.id, code=c) for c in codes]
    ids = [g.id for g in gates]
    return event.id, ids[:GATES], ids[GATES:], tokens, str(session.session_key)


def _server(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sampark.settings"}
    cmd = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=8"]
    # Its log goes to a file: a pipe nobody reads fills up and stalls the server.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (open for the server's lifetime)
        prefix="sampark-bench-checkin-", suffix=".log", delete=False
    )
    proc = subprocess.Popen(  # noqa: S603 (our own interpreter)
        [*cmd, "bench.timed_wsgi:application"], env=env, stdout=log, stderr=log
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the bench server did not start")


def _client(port: int, session_key: str) -> Any:
    import httpx

    csrf = secrets.token_hex(16)
    return httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        cookies={"sessionid": session_key, "csrftoken": csrf},
        headers={"X-CSRFToken": csrf, "Content-Type": "application/json"},
        timeout=300,
    )


def _post(client: Any, gate_id: int, scans: list[dict[str, str]]) -> list[dict[str, str]]:
    return _post_timed(client, gate_id, scans)[0]


def _post_timed(
    client: Any, gate_id: int, scans: list[dict[str, str]]
) -> tuple[list[dict[str, str]], float]:
    """The sync's results and the server time it reported (ms)."""
    import json

    r = client.post(f"/api/events/gates/{gate_id}/sync", content=json.dumps({"scans": scans}))
    if r.status_code != 200:
        raise SystemExit(f"sync answered {r.status_code}: {r.text[:300]}")
    timing = r.headers.get("server-timing", "app;dur=nan")
    return list(r.json()["results"]), float(timing.rsplit("dur=", 1)[1])


def _scan(token: str, n: int, gate: int, at: dt.datetime) -> dict[str, str]:
    return {"client_id": f"{gate}-{n}", "code": token, "scanned_at": at.isoformat()}


def measure() -> dict[str, Any]:
    from django.db import connection

    from sampark.events.models import Attendance

    rng = random.Random(14)
    event_id, live, offline, tokens, session_key = _setup()
    connection.close()
    port = _free_port()
    server = _server(port)
    try:
        t0 = dt.datetime(2027, 2, 1, 4, 0, tzinfo=dt.UTC)
        # 1. live gates: the first half of the people, 5% of them scanned again elsewhere
        first = list(range(PEOPLE // 2))
        arrivals = first + rng.sample(first, k=len(first) // 20)
        rng.shuffle(arrivals)
        per_gate: dict[int, list[int]] = {g: [] for g in live}
        for i, person in enumerate(arrivals):
            per_gate[live[i % GATES]].append(person)
        latencies: list[float] = []
        server_ms: list[float] = []
        baseline_ms: list[float] = []
        lock = threading.Lock()
        results: dict[str, int] = {}

        def run_gate(gate: int) -> None:
            with _client(port, session_key) as client:
                for n, person in enumerate(per_gate[gate]):
                    at = t0 + dt.timedelta(seconds=n)
                    started = time.perf_counter()
                    out, server = _post_timed(client, gate, [_scan(tokens[person], n, gate, at)])
                    took = (time.perf_counter() - started) * 1000
                    with lock:
                        latencies.append(took)
                        server_ms.append(server)
                        results[out[0]["result"]] = results.get(out[0]["result"], 0) + 1

        started = time.perf_counter()
        with ThreadPoolExecutor(GATES) as pool:
            list(pool.map(run_gate, live))
        live_s = time.perf_counter() - started

        def run_empty(gate: int) -> None:
            with _client(port, session_key) as client:
                for _ in range(BASELINE_PER_GATE):
                    took = _post_timed(client, gate, [])[1]
                    with lock:
                        baseline_ms.append(took)

        with ThreadPoolExecutor(GATES) as pool:
            list(pool.map(run_empty, live))
        # 2. offline gates: 5,000 queued scans each, everybody (esp. the second half) at several
        queues: dict[int, list[dict[str, str]]] = {}
        for k, gate in enumerate(offline):
            scans = []
            for n in range(OFFLINE_PER_GATE):
                person = (
                    rng.randrange(PEOPLE // 2, PEOPLE)
                    if rng.random() < 0.9
                    else rng.randrange(PEOPLE)
                )
                if n < (PEOPLE // 2) // GATES:
                    person = (
                        PEOPLE // 2 + k * ((PEOPLE // 2) // GATES) + n
                    )  # everyone at least once
                at = t0 + dt.timedelta(seconds=rng.randrange(6 * 3600))
                scans.append(_scan(tokens[person], n, 1000 + gate, at))
            rng.shuffle(scans)
            queues[gate] = scans
        retries = 0
        offline_results: dict[str, int] = {}

        def sync_gate(gate: int) -> int:
            sent_again = 0
            batches = [queues[gate][i : i + BATCH] for i in range(0, OFFLINE_PER_GATE, BATCH)]
            local = random.Random(gate)
            with _client(port, session_key) as client:
                for batch in batches:
                    out = _post(client, gate, batch)
                    if local.random() < 0.2:
                        again = _post(client, gate, batch)
                        assert again == out, "a retried batch answered differently"
                        sent_again += 1
                    with lock:
                        for r in out:
                            offline_results[r["result"]] = offline_results.get(r["result"], 0) + 1
            return sent_again

        started = time.perf_counter()
        with ThreadPoolExecutor(GATES) as pool:
            retries = sum(pool.map(sync_gate, offline))
        offline_s = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    from django.db.models import Count

    attendances = Attendance.objects.filter(event_id=event_id).count()
    twice = (
        Attendance.objects.filter(event_id=event_id)
        .values("registration_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    live_scans = len(arrivals)
    offline_scans = GATES * OFFLINE_PER_GATE
    return {
        "scans_per_s": round(live_scans / live_s, 1),
        "p95_ms": round(statistics.quantiles(latencies, n=20)[-1], 1),
        "median_ms": round(statistics.median(latencies), 1),
        "server_p95_ms": round(statistics.quantiles(server_ms, n=20)[-1], 1),
        "server_median_ms": round(statistics.median(server_ms), 1),
        "baseline_server_p95_ms": round(statistics.quantiles(baseline_ms, n=20)[-1], 1),
        "baseline_server_median_ms": round(statistics.median(baseline_ms), 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "gates": GATES,
        "offline_gates": GATES,
        "registrations": PEOPLE,
        "scans": live_scans + offline_scans,
        "live_scans": live_scans,
        "live_results": results,
        "offline_scans": offline_scans,
        "offline_sync_s": round(offline_s, 1),
        "offline_scans_per_s": round(offline_scans / offline_s, 1),
        "offline_results": offline_results,
        "retried_batches": retries,
        "attendances": attendances,
        "people_scanned": PEOPLE,
        "duplicates": twice,
        "server": "waitress 8 threads, loopback",
        "database": "postgresql",
    }


def run(*, postgres_url: str) -> dict[str, Any]:
    return run_child("checkin-one", database_url=postgres_url)
