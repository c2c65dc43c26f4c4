"""Writes for the call centre: campaigns and their contacts, handing out the next contact,
calls, autosave, dispositions with their effects elsewhere, the do-not-call list.

Handing out (`contact_next`) never gives one contact to two agents: on PostgreSQL the
candidate rows are read `FOR UPDATE SKIP LOCKED`, so concurrent agents pass over each other's
rows instead of queueing; on both databases the lease is then taken by a conditional UPDATE
that only one writer can win (SQLite serialises writers, so the fallback is the same UPDATE).
A lease lasts `LEASE_SECONDS` and is renewed by the console's autosave; while a call is live
(`Contact.live`) an expired lease is never taken over.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.calls import audit, effects, scripts
from sampark.calls.campaigns import Entry as Entry
from sampark.calls.campaigns import campaign_create as campaign_create
from sampark.calls.campaigns import campaign_preview as campaign_preview
from sampark.calls.campaigns import campaign_refresh as campaign_refresh
from sampark.calls.campaigns import campaign_status_set as campaign_status_set
from sampark.calls.campaigns import campaign_update as campaign_update
from sampark.calls.campaigns import contacts_add as contacts_add
from sampark.calls.campaigns import script_save as script_save
from sampark.calls.enums import (
    LIVE_STATUSES,
    RETRY_DISPOSITIONS,
    AttemptStatus,
    CampaignStatus,
    Category,
    ContactStatus,
    Disposition,
    Effect,
)
from sampark.calls.models import (
    AgentStatus,
    Attempt,
    Campaign,
    Contact,
    DoNotCall,
    Note,
    Response,
    ScriptVersion,
)
from sampark.rules import selectors as rules_selectors
from sampark.rules.enums import WAITING_REASONS, Channel, Kind

DNC = "do_not_call"  # our own hold reason, beside the rules' reasons
MAX_NOTE = 2000
MAX_DRAFT_BYTES = 20_000
RETRY_AFTER = dt.timedelta(hours=2)
MAX_SKIPS = 25  # contacts held by the rules passed over in one `contact_next`


def _conf() -> dict[str, Any]:
    conf: dict[str, Any] = settings.SAMPARK_CALLS
    return conf


def lease_length() -> dt.timedelta:
    return dt.timedelta(seconds=int(_conf()["LEASE_SECONDS"]))


def caller_id_for(category: str) -> str:
    """The caller-ID series the call category is placed from (settings, TRAI 140/160)."""
    return str(_conf()["CALLER_ID"][Category(category).value])


# --- scripts and campaigns: `calls.campaigns` (imported above as part of this API) ---------------


# --- scrubbing at dial time -----------------------------------------------------------------------


@dataclass(frozen=True)
class Scrub:
    reason: str = ""
    until: dt.datetime | None = None

    @property
    def go(self) -> bool:
        return not self.reason


@dataclass(frozen=True)
class _Book:
    """The rules loaded for one contact (consents, NCPR DND), judged again at dial time."""

    book: rules_selectors.Rulebook
    recipient: rules_selectors.Recipient
    loaded_at: dt.datetime


# The rules loaded at hand-out, reused when the agent dials the same contact within
# BOOK_SECONDS (one load for both scrubs; an opt-out elsewhere takes effect within a minute,
# as the issue asks). The time windows (calling hours, silence) are judged again at dial time,
# and our own do-not-call list is read afresh with the contact each time.
_BOOKS: OrderedDict[int, _Book] = OrderedDict()
BOOK_SECONDS = 60
MAX_BOOKS = 5000


def _contacts() -> QuerySet[Contact]:
    """Contacts with what the scrub and the console need, in one query: the campaign, the
    unit, the person (phone, birth date) and whether the number is on our own list."""
    return Contact.objects.select_related("campaign", "unit", "person").annotate(
        on_dnc=Exists(DoNotCall.objects.filter(phone=OuterRef("person__phone")))
    )


def scrub(*, contact: Contact, at: dt.datetime, reuse: bool = False) -> Scrub:
    """May this contact be dialled at `at`? Our own do-not-call list, then every sending rule
    (NCPR DND, opt-outs and consent, calling hours, the constituency's silence period).
    `reuse`: judge with the rules loaded for this contact less than BOOK_SECONDS ago."""
    person = contact.person
    on_dnc = getattr(contact, "on_dnc", None)
    if on_dnc is None:
        on_dnc = DoNotCall.objects.filter(phone=person.phone).exists()
    if on_dnc:
        return Scrub(DNC)
    kept = _BOOKS.get(contact.id) if reuse else None
    if (
        kept is None
        or kept.recipient.phone != person.phone
        or not dt.timedelta(0) <= at - kept.loaded_at <= dt.timedelta(seconds=BOOK_SECONDS)
    ):
        recipient = rules_selectors.recipient_at(
            person_id=contact.person_id,
            phone=person.phone,
            date_of_birth=person.date_of_birth,
            unit=contact.unit,
        )
        book = rules_selectors.Rulebook.load(
            purpose=contact.campaign.purpose,
            audience=[(recipient, Channel.VOICE)],
            at=at,
            kind=Kind.MESSAGE,
            calendar=_calendar(at),
        )
        kept = _Book(book, recipient, at)
        _BOOKS[contact.id] = kept
        _BOOKS.move_to_end(contact.id)
        while len(_BOOKS) > MAX_BOOKS:
            _BOOKS.popitem(last=False)
    verdict = kept.book.check(kept.recipient, channel=Channel.VOICE, at=at)
    return Scrub(verdict.reason, verdict.until)


def forget_rules() -> None:
    """Drop the rules kept for contacts (an opt-out was just recorded in this process)."""
    _BOOKS.clear()


_CALENDAR: dict[str, Any] = {}
CALENDAR_SECONDS = 60


def _calendar(at: dt.datetime) -> rules_selectors.Calendar:
    """The poll calendar, shared for a minute (the rules allow sharing it: it changes rarely,
    and a new phase is published days before its silence begins)."""
    loaded = _CALENDAR.get("at")
    if loaded is None or abs((at - loaded).total_seconds()) > CALENDAR_SECONDS:
        _CALENDAR.update(at=at, calendar=rules_selectors.Calendar.load())
    calendar: rules_selectors.Calendar = _CALENDAR["calendar"]
    return calendar


# --- handing out contacts -----------------------------------------------------------------------


def _held_by(agent: User) -> Contact | None:
    return _contacts().filter(leased_by=agent, status=ContactStatus.LEASED).order_by("id").first()


def _free(now: dt.datetime) -> Q:
    return Q(status=ContactStatus.WAITING) | Q(
        status=ContactStatus.LEASED, lease_until__lt=now, live=False
    )


def _candidates(*, agent: User, campaign: Campaign, now: dt.datetime) -> Any:
    due = Q(due_at__isnull=True) | Q(due_at__lte=now)
    return (
        Contact.objects.filter(
            scope_q(user=agent, field="unit"), due, _free(now), campaign_id=campaign.id
        )
        .filter(Q(callback_agent__isnull=True) | Q(callback_agent=agent))
        .order_by("due_at", "id")
    )


def _claim_one(*, agent: User, campaign: Campaign, now: dt.datetime, skip: set[int]) -> int | None:
    """Lease one free contact to `agent` in one statement; its id, or None when none is left
    (-1 when another agent won the row we picked: try again).

    `UPDATE … WHERE id = (SELECT … [FOR UPDATE SKIP LOCKED] LIMIT 1) AND <still free>
    RETURNING id`: on PostgreSQL concurrent agents pass over each other's rows, and the
    re-checked condition lets only one writer win a row; SQLite serialises writers."""
    pick_sql, pick_params = (
        _candidates(agent=agent, campaign=campaign, now=now)
        .exclude(id__in=skip)
        .values("id")[:1]
        .query.sql_with_params()
    )
    if connection.vendor == "postgresql":
        pick_sql += " FOR UPDATE OF calls_contact SKIP LOCKED"
    table = Contact._meta.db_table
    when = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET status = %s, leased_by_id = %s, lease_until = %s, '  # noqa: S608
            f"updated_at = %s WHERE id = ({pick_sql}) AND (status = %s OR (status = %s AND "
            "lease_until < %s AND NOT live)) RETURNING id",
            [
                ContactStatus.LEASED,
                agent.id,
                when(now + lease_length()),
                when(now),
                *pick_params,
                ContactStatus.WAITING,
                ContactStatus.LEASED,
                when(now),
            ],
        )
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    # Nothing updated: either nothing is free, or another agent took our pick meanwhile.
    return -1 if _candidates(agent=agent, campaign=campaign, now=now).exists() else None


def contact_next(
    *, agent: User, campaign: Campaign, now: dt.datetime | None = None, scrub_rules: bool = True
) -> Contact | None:
    """The contact this agent works on now: the one they already hold (a reload hands back
    the same contact), else the next free one that the rules let us dial now."""
    now = now or timezone.now()
    held = _held_by(agent)
    if held is not None:
        return held
    if campaign.status != CampaignStatus.ACTIVE:
        return None
    skip: set[int] = set()
    for _round in range(MAX_SKIPS):
        contact_id = _claim_one(agent=agent, campaign=campaign, now=now, skip=skip)
        if contact_id is None:
            return None
        if contact_id < 0:
            continue
        contact = _contacts().get(id=contact_id)
        verdict = scrub(contact=contact, at=now) if scrub_rules else Scrub()
        if verdict.go:
            return contact
        skip.add(contact_id)
        _hold(contact=contact, verdict=verdict, now=now)
    return None


def _hold(*, contact: Contact, verdict: Scrub, now: dt.datetime) -> None:
    """Put a contact the rules hold back: till the window ends, or for good."""
    waiting = verdict.reason in WAITING_REASONS
    Contact.objects.filter(id=contact.id).update(
        status=ContactStatus.WAITING if waiting else ContactStatus.HELD,
        due_at=verdict.until if waiting else contact.due_at,
        hold_reason=verdict.reason,
        leased_by=None,
        lease_until=None,
        live=False,
        updated_at=now,
    )


def _own(*, agent: User, contact_id: int, now: dt.datetime) -> Contact:
    """The contact, locked (its own row only), if the agent holds it; `open_call` is the id
    of the call the agent has open on it (a reload after dialling), else None."""
    open_call = Attempt.objects.filter(
        contact=OuterRef("pk"), agent=agent, closed_at__isnull=True
    ).values("id")[:1]
    contact: Contact = (
        _contacts()
        .annotate(open_call=Subquery(open_call))
        .select_for_update(of=("self",))
        .get(id=contact_id)
    )
    if contact.leased_by_id != agent.id or contact.status != ContactStatus.LEASED:
        raise PermissionDenied(_("This contact is no longer yours."))
    return contact


def lease_renew(*, agent: User, contact_id: int, now: dt.datetime | None = None) -> bool:
    """Extend the agent's lease on the contact (the console's heartbeat); False if lost."""
    now = now or timezone.now()
    return (
        Contact.objects.filter(id=contact_id, leased_by=agent, status=ContactStatus.LEASED).update(
            lease_until=now + lease_length()
        )
        == 1
    )


# --- calls --------------------------------------------------------------------------------------


def call_start(
    *, agent: User, contact_id: int, provider: str = "", now: dt.datetime | None = None
) -> Attempt:
    """Open an attempt on a contact the agent holds, after asking the rules once more at the
    moment of dialling. `provider` "" = the agent dials from their own phone. The attempt
    keeps the campaign's script version of this moment."""
    now = now or timezone.now()
    with transaction.atomic():
        contact = _own(agent=agent, contact_id=contact_id, now=now)
        if contact.open_call is not None:  # type: ignore[attr-defined]
            return Attempt.objects.get(id=contact.open_call)  # type: ignore[attr-defined]
        verdict = scrub(contact=contact, at=now, reuse=True)
        if verdict.go:
            attempt = Attempt.objects.create(
                contact=contact,
                agent=agent,
                started_at=now,
                provider=provider,
                caller_id=caller_id_for(contact.campaign.category),
                script_id=contact.campaign.script_id,
                status=AttemptStatus.QUEUED if provider else AttemptStatus.IN_PROGRESS,
            )
            Contact.objects.filter(id=contact.id).update(
                live=True, attempts=contact.attempts + 1, lease_until=now + lease_length()
            )
            agent_state_set(agent=agent, state="on_call", now=now)
        else:
            _hold(contact=contact, verdict=verdict, now=now)
    if not verdict.go:
        raise ValidationError(_("The rules hold this call: %(r)s") % {"r": verdict.reason})
    return attempt


