"""Events: a season of events, targets per unit, registrations, tickets, gates, attendance.

A person attends an event at most once: `Attendance` is unique per (event, registration), and a
gate's scan is unique per (gate, client scan id), so a retried or reordered sync is a no-op.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sampark.events.enums import (
    EventKind,
    EventStatus,
    QuestionSource,
    QuestionStatus,
    RegistrationSource,
    RegistrationStatus,
    ScanResult,
)


class Season(models.Model):
    """A plan: one event of `kind` per host unit between two dates, with a target band."""

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    band_min = models.PositiveIntegerField()
    band_max = models.PositiveIntegerField()
    # Share of the electorate in a unit's weight; the rest is its area.
    electors_weight = models.FloatField(default=0.7)
    # The state team attends every event: no two events of one region on one day.
    state_team_attends = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(band_min__lte=models.F("band_max")), name="season_band_ordered"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")), name="season_days_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A declared holiday: no event is planned on it (state-wide when `unit` is empty)."""

    day = models.DateField()
    name = models.CharField(max_length=200)
    unit = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class Target(models.Model):
    """How many workers a unit sends to its season's event; children's targets sum to it."""

    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, related_name="+")
    target = models.PositiveIntegerField()
    # Set by an in-charge (kept when the cascade reruns); the siblings absorb the difference.
    pinned = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True, default="")
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adjusted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["season", "unit"], name="one_target_per_season_unit")
        ]

    def __str__(self) -> str:
        return f"{self.season_id}:{self.unit_id}={self.target}"


class Event(models.Model):
    season = models.ForeignKey(
        Season, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(max_length=200)
    # The host unit: the event belongs to its subtree (district, PC or state).
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    region = models.CharField(max_length=40, blank=True, default="")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True, default="")
    # Whether the state team attends (then no other event of its region on that day).
    state_team = models.BooleanField(default=False)
    capacity = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=12, choices=EventStatus.choices, default=EventStatus.PLANNED
    )
    # Walk-ins register on the public page with this unguessable slug.
    public_slug = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["unit", "starts_at"])]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # Where the person counts for attendance against target (their position's unit or home).
    unit = models.ForeignKey("geo.Unit", null=True, on_delete=models.SET_NULL, related_name="+")
    position = models.CharField(max_length=40, blank=True, default="")
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    source = models.CharField(max_length=10, choices=RegistrationSource.choices)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_day = models.DateTimeField(null=True, blank=True)
    reminded_hours = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_person")
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            models.Index(fields=["event", "unit"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.person_id}"


class Ticket(models.Model):
    """The ticket of a registration: a random code (typed at the gate) signed into the QR."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="ticket"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=16, unique=True)
    issued_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code


class Gate(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="gates")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="attendance"
    )
    gate = models.ForeignKey(Gate, null=True, on_delete=models.SET_NULL, related_name="+")
    scanned_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "registration"], name="one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.registration_id}"


class Scan(models.Model):
    """One scan as a gate sent it; (gate, client id) makes a retried sync answer the same."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="scans")
    client_id = models.CharField(max_length=64)
    code = models.CharField(max_length=200)
    result = models.CharField(max_length=12, choices=ScanResult.choices)
    registration = models.ForeignKey(
        Registration, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scanned_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["gate", "client_id"], name="one_scan_per_client_id")
        ]

    def __str__(self) -> str:
        return f"{self.gate_id}:{self.client_id}"


class QuestionGroup(models.Model):
    """Similar questions for the experts (grouped by the lexical matcher), answered once."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="question_groups")
    # The question as the experts read it: the first one asked, or the moderator's wording.
    text = models.CharField(max_length=500)
    status = models.CharField(
        max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Counts kept with the rows (F() updates): how many asked it, how many upvoted it.
    asked = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)
    answer = models.TextField(blank=True, default="")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["event", "status", "votes"])]

    def __str__(self) -> str:
        return self.text[:60]


class Question(models.Model):
    """One worker's question, as typed; it counts in its group."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    group = models.ForeignKey(QuestionGroup, on_delete=models.CASCADE, related_name="questions")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # Where the asker counts (their registration's unit): scope of the moderator's view.
    unit = models.ForeignKey("geo.Unit", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(max_length=500)
    source = models.CharField(max_length=10, choices=QuestionSource.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["event", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class QuestionVote(models.Model):
    """One upvote per person per group."""

    group = models.ForeignKey(QuestionGroup, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="one_vote_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.group_id}:{self.person_id}"
