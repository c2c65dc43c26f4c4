"""Demo booth groups: 1-3 groups on a few hundred staffed booths, run by the booth's volunteers,
with eight weeks of member counts and some citizens who joined through the invite page.

Rows are written in bulk (a few thousand), keeping the registry's invariants: a group's
`member_count` is its last report and the sum of its reports' deltas; every join has the
consent event the invite page would have written.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.groups.enums import DEFAULT_CAP, GroupPurpose, JoinVia, Platform
from sampark.groups.models import Group, GroupJoin, MemberCountReport
from sampark.people.enums import AssignmentStatus, ConsentAction, ConsentPurpose
from sampark.people.models import Assignment, ConsentEvent, Person

BOOTHS = 300
WEEKS = 8
CITIZENS = 400
NAMES: dict[str, str] = {
    GroupPurpose.BOOTH_GENERAL: "बूथ {n} – सूचना समूह",
    GroupPurpose.WOMEN: "बूथ {n} – महिला शक्ति",
    GroupPurpose.YOUTH: "बूथ {n} – युवा साथी",
    GroupPurpose.FARMERS: "बूथ {n} – किसान मंच",
    GroupPurpose.BENEFICIARIES: "बूथ {n} – लाभार्थी संपर्क",
}
CITIZEN_NAMES = [
    "रमेश यादव", "सुनीता देवी", "अनिल कुमार", "पूजा सिंह", "मोहम्मद आरिफ", "गीता वर्मा",
    "Rahul Mishra", "Priya Gupta", "संजय पाल", "रीना कुमारी", "Amit Shukla", "नेहा तिवारी",
]  # fmt: skip


def _links(rng: random.Random, platform: str) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    code = "".join(rng.choice(alphabet) for _ in range(22))
    if platform == Platform.WHATSAPP:
        return f"https://chat.whatsapp.com/{code}"
    return f"https://t.me/+{code}"


def _citizen_phones(rng: random.Random, n: int) -> list[str]:
    """Numbers no person has yet (9xxxxxxxxx, as Indian mobiles are)."""
    phones: set[str] = set()
    while len(phones) < n:
        batch = {f"+919{rng.randrange(10**9):09d}" for _ in range(n - len(phones))}
        phones |= batch - set(
            Person.objects.filter(phone__in=batch).values_list("phone", flat=True)
        )
    return sorted(phones)


def load(*, rng: random.Random, now: dt.datetime | None = None) -> dict[str, int]:
    """Groups for the demo's staffed booths (idempotent: nothing if any group exists)."""
    if Group.objects.exists():
        return {}
    now = now or timezone.now()
    staffed = list(
        Unit.objects.filter(level=Level.BOOTH, volunteers__gt=0)
        .order_by("id")
        .values_list("id", "number")
    )
    if not staffed:
        return {}
    picked = rng.sample(staffed, k=min(BOOTHS, len(staffed)))
    volunteers = _volunteers_by_booth([b for b, _n in picked])
    with transaction.atomic():
        groups = _new_groups(rng, picked=picked, now=now)
        Group.objects.bulk_create(groups, batch_size=1000)
        reports, admin_rows = _member_history(rng, groups=groups, volunteers=volunteers, now=now)
        MemberCountReport.objects.bulk_create(reports, batch_size=2000)
        Group.objects.bulk_update(
            groups, ["member_count", "member_count_at", "last_activity_at"], batch_size=1000
        )
        Group.admins.through.objects.bulk_create(admin_rows, batch_size=2000)
        joins, consents = _citizen_joins(rng, groups=groups, now=now)
        GroupJoin.objects.bulk_create(joins, batch_size=1000)
        ConsentEvent.objects.bulk_create(consents, batch_size=2000)
    return {
        "booths": len(picked),
        "groups": len(groups),
        "reports": len(reports),
        "joins": len(joins),
    }


def _volunteers_by_booth(booth_ids: list[int]) -> dict[int, list[int]]:
    """The person ids holding a live position on each booth, by seat."""
    volunteers: dict[int, list[int]] = defaultdict(list)
    for unit_id, person_id in (
        Assignment.objects.filter(unit_id__in=booth_ids)
        .exclude(status=AssignmentStatus.ENDED)
        .order_by("unit_id", "seat", "id")
        .values_list("unit_id", "person_id")
    ):
        volunteers[unit_id].append(person_id)
    return volunteers


