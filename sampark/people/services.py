"""Writes for people: persons, positions, verification, OTP and the consent ledger.

Every service is keyword-only, runs in `transaction.atomic()` and writes an audit row. The booth
staffing counter (`Unit.volunteers`) moves in the same transaction as the assignment status,
with F() expressions, so it always equals `staffing.booth_recount`.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area as _require_unit
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.people import audit, orgaccounts, privacy, selectors, validation
from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    FlagKind,
    Gender,
    VerifyMethod,
)
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    Person,
    PhoneCorrection,
    PhoneVerification,
    PositionKind,
    SignupFlag,
)
from sampark.people.sms import OTP_TEMPLATE, get_sms_backend, sms_enabled

ADULT_AGE = 18
OTP_DIGITS = 6
_OTP_KEY_SALT = "sampark.people.otp"


class OtpUnavailable(Exception):  # noqa: N818 (name fixed by the brief)
    """No SMS channel is configured: only the in-charge can confirm a worker."""


@dataclass(frozen=True)
class PersonCreateResult:
    person: Person
    created: bool
    flags: list[SignupFlag] = field(default_factory=list)


@dataclass(frozen=True)
class EnrolResult:
    person: Person
    created: bool
    flags: list[SignupFlag] = field(default_factory=list)
    assignment: Assignment | None = None
    consents: list[ConsentEvent] = field(default_factory=list)


# --- permission helpers (views check scope first with access_*; this is the second lock) ---


def _require_person(actor: User, capability: str, person: Person) -> None:
    """The person themselves, or a holder of `capability` who can see the person."""
    if not selectors.can_handle_person(user=actor, person=person, capability=capability):
        raise PermissionDenied(_("Your role may not do this for this person."))


# --- persons ---


def _clean_email(raw: str) -> str:
    email = (raw or "").strip()
    if email:
        validate_email(email)
    return email


def _clean_birth_date(born: dt.date | None) -> dt.date | None:
    if born is None:
        return None
    today = timezone.localdate()
    if born > today or born.year < 1900:
        raise ValidationError(_("The date of birth is not plausible."), code="dob_invalid")
    return born


def _clean_languages(languages: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for raw in languages:
        lang = " ".join(str(raw).split())[:20]
        if lang and lang not in seen:
            seen.append(lang)
    return seen[:8]


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _flag(
    *,
    person: Person,
    kind: str,
    detail: str,
    other: Person | None,
    actor: User | None,
) -> SignupFlag | None:
    """Open a sign-up flag unless the same one is already open."""
    if SignupFlag.objects.filter(
        person=person, kind=kind, detail=detail[:200], other_person=other, resolved_at=None
    ).exists():
        return None
    flag = SignupFlag.objects.create(
        person=person, kind=kind, detail=detail[:200], other_person=other
    )
    audit.person_flagged(flag=flag, actor=actor)
    return flag


def person_create(
    *,
    name: str,
    phone: str,
    epic: str = "",
    date_of_birth: dt.date | None = None,
    gender: str = "",
    languages: Sequence[str] = (),
    email: str = "",
    home_unit: Unit | None = None,
    source: str,
    actor: User | None,
) -> PersonCreateResult:
    """Create a person, or return the one already registered with this phone.

    A returning phone under a different name opens a PHONE_REUSED flag on the existing person;
    an EPIC already on another person creates the person with an EPIC_REUSED flag. The
    returned person may lie outside the actor's area: callers check visibility before showing it.
    """
    if actor is not None:
        if not actor.can(Capability.MANAGE_PEOPLE):
            raise PermissionDenied(_("Your role may not do this."))
        if home_unit is not None:
            _require_unit(actor, Capability.MANAGE_PEOPLE, home_unit)
    clean_name = validation.normalize_name(name)[:200]
    clean_phone = validation.normalize_phone(phone)
    if privacy.is_erased(clean_phone):
        raise ValidationError(_("Erased at the person's request."), code="erased")
    clean_epic = validation.normalize_epic(epic)
    clean_email = _clean_email(email)
    if gender not in Gender.values:
        raise ValidationError(_("Unknown gender value."), code="gender_invalid")
    born = _clean_birth_date(date_of_birth)
    langs = _clean_languages(languages)

    with transaction.atomic():
        existing = Person.objects.select_related("home_unit").filter(phone=clean_phone).first()
        if existing is None:
            try:
                with transaction.atomic():
                    person = Person.objects.create(
                        name=clean_name,
                        phone=clean_phone,
                        epic=clean_epic,
                        email=clean_email,
                        gender=gender,
                        date_of_birth=born,
                        languages=langs,
                        home_unit=home_unit,
                        source=(source or "")[:40],
                    )
            except IntegrityError:
                # A concurrent sign-up with the same phone committed first.
                existing = Person.objects.select_related("home_unit").get(phone=clean_phone)
            else:
                audit.person_created(person=person, actor=actor)
                flags = _epic_reuse_flags(person=person, actor=actor)
                return PersonCreateResult(person=person, created=True, flags=flags)
        flags = _phone_reuse_flags(person=existing, name=clean_name, actor=actor)
        return PersonCreateResult(person=existing, created=False, flags=flags)


def _epic_reuse_flags(*, person: Person, actor: User | None) -> list[SignupFlag]:
    """An EPIC_REUSED flag when the new person's EPIC is already on an older person."""
    if not person.epic:
        return []
    other = Person.objects.filter(epic=person.epic).exclude(id=person.id).order_by("id").first()
    if other is None:
        return []
    flag = _flag(
        person=person, kind=FlagKind.EPIC_REUSED, detail=person.epic, other=other, actor=actor
    )
    return [flag] if flag else []


