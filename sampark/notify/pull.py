"""Pulling signals from the apps below (D9: notify sits above them, they never call it).

Each source is read through its app's selectors; each signal becomes one notification per
recipient, idempotent per (user, signal) by a unique constraint, so a worker killed anywhere in
here and started again tells nobody twice. Sources that grow by id are read past a cursor.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrPromise

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.content import selectors as content_selectors
from sampark.core.numbers import indian_group
from sampark.directives import selectors as directive_selectors
from sampark.geo.models import Unit
from sampark.notify import selectors, services
from sampark.notify.enums import Kind, Severity
from sampark.notify.models import Cursor, Page
from sampark.notify.services import Draft
from sampark.people import selectors as people_selectors
from sampark.warroom import selectors as warroom_selectors
from sampark.warroom.enums import DutyRole
from sampark.warroom.enums import Severity as IncidentSeverity

logger = logging.getLogger(__name__)

APPROVAL_HOURS = 24
SETTLE = dt.timedelta(minutes=2)
# Directive recipients come a level at a time (a whole state's booths): read more per pass.
DIRECTIVE_BATCH = 5000


def conf() -> dict[str, int | str]:
    defaults: dict[str, int | str] = {"REPAGE_MINUTES": 10, "DIGEST_HOUR": 8, "BATCH": 200}
    return {**defaults, **getattr(settings, "SAMPARK_NOTIFY", {})}


def tell(users: Iterable[User], make: Callable[[], Draft]) -> int:
    """Notify each user with the draft `make` writes in that user's language; how many new."""
    made = 0
    for user in users:
        with translation.override(user.preferred_language or "hi"):
            draft = make()
        if services.notification_create(user=user, draft=draft) is not None:
            made += 1
    return made


def _units(ids: Iterable[int]) -> dict[int, Unit]:
    return {u.id: u for u in Unit.objects.filter(id__in=set(ids))}


def _advance(name: str, read: list[tuple[int, dt.datetime]], *, now: dt.datetime) -> None:
    """Move the cursor past the rows read that are older than SETTLE: a row committed late
    (PostgreSQL hands out ids before commit) may still appear below a newer id, so the newest
    rows are read again next pass (telling is idempotent) until they have settled."""
    settled = now - SETTLE
    position = None
    for row_id, at in read:
        if at > settled:
            break
        position = row_id
    if position is not None:
        Cursor.objects.update_or_create(name=name, defaults={"position": position})


def _position(name: str) -> int:
    row = Cursor.objects.filter(name=name).first()
    return row.position if row else 0


# --- incidents (and the alerts they were opened for) --------------------------------------------


def new_incidents(*, now: dt.datetime | None = None) -> int:
    """Tell triage staff whose area holds a new incident (filtered by their minimum severity)."""
    now = now or timezone.now()
    batch = int(conf()["BATCH"])
    signals = warroom_selectors.incidents_after(after_id=_position("incidents"), limit=batch)
    units = _units(s.unit_id for s in signals)
    # The newest rows are read again until they settle: skip who was told already, in one query.
    told = selectors.told(signals=[f"incident:{s.id}" for s in signals])
    covering: dict[int, list[User]] = {}
    made = 0
    for s in signals:
        url = reverse("warroom:incident", kwargs={"incident_id": s.id})

        def draft(s: warroom_selectors.IncidentSignal = s, url: str = url) -> Draft:
            level = IncidentSeverity(s.severity).label
            return Draft(
                kind=Kind.INCIDENT,
                signal=f"incident:{s.id}",
                unit=units[s.unit_id],
                title=_("New incident (%(severity)s): %(title)s")
                % {"severity": level, "title": s.title},
                url=url,
                severity=s.severity,
            )

        if s.unit_id not in covering:
            covering[s.unit_id] = selectors.users_covering(
                unit=units[s.unit_id], capability=Capability.TRIAGE
            )
        signal = f"incident:{s.id}"
        made += tell([u for u in covering[s.unit_id] if (u.id, signal) not in told], draft)
    _advance("incidents", [(s.id, s.at) for s in signals], now=now)
    return made


# --- SLA escalation: page the duty shift, then its lead, until someone takes the incident -------