def _new_groups(
    rng: random.Random, *, picked: list[tuple[int, int | None]], now: dt.datetime
) -> list[Group]:
    """One to three groups per booth (always a general one), unsaved."""
    purposes = list(NAMES)
    groups: list[Group] = []
    for booth_id, number in picked:
        count = rng.choice((1, 1, 2, 2, 3))
        chosen = [GroupPurpose.BOOTH_GENERAL, *rng.sample(purposes[1:], k=count - 1)]
        for purpose in chosen:
            platform = Platform.TELEGRAM if rng.random() < 0.1 else Platform.WHATSAPP
            created = now - dt.timedelta(days=WEEKS * 7 + rng.randint(3, 30))
            groups.append(
                Group(
                    booth_id=booth_id,
                    platform=platform,
                    name=NAMES[purpose].format(n=number or booth_id),
                    purpose=purpose,
                    cap=DEFAULT_CAP[platform],
                    invite_link=_links(rng, platform),
                    invite_rotated_at=created,
                    join_token=secrets.token_urlsafe(12),
                    created_at=created,
                )
            )
    return groups


def _member_history(
    rng: random.Random, *, groups: list[Group], volunteers: dict[int, list[int]], now: dt.datetime
) -> tuple[list[MemberCountReport], list[Any]]:
    """Weekly member counts and admins for saved groups; sets each group's last count."""
    reports: list[MemberCountReport] = []
    admin_rows: list[Any] = []  # rows of the admins through table
    through = Group.admins.through
    for group in groups:
        members = rng.randint(15, 180)
        # Most groups grow; a few stall (their admin stops reporting).
        weekly = rng.choice((0, 5, 10, 20, 35, 60))
        last = 0
        reported_at = group.created_at
        # A fifth of the groups went quiet: nothing reported for the last three weeks.
        quiet = rng.random() < 0.2
        for week in range(WEEKS, -1, -1):
            if (quiet and week < 3) or (week and rng.random() < 0.25):
                continue
            members = min(group.cap, members + rng.randint(0, weekly))
            reported_at = now - dt.timedelta(days=7 * week, hours=rng.randint(1, 60))
            reports.append(
                MemberCountReport(group=group, count=members, delta=members - last, at=reported_at)
            )
            last = members
        group.member_count = last
        group.member_count_at = reported_at
        group.last_activity_at = reported_at
        for person_id in volunteers.get(group.booth_id, [])[: rng.randint(1, 2)]:
            admin_rows.append(through(group_id=group.id, person_id=person_id))
    return reports, admin_rows


def _citizen_joins(
    rng: random.Random, *, groups: list[Group], now: dt.datetime
) -> tuple[list[GroupJoin], list[ConsentEvent]]:
    """Citizens (saved here) who joined through the invite page, some of whom left again, with
    the consent events the invite and leave pages write."""
    citizens = Person.objects.bulk_create(
        [
            Person(name=rng.choice(CITIZEN_NAMES), phone=phone, source="group_join")
            for phone in _citizen_phones(rng, CITIZENS)
        ],
        batch_size=1000,
    )
    joins: list[GroupJoin] = []
    consents: list[ConsentEvent] = []
    for person in citizens:
        group = rng.choice(groups)
        at = now - dt.timedelta(minutes=rng.randint(30, 30 * 24 * 60))
        left = at + dt.timedelta(days=rng.randint(1, 10)) if rng.random() < 0.08 else None
        join = GroupJoin(
            group=group,
            person=person,
            joined_at=at,
            left_at=left if left is not None and left < now else None,
            via=JoinVia.QR if rng.random() < 0.3 else JoinVia.LINK,
        )
        joins.append(join)
        consents.append(_membership(person, group, ConsentAction.GIVEN, f"invite:{group.id}", at))
        if join.left_at is not None:
            consents.append(
                _membership(
                    person, group, ConsentAction.WITHDRAWN, f"leave:{group.id}", join.left_at
                )
            )
    return joins, consents


def _membership(
    person: Person, group: Group, action: str, source: str, at: dt.datetime
) -> ConsentEvent:
    return ConsentEvent(
        person=person,
        purpose=ConsentPurpose.GROUP_MEMBERSHIP,
        channel=group.platform,
        action=action,
        notice_version=str(settings.SAMPARK_NOTICE_VERSION),
        source=source,
        at=at,
    )
