"""Writes of the booth group registry: groups, admins, counts, invite links, citizen joins.

Keyword-only, atomic, with an audit row. Who may do what: an in-charge with MANAGE_GROUPS whose
subtree holds the group's booth may do everything; a volunteer who is one of the group's admins
may report its member count, rotate its invite link and attest its activity. Views look the
group up with `selectors.access_group` first (404 outside scope); the checks here are the
second lock.

Citizens join through the public invite page (`join_with_consent`): their consent is recorded
in the people app's ledger before the platform's invite link is shown. Leaving, or replying
STOP, appends a withdrawal.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.geo import scope
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.groups import audit, selectors
from sampark.groups.enums import DEFAULT_CAP, GroupPurpose, JoinVia, Platform
from sampark.groups.models import Group, GroupJoin, MemberCountReport
from sampark.monitoring import selectors as monitoring_selectors
from sampark.monitoring import services as monitoring_services
from sampark.monitoring.enums import SourceKind
from sampark.people import selectors as people_selectors
from sampark.people import services as people_services
from sampark.people import validation
from sampark.people.enums import ConsentAction, ConsentPurpose

if TYPE_CHECKING:
    from sampark.monitoring.models import Source
    from sampark.people.models import Person

NAME_MAX = 100  # WhatsApp's limit on a group's subject
JOIN_SOURCE = "group_join"

# The platforms' own invite links. A query string (WhatsApp adds `?mode=...`) is dropped.
_LINK_RE: dict[str, re.Pattern[str]] = {
    Platform.WHATSAPP: re.compile(r"^https://chat\.whatsapp\.com/(?:invite/)?[A-Za-z0-9]{16,32}$"),
    Platform.TELEGRAM: re.compile(r"^https://t\.me/(?:\+|joinchat/)[A-Za-z0-9_-]{10,40}$"),
}


@dataclass(frozen=True)
class JoinResult:
    group: Group
    person: Person
    join: GroupJoin
    invite_link: str


# --- permission helpers ----------------------------------------------------------------------


def _may_manage(actor: User, booth: Unit) -> bool:
    root = actor.unit
    return actor.can(Capability.MANAGE_GROUPS) and root is not None and scope.contains(root, booth)


def _require_manage(actor: User | None, booth: Unit) -> None:
    """In-charges with MANAGE_GROUPS over the booth; `None` is the system (demo, imports)."""
    if actor is not None and not _may_manage(actor, booth):
        raise PermissionDenied(_("Your role may not manage groups of this booth."))


def is_admin(*, user: User, group: Group) -> bool:
    """Whether the user's person is one of the group's admins."""
    return user.person_id is not None and group.admins.filter(id=user.person_id).exists()


def may_run(*, user: User, group: Group) -> bool:
    """Whether the user may report counts, rotate the link and attest activity for the group."""
    return _may_manage(user, group.booth) or is_admin(user=user, group=group)


def group_to_run(*, user: User, group_id: int) -> Group:
    """The group for a count, link or activity action: 404 outside the user's scope, 403 for
    someone who may see it but neither admins it nor is in charge of its booth."""
    group = selectors.access_group(user=user, group_id=group_id)
    _require_run(user, group)
    return group


def may_manage(*, user: User, group: Group) -> bool:
    """Whether the user may edit, archive and set the admins of the group."""
    return _may_manage(user, group.booth)


def _require_run(actor: User | None, group: Group) -> None:
    if actor is not None and not may_run(user=actor, group=group):
        raise PermissionDenied(_("Only the group's admins and in-charges may do this."))


# --- cleaning --------------------------------------------------------------------------------


def _clean_name(raw: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", raw or "").split())
    if not name:
        raise ValidationError(_("Give the group's name."), code="name_required")
    if len(name) > NAME_MAX:
        raise ValidationError(
            _("A group name has at most %(n)d characters.") % {"n": NAME_MAX}, code="name_long"
        )
    return name


def _clean_purpose(purpose: str) -> str:
    if purpose not in GroupPurpose.values:
        raise ValidationError(_("Unknown group purpose."), code="purpose_invalid")
    return purpose


def _clean_cap(platform: str, cap: int | None) -> int:
    top = DEFAULT_CAP[platform]
    if cap is None:
        return top
    if cap < 1 or cap > top:
        raise ValidationError(
            _("A %(platform)s group holds between 1 and %(top)d members.")
            % {"platform": Platform(platform).label, "top": top},
            code="cap_invalid",
        )
    return cap


def clean_invite_link(*, platform: str, link: str) -> str:
    """The platform's invite link without a query string, or ValidationError."""
    text = (link or "").strip().split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if not text:
        return ""
    if not _LINK_RE[platform].match(text):
        example = (
            "https://chat.whatsapp.com/AbCdEf…"
            if platform == Platform.WHATSAPP
            else "https://t.me/+AbCdEf…"
        )
        raise ValidationError(
            _("This is not a %(platform)s group invite link (like %(example)s).")
            % {"platform": Platform(platform).label, "example": example},
            code="link_invalid",
        )
    return text


