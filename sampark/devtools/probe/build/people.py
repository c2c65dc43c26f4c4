"""Probe persons with positions, consents, sign-up flags, OTPs, recruitment targets, imports."""

from __future__ import annotations

import random
from collections import defaultdict

from django.core.files.base import ContentFile
from django.utils import timezone

from sampark.devtools.probe.world import World, subtree_of
from sampark.geo.enums import Level
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    FlagKind,
    RequestKind,
    RequestVia,
)
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    DataRequest,
    ImportJob,
    Person,
    PhoneVerification,
    PositionKind,
    SignupFlag,
)
from sampark.people.staffing import booth_recount


def build(w: World, *, rng: random.Random, units: list[Unit], token: str, count: int) -> None:
    """Persons with unique names and phones, a home unit (or none), zero to three positions."""
    persons: list[Person] = []
    for n, phone in enumerate(_free_phones(rng, count)):
        devanagari = rng.random() < 0.5
        name = f"प्रोबव्यक्ति {token}{n:03d}" if devanagari else f"Probeperson {token}{n:03d}"
        home = rng.choice(units) if rng.random() < 0.7 else None
        persons.append(
            Person.objects.create(name=name, phone=phone, home_unit=home, source="probe")
        )
    w.persons = {p.id: p for p in persons}
    _build_assignments(w, rng=rng, units=units, persons=persons)
    booth_recount(booth_ids=[u.id for u in units if u.level == Level.BOOTH])
    _build_records(w, rng=rng, units=units, persons=persons)


def _free_phones(rng: random.Random, count: int) -> list[str]:
    phones: set[str] = set()
    while len(phones) < count:
        batch = {f"+916{rng.randrange(10**9):09d}" for _ in range(count - len(phones))}
        # Never reuse a number already on record (the probe may run against a live database).
        phones |= batch - set(
            Person.objects.filter(phone__in=batch).values_list("phone", flat=True)
        )
    return sorted(phones)


def _build_assignments(
    w: World, *, rng: random.Random, units: list[Unit], persons: list[Person]
) -> None:
    kinds_by_level: dict[str, list[PositionKind]] = defaultdict(list)
    for kind in w.kinds.values():
        kinds_by_level[kind.level].append(kind)
    seats: set[tuple[int, int, int]] = set(
        Assignment.objects.filter(unit_id__in=list(w.units))
        .exclude(status=AssignmentStatus.ENDED)
        .values_list("unit_id", "kind_id", "seat")
    )
    for person in persons:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            unit = rng.choice(units)
            choices = kinds_by_level.get(unit.level, [])
            if not choices:
                continue
            kind = rng.choice(choices)
            status = rng.choice(list(AssignmentStatus.values))
            seat = 1
            while (unit.id, kind.id, seat) in seats:
                seat += 1
            if status != AssignmentStatus.ENDED:
                if any(
                    a.person_id == person.id
                    and a.unit_id == unit.id
                    and a.kind_id == kind.id
                    and a.status != AssignmentStatus.ENDED
                    for a in w.assignments.values()
                ):
                    continue
                seats.add((unit.id, kind.id, seat))
            a = Assignment.objects.create(
                person=person,
                unit=unit,
                kind=kind,
                seat=seat,
                status=status,
                ended_at=timezone.now() if status == AssignmentStatus.ENDED else None,
            )
            w.assignments[a.id] = a


def _build_records(
    w: World, *, rng: random.Random, units: list[Unit], persons: list[Person]
) -> None:
    """Consents, sign-up flags and OTPs on random persons; targets on random units."""
    for person in rng.sample(persons, k=min(len(persons), 40)):
        c = ConsentEvent.objects.create(
            person=person,
            purpose=rng.choice(list(ConsentPurpose.values)),
            channel=rng.choice(list(ConsentChannel.values)),
            action=rng.choice(list(ConsentAction.values)),
            notice_version="probe",
            source="probe",
        )
        w.consents[c.id] = c
    for person in rng.sample(persons, k=min(len(persons), 12)):
        f = SignupFlag.objects.create(
            person=person, kind=rng.choice(list(FlagKind.values)), other_person=rng.choice(persons)
        )
        w.flags[f.id] = f
    for person in rng.sample(persons, k=min(len(persons), 6)):
        o = PhoneVerification.objects.create(
            person=person, code_hash="probe", expires_at=timezone.now()
        )
        w.otps[o.id] = o
    for person in rng.sample(persons, k=min(len(persons), 10)):
        r = DataRequest.objects.create(
            person=person,
            unit=person.home_unit,
            kind=rng.choice(list(RequestKind.values)),
            via=RequestVia.PUBLIC,
            due_at=timezone.now(),
        )
        w.data_requests[r.id] = r
    for unit in rng.sample(units, k=min(len(units), 12)):
        t = RecruitmentTarget.objects.create(unit=unit, volunteers=rng.randint(5, 500))
        w.targets[t.id] = t


def build_import_jobs(
    w: World, *, rng: random.Random, units: list[Unit], token: str, count: int
) -> None:
    """Import jobs with a small file, created by a user who sees their scope."""
    senders = [u for u in w.users.values() if u.unit_id is not None]
    for n in range(count):
        scope = rng.choice(units)
        creators = [
            u
            for u in senders
            if u.unit_id is not None and scope.id in subtree_of(w.units[u.unit_id], w.units)
        ]
        job = ImportJob(
            created_by=rng.choice(creators) if creators else None,
            scope=scope,
            filename=f"probejob-{token}-{n:03d}.csv",
            rows_total=1,
        )
        job.file.save(job.filename, ContentFile(b"name,phone\nRam,9812345610\n"), save=False)
        job.save()
        w.jobs[job.id] = job
