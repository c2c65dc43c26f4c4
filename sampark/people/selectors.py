"""Scoped reads for people. `access_*` is the only way a view gets a person or an assignment."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.shortcuts import get_object_or_404

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.selectors import scope_q, scope_root
from sampark.geo.models import Unit
from sampark.geo.scope import subtree_q
from sampark.people import validation
from sampark.people.enums import AssignmentStatus, ConsentAction
from sampark.people.models import Assignment, ConsentEvent, Person, SignupFlag

ACTIVE = ~Q(status=AssignmentStatus.ENDED)


def persons_visible(*, user: User) -> QuerySet[Person]:
    """Persons holding an active position in the user's subtree, or living in it."""
    root = scope_root(user=user)
    holders = Assignment.objects.filter(ACTIVE, subtree_q(root, field="unit")).values("person_id")
    # `id IN (subquery)` rather than a join, so a person with several positions appears once.
    return Person.objects.filter(Q(id__in=Subquery(holders)) | subtree_q(root, field="home_unit"))


def access_person(*, user: User, person_id: int) -> Person:
    """Return the person if visible to the user, else 404."""
    return get_object_or_404(persons_visible(user=user).select_related("home_unit"), id=person_id)


def assignments_visible(*, user: User) -> QuerySet[Assignment]:
    """Assignments (any status) on units in the user's subtree."""
    return Assignment.objects.filter(scope_q(user=user, field="unit"))


def access_assignment(*, user: User, assignment_id: int) -> Assignment:
    """Return the assignment if its unit is in the user's subtree, else 404."""
    return get_object_or_404(
        assignments_visible(user=user).select_related(
            "person", "kind", "unit", "unit__district", "unit__ac", "verified_by"
        ),
        id=assignment_id,
    )


def assignments_for_unit(*, unit: Unit, include_ended: bool = False) -> QuerySet[Assignment]:
    """Positions held on one unit, in catalogue order (the caller has scoped the unit)."""
    qs = Assignment.objects.filter(unit=unit).select_related("person", "kind")
    if not include_ended:
        qs = qs.filter(ACTIVE)
    return qs.order_by("kind__order", "kind__code", "seat", "id")


