"""The demo organisation: synthetic volunteers, in-charges and users on the real UP tree.

Coverage varies by district the way it does in a real campaign: a few strong districts are
nearly fully staffed, most are patchy, some barely started. Everything is seeded, so two loads
give the same organisation. Users for every role get known passwords (printed by `sampark demo`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant, User
from sampark.geo.enums import Level
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.people.catalogue import BOOTH_POSITIONS
from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    VerifyMethod,
)
from sampark.people.models import Assignment, ConsentEvent, Person, PositionKind
from sampark.people.staffing import booth_recount

DEMO_PASSWORD = "sampark-demo"  # noqa: S105  (demo users only; printed at start)
NOTICE_VERSION = "2026-11-v1"
SEED = 2026
BATCH = 5000


@dataclass(frozen=True)
class Scale:
    """How much of the state is staffed. `full` staffs every booth."""

    name: str
    booth_share: float  # share of booths that have at least one volunteer
    full_share: float  # of those, share fully staffed
    verified_share: float  # of assignments, share already verified

    @staticmethod
    def named(name: str) -> Scale:
        if name == "full":
            return Scale("full", booth_share=1.0, full_share=0.9, verified_share=0.95)
        if name == "small":
            return Scale("small", booth_share=0.12, full_share=0.45, verified_share=0.85)
        raise ValueError(f"unknown scale {name!r} (small or full)")


@dataclass
class DemoReport:
    scale: str
    booths: int = 0
    persons: int = 0
    assignments: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, unit


class PhoneSource:
    """Unique, valid Indian mobile numbers without calling phonenumbers per number."""

    def __init__(self, rng: random.Random) -> None:
        prefixes = []
        for head in range(70000, 99999, 7):
            number = phonenumbers.parse(f"{head}00000", "IN")
            if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in (
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
            ):
                prefixes.append(head)
        rng.shuffle(prefixes)
        self.prefixes = prefixes
        self.next = 0

    def take(self) -> str:
        i = self.next
        self.next += 1
        # A stride co-prime with 10^5 spreads consecutive numbers over the suffix space.
        prefix = self.prefixes[i // 100_000]
        suffix = (i * 7919) % 100_000
        return f"+91{prefix}{suffix:05d}"


class NameSource:
    """Names in Devanagari and in Latin script, as volunteers type them."""

    def __init__(self, rng: random.Random) -> None:
        from faker import Faker

        hi, en = Faker("hi_IN"), Faker("en_IN")
        hi.seed_instance(SEED)
        en.seed_instance(SEED)
        self.rng = rng
        self.hi = (
            [hi.first_name_male() for _ in range(300)]
            + [hi.first_name_female() for _ in range(300)],
            [hi.last_name() for _ in range(200)],
        )
        self.en = (
            [en.first_name_male() for _ in range(300)]
            + [en.first_name_female() for _ in range(300)],
            [en.last_name() for _ in range(200)],
        )

    def take(self) -> tuple[str, list[str]]:
        firsts, lasts = self.hi if self.rng.random() < 0.6 else self.en
        name = f"{self.rng.choice(firsts)} {self.rng.choice(lasts)}"
        return name, (["hi"] if firsts is self.hi[0] else ["hi", "en"])


def district_strength(rng: random.Random, districts: list[Unit]) -> dict[int, float]:
    """A multiplier per district: a few strong, most middling, some weak."""
    return {d.id: min(1.0, max(0.05, rng.betavariate(2.0, 2.2) * 1.6)) for d in districts}


def _person(
    phones: PhoneSource, names: NameSource, rng: random.Random, today: dt.date, unit_id: int
) -> Person:
    name, languages = names.take()
    age = rng.randint(19, 64)
    born = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    return Person(
        name=name,
        phone=phones.take(),
        epic=f"{letters}{rng.randint(0, 9_999_999):07d}" if rng.random() < 0.7 else "",
        gender=rng.choice("mmmf"),
        date_of_birth=born,
        languages=languages,
        home_unit_id=unit_id,
        source="demo",
    )


def load_organisation(
    *, plan: Scale, rng: random.Random, phones: PhoneSource, names: NameSource, report: DemoReport
) -> None:
    """A person in each planned position, written in bulk batches of BATCH rows."""
    today = timezone.localdate()
    now = timezone.now()
    kinds = {k.code: k for k in PositionKind.objects.all()}
    booth_kinds = [kinds[code] for code, _, _ in BOOTH_POSITIONS]
    districts = list(Unit.objects.filter(level=Level.DISTRICT).order_by("number"))
    strength = district_strength(rng, districts)
    batch: list[tuple[Person, Assignment]] = []
    # The plan is a generator drawing from the same rng as the people: it stays lazy, so the
    # draws interleave as they always did and the seed gives the same organisation.
    for unit_id, count, level in _plan_units(
        plan=plan, rng=rng, strength=strength, booth_positions=len(booth_kinds)
    ):
        level_kinds = (
            booth_kinds[:count] if level == Level.BOOTH else [kinds[f"it_incharge_{level}"]]
        )
        for kind in level_kinds:
            verified = rng.random() < plan.verified_share
            person = _person(phones, names, rng, today, unit_id)
            batch.append((person, _assignment(unit_id, kind, verified=verified, now=now)))
        if len(batch) >= BATCH:
            _write(batch, now=now, report=report)
    _write(batch, now=now, report=report)
    booth_recount()


def _plan_units(
    *, plan: Scale, rng: random.Random, strength: dict[int, float], booth_positions: int
) -> Iterator[tuple[int, int, str]]:
    """(unit id, how many positions to fill, level) for every unit that gets people."""
    booths = Unit.objects.filter(level=Level.BOOTH).values_list("id", "district_id").order_by("id")
    for booth_id, district_id in booths.iterator(chunk_size=10_000):
        s = strength[district_id] if plan.booth_share < 1 else 1.0
        if rng.random() >= plan.booth_share * s * (1.6 if plan.booth_share < 1 else 1.0):
            continue
        full = rng.random() < plan.full_share * (0.6 + 0.4 * s)
        yield (
            booth_id,
            (booth_positions if full else rng.randint(1, booth_positions - 1)),
            Level.BOOTH,
        )
    incharge_levels = [
        Level.STATE,
        Level.DISTRICT,
        Level.PC,
        Level.AC,
        Level.MANDAL,
        Level.SECTOR,
    ]
    units = Unit.objects.filter(level__in=incharge_levels).values_list("id", "level", "district_id")
    for unit_id, level, district_id in units.iterator(chunk_size=10_000):
        s = strength.get(district_id, 1.0) if district_id else 1.0
        if level in (Level.SECTOR, Level.MANDAL) and rng.random() > max(
            plan.booth_share * 2 * s, 0.15
        ):
            continue
        yield unit_id, 1, level


def _assignment(
    unit_id: int, kind: PositionKind, *, verified: bool, now: dt.datetime
) -> Assignment:
    return Assignment(
        unit_id=unit_id,
        kind_id=kind.id,
        seat=1,
        status=AssignmentStatus.VERIFIED if verified else AssignmentStatus.PENDING,
        verify_method=VerifyMethod.INCHARGE if verified else "",
        verified_at=now if verified else None,
        started_at=now,
    )


def _write(batch: list[tuple[Person, Assignment]], *, now: dt.datetime, report: DemoReport) -> None:
    """Persons, their positions and their sign-up consents in bulk; empties the batch."""
    if not batch:
        return
    with transaction.atomic():
        Person.objects.bulk_create([p for p, _ in batch], batch_size=BATCH)
        for person, assignment in batch:
            assignment.person_id = person.id
        Assignment.objects.bulk_create([a for _, a in batch], batch_size=BATCH)
        ConsentEvent.objects.bulk_create(
            [
                ConsentEvent(
                    person_id=p.id,
                    purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
                    channel=channel,
                    action=ConsentAction.GIVEN,
                    notice_version=NOTICE_VERSION,
                    source="demo:signup",
                    at=now,
                )
                for p, _ in batch
                for channel in (ConsentChannel.SMS, ConsentChannel.PUSH)
            ],
            batch_size=BATCH,
        )
    report.persons += len(batch)
    report.assignments += len(batch)
    batch.clear()


# Known demo users: (username, role, unit path finder). Passwords are DEMO_PASSWORD.
def _demo_user_plan() -> list[tuple[str, str, Unit]]:
    state = Unit.objects.get(level=Level.STATE, path="UP")
    by_name = {u.name.lower(): u for u in Unit.objects.filter(level=Level.DISTRICT)}
    lucknow = (
        by_name.get("lucknow")
        or Unit.objects.filter(level=Level.DISTRICT).order_by("number").first()
    )
    kanpur = (
        by_name.get("kanpur nagar")
        or Unit.objects.filter(level=Level.DISTRICT).order_by("-number").first()
    )
    assert lucknow is not None
    assert kanpur is not None
    ac = Unit.objects.filter(level=Level.AC, district=lucknow).order_by("number").first()
    pc = Unit.objects.filter(level=Level.PC, id=ac.pc_id).first() if ac and ac.pc_id else None
    mandal = Unit.objects.filter(level=Level.MANDAL, ac=ac).order_by("path").first()
    sector = Unit.objects.filter(level=Level.SECTOR, mandal=mandal).order_by("path").first()
    booth = Unit.objects.filter(level=Level.BOOTH, sector=sector).order_by("number").first()
    plan: list[tuple[str, str, Unit | None]] = [
        ("state-head", Role.STATE_HEAD, state),
        ("analyst", Role.ANALYST, state),
        ("call-supervisor", Role.CALL_SUPERVISOR, state),
        ("lucknow", Role.DISTRICT_INCHARGE, lucknow),
        ("kanpur", Role.DISTRICT_INCHARGE, kanpur),
        ("lok-sabha", Role.PC_INCHARGE, pc),
        ("vidhan-sabha", Role.AC_INCHARGE, ac),
        ("mandal", Role.MANDAL_INCHARGE, mandal),
        ("sector", Role.SECTOR_INCHARGE, sector),
        ("booth", Role.VOLUNTEER, booth),
    ]
    return [(u, r, unit) for u, r, unit in plan if unit is not None]


def create_users(
    *, rng: random.Random, phones: PhoneSource, names: NameSource
) -> list[tuple[str, str, str]]:
    today = timezone.localdate()
    created = []
    with transaction.atomic():
        for username, role, unit in _demo_user_plan():
            person = _person(phones, names, rng, today, unit.id)
            person.save()
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                unit=unit,
                person=person,
                first_name=person.name.split()[0],
                last_name=" ".join(person.name.split()[1:]),
            )
            RoleGrant.objects.create(user=user, role=role)
            created.append((username, str(role), unit.path))
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            state = Unit.objects.get(path="UP")
            User.objects.create_superuser(
                username="admin", password=DEMO_PASSWORD, email="", unit=state
            )
            created.append(("admin", "superuser", "UP"))
    return created


def create_targets() -> None:
    due = dt.date(timezone.localdate().year, 12, 30)
    booths = Unit.objects.filter(level=Level.BOOTH).count()
    state = Unit.objects.get(path="UP")
    RecruitmentTarget.objects.update_or_create(
        unit=state,
        defaults={
            "volunteers": booths * settings.BOOTH_FULL_STAFF,
            "due": due,
            "note": "Five volunteers on every booth",
        },
    )


def demo_users_summary() -> list[tuple[str, str, str]]:
    rows = []
    for user in (
        User.objects.filter(person__source="demo").select_related("unit").prefetch_related("roles")
    ):
        roles = ",".join(r.role for r in user.roles.all())
        rows.append((user.username, roles, user.unit.path if user.unit else ""))
    if User.objects.filter(username="admin", is_superuser=True).exists():
        rows.append(("admin", "superuser", "UP"))
    return rows
