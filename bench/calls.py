"""The call-centre console's cycle at 2,000 agents (issue #15).

`sampark bench calls --agents 2000 --json` builds a fresh PostgreSQL database (over loopback),
2,000 call agents of two districts and a campaign of `agents × cycles` consenting contacts, and
runs the console's cycle — next contact (scrubbed by the sending rules), open the call (scrubbed
again), save a disposition with three answers and a note — `cycles` times per agent, from
`--processes` worker processes (the web servers; each works its share of the agents in turn).
It prints:

- agents, cycles, processes;
- p50_ms / p95_ms / max_ms: server time of one cycle (the three service calls);
- double_assigned: contacts held by two agents at overlapping times (from every process's log)
  plus contacts worked twice (in the database afterwards) — must be 0;
- baseline_p95_ms: `SELECT 1` over the same connections, measured in the same process.
"""

from __future__ import annotations

import itertools
import os
import statistics
import time
from typing import Any

from bench.child import run_child

ENV = {
    # The cycle must not depend on the hour it runs at: calling and quiet hours off (the rules
    # are still asked for every contact).
    "SAMPARK_CALLING_START": "0",
    "SAMPARK_CALLING_END": "0",
    "SAMPARK_QUIET_START": "0",
    "SAMPARK_QUIET_END": "0",
}


def run(*, postgres_url: str, agents: int, cycles: int, processes: int) -> dict[str, Any]:
    os.environ.update(ENV)
    return run_child(
        "calls-one",
        "--agents",
        str(agents),
        "--cycles",
        str(cycles),
        "--processes",
        str(processes),
        database_url=postgres_url,
    )


def _world(agents: int, contacts: int) -> tuple[Any, list[Any]]:
    import random

    from sampark.accounts.enums import Role
    from sampark.accounts.models import RoleGrant, User
    from sampark.calls import services
    from sampark.calls.enums import SourceKind
    from sampark.devtools.synthetic import build_tree
    from sampark.people.models import ConsentEvent, Person

    rng = random.Random(15)
    tree = build_tree(districts=2, acs_per_district=4, sectors_per_mandal=4, booths_per_sector=8)
    booths = tree.booths
    persons = Person.objects.bulk_create(
        [
            Person(name=f"Bench {n}", phone=f"+9170{n:08d}", home_unit=rng.choice(booths))
            for n in range(contacts)
        ],
        batch_size=5000,
    )
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(
                person=p,
                purpose="calls",
                channel="voice",
                action="given",
                notice_version="v1",
                source="bench",
            )
            for p in persons
        ],
        batch_size=5000,
    )
    users = User.objects.bulk_create(
        [User(username=f"agent{n:05d}", unit=tree.districts[n % 2]) for n in range(agents)],
        batch_size=2000,
    )
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role=Role.CALL_AGENT) for u in users])
    boss = User.objects.create(username="bench-supervisor", unit=tree.state)
    RoleGrant.objects.create(user=boss, role=Role.CALL_SUPERVISOR)
    steps = [
        {
            "key": "attend",
            "kind": "single",
            "hi": "आएँगे?",
            "en": "Coming?",
            "options": [
                {"value": "yes", "hi": "हाँ", "en": "Yes"},
                {"value": "no", "hi": "नहीं", "en": "No"},
            ],
            "next": "count",
        },
        {"key": "count", "kind": "number", "hi": "कितने?", "en": "How many?", "next": "say"},
        {"key": "say", "kind": "text", "hi": "कुछ कहना?", "en": "Anything?", "next": ""},
    ]
    script = services.script_save(actor=boss, name="Bench", unit=tree.state, steps=steps)
    campaign = services.campaign_create(
        actor=boss, name="Bench", unit=tree.state, source=SourceKind.CONSENT, script=script
    )
    return campaign, list(User.objects.filter(username__startswith="agent").order_by("id"))


def measure(*, agents: int, cycles: int, processes: int) -> dict[str, Any]:
    """Build the world, run `processes` worker processes over it, gather their figures."""
    import json
    import subprocess
    import sys

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from sampark.calls.models import Attempt

    call_command("migrate", interactive=False, verbosity=0)
    campaign, _staff = _world(agents, agents * cycles + agents)
    connection.close()
    began = time.perf_counter()
    children = [
        subprocess.Popen(  # noqa: S603  (our own interpreter and command)
            [
                sys.executable,
                "-m",
                "sampark",
                "bench",
                "calls-work",
                "--campaign",
                str(campaign.id),
                "--part",
                str(i),
                "--parts",
                str(processes),
                "--cycles",
                str(cycles),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(processes)
    ]
    results = [json.loads(child.communicate()[0].strip().splitlines()[-1]) for child in children]
    wall = time.perf_counter() - began
    times = sorted(t for r in results for t in r["times"])
    baseline = sorted(t for r in results for t in r["baseline"])
    holds = sorted(h for r in results for h in r["holds"])  # (contact, start, end, agent)
    overlapping = sum(
        1 for a, b in itertools.pairwise(holds) if a[0] == b[0] and b[1] < a[2] and a[3] != b[3]
    )
    worked_twice = (
        Attempt.objects.values("contact_id").order_by().annotate(n=Count("id")).filter(n__gt=1)
    ).count()

    def pct(values: list[float], q: float) -> float:
        return round(values[min(len(values) - 1, int(q * len(values)))], 2) if values else 0.0

    return {
        "agents": agents,
        "cycles": len(times),
        "processes": processes,
        "database": connection.vendor,
        "p50_ms": round(statistics.median(times), 2) if times else 0.0,
        "p95_ms": pct(times, 0.95),
        "max_ms": round(times[-1], 2) if times else 0.0,
        "cycles_per_s": round(len(times) / wall, 1),
        "double_assigned": overlapping + worked_twice,
        "baseline_p95_ms": pct(baseline, 0.95),
    }


def work(*, campaign_id: int, part: int, parts: int, cycles: int) -> dict[str, Any]:
    """One worker process: its share of the agents, each in turn, `cycles` rounds."""
    from django.db import connection

    from sampark.accounts.models import User
    from sampark.calls import services
    from sampark.calls.models import Campaign

    campaign = Campaign.objects.get(id=campaign_id)
    staff = list(User.objects.filter(username__startswith="agent").order_by("id"))[part::parts]
    times: list[float] = []
    baseline: list[float] = []
    holds: list[tuple[int, float, float, int]] = []
    for _round in range(cycles):
        for agent in staff:
            start = time.perf_counter()
            contact = services.contact_next(agent=agent, campaign=campaign)
            if contact is None:
                continue
            held_at = time.time()
            attempt = services.call_start(agent=agent, contact_id=contact.id)
            services.disposition_save(
                agent=agent,
                attempt_id=attempt.id,
                disposition="completed",
                answers={"attend": "yes", "count": "4", "say": "ठीक है"},
                note="bench",
            )
            holds.append((contact.id, held_at, time.time(), agent.id))
            times.append((time.perf_counter() - start) * 1000)
            probe = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            baseline.append((time.perf_counter() - probe) * 1000)
    return {"times": times, "baseline": baseline, "holds": holds}