def _phone_reuse_flags(*, person: Person, name: str, actor: User | None) -> list[SignupFlag]:
    """A PHONE_REUSED flag when a registered phone returns under another name."""
    if _name_key(person.name) == _name_key(name):
        return []
    flag = _flag(person=person, kind=FlagKind.PHONE_REUSED, detail=name, other=None, actor=actor)
    return [flag] if flag else []


# --- positions ---


def _counts_toward_staffing(assignment: Assignment) -> bool:
    return assignment.kind.counts_toward_staffing and assignment.unit.level == Level.BOOTH


def assignment_create(
    *,
    person: Person,
    unit: Unit,
    kind_code: str,
    actor: User | None,
    age_confirmed: bool = False,
) -> Assignment:
    """Give a person the first free seat of a position on a unit, awaiting verification.

    Adults only: with no date of birth on record the actor must confirm the person is 18+.
    """
    kind = PositionKind.objects.filter(code=kind_code).first()
    if kind is None:
        raise ValidationError(_("Unknown position."), code="kind_unknown")
    if kind.level != unit.level:
        raise ValidationError(
            _("This position belongs at the %(level)s level, not on this unit.")
            % {"level": kind.get_level_display()},
            code="kind_level",
        )
    if actor is not None:
        _require_unit(actor, Capability.MANAGE_PEOPLE, unit)
    age = person.age_on(timezone.localdate())
    if age is None and not age_confirmed:
        raise ValidationError(
            _("The date of birth is not known: confirm that the person is 18 or older."),
            code="age_unconfirmed",
        )
    if age is not None and age < ADULT_AGE:
        raise ValidationError(_("People under 18 cannot hold a position."), code="minor")

    with transaction.atomic():
        # Serialise seat picking on the unit (a row lock on PostgreSQL; SQLite has one writer).
        list(Unit.objects.select_for_update().filter(id=unit.id).values_list("id", flat=True))
        active = Assignment.objects.filter(unit=unit).exclude(status=AssignmentStatus.ENDED)
        if active.filter(person=person, kind=kind).exists():
            raise ValidationError(
                _("This person already holds this position here."), code="duplicate"
            )
        if (
            kind.counts_toward_staffing
            and active.filter(person=person, kind__counts_toward_staffing=True).exists()
        ):
            raise ValidationError(
                _("This person already holds a volunteer position on this booth."),
                code="two_booth_positions",
            )
        taken = set(active.filter(kind=kind).values_list("seat", flat=True))
        seat = next((s for s in range(1, kind.seats + 1) if s not in taken), None)
        if seat is None:
            raise ValidationError(
                _("All seats of this position are taken on this unit."), code="seats_full"
            )
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    person=person,
                    unit=unit,
                    kind=kind,
                    seat=seat,
                    status=AssignmentStatus.PENDING,
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("The seat was taken a moment ago; please try again."), code="seat_race"
            ) from exc
        audit.assignment_created(assignment=assignment, actor=actor, age_confirmed=age_confirmed)
    return assignment