def person_assignments(*, user: User, person: Person) -> QuerySet[Assignment]:
    """A person's positions in the user's subtree (positions elsewhere stay invisible)."""
    return (
        assignments_visible(user=user)
        .filter(person=person)
        .select_related("kind", "unit", "unit__district", "unit__ac", "verified_by")
        .order_by(
            Case(
                When(status=AssignmentStatus.ENDED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            "-started_at",
            "-id",
        )
    )


def persons_for_list(
    *,
    user: User,
    q: str = "",
    status: str = "",
    unit: Unit | None = None,
) -> QuerySet[Person]:
    """The people list: visible persons with their in-scope active positions prefetched.

    `q` matches a name fragment; a phone fragment (4+ digits) only for roles that may see
    phones, so that search cannot be used to probe masked numbers.
    """
    scoped_active = assignments_visible(user=user).filter(ACTIVE)
    qs = persons_visible(user=user)
    if unit is not None:
        holders = scoped_active.filter(subtree_q(unit, field="unit")).values("person_id")
        qs = qs.filter(Q(id__in=Subquery(holders)) | subtree_q(unit, field="home_unit"))
    if status in (AssignmentStatus.PENDING, AssignmentStatus.VERIFIED):
        qs = qs.filter(
            Exists(scoped_active.filter(person_id=OuterRef("pk"), status=status).order_by())
        )
    text = " ".join((q or "").split())
    if text:
        digits = "".join(ch for ch in validation.ascii_digits(text) if ch.isdigit())
        match = Q(name__icontains=text)
        if len(digits) >= 4 and user.can(Capability.SEE_PHONES):
            match |= Q(phone__contains=digits)
        qs = qs.filter(match)
    return qs.select_related("home_unit").prefetch_related(
        Prefetch(
            "assignments",
            queryset=scoped_active.select_related(
                "kind", "unit", "unit__district", "unit__ac"
            ).order_by("kind__order", "id"),
            to_attr="scoped_assignments",
        )
    )


def open_flags(*, user: User) -> QuerySet[SignupFlag]:
    """Unresolved sign-up flags on persons visible to the user, newest first."""
    return (
        SignupFlag.objects.filter(
            resolved_at=None, person_id__in=persons_visible(user=user).values("id")
        )
        .select_related("person")
        .order_by("-created_at", "-id")
    )


def phone_for(*, user: User, person: Person) -> str:
    """The person's phone as this user may see it: national form, or masked (98xxxxxx10)."""
    return validation.display_phone(person.phone, masked=not user.can(Capability.SEE_PHONES))


def mask_epic(epic: str) -> str:
    """ABC1234567 -> ABCxxxxx67 (a voter ID is as personal as a phone number)."""
    return epic[:3] + "x" * (len(epic) - 5) + epic[-2:] if len(epic) > 5 else epic


def epic_for(*, user: User, person: Person) -> str:
    """The person's EPIC as this user may see it (masked unless the role may see phones)."""
    return person.epic if user.can(Capability.SEE_PHONES) else mask_epic(person.epic)


def _latest_first() -> tuple[str | Combinable, ...]:
    # Newest first; at the same instant a withdrawal wins over a consent.
    return (
        "-at",
        Case(
            When(action=ConsentAction.WITHDRAWN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
        "-id",
    )


def consent_ledger(*, person: Person) -> QuerySet[ConsentEvent]:
    """Every consent event of the person, newest first."""
    return ConsentEvent.objects.filter(person=person).order_by(*_latest_first())


def consent_current(*, person: Person) -> dict[tuple[str, str], ConsentEvent]:
    """The latest event per (purpose, channel): the person's consent state right now."""
    current: dict[tuple[str, str], ConsentEvent] = {}
    for event in consent_ledger(person=person):
        current.setdefault((event.purpose, event.channel), event)
    return current


def consent_states(
    *, person_ids: Iterable[int], purpose: str, channels: Iterable[str]
) -> dict[tuple[int, str], str]:
    """The current action (given/withdrawn) per (person, channel) for one purpose, for many
    persons at once (the send-time gates of a batch); same order as `consent_current`."""
    latest: dict[tuple[int, str], tuple[datetime, int, int, str]] = {}
    ids = list(person_ids)
    wanted = list(channels)
    for start in range(0, len(ids), 500):
        rows = ConsentEvent.objects.filter(
            person_id__in=ids[start : start + 500], purpose=purpose, channel__in=wanted
        ).values_list("person_id", "channel", "at", "id", "action")
        for person_id, channel, at, event_id, action in rows:
            # Newest first; at the same instant a withdrawal wins, then the later row.
            rank = (at, int(action == ConsentAction.WITHDRAWN), event_id, action)
            current = latest.get((person_id, channel))
            if current is None or rank[:3] > current[:3]:
                latest[(person_id, channel)] = rank
    return {key: value[3] for key, value in latest.items()}


class PersonFacts(NamedTuple):
    phone: str
    date_of_birth: date | None
    home_unit_id: int | None


def person_facts(*, person_ids: Iterable[int]) -> dict[int, PersonFacts]:
    """Phone, date of birth and home unit per person id, for many persons in one query (the
    sending rules read them for every recipient of a batch)."""
    rows = Person.objects.filter(id__in=list(person_ids)).values_list(
        "id", "phone", "date_of_birth", "home_unit_id"
    )
    return {pid: PersonFacts(phone, born, home) for pid, phone, born, home in rows}


def persons_with_consent(
    *, purpose: str, channel: str, user: User | None = None
) -> QuerySet[Person]:
    """Persons whose latest event for purpose × channel is GIVEN (withdrawal wins from its time).

    With `user`, restricted to persons visible to that user.
    """
    latest = (
        ConsentEvent.objects.filter(person_id=OuterRef("pk"), purpose=purpose, channel=channel)
        .order_by(*_latest_first())
        .values("action")[:1]
    )
    qs = persons_visible(user=user) if user is not None else Person.objects.all()
    return qs.annotate(current_consent=Subquery(latest)).filter(current_consent=ConsentAction.GIVEN)


def can_handle_person(*, user: User, person: Person, capability: str) -> bool:
    """Whether the user is the person, or holds `capability` and can see the person."""
    if user.person_id is not None and user.person_id == person.id:
        return True
    return user.can(capability) and persons_visible(user=user).filter(id=person.id).exists()
