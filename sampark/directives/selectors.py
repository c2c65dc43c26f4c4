"""Scoped reads for directives.

A directive is visible to its sender unit's subtree and to the units it was sent to. Recipient
rows are visible only inside the viewer's own subtree: a district in-charge looking at a state
directive sees their own row, never another district's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q, scope_root
from sampark.directives.models import Directive, DirectiveAttachment, DirectiveRecipient
from sampark.geo.enums import TREE_LEVELS, Level
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors

IST = ZoneInfo("Asia/Kolkata")

# Roles whose holder answers for their unit; their names are shown against pending units.
INCHARGE_ROLES: frozenset[str] = frozenset(
    {
        Role.STATE_HEAD,
        Role.DISTRICT_INCHARGE,
        Role.PC_INCHARGE,
        Role.AC_INCHARGE,
        Role.MANDAL_INCHARGE,
        Role.SECTOR_INCHARGE,
    }
)


@dataclass(frozen=True)
class PendingUnit:
    recipient_id: int
    unit: Unit
    incharges: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DirectiveStatus:
    total: int
    acknowledged: int
    pending_units: list[PendingUnit] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return self.total - self.acknowledged


def _visible_q(*, user: User) -> Q:
    root = scope_root(user=user)
    received = DirectiveRecipient.objects.filter(unit_id=root.id).values("directive_id")
    return scope_q(user=user, field="sender_unit") | Q(id__in=Subquery(received))


def directives_visible(*, user: User) -> QuerySet[Directive]:
    """Directives sent from the user's subtree or sent to the user's own unit."""
    return Directive.objects.filter(_visible_q(user=user))


def directives_sent_visible(*, user: User) -> QuerySet[Directive]:
    """Directives sent from a unit in the user's subtree, newest first, with progress counts."""
    return (
        Directive.objects.filter(scope_q(user=user, field="sender_unit"))
        .select_related("sender", "sender_unit")
        .annotate(
            # Every recipient lies inside the sender's subtree, hence inside the user's.
            recipients_total=Count("recipients"),
            recipients_acknowledged=Count(
                "recipients", filter=Q(recipients__acknowledged_at__isnull=False)
            ),
        )
        .order_by("-created_at", "-id")
    )


def directives_inbox(*, user: User) -> QuerySet[DirectiveRecipient]:
    """Directives sent to the user's own unit: unacknowledged first, then newest first."""
    root = scope_root(user=user)
    return (
        DirectiveRecipient.objects.filter(unit_id=root.id)
        .select_related("directive", "directive__sender", "directive__sender_unit", "unit")
        .select_related("acknowledged_by")
        .order_by(F("acknowledged_at").desc(nulls_first=True), "-directive__created_at", "-id")
    )


def access_directive(*, user: User, directive_id: int) -> Directive:
    """Return the directive if the user's subtree sent it or the user's unit received it, else 404."""
    return get_object_or_404(
        directives_visible(user=user).select_related("sender", "sender_unit"), id=directive_id
    )


def access_recipient(
    *, user: User, recipient_id: int, directive_id: int | None = None
) -> DirectiveRecipient:
    """Return a recipient row of a visible directive whose unit is in the user's subtree, else 404."""
    qs = DirectiveRecipient.objects.filter(scope_q(user=user, field="unit")).select_related(
        "directive", "unit", "acknowledged_by"
    )
    if directive_id is not None:
        qs = qs.filter(directive_id=directive_id)
    recipient = get_object_or_404(qs, id=recipient_id)
    if not directives_visible(user=user).filter(id=recipient.directive_id).exists():
        raise Http404("directive not visible")
    return recipient


def directive_recipients(
    *, directive: Directive, user: User, pending_only: bool = False
) -> QuerySet[DirectiveRecipient]:
    """The directive's recipient rows inside the user's subtree, in tree order."""
    qs = (
        DirectiveRecipient.objects.filter(scope_q(user=user, field="unit"), directive=directive)
        .select_related("unit", "acknowledged_by")
        .order_by("unit__path")
    )
    if pending_only:
        qs = qs.filter(acknowledged_at=None)
    return qs


def incharge_names(*, unit_ids: Iterable[int]) -> dict[int, list[str]]:
    """Names of who answers for each unit: users with an in-charge role on it, then persons
    holding an IT-cell in-charge position on it."""
    ids = sorted(set(unit_ids))
    names: dict[int, list[str]] = defaultdict(list)
    seen_persons: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        users = (
            User.objects.filter(unit_id__in=chunk, is_active=True, roles__role__in=INCHARGE_ROLES)
            .distinct()
            .order_by("unit_id", "id")
        )
        for u in users.only("id", "unit_id", "username", "first_name", "last_name", "person_id"):
            assert u.unit_id is not None
            names[u.unit_id].append(u.get_full_name() or u.username)
            if u.person_id is not None:
                seen_persons[u.unit_id].add(u.person_id)
        holders = (
            people_selectors.incharge_assignments(unit_ids=chunk)
            .order_by("unit_id", "kind__order", "id")
            .values_list("unit_id", "person_id", "person__name")
        )
        for unit_id, person_id, name in holders:
            if person_id not in seen_persons[unit_id]:
                seen_persons[unit_id].add(person_id)
                names[unit_id].append(name)
    return dict(names)


