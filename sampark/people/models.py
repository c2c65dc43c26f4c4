"""Persons, the positions they hold on units, their consent ledger and sign-up flags.

No caste or religion fields, by principle (ARCHITECTURE "Consent is data").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sampark.geo.enums import Level
from sampark.people.enums import (
    AssignmentStatus,
    ConsentAction,
    ConsentChannel,
    ConsentPurpose,
    FlagKind,
    Gender,
    RequestKind,
    RequestStatus,
    RequestVia,
    VerifyMethod,
)


class Person(models.Model):
    name = models.CharField(max_length=200)
    # Stored in E.164 (+919812345610); de-duplication is by phone.
    phone = models.CharField(max_length=16, unique=True)
    epic = models.CharField(max_length=10, blank=True, default="", db_index=True)
    email = models.EmailField(blank=True, default="")
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    languages = models.JSONField(default=list, blank=True)
    # Where the person lives/works in the tree; positions may be on other units.
    home_unit = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="residents"
    )
    source = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Invitations read the people an import created by their source ("import:<job>").
        indexes = [models.Index(fields=["source"], name="people_person_source")]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class PositionKind(models.Model):
    """The catalogue: which positions exist at which level, and how many seats each has."""

    code = models.SlugField(max_length=40, unique=True)
    level = models.CharField(max_length=10, choices=Level.choices)
    name_en = models.CharField(max_length=100)
    name_hi = models.CharField(max_length=100)
    seats = models.PositiveSmallIntegerField(default=1)
    # Booth volunteer positions count toward the booth's "five volunteers".
    counts_toward_staffing = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["level", "order"]

    def __str__(self) -> str:
        return self.code

    def label(self, language: str) -> str:
        return self.name_hi if language.startswith("hi") else self.name_en


class Assignment(models.Model):
    """A person holding a position on a unit. Ended assignments stay as history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, related_name="assignments")
    kind = models.ForeignKey(PositionKind, on_delete=models.PROTECT, related_name="assignments")
    seat = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=10, choices=AssignmentStatus.choices, default=AssignmentStatus.PENDING
    )
    verify_method = models.CharField(
        max_length=10, choices=VerifyMethod.choices, blank=True, default=""
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One holder per seat while active.
            models.UniqueConstraint(
                fields=["unit", "kind", "seat"],
                condition=~Q(status=AssignmentStatus.ENDED),
                name="one_active_holder_per_seat",
            ),
            # A person holds a given position on a unit once.
            models.UniqueConstraint(
                fields=["person", "unit", "kind"],
                condition=~Q(status=AssignmentStatus.ENDED),
                name="no_duplicate_active_assignment",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"])]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.unit_id}:{self.kind_id}"


class ConsentEvent(models.Model):
    """The consent ledger: append-only; the current state is the latest event per purpose × channel.

    Rows are never deleted: a person's erasure (people.rights) replaces `person` by the keyed
    hash of their phone, so the opt-out outlives them. PROTECT keeps a plain delete from
    taking the ledger with it.
    """

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="consents"
    )
    # Set at erasure: HMAC of the normalised phone (people.privacy.phone_hash).
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.choices)
    channel = models.CharField(max_length=16, choices=ConsentChannel.choices)
    action = models.CharField(max_length=10, choices=ConsentAction.choices)
    notice_version = models.CharField(max_length=20)
    source = models.CharField(max_length=60)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["person", "purpose", "channel", "at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.purpose}/{self.channel} {self.action}"


class SignupFlag(models.Model):
    """A sign-up that reused a phone or EPIC already on record, for an in-charge to review."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(max_length=16, choices=FlagKind.choices)
    detail = models.CharField(max_length=200, blank=True, default="")
    other_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.person_id}:{self.kind}"


class PhoneCorrection(models.Model):
    """A new number someone reported for a person (a call-centre answer): the phone is the
    person's identity (sign-in, OTP, consent ledger), so it changes only when an in-charge who
    sees the person confirms it on the person's page. At most one pending per person."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        CONFIRMED = "confirmed", "confirmed"
        REJECTED = "rejected", "rejected"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phone_corrections")
    phone = models.CharField(max_length=16)
    source = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="pending"), name="one_pending_phone_fix"
            )
        ]

    def __str__(self) -> str:
        return f"phonefix:{self.person_id}"


class PhoneVerification(models.Model):
    """An OTP sent to a person's phone; only a hash of the code is stored."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="otps")
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"otp:{self.person_id}"


class ImportJob(models.Model):
    """A bulk volunteer import: the uploaded file, its column mapping and its per-row report."""

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        RUNNING = "running", "running"
        DONE = "done", "done"
        FAILED = "failed", "failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scope = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/")
    filename = models.CharField(max_length=200)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_failed = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"import:{self.pk} {self.filename}"


class ErasedPhone(models.Model):
    """A phone whose person was erased at their request: only its keyed hash is kept, so an
    import or sign-up cannot bring the person back (people.privacy.phone_hash)."""

    phone_hash = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"erased:{self.phone_hash[:8]}"


class DataRequest(models.Model):
    """A data principal's request (DPDP Act 2023, ss. 11-13): access, correction, consent
    withdrawal or erasure, with the deadline the grievance officer answers by."""

    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="data_requests"
    )
    # The person's home unit when the request came: the grievance queue is scoped by it.
    unit = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    phone_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    kind = models.CharField(max_length=12, choices=RequestKind.choices)
    status = models.CharField(
        max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    via = models.CharField(max_length=10, choices=RequestVia.choices)
    # What the person asked (a correction's new values); cleared when the request closes.
    detail = models.JSONField(default=dict, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"request:{self.pk} {self.kind} {self.status}"


class RightsCode(models.Model):
    """A one-time code sent to a phone for the public "my data" page (no account needed).

    Only the phone's keyed hash and a salted hash of the code are stored; a code is asked for
    any phone, known or not, so the page does not tell who is on record.
    """

    phone_hash = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"rights-code:{self.pk}"