def _verify(*, assignment: Assignment, method: str, actor: User | None) -> bool:
    """Flip PENDING -> VERIFIED if still pending; caller holds the transaction."""
    won = (
        Assignment.objects.filter(id=assignment.id, status=AssignmentStatus.PENDING).update(
            status=AssignmentStatus.VERIFIED,
            verify_method=method,
            verified_by=actor if actor is not None and actor.pk else None,
            verified_at=timezone.now(),
        )
        == 1
    )
    if won:
        if _counts_toward_staffing(assignment):
            Unit.objects.filter(id=assignment.unit_id).update(volunteers=F("volunteers") + 1)
        audit.assignment_verified(assignment=assignment, actor=actor, method=method)
    return won


def assignment_verify(*, assignment_id: int, actor: User, method: str) -> bool:
    """Verify a pending assignment; return False if it was no longer pending (first writer wins).

    The actor needs `verify_workers` on the assignment's unit and may not verify their own
    position. OTP verification goes through `otp_confirm`.
    """
    if method not in (VerifyMethod.INCHARGE, VerifyMethod.IMPORT):
        raise ValueError(f"assignment_verify does not take method {method!r}")
    assignment = Assignment.objects.select_related("unit", "kind").get(id=assignment_id)
    _require_unit(actor, Capability.VERIFY_WORKERS, assignment.unit)
    if actor.person_id is not None and actor.person_id == assignment.person_id:
        raise PermissionDenied(_("You cannot verify your own position."))
    with transaction.atomic():
        return _verify(assignment=assignment, method=method, actor=actor)


def assignment_end(*, assignment_id: int, actor: User, reason: str) -> bool:
    """End an active assignment; return False if it had already ended.

    The holder may end their own position; otherwise `manage_people` on the unit is needed.
    """
    clean_reason = " ".join((reason or "").split())[:200]
    if not clean_reason:
        raise ValidationError(_("Give a reason for ending the position."), code="reason_required")
    assignment = Assignment.objects.select_related("unit", "kind").get(id=assignment_id)
    if actor.person_id is None or actor.person_id != assignment.person_id:
        _require_unit(actor, Capability.MANAGE_PEOPLE, assignment.unit)
    with transaction.atomic():
        was = ""
        # Conditional on the status we read, so a verify racing with us is never lost.
        for _attempt in range(3):
            was = Assignment.objects.filter(id=assignment.id).values_list("status", flat=True).get()
            if was == AssignmentStatus.ENDED:
                return False
            ended = Assignment.objects.filter(id=assignment.id, status=was).update(
                status=AssignmentStatus.ENDED, ended_at=timezone.now()
            )
            if ended == 1:
                break
        else:
            return False
        if was == AssignmentStatus.VERIFIED and _counts_toward_staffing(assignment):
            Unit.objects.filter(id=assignment.unit_id, volunteers__gt=0).update(
                volunteers=F("volunteers") - 1
            )
        audit.assignment_ended(assignment=assignment, actor=actor, reason=clean_reason, was=was)
        # The account follows the positions (issue #13): a role the position gave goes with it.
        orgaccounts.person_account_sync(person=assignment.person)
    return True


# --- enrolment: person + position + consents in one transaction ---


