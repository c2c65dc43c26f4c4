"""Writes for campaigns and scripts (re-exported by `calls.services`, the app's write API).

A campaign is made over a unit's subtree from one source: holders of chosen positions, persons
whose consent covers voice calls for its purpose, or an event's no-shows (`events.selectors`,
inside the manager's subtree). Its contacts are queued at once (the scrub happens at dial
time); it starts as a draft, and the manager starts, pauses and ends it. A script is saved as
versions that never change: an edit is a new version, which the campaigns using the script
take for their next calls, while every call keeps the version it was given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_root
from sampark.calls import audit, scripts
from sampark.calls.enums import CampaignStatus, Category, Mode, SourceKind
from sampark.calls.models import Campaign, Contact, DoNotCall, Script, ScriptVersion
from sampark.calls.permissions import require_manager
from sampark.events import selectors as events_selectors
from sampark.geo.models import Unit
from sampark.geo.scope import contains, subtree_q
from sampark.people import selectors as people_selectors
from sampark.people.enums import ConsentAction, ConsentChannel

# Which status a manager may move a campaign to, from each status. Closed is final.
MOVES: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.ACTIVE, CampaignStatus.CLOSED}),
    CampaignStatus.ACTIVE: frozenset({CampaignStatus.PAUSED, CampaignStatus.CLOSED}),
    CampaignStatus.PAUSED: frozenset({CampaignStatus.ACTIVE, CampaignStatus.CLOSED}),
    CampaignStatus.CLOSED: frozenset(),
}


def _require_inside(actor: User, unit: Unit) -> None:
    require_manager(actor)
    if not contains(scope_root(user=actor), unit):
        raise PermissionDenied(_("That unit is outside your area."))


# --- scripts ------------------------------------------------------------------------------------


def script_save(
    *, actor: User, name: str, unit: Unit, steps: object, script: Script | None = None
) -> ScriptVersion:
    """Save the steps as the next version of `script` (a new script when None); campaigns
    that used an earlier version of it (and are not closed) take the new one."""
    _require_inside(actor, script.unit if script is not None else unit)
    clean = scripts.validate_steps(steps)
    with transaction.atomic():
        if script is None:
            script = Script.objects.create(name=name[:200], unit=unit, created_by=actor)
        elif name.strip():
            Script.objects.filter(id=script.id).update(name=name.strip()[:200])
        last = script.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = ScriptVersion.objects.create(script=script, number=last + 1, steps=clean)
        Campaign.objects.filter(script__script=script).exclude(status=CampaignStatus.CLOSED).update(
            script=version
        )
    return version


# --- where contacts come from -------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    person_id: int
    unit_id: int
    position: str = ""


def _position_entries(*, actor: User, unit: Unit, codes: list[str]) -> list[Entry]:
    kinds = people_selectors.position_kind_ids(codes=codes)
    if not kinds:
        raise ValidationError(_("Choose at least one known position."))
    rows = (
        people_selectors.assignments_visible(user=actor)
        .filter(subtree_q(unit, field="unit"), kind_id__in=kinds, ended_at__isnull=True)
        .values_list("person_id", "unit_id", "kind__name_hi")
        .order_by("unit__path", "id")
    )
    return [Entry(pid, uid, pos) for pid, uid, pos in rows]


def _consent_entries(*, unit: Unit, purpose: str) -> list[Entry]:
    rows = (
        people_selectors.persons_with_consent(purpose=purpose, channel=ConsentChannel.VOICE)
        .filter(subtree_q(unit, field="home_unit"))
        .values_list("id", "home_unit_id")
        .order_by("id")
    )
    return [Entry(pid, uid) for pid, uid in rows]


def _no_show_entries(*, actor: User, event_id: int | None) -> list[Entry]:
    if event_id is None:
        raise ValidationError(_("Choose the event whose no-shows are called."))
    event = events_selectors.events_visible(user=actor).filter(id=event_id).first()
    if event is None:
        raise ValidationError(_("Choose the event whose no-shows are called."))
    rows = events_selectors.no_shows_visible(user=actor, event=event)
    ids = dict(Unit.objects.filter(path__in={r.unit_path for r in rows}).values_list("path", "id"))
    return [Entry(r.person_id, ids[r.unit_path], r.position) for r in rows if r.unit_path in ids]


def entries_for(
    *,
    actor: User,
    unit: Unit,
    source: str,
    purpose: str,
    position_codes: Iterable[str] = (),
    event_id: int | None = None,
) -> list[Entry]:
    """The persons a campaign of this source over `unit` would call, as the actor sees them."""
    if source == SourceKind.POSITIONS:
        return _position_entries(actor=actor, unit=unit, codes=list(position_codes))
    if source == SourceKind.CONSENT:
        return _consent_entries(unit=unit, purpose=purpose)
    if source == SourceKind.EVENT_NO_SHOWS:
        return _no_show_entries(actor=actor, event_id=event_id)
    raise ValidationError(_("Choose where the contacts come from."))


def campaign_preview(
    *,
    actor: User,
    unit: Unit,
    source: str,
    purpose: str,
    position_codes: Iterable[str] = (),
    event_id: int | None = None,
) -> int:
    """How many contacts the campaign would queue (inside its unit's subtree)."""
    _require_inside(actor, unit)
    entries = entries_for(
        actor=actor,
        unit=unit,
        source=source,
        purpose=purpose,
        position_codes=position_codes,
        event_id=event_id,
    )
    inside = set(Unit.objects.filter(subtree_q(unit)).values_list("id", flat=True))
    return len({e.person_id for e in entries if e.unit_id in inside})


# --- campaigns ----------------------------------------------------------------------------------


def _check_dialling(*, mode: str, lines_per_agent: int, abandon_cap: float, attempts: int) -> None:
    if mode not in Mode.values:
        raise ValidationError(_("Choose a dialling mode."))
    if not 0 < abandon_cap <= 0.2 or not 1 <= lines_per_agent <= 10 or not 1 <= attempts <= 10:
        raise ValidationError(_("Abandon cap, lines per agent or attempts out of range."))


def campaign_create(
    *,
    actor: User,
    name: str,
    unit: Unit,
    source: str,
    purpose: str = "calls",
    category: str = Category.SERVICE,
    position_codes: Iterable[str] = (),
    event_id: int | None = None,
    script: ScriptVersion | None = None,
    mode: str = Mode.PREVIEW,
    lines_per_agent: int = 1,
    abandon_cap: float = 0.03,
    max_attempts: int = 3,
    status: str = CampaignStatus.ACTIVE,
) -> Campaign:
    """A campaign over `unit`'s subtree with its contacts queued (`status` draft to start it
    later). Contacts may also be added later through `contacts_add`."""
    _require_inside(actor, unit)
    _check_dialling(
        mode=mode, lines_per_agent=lines_per_agent, abandon_cap=abandon_cap, attempts=max_attempts
    )
    if not name.strip():
        raise ValidationError(_("Give the campaign a name."))
    codes = list(position_codes)
    entries = entries_for(
        actor=actor,
        unit=unit,
        source=source,
        purpose=purpose,
        position_codes=codes,
        event_id=event_id,
    )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            name=name.strip()[:200],
            unit=unit,
            source=SourceKind(source),
            purpose=purpose,
            category=Category(category),
            position_codes=codes,
            event_id=event_id if source == SourceKind.EVENT_NO_SHOWS else None,
            script=script,
            mode=Mode(mode),
            lines_per_agent=lines_per_agent,
            abandon_cap=abandon_cap,
            max_attempts=max_attempts,
            status=CampaignStatus(status),
            created_by=actor,
        )
        added = contacts_add(campaign=campaign, entries=entries)
        audit.campaign_created(campaign=campaign, contacts=added, actor=actor)
    return campaign