def pages(*, now: dt.datetime | None = None) -> int:
    """Page round N for each escalated incident nobody took, when it is due; stop the pages of
    incidents taken since."""
    now = now or timezone.now()
    every = dt.timedelta(minutes=int(conf()["REPAGE_MINUTES"]))
    untaken = warroom_selectors.escalated_untaken(limit=int(conf()["BATCH"]))
    live = {s.id for s in untaken}
    Page.objects.filter(stopped_at=None).exclude(incident_id__in=live).update(stopped_at=now)
    units = _units(s.unit_id for s in untaken)
    made = 0
    for s in untaken:
        page, _created = Page.objects.get_or_create(incident_id=s.id, defaults={"next_at": now})
        if page.stopped_at is not None or page.next_at > now:
            continue
        duty = warroom_selectors.on_duty_for(unit=units[s.unit_id], at=now)
        leads = {d.user_id for d in duty if d.role == DutyRole.LEAD}
        # Round 0 pages the shift; from round 1 on its lead too (and, with no lead on shift,
        # those who may approve responses in the area).
        wanted = {d.user_id for d in duty if d.user_id not in leads}
        if page.rounds >= 1 or not wanted:
            wanted |= leads
            if not leads:
                wanted |= {
                    u.id
                    for u in selectors.users_covering(
                        unit=units[s.unit_id], capability=Capability.APPROVE_RESPONSES
                    )
                }
        users = User.objects.filter(id__in=wanted, is_active=True).select_related("unit")
        url = reverse("warroom:incident", kwargs={"incident_id": s.id})
        round_no = page.rounds

        def draft(
            s: warroom_selectors.IncidentSignal = s, url: str = url, n: int = round_no
        ) -> Draft:
            return Draft(
                kind=Kind.PAGE,
                signal=f"page:{s.id}:{n}",
                unit=units[s.unit_id],
                title=_("SLA missed, nobody has taken it: %(title)s") % {"title": s.title},
                body=_("Page %(n)d. Take the incident to stop the pages.") % {"n": n + 1},
                url=url,
                severity=Severity.CRITICAL,
            )

        with transaction.atomic():
            made += tell(users, draft)
            # The round is spent only if this worker still holds it (two workers, one page).
            Page.objects.filter(id=page.id, rounds=round_no).update(
                rounds=round_no + 1, next_at=now + every
            )
    return made


# --- directives: to my unit, falling due, not acknowledged --------------------------------------


def _unit_staff(unit_ids: Iterable[int], capability: str) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {}
    users = (
        User.objects.filter(is_active=True, unit_id__in=set(unit_ids))
        .select_related("unit")
        .prefetch_related("roles")
    )
    for user in users:
        user._role_cache = {r.role for r in user.roles.all()}
        if user.can(capability):
            assert user.unit_id is not None
            out.setdefault(user.unit_id, []).append(user)
    return out


def new_directives(*, now: dt.datetime | None = None) -> int:
    """Tell the staff of each unit a directive reached."""
    now = now or timezone.now()
    signals = directive_selectors.recipients_after(
        after_id=_position("directives"), limit=DIRECTIVE_BATCH
    )
    staff = _unit_staff((s.unit_id for s in signals), Capability.ACK_DIRECTIVES)
    units = _units(s.unit_id for s in signals if s.unit_id in staff)
    told = selectors.told(
        signals=[f"directive:{s.recipient_id}" for s in signals if s.unit_id in staff]
    )
    made = 0
    for s in signals:
        if s.unit_id not in staff:
            continue

        def draft(s: directive_selectors.RecipientSignal = s) -> Draft:
            return Draft(
                kind=Kind.DIRECTIVE,
                signal=f"directive:{s.recipient_id}",
                unit=units[s.unit_id],
                title=_("New directive: %(title)s") % {"title": s.title},
                body=_("Due by %(due)s") % {"due": s.due} if s.due else "",
                url=reverse("directives:detail", kwargs={"directive_id": s.directive_id}),
            )

        signal = f"directive:{s.recipient_id}"
        made += tell([u for u in staff.get(s.unit_id, []) if (u.id, signal) not in told], draft)
    _advance("directives", [(s.recipient_id, s.sent_at) for s in signals], now=now)
    return made