def directive_status(
    *, directive: Directive, user: User, pending_limit: int | None = None
) -> DirectiveStatus:
    """Acknowledged and pending counts over the recipients inside the user's subtree, and the
    pending units (up to `pending_limit`) with the names of their in-charges."""
    rows = directive_recipients(directive=directive, user=user)
    counts = rows.order_by().aggregate(
        total=Count("id"), acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False))
    )
    pending_qs = rows.filter(acknowledged_at=None)
    pending = list(pending_qs[:pending_limit] if pending_limit is not None else pending_qs)
    names = incharge_names(unit_ids=[r.unit_id for r in pending])
    return DirectiveStatus(
        total=counts["total"],
        acknowledged=counts["acknowledged"],
        pending_units=[
            PendingUnit(recipient_id=r.id, unit=r.unit, incharges=names.get(r.unit_id, []))
            for r in pending
        ],
    )


def target_levels(*, user: User) -> list[str]:
    """Levels below the user's unit (choices for 'every unit of level L in my area')."""
    root = scope_root(user=user)
    if root.level == Level.PC:
        return [Level.AC, Level.MANDAL, Level.SECTOR, Level.BOOTH]
    if root.level not in TREE_LEVELS:
        return []
    below = list(TREE_LEVELS[TREE_LEVELS.index(root.level) + 1 :])
    if root.level == Level.STATE:
        below.insert(1, Level.PC)
    return below


def target_units(*, user: User) -> QuerySet[Unit]:
    """Units offered in the 'choose units' list: the two levels below the user's unit."""
    root = scope_root(user=user)
    return (
        Unit.objects.filter(scope_q(user=user), depth__gt=root.depth, depth__lte=root.depth + 2)
        .exclude(level="booth")
        .order_by("path")
    )


# --- what staff notifications pull (issue #13): new, due soon, unacknowledged too long ---------


def conf() -> dict[str, int]:
    """The directives' clock settings (SAMPARK_DIRECTIVES)."""
    defaults = {"REMIND_BEFORE_HOURS": 24, "ESCALATE_AFTER_HOURS": 48}
    return {**defaults, **getattr(settings, "SAMPARK_DIRECTIVES", {})}


@dataclass(frozen=True)
class RecipientSignal:
    recipient_id: int
    directive_id: int
    unit_id: int
    title: str
    due: dt.date | None
    sent_at: dt.datetime


def _recipient_signals(qs: QuerySet[DirectiveRecipient]) -> list[RecipientSignal]:
    rows = qs.values_list(
        "id",
        "directive_id",
        "unit_id",
        "directive__title",
        "directive__due",
        "directive__created_at",
    )
    return [RecipientSignal(*row) for row in rows]


def recipients_after(*, after_id: int, limit: int = 500) -> list[RecipientSignal]:
    """Recipient rows with an id above `after_id` (a directive reaching a unit), in id order."""
    return _recipient_signals(
        DirectiveRecipient.objects.filter(id__gt=after_id).order_by("id")[:limit]
    )


def due_end(due: dt.date) -> dt.datetime:
    """The end of the due date in IST: the moment a directive falls overdue."""
    return dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0), tzinfo=IST)


def reminders_due(*, now: dt.datetime, limit: int = 500) -> list[RecipientSignal]:
    """Unacknowledged recipient rows of units that have staff, whose directive falls due within
    REMIND_BEFORE_HOURS (and is not overdue yet)."""
    ahead = now + dt.timedelta(hours=conf()["REMIND_BEFORE_HOURS"])
    today = now.astimezone(IST).date()
    qs = (
        DirectiveRecipient.objects.filter(
            acknowledged_at=None,
            directive__due__gte=today,
            directive__due__lte=ahead.astimezone(IST).date(),
            unit__users__is_active=True,
        )
        .distinct()
        .order_by("directive__due", "id")
    )
    return [s for s in _recipient_signals(qs[:limit]) if s.due and due_end(s.due) <= ahead]


@dataclass(frozen=True)
class EscalationSignal:
    directive_id: int
    title: str
    sender_id: int
    sender_unit_id: int
    # The parent of the units not acknowledging, and how many of them there are.
    parent_id: int
    pending: int


def escalations_due(
    *, now: dt.datetime, window_days: int = 7, limit: int = 500
) -> list[EscalationSignal]:
    """Directives sent more than ESCALATE_AFTER_HOURS ago (within `window_days` of that) with
    units still not acknowledging, one row per (directive, parent unit of those units)."""
    late = now - dt.timedelta(hours=conf()["ESCALATE_AFTER_HOURS"])
    rows = (
        DirectiveRecipient.objects.filter(
            acknowledged_at=None,
            directive__created_at__lte=late,
            directive__created_at__gt=late - dt.timedelta(days=window_days),
            unit__parent__isnull=False,
        )
        .values(
            "directive_id",
            "directive__title",
            "directive__sender_id",
            "directive__sender_unit_id",
            "unit__parent_id",
        )
        .annotate(pending=Count("id"))
        .order_by("directive_id", "unit__parent_id")[:limit]
    )
    return [
        EscalationSignal(
            directive_id=r["directive_id"],
            title=r["directive__title"],
            sender_id=r["directive__sender_id"],
            sender_unit_id=r["directive__sender_unit_id"],
            parent_id=r["unit__parent_id"],
            pending=r["pending"],
        )
        for r in rows
    ]


def attachments_of(*, directive: Directive) -> QuerySet[DirectiveAttachment]:
    """The files sent with a directive the caller already reached through `access_directive`."""
    return DirectiveAttachment.objects.filter(directive=directive).order_by("id")


def access_attachment(*, user: User, attachment_id: int) -> DirectiveAttachment:
    """An attachment of a directive visible to the user, else 404."""
    return get_object_or_404(
        DirectiveAttachment.objects.filter(directive__in=directives_visible(user=user)),
        id=attachment_id,
    )