def campaign_update(
    *,
    actor: User,
    campaign: Campaign,
    mode: str,
    lines_per_agent: int,
    abandon_cap: float,
    max_attempts: int,
    script: ScriptVersion | None,
) -> None:
    """Change how a campaign dials and which script it uses (its next calls)."""
    _require_inside(actor, campaign.unit)
    _check_dialling(
        mode=mode, lines_per_agent=lines_per_agent, abandon_cap=abandon_cap, attempts=max_attempts
    )
    Campaign.objects.filter(id=campaign.id).update(
        mode=mode,
        lines_per_agent=lines_per_agent,
        abandon_cap=abandon_cap,
        max_attempts=max_attempts,
        script=script,
    )
    audit.campaign_changed(campaign=campaign, actor=actor, change=f"mode={mode}")


def campaign_status_set(*, actor: User, campaign: Campaign, status: str) -> bool:
    """Start, pause, resume or end a campaign; False if that move is not open from its status
    (a closed campaign stays closed)."""
    _require_inside(actor, campaign.unit)
    allowed = [s for s, moves in MOVES.items() if status in moves]
    with transaction.atomic():
        moved = Campaign.objects.filter(id=campaign.id, status__in=allowed).update(status=status)
        if moved:
            audit.campaign_changed(campaign=campaign, actor=actor, change=f"status={status}")
    return bool(moved)