def _new_token() -> str:
    return secrets.token_urlsafe(12)


def _admins(*, actor: User | None, person_ids: Sequence[int]) -> list[Person]:
    """Persons the actor can see (the booth's volunteers, usually); all of them or an error."""
    ids = sorted(set(person_ids))
    if not ids:
        return []
    found = people_selectors.persons_by_ids(person_ids=ids, user=actor)
    if len(found) != len(ids):
        raise ValidationError(_("Some of these admins are not in your area."), code="admin_unknown")
    return found


def _locked(group_id: int) -> Group:
    """The group row, locked for the rest of the transaction."""
    return Group.objects.select_for_update().select_related("booth").get(id=group_id)


# --- groups ----------------------------------------------------------------------------------


def group_create(
    *,
    booth: Unit,
    platform: str,
    name: str,
    purpose: str = GroupPurpose.BOOTH_GENERAL,
    cap: int | None = None,
    invite_link: str = "",
    member_count: int = 0,
    admin_ids: Sequence[int] = (),
    actor: User | None,
    at: dt.datetime | None = None,
) -> Group:
    """Register a booth's group; its first member count, when given, starts the history."""
    if booth.level != Level.BOOTH:
        raise ValidationError(_("A group belongs to a booth."), code="not_booth")
    _require_manage(actor, booth)
    if platform not in Platform.values:
        raise ValidationError(_("Unknown platform."), code="platform_invalid")
    clean_name = _clean_name(name)
    clean_purpose = _clean_purpose(purpose)
    clean_cap = _clean_cap(platform, cap)
    link = clean_invite_link(platform=platform, link=invite_link)
    if member_count < 0 or member_count > clean_cap:
        raise ValidationError(
            _("The member count must be between 0 and the group's cap."), code="count_invalid"
        )
    when = at or timezone.now()
    with transaction.atomic():
        admins = _admins(actor=actor, person_ids=admin_ids)
        group = Group.objects.create(
            booth=booth,
            platform=platform,
            name=clean_name,
            purpose=clean_purpose,
            cap=clean_cap,
            invite_link=link,
            invite_rotated_at=when if link else None,
            join_token=_new_token(),
            member_count=member_count,
            member_count_at=when if member_count else None,
            # A count read off the group is activity, as in member_count_report.
            last_activity_at=when if member_count else None,
            created_at=when,
            created_by=actor if actor is not None and actor.pk else None,
        )
        if admins:
            group.admins.set(admins)
        if member_count:
            MemberCountReport.objects.create(
                group=group,
                count=member_count,
                delta=member_count,
                reported_by=group.created_by,
                at=when,
            )
        audit.group_created(group=group, actor=actor)
    return group


def group_update(
    *,
    group_id: int,
    actor: User,
    name: str | None = None,
    purpose: str | None = None,
    cap: int | None = None,
) -> Group:
    """Rename a group, change its purpose or lower/raise its cap (not below its members)."""
    with transaction.atomic():
        group = _locked(group_id)
        _require_manage(actor, group.booth)
        changed: list[str] = []
        if name is not None and _clean_name(name) != group.name:
            group.name = _clean_name(name)
            changed.append("name")
        if purpose is not None and _clean_purpose(purpose) != group.purpose:
            group.purpose = purpose
            changed.append("purpose")
        if cap is not None and cap != group.cap:
            group.cap = _clean_cap(group.platform, cap)
            if group.cap < group.member_count:
                raise ValidationError(
                    _("The group already has more members than this cap."), code="cap_below"
                )
            changed.append("cap")
        if changed:
            group.save(update_fields=changed)
            audit.group_updated(group=group, actor=actor, changed=changed)
    return group


def group_archive(*, group_id: int, actor: User) -> bool:
    """Archive a group (its invite page stops working); False if it was archived already."""
    with transaction.atomic():
        group = _locked(group_id)
        _require_manage(actor, group.booth)
        won = (
            Group.objects.filter(id=group.id, archived_at=None).update(archived_at=timezone.now())
            == 1
        )
        if won:
            audit.group_archived(group=group, actor=actor)
    return won