def call_dialled(*, attempt_id: int, provider_call_id: str, status: str) -> None:
    """Record the provider's id for a call it accepted."""
    Attempt.objects.filter(id=attempt_id).update(
        provider_call_id=provider_call_id[:80], status=AttemptStatus(status)
    )


def call_event(
    *,
    provider: str,
    provider_call_id: str,
    status: str,
    at: dt.datetime,
    recording_url: str = "",
    attempt_id: int | None = None,
) -> bool:
    """Apply a provider's status report to its attempt; False for a call we do not know.

    A report never moves a finished call back to a live state (reports may arrive out of order).
    With `attempt_id` (from an authenticated callback URL) the call must also be that attempt.
    """
    with transaction.atomic():
        qs = Attempt.objects.select_for_update().filter(
            provider=provider, provider_call_id=provider_call_id
        )
        if attempt_id is not None:
            qs = qs.filter(id=attempt_id)
        attempt = qs.first()
        if attempt is None:
            return False
        if attempt.status not in LIVE_STATUSES:
            return True
        attempt.status = AttemptStatus(status)
        if status == AttemptStatus.IN_PROGRESS and attempt.answered_at is None:
            attempt.answered_at = at
        if status not in LIVE_STATUSES:
            attempt.ended_at = at
            Contact.objects.filter(id=attempt.contact_id).update(live=False)
        if recording_url:
            attempt.recording_url = recording_url[:500]
        attempt.save(update_fields=["status", "answered_at", "ended_at", "recording_url"])
    return True