def _barred(campaign: Campaign, person_ids: set[int]) -> set[int]:
    """Of these persons, those a refresh must not bring back: their number is on our
    do-not-call list, or their latest voice consent for the campaign's purpose is withdrawn."""
    facts = people_selectors.person_facts(person_ids=person_ids)
    listed = set(
        DoNotCall.objects.filter(phone__in=[f.phone for f in facts.values()]).values_list(
            "phone", flat=True
        )
    )
    states = people_selectors.consent_states(
        person_ids=person_ids, purpose=campaign.purpose, channels=[ConsentChannel.VOICE]
    )
    return {
        pid
        for pid in person_ids
        if (pid in facts and facts[pid].phone in listed)
        or states.get((pid, ConsentChannel.VOICE)) == ConsentAction.WITHDRAWN
    }


def campaign_refresh(*, actor: User, campaign: Campaign) -> int:
    """Run the campaign's source again and queue only the persons it did not have: a contact
    already there (worked or not) is left as it is, and a number on our do-not-call list or
    opted out of voice calls for the purpose is not added back. The number added (0 the second
    time); a closed campaign takes no one."""
    _require_inside(actor, campaign.unit)
    entries = entries_for(
        actor=actor,
        unit=campaign.unit,
        source=campaign.source,
        purpose=campaign.purpose,
        position_codes=campaign.position_codes,
        event_id=campaign.event_id,
    )
    with transaction.atomic():
        # The row lock orders two refreshes of one campaign; the unique (campaign, person)
        # keeps a person once whatever happens.
        locked = Campaign.objects.select_for_update().get(id=campaign.id)
        if locked.status == CampaignStatus.CLOSED:
            raise ValidationError(_("A closed campaign takes no new contacts."))
        have = set(locked.contacts.values_list("person_id", flat=True))
        new = {e.person_id for e in entries} - have
        barred = _barred(locked, new)
        added = contacts_add(
            campaign=locked,
            entries=[e for e in entries if e.person_id in new and e.person_id not in barred],
        )
        audit.campaign_refreshed(
            campaign=locked, added=added, skipped=len(barred & new), actor=actor
        )
    return added


def contacts_add(*, campaign: Campaign, entries: Iterable[Entry]) -> int:
    """Queue persons into a campaign (once each); entries outside its subtree are dropped."""
    inside = set(Unit.objects.filter(subtree_q(campaign.unit)).values_list("id", flat=True))
    rows = [
        Contact(campaign=campaign, person_id=e.person_id, unit_id=e.unit_id, position=e.position)
        for e in entries
        if e.unit_id in inside
    ]
    before = campaign.contacts.count()
    Contact.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return campaign.contacts.count() - before
