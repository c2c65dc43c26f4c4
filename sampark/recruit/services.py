"""Writes for recruitment drives: a public sign-up, the position it asks for, the referral
credit, and the attempt counter that keeps the page from being flooded.

A sign-up is two steps when SMS is configured: the person and their consents are recorded at
once (found by phone, never duplicated), the booth position only after the phone answered the
OTP, so an unconfirmed number holds no seat. Either way the in-charge verifies the position
(D5); the OTP is the phone check, as for every other worker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.core import audit
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.people import services as people_services
from sampark.people import validation as people_validation
from sampark.recruit.enums import SIGNUP_KINDS, AttemptKind, JoinVia
from sampark.recruit.models import JoinAttempt, Referral

ADULT_AGE = 18
SOURCE = "recruit"  # Person.source and the consent ledger's source for drive sign-ups
_WINDOW = dt.timedelta(hours=1)


class TooManyAttemptsError(ValidationError):
    """Sign-ups from this address or for this phone passed the hourly limit."""


@dataclass(frozen=True, slots=True)
class SignupResult:
    person_id: int
    created: bool


def _key(value: str) -> str:
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()
    return digest[:64]


def attempt_count(*, kind: str, value: str, limit: int) -> None:
    """Count one attempt for `value` (an address or a phone); TooManyAttemptsError past `limit`
    in the last hour. Counted before anything else so a refused attempt still counts."""
    now = timezone.now()
    key = _key(value)
    with transaction.atomic():
        JoinAttempt.objects.filter(kind=kind, at__lt=now - _WINDOW).delete()
        JoinAttempt.objects.create(kind=kind, key=key, at=now)
        recent = JoinAttempt.objects.filter(kind=kind, key=key, at__gte=now - _WINDOW).count()
    if recent > limit:
        raise TooManyAttemptsError(
            _("Too many sign-ups were tried from here. Please try again in an hour."),
            code="rate",
        )


def check_adult(born: dt.date | None) -> dt.date:
    """The date of birth of an adult, or a ValidationError (no minors, D5)."""
    if born is None:
        raise ValidationError(_("Give your date of birth."), code="dob_required")
    today = timezone.localdate()
    if born > today or born.year < today.year - 120:
        raise ValidationError(_("This date of birth is not possible."), code="dob_invalid")
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < ADULT_AGE:
        raise ValidationError(
            _("Only people aged 18 or older can be booth volunteers."), code="minor"
        )
    return born


def volunteer_signup(
    *,
    name: str,
    phone: str,
    date_of_birth: dt.date | None,
    consents: Sequence[tuple[str, str]],
    address: str,
) -> SignupResult:
    """Record a person who asked to volunteer, with their consents (purpose × channel, the
    current notice); the one already registered with the phone is reused, never duplicated."""
    attempt_count(
        kind=AttemptKind.ADDRESS,
        value=address,
        limit=int(settings.RECRUIT_SIGNUPS_PER_ADDRESS_HOUR),
    )
    clean_phone = people_validation.normalize_phone(phone)
    attempt_count(
        kind=AttemptKind.PHONE,
        value=clean_phone,
        limit=int(settings.RECRUIT_SIGNUPS_PER_PHONE_HOUR),
    )
    born = check_adult(date_of_birth)
    if not consents:
        raise ValidationError(_("Choose how we may contact you."), code="consent_required")
    with transaction.atomic():
        result = people_services.person_enrol(
            name=name,
            phone=clean_phone,
            date_of_birth=born,
            consents=consents,
            notice_version=settings.SAMPARK_NOTICE_VERSION,
            source=SOURCE,
            actor=None,
        )
        audit.record(
            verb="recruit.signed_up",
            object_type="person",
            object_id=result.person.id,
            actor=None,
            unit_path="",
            data={"created": result.created, "consents": [f"{p}:{c}" for p, c in consents]},
        )
    return SignupResult(person_id=result.person.id, created=result.created)


def volunteer_position_take(
    *, person_id: int, booth: Unit, referrer_id: int | None, via: str, age_confirmed: bool = False
) -> bool:
    """Give the person the first free volunteer seat on the booth, awaiting the in-charge's
    verification, and credit the referrer. False when they already hold one there.
    `age_confirmed`: the person said they are 18 or older (a call, when no birth date is known)."""
    if booth.level != Level.BOOTH:
        raise ValidationError(_("Choose a booth."), code="booth_required")
    person = people_selectors.person_by_id(person_id=person_id)
    if person is None:
        raise ValidationError(_("Please sign up again."), code="person_gone")
    taken = people_selectors.taken_kind_codes(unit=booth)
    kind = next((code for code in SIGNUP_KINDS if code not in taken), None)
    if kind is None:
        raise ValidationError(
            _("This booth has all its volunteers. Please ask the in-charge about a booth nearby."),
            code="booth_full",
        )
    with transaction.atomic():
        try:
            assignment = people_services.assignment_create(
                person=person, unit=booth, kind_code=kind, actor=None, age_confirmed=age_confirmed
            )
        except ValidationError as exc:
            if exc.code in ("duplicate", "two_booth_positions"):
                return False
            raise
        credited = _credit(person_id=person.id, referrer_id=referrer_id, booth=booth, via=via)
        audit.record(
            verb="recruit.position_asked",
            object_type="assignment",
            object_id=assignment.id,
            actor=None,
            unit_path=booth.path,
            data={"kind": kind, "referrer": credited},
        )
    return True


def _credit(*, person_id: int, referrer_id: int | None, booth: Unit, via: str) -> int | None:
    """Credit the referrer for this person once (the first link wins); never oneself."""
    if referrer_id is None or referrer_id == person_id:
        return None
    if people_selectors.person_by_id(person_id=referrer_id) is None:
        return None
    try:
        with transaction.atomic():
            Referral.objects.create(
                person_id=person_id,
                referrer_id=referrer_id,
                unit=booth,
                via=via if via in JoinVia.values else JoinVia.LINK,
            )
    except IntegrityError:
        return None  # already credited to someone
    return referrer_id