def directive_reminders(*, now: dt.datetime | None = None) -> int:
    """Remind the staff of units that have not acknowledged a directive falling due."""
    now = now or timezone.now()
    signals = directive_selectors.reminders_due(now=now, limit=int(conf()["BATCH"]))
    staff = _unit_staff((s.unit_id for s in signals), Capability.ACK_DIRECTIVES)
    units = _units(s.unit_id for s in signals)
    made = 0
    for s in signals:

        def draft(s: directive_selectors.RecipientSignal = s) -> Draft:
            return Draft(
                kind=Kind.REMINDER,
                signal=f"reminder:{s.recipient_id}",
                unit=units[s.unit_id],
                title=_("Directive due on %(due)s, not acknowledged: %(title)s")
                % {"due": s.due, "title": s.title},
                url=reverse("directives:list"),
                severity=Severity.HIGH,
            )

        made += tell(staff.get(s.unit_id, []), draft)
    return made


def directive_escalations(*, now: dt.datetime | None = None) -> int:
    """Tell the sender, and the in-charges of the parent unit, of units not acknowledging."""
    now = now or timezone.now()
    signals = directive_selectors.escalations_due(now=now, limit=int(conf()["BATCH"]))
    staff = _unit_staff((s.parent_id for s in signals), Capability.SEND_DIRECTIVES)
    senders = {u.id: u for u in User.objects.filter(id__in={s.sender_id for s in signals})}
    units = _units([s.parent_id for s in signals])
    made = 0
    for s in signals:
        url = reverse("directives:detail", kwargs={"directive_id": s.directive_id}) + "?pending=1"

        def draft(s: directive_selectors.EscalationSignal = s, url: str = url) -> Draft:
            return Draft(
                kind=Kind.ESCALATION,
                signal=f"escalation:{s.directive_id}:{s.parent_id}",
                unit=units[s.parent_id],
                title=_("%(n)d units under %(unit)s have not acknowledged: %(title)s")
                % {"n": s.pending, "unit": units[s.parent_id].name, "title": s.title},
                url=url,
                severity=Severity.HIGH,
            )

        users = list(staff.get(s.parent_id, []))
        sender = senders.get(s.sender_id)
        if sender is not None and sender.is_active and sender not in users:
            users.append(sender)
        made += tell(users, draft)
    return made


# --- approvals waiting --------------------------------------------------------------------------