def person_enrol(
    *,
    name: str,
    phone: str,
    epic: str = "",
    date_of_birth: dt.date | None = None,
    gender: str = "",
    languages: Sequence[str] = (),
    email: str = "",
    home_unit: Unit | None = None,
    unit: Unit | None = None,
    kind_code: str = "",
    age_confirmed: bool = False,
    consents: Sequence[tuple[str, str]] = (),
    notice_version: str = "",
    source: str,
    actor: User | None,
) -> EnrolResult:
    """Sign a person up, optionally to a position on `unit` and with consents, all or nothing.

    The person's home unit defaults to the position's unit.
    """
    if actor is not None:
        if not actor.can(Capability.MANAGE_PEOPLE):
            raise PermissionDenied(_("Your role may not do this."))
        for target in (home_unit, unit):
            if target is not None:
                _require_unit(actor, Capability.MANAGE_PEOPLE, target)
    if unit is not None and not kind_code:
        raise ValidationError(_("Choose a position."), code="kind_required")
    with transaction.atomic():
        result = person_create(
            name=name,
            phone=phone,
            epic=epic,
            date_of_birth=date_of_birth,
            gender=gender,
            languages=languages,
            email=email,
            home_unit=home_unit or unit,
            source=source,
            actor=actor,
        )
        assignment = None
        if unit is not None:
            assignment = assignment_create(
                person=result.person,
                unit=unit,
                kind_code=kind_code,
                actor=actor,
                age_confirmed=age_confirmed,
            )
        events = [
            _consent_create(
                person=result.person,
                purpose=purpose,
                channel=channel,
                action=ConsentAction.GIVEN,
                notice_version=notice_version,
                source=source,
                actor=actor,
                at=None,
            )
            for purpose, channel in consents
        ]
    return EnrolResult(
        person=result.person,
        created=result.created,
        flags=result.flags,
        assignment=assignment,
        consents=events,
    )


# --- phone verification by OTP ---


def _otp_hash(code: str, salt: str) -> str:
    digest = salted_hmac(_OTP_KEY_SALT, f"{salt}:{code}", algorithm="sha256").hexdigest()
    return f"{salt}${digest}"


def _otp_matches(code: str, stored: str) -> bool:
    salt, _sep, _digest = stored.partition("$")
    return constant_time_compare(_otp_hash(code, salt), stored)


def otp_available() -> bool:
    """Whether OTP can be sent (an SMS backend is configured)."""
    return sms_enabled()


