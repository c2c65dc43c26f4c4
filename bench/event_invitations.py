"""Event invitation benchmark (issue #14): `sampark bench event-invitations --json`.

In a child process bound to a fresh SQLite database (and, with `--postgres URL`, another bound
to that PostgreSQL database, created anew) (`event-invitations-one`): a synthetic
state whose first district has 3,000 booths with five verified booth volunteers each (15,000;
9 in 10 consented to "events and training" messages in the app) and a second district with
3,000 more volunteers who must not be invited. Prints:

- invited: outbox rows of one invitation to the district's booth volunteers;
- expansion_s: median of 3 invitations (`events.messaging.event_invite`, then content's
  `expansion.expand`), with the same-process baseline of reading the same assignment rows
  alone (`baseline_read_s`) and the ratio;
- rules_s: median of 3 passes of every outbox row through the sending rules as the sender asks
  them (`content.gates.Gatekeeper`, i.e. `sampark.rules`, kind INVITATION, at noon IST), with
  `would_send` and `held` by reason (the 1 in 10 without consent).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path
from typing import Any

from bench.child import run_child

REPEAT = 3
PER_DISTRICT = 15_000


def run(*, var_dir: Path, postgres_url: str = "") -> dict[str, Any]:
    """SQLite, and PostgreSQL when a (fresh) database URL is given: {"sqlite": …, …}."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / "event-invitations.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    figures = {"sqlite": run_child("event-invitations-one", database_url=f"sqlite:///{path}")}
    if postgres_url:
        figures["postgresql"] = run_child("event-invitations-one", database_url=postgres_url)
    return figures


def _world() -> tuple[Any, Any, list[int]]:
    """(state head, the district's event, booth ids of the district)."""
    from django.db.models import F, Value
    from django.db.models.functions import Replace
    from django.utils import timezone

    from bench.distribution import _people
    from sampark.accounts.enums import Role
    from sampark.accounts.models import RoleGrant, User
    from sampark.devtools.synthetic import build_tree
    from sampark.events.models import Event
    from sampark.people.enums import ConsentAction
    from sampark.people.models import ConsentEvent, Person

    tree = build_tree(
        districts=2,
        acs_per_district=8,
        mandals_per_ac=3,
        sectors_per_mandal=5,
        booths_per_sector=25,
    )
    district = tree.districts[0]
    mine = [b.id for b in tree.booths if b.district_id == district.id]
    other = [b.id for b in tree.booths if b.district_id != district.id]
    invited = _people(PER_DISTRICT, booths=mine, tag="bench-d1", sms=False, consent=False)
    # `_people` numbers phones from 0 each call: move the first district's to another series.
    Person.objects.filter(id__in=invited).update(
        phone=Replace(F("phone"), Value("+9170"), Value("+9180"))
    )
    _people(len(other), booths=other, tag="bench-d2", sms=False, consent=False)
    now = timezone.now()
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(
                person_id=pid,
                purpose="events",
                channel="push",
                action=ConsentAction.GIVEN,
                notice_version="v1",
                source="bench",
                at=now - dt.timedelta(days=1),
            )
            for i, pid in enumerate(invited)
            if i % 10
        ],
        batch_size=5000,
    )
    head = User.objects.create(username="bench-head", unit=tree.state)
    RoleGrant.objects.create(user=head, role=Role.STATE_HEAD)
    start = now + dt.timedelta(days=10)
    event = Event.objects.create(
        kind="district_workshop",
        title="जिला कार्यशाला",
        unit=district,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        status="open",
        public_slug="bench-workshop",
    )
    return head, event, mine


def _rules_pass(distribution_id: int, at: dt.datetime) -> dict[str, Any]:
    from sampark.content import gates
    from sampark.content.models import Delivery, Distribution
    from sampark.people import selectors as people_selectors

    d = Distribution.objects.select_related("item").get(id=distribution_id)
    rows = list(
        Delivery.objects.filter(distribution=d).values_list(
            "person_id", "channel", "ac_id_at", "pc_id_at"
        )
    )
    facts = people_selectors.person_facts(person_ids=[r[0] for r in rows])
    recipients = [
        gates.Recipient(
            person_id=r[0],
            channel=r[1],
            phone=facts[r[0]].phone,
            date_of_birth=facts[r[0]].date_of_birth,
            ac_id=r[2],
            pc_id=r[3],
        )
        for r in rows
    ]
    keeper = gates.Gatekeeper.load(
        item=d.item, kind=d.kind, purpose=d.purpose, recipients=recipients, at=at
    )
    held: dict[str, int] = {}
    would = 0
    for recipient in recipients:
        verdict = keeper.check(recipient, at=at)
        if verdict.go:
            would += 1
        else:
            held[verdict.reason] = held.get(verdict.reason, 0) + 1
    return {"would_send": would, "held": held}


def measure() -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from sampark.content import expansion
    from sampark.content.models import Delivery
    from sampark.events import messaging

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    head, event, booths = _world()
    build_s = round(time.perf_counter() - started, 1)
    positions = messaging.EXPECTED_POSITIONS[event.kind]
    preview = messaging.audience_preview(event=event, positions=positions)
    noon = dt.datetime.now(messaging.IST).replace(hour=12, minute=0, second=0, microsecond=0)
    samples, baselines, rules, made, verdicts = [], [], [], 0, {}
    for _ in range(REPEAT):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            marks = ",".join(["%s"] * len(booths))
            cursor.execute(
                "SELECT person_id, unit_id FROM people_assignment"  # noqa: S608 (placeholders)
                f" WHERE status = %s AND unit_id IN ({marks})",
                ["verified", *booths],
            )
            cursor.fetchall()
            baselines.append(time.perf_counter() - started)
        started = time.perf_counter()
        did = messaging.event_invite(actor=head, event_id=event.id, positions=positions)
        made = expansion.expand(distribution_id=did)
        samples.append(time.perf_counter() - started)
        started = time.perf_counter()
        verdicts = _rules_pass(did, noon)
        rules.append(time.perf_counter() - started)
        Delivery.objects.filter(distribution_id=did).delete()
    expansion_s = statistics.median(samples)
    baseline_s = statistics.median(baselines)
    return {
        "database": connection.vendor,
        "invited": made,
        "preview": preview,
        "expansion_s": round(expansion_s, 3),
        "baseline_read_s": round(baseline_s, 3),
        "ratio_to_baseline": round(expansion_s / baseline_s, 1) if baseline_s else None,
        "rules_s": round(statistics.median(rules), 3),
        **verdicts,
        "runs_s": [round(s, 3) for s in samples],
        "build_s": build_s,
    }
