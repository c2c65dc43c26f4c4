"""An event's messages through the distribution channels (issue #14).

Content sits below events and never imports it: the events app hands over plain data (the
texts, the registration link, the unit and positions of the audience, or the named people of a
notice) and an `origin` ("event:<ref>") that it chooses and reads back.

- An **invitation** (`DistributionKind.EVENT`) goes to the holders of some positions under a
  unit: it expands like a kit (`expansion.audience_sql`), at the moment it falls due.
- A **notice** (`DistributionKind.NOTICE`) goes to named people: a reminder before the event, an
  expert's answer. One distribution per origin; adding the same person twice is a no-op (the
  outbox is unique per distribution and person), so a caller that retries after a crash sends
  nothing twice.

Both leave through the same outbox and sender as a kit: every sending rule (`sampark.rules`:
consent for the purpose "events and training", opt-out, quiet hours, the silence period, DND
for SMS) is asked as each message leaves, with kind `Kind.INVITATION`.

Their text is a template Sampark writes from the event's own fields (title, place, time, link);
no one types it, so it is created approved by the system, as the sign-in invitation's is
(`content.invitations`): the four-eyes rule of the library is for texts people write.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area
from sampark.content import audit, expansion, invitations, selectors
from sampark.content.enums import (
    EVENT_ORIGIN,
    Channel,
    DeliveryStatus,
    DistributionKind,
    DistributionStatus,
    ItemState,
)
from sampark.content.models import ChannelPreference, ContentItem, Delivery, Distribution
from sampark.core import tasks
from sampark.geo.models import Unit
from sampark.people.enums import ConsentPurpose

PURPOSE = ConsentPurpose.EVENTS
CHUNK = 5000


def sms_template(kind: str) -> str:
    """The MSG91 template entry (or DLT id) of an event SMS: event title, link."""
    if kind == DistributionKind.NOTICE:
        return str(getattr(settings, "SAMPARK_EVENT_NOTICE_SMS_TEMPLATE", "event_notice"))
    return str(getattr(settings, "SAMPARK_EVENT_INVITE_SMS_TEMPLATE", "event_invite"))


def _origin(ref: str) -> str:
    return f"{EVENT_ORIGIN}{ref}"[:60]


def _item(
    *, unit: Unit, author: User, title: str, text_hi: str, text_en: str, ref: str
) -> ContentItem:
    now = timezone.now()
    return ContentItem.objects.create(
        unit=unit,
        title=title[:200],
        text_hi=text_hi,
        text_en=text_en,
        state=ItemState.SENT,
        author=author,
        origin=_origin(ref),
        created_at=now,
        updated_at=now,
    )


def audience_count(*, unit_id: int, positions: Sequence[str]) -> int:
    """How many people an invitation to these positions under the unit would reach now."""
    unit = Unit.objects.get(id=unit_id)
    sql, params = expansion.audience_sql(
        targets=[unit], position_ids=expansion.position_ids(list(positions))
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) x", params)  # noqa: S608 (constants)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def event_invitation_create(
    *,
    actor: User,
    unit_id: int,
    positions: Sequence[str],
    ref: str,
    title: str,
    text_hi: str,
    text_en: str,
    link: str,
) -> Distribution:
    """Invite the holders of `positions` under the unit (in the actor's area) to an event."""
    unit = Unit.objects.get(id=unit_id)
    require_in_area(actor, Capability.DISTRIBUTE, unit)
    codes = sorted(set(positions))
    with transaction.atomic():
        item = _item(
            unit=unit, author=actor, title=title, text_hi=text_hi, text_en=text_en, ref=ref
        )
        distribution = Distribution.objects.create(
            item=item,
            kind=DistributionKind.EVENT,
            unit=unit,
            positions=codes,
            purpose=PURPOSE,
            link=link[:300],
            created_by=actor,
        )
        distribution.targets.set([unit])
        audit.distribution_event(
            verb="scheduled",
            distribution=distribution,
            actor=actor,
            data={"targets": [unit.path], "positions": codes, "origin": item.origin},
        )
        tasks.enqueue("content.expand", distribution_id=distribution.id)
    return distribution


def event_notice_send(
    *,
    author: User,
    unit_id: int,
    ref: str,
    title: str,
    text_hi: str,
    text_en: str,
    link: str,
    people: Sequence[tuple[int, int | None]],
) -> int:
    """Queue the notice `ref` to these (person, unit they count in) pairs; returns how many
    were new. One distribution per `ref`; a person already queued for it is skipped.

    The caller's transaction should also record that it sent the notice: both commit or
    neither does.
    """
    unit = Unit.objects.get(id=unit_id)
    origin = _origin(ref)
    with transaction.atomic():
        distribution = (
            Distribution.objects.select_for_update(of=("self",))
            .filter(kind=DistributionKind.NOTICE, item__origin=origin)
            .first()
        )
        if distribution is None:
            item = _item(
                unit=unit, author=author, title=title, text_hi=text_hi, text_en=text_en, ref=ref
            )
            distribution = Distribution.objects.create(
                item=item,
                kind=DistributionKind.NOTICE,
                unit=unit,
                purpose=PURPOSE,
                link=link[:300],
                status=DistributionStatus.SENDING,
                expanded_at=timezone.now(),
                created_by=author,
            )
            distribution.targets.set([unit])
        # In chunks: SQLite binds at most 32,766 parameters per statement.
        added = sum(
            _add_people(distribution, people[i : i + CHUNK], fallback=unit)
            for i in range(0, len(people), CHUNK)
        )
        if added:
            Distribution.objects.filter(id=distribution.id).update(
                status=DistributionStatus.SENDING,
                targeted=Delivery.objects.filter(distribution=distribution).count(),
            )
    return added


def _add_people(
    distribution: Distribution, people: Sequence[tuple[int, int | None]], *, fallback: Unit
) -> int:
    have = set(
        Delivery.objects.filter(
            distribution=distribution, person_id__in=[p for p, _u in people]
        ).values_list("person_id", flat=True)
    )
    fresh: dict[int, int] = {}
    for person_id, unit_id in people:
        if person_id not in have and person_id not in fresh:
            fresh[person_id] = unit_id or fallback.id
    if not fresh:
        return 0
    places = {
        row[0]: row[1:]
        for row in Unit.objects.filter(id__in=set(fresh.values())).values_list(
            "id", "ac_id", "pc_id", "district_id"
        )
    }
    channels = dict(
        ChannelPreference.objects.filter(person_id__in=fresh).values_list("person_id", "channel")
    )
    rows = []
    for person_id, unit_id in fresh.items():
        ac_id, pc_id, district_id = places.get(unit_id, (None, None, None))
        rows.append(
            Delivery(
                distribution=distribution,
                person_id=person_id,
                channel=channels.get(person_id, Channel.PUSH),
                unit_id_at=unit_id,
                ac_id_at=ac_id,
                pc_id_at=pc_id,
                district_id_at=district_id,
            )
        )
    Delivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


@dataclass(frozen=True)
class EventDistribution:
    distribution: Distribution
    progress: invitations.Progress


def event_distributions(*, user: User, ref_prefix: str) -> list[EventDistribution]:
    """An event's invitations and notices sent from the user's subtree, newest first, with
    their progress (queued, sent, held, …)."""
    rows: QuerySet[Distribution] = (
        selectors.distributions_visible(user=user)
        .filter(
            kind__in=[DistributionKind.EVENT, DistributionKind.NOTICE],
            item__origin__startswith=_origin(ref_prefix),
        )
        .order_by("-created_at", "-id")
    )
    return [EventDistribution(d, invitations.progress(distribution=d)) for d in rows[:50]]


def held_counts(*, distribution_id: int) -> dict[str, int]:
    """Why an event message's deliveries were held or blocked: reason → count."""
    rows = (
        Delivery.objects.filter(
            distribution_id=distribution_id,
            status__in=[DeliveryStatus.HELD, DeliveryStatus.CANCELLED, DeliveryStatus.SKIPPED],
        )
        .exclude(hold_reason="")
        .values("hold_reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["hold_reason"]: r["n"] for r in rows}