def approvals(*, now: dt.datetime | None = None) -> int:
    """Tell those who may approve war-room responses, or review content kits, in the area
    that one is waiting."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=APPROVAL_HOURS)
    batch = int(conf()["BATCH"])
    made = _tell_approvers(
        warroom_selectors.responses_awaiting_since(since=since, limit=batch),
        what="response",
        capability=Capability.APPROVE_RESPONSES,
        title=gettext_lazy("A response waits for your approval: %(title)s"),
        url=lambda s: reverse("warroom:response", kwargs={"response_id": s.id}),
    )
    return made + _tell_approvers(
        content_selectors.items_in_review_since(since=since, limit=batch),
        what="item",
        capability=Capability.REVIEW_CONTENT,
        title=gettext_lazy("A content kit waits for your review: %(title)s"),
        url=lambda s: reverse("content:detail", kwargs={"item_id": s.id}),
    )


def _tell_approvers(
    signals: Sequence[Any],
    *,
    what: str,
    capability: Capability,
    title: StrPromise,  # translated when the draft is made, in the reader's language
    url: Callable[[Any], str],
) -> int:
    """One approval notification per waiting object to those covering its unit who hold
    `capability`, its author excepted."""
    units = _units(s.unit_id for s in signals)
    made = 0
    for s in signals:

        def draft(s: Any = s) -> Draft:
            return Draft(
                kind=Kind.APPROVAL,
                signal=f"approval:{what}:{s.id}:{int(s.at.timestamp()) if s.at else 0}",
                unit=units[s.unit_id],
                title=title % {"title": s.title},
                url=url(s),
                severity=Severity.HIGH,
            )

        approvers = selectors.users_covering(unit=units[s.unit_id], capability=capability)
        made += tell([u for u in approvers if u.id != s.author_id], draft)
    return made


# --- long jobs finished -------------------------------------------------------------------------


def _starters(ids: Iterable[int | None]) -> dict[int, User]:
    """The active users who started these jobs, by id (a job's creator may be gone)."""
    wanted = {i for i in ids if i is not None}
    return {
        u.id: u for u in User.objects.filter(id__in=wanted, is_active=True).select_related("unit")
    }


def jobs_finished(*, now: dt.datetime | None = None) -> int:
    """Tell the sender of a distribution (a send to many volunteers) that it finished."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=APPROVAL_HOURS)
    signals = content_selectors.distributions_finished_since(
        since=since, limit=int(conf()["BATCH"])
    )
    senders = _starters(s.created_by_id for s in signals)
    units = _units(s.unit_id for s in signals)
    made = 0
    for s in signals:
        sender = senders.get(s.created_by_id or 0)
        if sender is None:
            continue

        def draft(s: content_selectors.FinishedSignal = s) -> Draft:
            return Draft(
                kind=Kind.JOB,
                signal=f"job:distribution:{s.id}",
                unit=units[s.unit_id],
                title=_("Sending finished: %(title)s (%(n)s recipients)")
                % {"title": s.title, "n": indian_group(s.targeted)},
                url=reverse("content:distribution", kwargs={"distribution_id": s.id}),
                severity=Severity.LOW,
            )

        made += tell([sender], draft)
    return made


def imports_finished(*, now: dt.datetime | None = None) -> int:
    """Tell who started a people import that it finished (or failed), with a link to its page;
    nobody is told of an import outside their subtree (`notification_create` refuses it)."""
    now = now or timezone.now()
    since = now - dt.timedelta(hours=APPROVAL_HOURS)
    signals = people_selectors.import_jobs_finished_since(since=since, limit=int(conf()["BATCH"]))
    starters = _starters(s.created_by_id for s in signals)
    units = _units(s.scope_id for s in signals)
    made = 0
    for s in signals:
        starter = starters.get(s.created_by_id or 0)
        if starter is None:
            continue

        def draft(s: people_selectors.ImportFinishedSignal = s) -> Draft:
            failed = s.status == "failed"
            title = (
                _("Import failed: %(file)s")
                if failed
                else _("Import finished: %(file)s (%(n)s new people, %(errors)s rows with errors)")
            )
            return Draft(
                kind=Kind.JOB,
                signal=f"job:import:{s.id}",
                unit=units[s.scope_id],
                title=title
                % {
                    "file": s.filename,
                    "n": indian_group(s.rows_created),
                    "errors": indian_group(s.rows_failed),
                },
                url=reverse("imports:detail", kwargs={"job_id": s.id}),
                severity=Severity.MEDIUM if failed else Severity.LOW,
            )

        made += tell([starter], draft)
    return made


# --- the daily digest ---------------------------------------------------------------------------


def digests(*, now: dt.datetime | None = None) -> int:
    """At DIGEST_HOUR (IST), one digest per user who chose it: what came in the last day."""
    now = now or timezone.now()
    local = now.astimezone(directive_selectors.IST)
    if local.hour < int(conf()["DIGEST_HOUR"]):
        return 0
    day = local.date().isoformat()
    made = 0
    for user in selectors.digest_users(day=day):
        assert user.unit is not None
        counts = selectors.digest_counts(user=user, since=now - dt.timedelta(days=1))
        if not counts:
            continue
        unit = user.unit

        def draft(counts: dict[str, int] = counts, unit: Unit = unit) -> Draft:
            lines = [f"{Kind(k).label}: {n}" for k, n in sorted(counts.items())]
            return Draft(
                kind=Kind.DIGEST,
                signal=f"digest:{day}",
                unit=unit,
                title=_("Your daily digest: %(n)d notifications") % {"n": sum(counts.values())},
                body="\n".join(lines),
                url=reverse("notify:inbox"),
                severity=Severity.LOW,
            )

        made += tell([user], draft)
    return made
