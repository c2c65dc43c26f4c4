"""Scoped reads of notifications: a user sees only their own, and only those about objects in
their subtree (a row about anything else is never made, and never shown)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q
from sampark.geo.models import Unit
from sampark.notify.enums import CHOOSABLE, DEFAULT_CHANNELS, DEFAULT_MIN_SEVERITY, Channel, Kind
from sampark.notify.models import Notification, Preference, Profile
from sampark.people import selectors as people_selectors
from sampark.people.enums import ConsentAction, ConsentPurpose


def inbox(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications about their subtree, newest first."""
    if user.unit_id is None:
        return Notification.objects.none()
    qs = Notification.objects.filter(scope_q(user=user, field="unit"), user=user)
    if unread_only:
        qs = qs.filter(read_at=None)
    return qs.select_related("unit").order_by("-created_at", "-id")


def unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread (the number in the menu)."""
    return inbox(user=user, unread_only=True).count()


def access_notification(*, user: User, notification_id: int) -> Notification:
    """The user's own notification inside their subtree, else 404."""
    return get_object_or_404(inbox(user=user), id=notification_id)


def ancestor_ids(unit: Unit) -> list[int]:
    """The unit and every unit above it (its own subtree holds it)."""
    above = (unit.sector_id, unit.mandal_id, unit.ac_id, unit.pc_id, unit.district_id)
    return [unit.id, *(uid for uid in (*above, unit.state_id) if uid is not None)]


def users_covering(*, unit: Unit, capability: str) -> list[User]:
    """Active users whose subtree holds `unit` and whose role grants `capability`."""
    users = (
        User.objects.filter(is_active=True, unit_id__in=ancestor_ids(unit))
        .select_related("unit")
        .prefetch_related("roles")
        .order_by("id")
    )
    out = []
    for user in users:
        user._role_cache = {r.role for r in user.roles.all()}
        if user.can(capability):
            out.append(user)
    return out


def preferences_of(*, user: User) -> dict[str, tuple[list[str], int]]:
    """(channels beyond the inbox, minimum severity) for every kind, defaults filled in."""
    saved = {p.kind: p for p in Preference.objects.filter(user=user)}
    out: dict[str, tuple[list[str], int]] = {}
    for kind in CHOOSABLE:
        pref = saved.get(kind)
        if pref is None:
            out[kind] = (list(DEFAULT_CHANNELS.get(kind, [])), int(DEFAULT_MIN_SEVERITY))
        else:
            out[kind] = (list(pref.channels), int(pref.min_severity))
    return out


def profile_of(*, user: User) -> Profile:
    """The user's quiet hours and digest switch (unsaved defaults when never set)."""
    return Profile.objects.filter(user=user).first() or Profile(user=user)


def digest_users(*, day: str) -> QuerySet[User]:
    """Active users with the digest on who have not had the digest of `day` yet."""
    sent = Notification.objects.filter(signal=f"digest:{day}").values("user_id")
    return (
        User.objects.filter(is_active=True, notify_profile__digest=True, unit__isnull=False)
        .exclude(id__in=sent)
        .select_related("unit")
        .order_by("id")
    )


def digest_counts(*, user: User, since: dt.datetime) -> dict[str, int]:
    """How many notifications of each kind the user got since `since` (the digest's lines)."""
    rows = (
        inbox(user=user)
        .filter(created_at__gte=since)
        .exclude(kind=Kind.DIGEST)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def operations_consent(*, person_id: int) -> dict[str, bool]:
    """Per channel, whether the person's consent for staff operations stands (the ledger)."""
    states = people_selectors.consent_states(
        person_ids={person_id}, purpose=ConsentPurpose.OPERATIONS, channels=set(Channel.values)
    )
    return {ch: action == ConsentAction.GIVEN for (_pid, ch), action in states.items()}


def told(*, signals: list[str]) -> set[tuple[int, str]]:
    """(user id, signal) of the notifications already made for these signals."""
    out: set[tuple[int, str]] = set()
    for start in range(0, len(signals), 500):
        out.update(
            Notification.objects.filter(signal__in=signals[start : start + 500]).values_list(
                "user_id", "signal"
            )
        )
    return out