def otp_send(*, person: Person, actor: User | None) -> PhoneVerification:
    """Send a fresh 6-digit code to the person's phone; earlier unused codes stop working.

    Raises OtpUnavailable when no SMS backend is configured. Only a salted HMAC of the code
    is stored. The SMS goes out inside the transaction, so a failed send leaves no code behind.
    """
    if not sms_enabled():
        raise OtpUnavailable(
            _("OTP is not available: no SMS service is configured. Ask the in-charge to confirm.")
        )
    if actor is not None:
        _require_person(actor, Capability.MANAGE_PEOPLE, person)
    now = timezone.now()
    per_hour = int(getattr(settings, "OTP_MAX_SENDS_PER_HOUR", 5))
    if (
        PhoneVerification.objects.filter(
            person=person, created_at__gte=now - dt.timedelta(hours=1)
        ).count()
        >= per_hour
    ):
        raise ValidationError(
            _("Too many codes were sent to this phone. Try again in an hour."), code="otp_rate"
        )
    ttl = int(settings.OTP_TTL_SECONDS)
    code = f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"
    with transaction.atomic():
        PhoneVerification.objects.filter(person=person, used_at=None, expires_at__gt=now).update(
            expires_at=now
        )
        verification = PhoneVerification.objects.create(
            person=person,
            code_hash=_otp_hash(code, secrets.token_hex(8)),
            expires_at=now + dt.timedelta(seconds=ttl),
            created_at=now,
        )
        audit.otp_sent(person=person, actor=actor, verification_id=verification.id)
        text = _(
            "Sampark: your verification code is %(code)s. It is valid for %(minutes)d minutes. "
            "Do not share it."
        ) % {"code": code, "minutes": max(1, ttl // 60)}
        get_sms_backend().send(to=person.phone, text=text, template=OTP_TEMPLATE, variables=[code])
    return verification


def otp_confirm(*, person: Person, code: str) -> bool:
    """Check a code against the person's latest OTP; on success verify their pending positions.

    Each try counts (at most OTP_MAX_ATTEMPTS), expired codes fail, a code works once.
    """
    clean = validation.ascii_digits(code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.filter(person=person, used_at=None)
            .order_by("-created_at", "-id")
            .first()
        )
        if verification is None or verification.expires_at <= now:
            return False
        # Count the try first, conditionally, so parallel guesses cannot pass the limit.
        counted = PhoneVerification.objects.filter(
            id=verification.id, used_at=None, attempts__lt=int(settings.OTP_MAX_ATTEMPTS)
        ).update(attempts=F("attempts") + 1)
        if counted != 1:
            return False
        if not re.fullmatch(rf"[0-9]{{{OTP_DIGITS}}}", clean) or not _otp_matches(
            clean, verification.code_hash
        ):
            return False
        if (
            PhoneVerification.objects.filter(id=verification.id, used_at=None).update(used_at=now)
            != 1
        ):
            return False
        verified: list[int] = []
        pending = (
            Assignment.objects.filter(person=person, status=AssignmentStatus.PENDING)
            .select_related("unit", "kind")
            .order_by("id")
        )
        for assignment in pending:
            if _verify(assignment=assignment, method=VerifyMethod.OTP, actor=None):
                verified.append(assignment.id)
        audit.otp_confirmed(person=person, verification_id=verification.id, assignment_ids=verified)
    return True


# --- the consent ledger (append-only) ---


def _consent_create(
    *,
    person: Person,
    purpose: str,
    channel: str,
    action: str,
    notice_version: str,
    source: str,
    actor: User | None,
    at: dt.datetime | None,
) -> ConsentEvent:
    if purpose not in ConsentPurpose.values:
        raise ValidationError(_("Unknown consent purpose."), code="purpose_invalid")
    if channel not in ConsentChannel.values:
        raise ValidationError(_("Unknown consent channel."), code="channel_invalid")
    if action not in ConsentAction.values:
        raise ValidationError(_("Unknown consent action."), code="action_invalid")
    version = (notice_version or "").strip()
    if not version or len(version) > 20:
        raise ValidationError(
            _("Give the version of the notice the person saw (up to 20 characters)."),
            code="notice_version",
        )
    clean_source = (source or "").strip()
    if not clean_source:
        raise ValidationError(_("Give the source of the consent."), code="source_required")
    now = timezone.now()
    when = at or now
    if when > now + dt.timedelta(minutes=5):
        raise ValidationError(_("Consent cannot be recorded in the future."), code="future")
    event = ConsentEvent.objects.create(
        person=person,
        purpose=purpose,
        channel=channel,
        action=action,
        notice_version=version,
        source=clean_source[:60],
        at=when,
    )
    audit.consent_recorded(event=event, actor=actor)
    return event


def consent_record(
    *,
    person: Person,
    purpose: str,
    channel: str,
    action: str,
    notice_version: str,
    source: str,
    actor: User | None = None,
    at: dt.datetime | None = None,
) -> ConsentEvent:
    """Append one event to the person's consent ledger (never edited, never deleted).

    `actor` is None when the person acts themselves (a sign-up form, an SMS STOP reply);
    otherwise it must be the person or someone with `manage_people` who can see them.
    """
    if actor is not None:
        _require_person(actor, Capability.MANAGE_PEOPLE, person)
    with transaction.atomic():
        return _consent_create(
            person=person,
            purpose=purpose,
            channel=channel,
            action=action,
            notice_version=notice_version,
            source=source,
            actor=actor,
            at=at,
        )


def consent_withdraw_channel(*, phone: str, channel: str, source: str) -> int:
    """Withdraw every consent a number gave on `channel` (a "STOP" reply, an opt-out said on a
    call); returns how many purposes were withdrawn. The person acts themselves: no actor."""
    person = selectors.person_by_phone(phone=validation.normalize_phone(phone))
    if person is None:
        return 0
    withdrawn = 0
    with transaction.atomic():
        for (purpose, on), event in selectors.consent_current(person=person).items():
            if on == channel and event.action == ConsentAction.GIVEN:
                _consent_create(
                    person=person,
                    purpose=purpose,
                    channel=channel,
                    action=ConsentAction.WITHDRAWN,
                    notice_version=event.notice_version,
                    source=source,
                    actor=None,
                    at=None,
                )
                withdrawn += 1
    return withdrawn


def person_consent_give(
    *,
    name: str,
    phone: str,
    purpose: str,
    channel: str,
    notice_version: str,
    source: str,
    person_source: str = "",
) -> Person:
    """A person signs up themselves with consent for one purpose on one channel (a group's
    invite page, a walk-in form): found or created by phone (a new person records
    `person_source`, else `source`), then the consent is recorded."""
    with transaction.atomic():
        person = person_create(
            name=name, phone=phone, source=person_source or source, actor=None
        ).person
        _consent_create(
            person=person,
            purpose=purpose,
            channel=channel,
            action=ConsentAction.GIVEN,
            notice_version=notice_version,
            source=source,
            actor=None,
            at=None,
        )
    return person


# --- phone corrections (a number reported on a call; an in-charge confirms) ---


def phone_correction_request(*, person_id: int, phone: str, source: str) -> PhoneCorrection | None:
    """Record a new number reported for the person, pending an in-charge's confirmation (the
    phone is the person's identity, so nobody changes it from a call). A later report replaces
    the pending one; None when the number is already the person's. ValidationError for a
    number that is not an Indian mobile."""
    clean = validation.normalize_phone(phone)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(id=person_id)
        if person.phone == clean:
            return None
        pending = PhoneCorrection.Status.PENDING
        PhoneCorrection.objects.filter(person=person, status=pending).delete()
        fix = PhoneCorrection.objects.create(person=person, phone=clean, source=source[:40])
        audit.phone_correction(person=person, actor=None, verb="person.phone_reported")
    return fix


def phone_correction_decide(*, person_id: int, actor: User, confirm: bool) -> bool:
    """Confirm (the person's phone becomes the reported one) or reject the pending correction.
    Only a holder of MANAGE_PEOPLE who sees the person; False when nothing is pending.
    ValidationError when the number belongs to someone else or was erased."""
    with transaction.atomic():
        person = (
            Person.objects.select_for_update(of=("self",))
            .select_related("home_unit")
            .get(id=person_id)
        )
        if not actor.can(Capability.MANAGE_PEOPLE) or not selectors.can_handle_person(
            user=actor, person=person, capability=Capability.MANAGE_PEOPLE
        ):
            raise PermissionDenied(_("Your role may not do this for this person."))
        fix = PhoneCorrection.objects.filter(
            person=person, status=PhoneCorrection.Status.PENDING
        ).first()
        if fix is None:
            return False
        if confirm:
            if privacy.is_erased(fix.phone):
                raise ValidationError(_("Erased at the person's request."), code="erased")
            if Person.objects.filter(phone=fix.phone).exclude(id=person.id).exists():
                raise ValidationError(
                    _("This number belongs to another person."), code="phone_taken"
                )
            Person.objects.filter(id=person.id).update(phone=fix.phone)
        fix.status = (
            PhoneCorrection.Status.CONFIRMED if confirm else PhoneCorrection.Status.REJECTED
        )
        fix.decided_by, fix.decided_at = actor, timezone.now()
        fix.save(update_fields=["status", "decided_by", "decided_at"])
        verb = "person.phone_corrected" if confirm else "person.phone_fix_rejected"
        audit.phone_correction(person=person, actor=actor, verb=verb)
    return True