def admins_set(*, group_id: int, person_ids: Sequence[int], actor: User | None) -> Group:
    """Replace the group's admins (persons the actor can see: usually the booth's volunteers)."""
    with transaction.atomic():
        group = _locked(group_id)
        _require_manage(actor, group.booth)
        admins = _admins(actor=actor, person_ids=person_ids)
        group.admins.set(admins)
        audit.admins_set(group=group, actor=actor, person_ids=[p.id for p in admins])
    return group


def member_count_report(
    *, group_id: int, count: int, actor: User | None, at: dt.datetime | None = None
) -> MemberCountReport:
    """Record the member count an admin read off the group; it also counts as activity."""
    if count < 0:
        raise ValidationError(_("A member count cannot be negative."), code="count_negative")
    now = timezone.now()
    when = min(at or now, now)
    with transaction.atomic():
        group = _locked(group_id)
        _require_run(actor, group)
        if group.archived_at is not None:
            raise ValidationError(_("This group is archived."), code="archived")
        if count > group.cap:
            raise ValidationError(
                _("A group of this platform holds at most %(cap)d members.") % {"cap": group.cap},
                code="count_above_cap",
            )
        delta = count - group.member_count
        reporter = actor if actor is not None and actor.pk else None
        report = MemberCountReport.objects.create(
            group=group, count=count, delta=delta, reported_by=reporter, at=when
        )
        Group.objects.filter(id=group.id).update(
            member_count=count,
            member_count_at=when,
            last_activity_at=max(when, group.last_activity_at or when),
        )
        audit.count_reported(group=group, actor=actor, count=count, delta=delta)
    return report


def invite_rotate(*, group_id: int, invite_link: str, actor: User | None) -> Group:
    """Put in the group's new invite link; the /join/ token changes too (old QR codes stop)."""
    with transaction.atomic():
        group = _locked(group_id)
        _require_run(actor, group)
        if group.archived_at is not None:
            raise ValidationError(_("This group is archived."), code="archived")
        link = clean_invite_link(platform=group.platform, link=invite_link)
        if not link:
            raise ValidationError(_("Give the group's new invite link."), code="link_required")
        if link == group.invite_link:
            raise ValidationError(
                _("This is the link already on record. Reset the link in the group first."),
                code="link_unchanged",
            )
        group.invite_link = link
        group.join_token = _new_token()
        group.invite_rotated_at = timezone.now()
        group.save(update_fields=["invite_link", "join_token", "invite_rotated_at"])
        audit.invite_rotated(group=group, actor=actor)
    return group


def last_activity_attest(
    *, group_id: int, actor: User | None, at: dt.datetime | None = None
) -> Group:
    """An admin confirms the group was active (messages, a meeting called) at `at` (now)."""
    now = timezone.now()
    when = min(at or now, now)
    with transaction.atomic():
        group = _locked(group_id)
        _require_run(actor, group)
        if group.last_activity_at is None or when > group.last_activity_at:
            group.last_activity_at = when
            group.save(update_fields=["last_activity_at"])
        audit.activity_attested(group=group, actor=actor)
    return group


def export_source_link(*, group_id: int, actor: User) -> Source:
    """The group's listening channel (chat-export uploads), created on first use."""
    with transaction.atomic():
        group = _locked(group_id)
        _require_run(actor, group)
        if group.export_source is not None:
            return group.export_source
        if group.platform != Platform.WHATSAPP:
            raise ValidationError(
                _("Chat exports are uploaded for WhatsApp groups only."), code="not_whatsapp"
            )
        source = monitoring_services.source_create(
            kind=SourceKind.WHATSAPP_EXPORT,
            name=group.name,
            unit=group.booth,
            interval_s=0,
            actor=actor,
        )
        group.export_source = source
        group.save(update_fields=["export_source"])
        audit.export_source_linked(group=group, actor=actor, source_id=source.id)
    return source


def export_sources_adopt() -> int:
    """One registry of WhatsApp groups (issue #17): register a group for each chat-export
    channel at a booth that no group owns yet (channels opened by listening before the
    registry owned them, or by its command-line import); returns how many. Idempotent."""
    owned = Group.objects.exclude(export_source=None).values_list("export_source_id", flat=True)
    adopted = 0
    for source_id, name, booth_id, created_at in monitoring_selectors.export_sources_at_booths(
        exclude_ids=set(owned)
    ):
        try:
            with transaction.atomic():
                Group.objects.create(
                    booth_id=booth_id,
                    platform=Platform.WHATSAPP,
                    name=" ".join(name.split())[:NAME_MAX] or "WhatsApp",
                    cap=DEFAULT_CAP[Platform.WHATSAPP],
                    join_token=_new_token(),
                    created_at=created_at,
                    export_source_id=source_id,
                )
        except IntegrityError:
            continue  # adopted by a concurrent call
        adopted += 1
    return adopted