def call_recording(*, provider: str, provider_call_id: str, recording_url: str) -> bool:
    """Attach a recording the provider finished to its call; False for a call we do not know."""
    return (
        Attempt.objects.filter(provider=provider, provider_call_id=provider_call_id).update(
            recording_url=recording_url[:500]
        )
        == 1
    )


def draft_save(
    *, agent: User, attempt_id: int, draft: Mapping[str, Any], now: dt.datetime | None = None
) -> None:
    """Autosave what the agent typed so far, and renew the lease while at it."""
    now = now or timezone.now()
    if len(repr(draft)) > MAX_DRAFT_BYTES:
        raise ValidationError(_("Too much text to save."))
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(id=attempt_id)
        if attempt.agent_id != agent.id or attempt.closed_at is not None:
            raise PermissionDenied(_("This call is no longer yours."))
        attempt.draft = dict(draft)
        attempt.save(update_fields=["draft"])
        lease_renew(agent=agent, contact_id=attempt.contact_id, now=now)


_VERSIONS: dict[int, ScriptVersion] = {}


def _version(version_id: int | None) -> ScriptVersion | None:
    """A script version, kept in the process once read: versions never change."""
    if version_id is None:
        return None
    version = _VERSIONS.get(version_id)
    if version is None:
        version = ScriptVersion.objects.get(id=version_id)
        if len(_VERSIONS) > 1000:
            _VERSIONS.clear()
        _VERSIONS[version_id] = version
    return version


