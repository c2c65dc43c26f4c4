"""Writes: make a notification (idempotent per user and signal), mark read, save preferences."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from sampark.accounts.models import User
from sampark.core import audit
from sampark.geo import scope
from sampark.geo.models import Unit
from sampark.notify import selectors
from sampark.notify.enums import CHOOSABLE, Channel, Kind
from sampark.notify.models import Delivery, Notification, Preference, Profile
from sampark.people import services as people_services
from sampark.people.enums import ConsentAction, ConsentPurpose

NOTICE_VERSION = "notify-1"

# Kinds filtered by the user's minimum severity (the others always reach the inbox).
BY_SEVERITY = frozenset({Kind.INCIDENT, Kind.APPROVAL})


@dataclass(frozen=True)
class Draft:
    """What a notification says; the same for every recipient of one signal."""

    kind: str
    signal: str
    unit: Unit
    title: str
    body: str = ""
    url: str = ""
    severity: int = 2


def notification_create(*, user: User, draft: Draft) -> Notification | None:
    """Put a notification in the user's inbox and queue it on their chosen channels; None when
    the user already has it, may not see its unit, or set their minimum severity above it."""
    if user.unit is None or not scope.contains(user.unit, draft.unit):
        return None  # never about an object outside the user's subtree
    if Notification.objects.filter(user=user, signal=draft.signal[:80]).exists():
        return None  # told already (the unique constraint below settles races)
    channels, min_severity = selectors.preferences_of(user=user).get(
        draft.kind, ([Channel.EMAIL], 1)
    )
    if draft.kind in BY_SEVERITY and draft.severity < min_severity:
        return None
    # With the daily digest on, only pages (and the digest itself) leave the inbox at once.
    digest = draft.kind not in (Kind.PAGE, Kind.DIGEST) and selectors.profile_of(user=user).digest
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                unit=draft.unit,
                kind=draft.kind,
                severity=draft.severity,
                signal=draft.signal[:80],
                title=draft.title[:300],
                body=draft.body,
                url=draft.url[:300],
            )
            if not digest:
                Delivery.objects.bulk_create(
                    [
                        Delivery(notification=notification, channel=c)
                        for c in channels
                        if c in Channel.values
                    ]
                )
    except IntegrityError:
        return None
    return notification


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    """Mark one of the user's notifications read; False if it already was."""
    return (
        selectors.inbox(user=user)
        .filter(id=notification_id, read_at=None)
        .update(read_at=timezone.now())
        == 1
    )


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return selectors.inbox(user=user, unread_only=True).update(read_at=timezone.now())


def preferences_save(
    *,
    user: User,
    choices: dict[str, tuple[list[str], int]],
    quiet_start: int,
    quiet_end: int,
    digest: bool,
) -> None:
    """Save the user's channels and minimum severity per kind, quiet hours and digest switch;
    the channels chosen or dropped are consent given or withdrawn (purpose "operations")."""
    with transaction.atomic():
        for kind in CHOOSABLE:
            channels, severity = choices.get(kind, ([], 2))
            Preference.objects.update_or_create(
                user=user,
                kind=kind,
                defaults={
                    "channels": [c for c in Channel.values if c in channels],
                    "min_severity": max(1, min(4, int(severity))),
                },
            )
        _consent(user=user, after={c for cs, _s in choices.values() for c in cs})
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "quiet_start": quiet_start % 24,
                "quiet_end": quiet_end % 24,
                "digest": digest,
            },
        )
        audit.record(
            verb="notify.preferences_saved",
            object_type="user",
            object_id=user.id,
            actor=user,
            unit_path=user.unit.path if user.unit else "",
            data={"digest": digest, "quiet": [quiet_start, quiet_end]},
        )


def _consent(*, user: User, after: set[str]) -> None:
    """Record the user's own choice in the consent ledger, which the sending rules read."""
    if user.person is None:
        return
    given = selectors.operations_consent(person_id=user.person.id)
    for channel in Channel.values:
        want = channel in after
        if want == given.get(channel, False):
            continue
        people_services.consent_record(
            person=user.person,
            purpose=ConsentPurpose.OPERATIONS,
            channel=channel,
            action=ConsentAction.GIVEN if want else ConsentAction.WITHDRAWN,
            notice_version=NOTICE_VERSION,
            source="notify preferences",
        )