# --- citizens: the public invite page --------------------------------------------------------


def join_with_consent(
    *,
    group: Group,
    name: str,
    phone: str,
    adult: bool,
    consent: bool,
    via: str = JoinVia.LINK,
) -> JoinResult:
    """A citizen asks to join: record their consent, then hand back the invite link.

    Adults only (the person confirms 18+). The person is found or created by phone; a new
    person gets no home unit, so a citizen who joined a group does not appear in people lists.
    Nothing is written unless the group is open (not archived, a link on record, not full).
    """
    if not consent:
        raise ValidationError(_("Tick the box to agree before joining."), code="consent_required")
    if not adult:
        raise ValidationError(_("Only people aged 18 or older may join."), code="minor")
    if via not in JoinVia.values:
        via = JoinVia.LINK
    with transaction.atomic():
        current = Group.objects.select_related("booth").get(id=group.id)
        if current.archived_at is not None or not current.invite_link:
            raise ValidationError(_("This group is not taking members here."), code="closed")
        if current.is_full:
            raise ValidationError(_("This group is full."), code="full")
        person = people_services.person_consent_give(
            name=name,
            phone=phone,
            purpose=ConsentPurpose.GROUP_MEMBERSHIP,
            channel=current.platform,
            notice_version=str(settings.SAMPARK_NOTICE_VERSION),
            source=f"invite:{current.id}",
            person_source=JOIN_SOURCE,
        )
        join = GroupJoin.objects.filter(group=current, person=person, left_at=None).first()
        if join is None:
            try:
                with transaction.atomic():
                    join = GroupJoin.objects.create(group=current, person=person, via=via)
            except IntegrityError:
                join = GroupJoin.objects.get(group=current, person=person, left_at=None)
            else:
                audit.joined(join=join)
    return JoinResult(group=current, person=person, join=join, invite_link=current.invite_link)


def _withdraw(*, person: Person, channel: str, source: str) -> None:
    people_services.consent_record(
        person=person,
        purpose=ConsentPurpose.GROUP_MEMBERSHIP,
        channel=channel,
        action=ConsentAction.WITHDRAWN,
        notice_version=str(settings.SAMPARK_NOTICE_VERSION),
        source=source,
        actor=None,
    )


def leave(*, group: Group, phone: str) -> bool:
    """A citizen leaves through the invite page: consent withdrawn, the join ended.

    The ledger holds one state per purpose × channel, so leaving one group withdraws group
    consent on that platform (the safe reading). False when the phone never joined this group;
    callers show the same answer either way, so the page does not tell who joined.
    """
    try:
        clean = validation.normalize_phone(phone)
    except ValidationError:
        return False
    with transaction.atomic():
        person = people_selectors.person_by_phone(phone=clean)
        if person is None:
            return False
        join = (
            GroupJoin.objects.select_for_update()
            .select_related("group__booth")
            .filter(group_id=group.id, person=person, left_at=None)
            .first()
        )
        if join is None:
            return False
        GroupJoin.objects.filter(id=join.id).update(left_at=timezone.now())
        _withdraw(person=person, channel=join.group.platform, source=f"leave:{group.id}")
        audit.left(join=join, how="leave")
    return True


def stop_keyword(*, phone: str, via: str = "sms") -> int:
    """A "STOP" reply (SMS or Telegram): withdraw every group consent of the phone and end its
    joins. Returns how many consents were withdrawn (0 for a phone we do not know)."""
    try:
        clean = validation.normalize_phone(phone)
    except ValidationError:
        return 0
    with transaction.atomic():
        person = people_selectors.person_by_phone(phone=clean)
        if person is None:
            return 0
        withdrawn = 0
        for (purpose, channel), event in sorted(
            people_selectors.consent_current(person=person).items()
        ):
            if purpose == ConsentPurpose.GROUP_MEMBERSHIP and event.action == ConsentAction.GIVEN:
                _withdraw(person=person, channel=channel, source=f"stop:{via}"[:60])
                withdrawn += 1
        joins = list(
            GroupJoin.objects.select_for_update()
            .select_related("group__booth")
            .filter(person=person, left_at=None)
            .order_by("id")
        )
        if joins:
            GroupJoin.objects.filter(id__in=[j.id for j in joins]).update(left_at=timezone.now())
            for join in joins:
                audit.left(join=join, how="stop")
    return withdrawn