def _clean_answers(
    version: ScriptVersion | None, answers: Mapping[str, object] | None
) -> dict[str, object]:
    clean: dict[str, object] = {}
    if version is None or not answers:
        return clean
    for key, raw in answers.items():
        step = scripts.step_by_key(version.steps, key)
        if step is None or step["kind"] == "info" or raw in ("", None, []):
            continue
        clean[key] = scripts.clean_answer(step, raw)
    return clean


def disposition_save(
    *,
    agent: User,
    attempt_id: int,
    disposition: str,
    answers: Mapping[str, object] | None = None,
    note: str = "",
    callback_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Attempt:
    """Close the call: answers as structured responses (of the script version the call was
    given), their effects elsewhere, the disposition, a note, a call-back; the contact goes
    back to the queue or is done, and the lease ends."""
    now = now or timezone.now()
    code = Disposition(disposition)
    if code == Disposition.CALL_BACK and (callback_at is None or callback_at <= now):
        raise ValidationError(_("Choose a call-back time in the future."))
    with transaction.atomic():
        # Lock the call and its contact only (never the campaign row every agent shares).
        attempt = (
            Attempt.objects.select_for_update(of=("self", "contact"))
            .select_related("contact__campaign", "contact__unit", "contact__person")
            .get(id=attempt_id)
        )
        if attempt.agent_id != agent.id:
            raise PermissionDenied(_("This call is no longer yours."))
        if attempt.closed_at is not None:
            return attempt  # a double submit: the first one counted
        contact = attempt.contact
        if contact.leased_by_id != agent.id or contact.status != ContactStatus.LEASED:
            raise PermissionDenied(_("This contact is no longer yours."))
        version = _version(attempt.script_id or contact.campaign.script_id)
        clean = _clean_answers(version, answers)
        Response.objects.bulk_create(
            [
                Response(attempt=attempt, script=version, question=k, value=v)
                for k, v in clean.items()
            ]
        )
        fired = scripts.effects(version.steps, clean) if version is not None else []
        if code == Disposition.DO_NOT_CALL:
            fired.append((Effect.OPT_OUT, True))
        applied = effects.apply(contact=contact, fired=fired, agent=agent) if fired else []
        if Effect.OPT_OUT in applied:
            forget_rules()
        if note.strip():
            Note.objects.create(contact=contact, author=agent, text=note.strip()[:MAX_NOTE])
        attempt.disposition = code
        attempt.closed_at = now
        attempt.draft = {}
        if attempt.ended_at is None and not attempt.provider:
            attempt.ended_at = now
            attempt.status = AttemptStatus.COMPLETED
        attempt.save(update_fields=["disposition", "closed_at", "draft", "ended_at", "status"])
        _requeue(contact=contact, code=code, callback_at=callback_at, agent=agent, now=now)
        agent_state_set(agent=agent, state="available", now=now)
        audit.call_closed(attempt=attempt, actor=agent, effects=applied)
    return attempt


def _requeue(
    *, contact: Contact, code: str, callback_at: dt.datetime | None, agent: User, now: dt.datetime
) -> None:
    fields: dict[str, Any] = {
        "leased_by": None,
        "lease_until": None,
        "live": False,
        "disposition": code,
        "updated_at": now,
        "callback_agent": None,
    }
    if code == Disposition.CALL_BACK:
        fields |= {"status": ContactStatus.WAITING, "due_at": callback_at, "callback_agent": agent}
    elif code in RETRY_DISPOSITIONS and contact.attempts < contact.campaign.max_attempts:
        fields |= {"status": ContactStatus.WAITING, "due_at": now + RETRY_AFTER}
    else:
        fields |= {"status": ContactStatus.DONE}
    Contact.objects.filter(id=contact.id).update(**fields)


def note_add(*, agent: User, contact_id: int, text: str) -> Note:
    """A note on a contact the agent holds."""
    if not text.strip():
        raise ValidationError(_("Write a note first."))
    with transaction.atomic():
        contact = _own(agent=agent, contact_id=contact_id, now=timezone.now())
        return Note.objects.create(contact=contact, author=agent, text=text.strip()[:MAX_NOTE])


def dnc_add(*, phone: str, reason: str, actor: User | None) -> bool:
    """Put a number on our own do-not-call list; False if it was there already."""
    with transaction.atomic():
        _row, created = DoNotCall.objects.get_or_create(
            phone=phone, defaults={"reason": reason[:200], "added_by": actor}
        )
        if created:
            audit.dnc_added(phone_tail=phone[-4:], actor=actor)
    return created


def agent_state_set(*, agent: User, state: str, now: dt.datetime | None = None) -> None:
    """Set the agent's state for the wallboard."""
    now = now or timezone.now()
    if not AgentStatus.objects.filter(agent=agent).update(state=state, since=now):
        AgentStatus.objects.get_or_create(agent=agent, defaults={"state": state, "since": now})
