"""The call centre: campaigns over contacts, versioned scripts, attempts, answers and notes.

Scope: a campaign belongs to a unit; each contact carries the unit it is called for (the booth
of a volunteer's position, else the person's home unit), and an agent sees only contacts inside
their own subtree (a district's team, its district's contacts).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from sampark.calls.enums import (
    AgentState,
    AttemptStatus,
    CampaignStatus,
    Category,
    ContactStatus,
    Disposition,
    InboundStatus,
    Mode,
    SourceKind,
)


class Script(models.Model):
    name = models.CharField(max_length=200)
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class ScriptVersion(models.Model):
    """One frozen version of a script: its steps (see `calls.scripts`) never change once saved;
    an edit is a new version, so every answer keeps the wording it was given to."""

    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    steps = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["script", "number"], name="one_script_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.script_id} v{self.number}"


class Campaign(models.Model):
    name = models.CharField(max_length=200)
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=32, default="calls")  # a people ConsentPurpose
    category = models.CharField(max_length=12, choices=Category.choices, default=Category.SERVICE)
    source = models.CharField(max_length=16, choices=SourceKind.choices)
    # For SourceKind.POSITIONS: the position codes called (people's catalogue).
    position_codes = models.JSONField(default=list, blank=True)
    # The event whose no-shows are called, and that the `register_event` answer registers for.
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    script = models.ForeignKey(
        ScriptVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(max_length=12, choices=Mode.choices, default=Mode.PREVIEW)
    lines_per_agent = models.PositiveSmallIntegerField(default=1)
    abandon_cap = models.FloatField(default=0.03)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    status = models.CharField(
        max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """One person in one campaign's queue. Leased to one agent at a time (`leased_by`,
    `lease_until`); while `live` (a call is up) the lease is never taken over."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=100, blank=True, default="")
    status = models.CharField(
        max_length=8, choices=ContactStatus.choices, default=ContactStatus.WAITING
    )
    # When the contact may next be called: a call-back, a retry, or the end of a rules window.
    due_at = models.DateTimeField(null=True, blank=True)
    callback_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    leased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    live = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    disposition = models.CharField(
        max_length=16, choices=Disposition.choices, blank=True, default=""
    )
    hold_reason = models.CharField(max_length=20, blank=True, default="")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="one_contact_per_campaign")
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "due_at"]),
            models.Index(fields=["leased_by", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.person_id}"


class Attempt(models.Model):
    """One call to a contact by one agent, with what the agent typed (saved as they type)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.QUEUED
    )
    provider = models.CharField(max_length=20, blank=True, default="")  # "" = own phone
    provider_call_id = models.CharField(max_length=80, blank=True, default="")
    caller_id = models.CharField(max_length=20, blank=True, default="")
    recording_url = models.URLField(max_length=500, blank=True, default="")
    disposition = models.CharField(
        max_length=16, choices=Disposition.choices, blank=True, default=""
    )
    # The script version the call was given (a later edit of the script does not change it).
    script = models.ForeignKey(
        ScriptVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The console's autosave: answers and the note being typed, until the disposition is saved.
    draft = models.JSONField(default=dict, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_call_id"],
                condition=~models.Q(provider_call_id=""),
                name="one_attempt_per_provider_call",
            )
        ]
        indexes = [models.Index(fields=["agent", "started_at"])]

    def __str__(self) -> str:
        return f"attempt {self.id}"


class Response(models.Model):
    """One structured answer to one question of the script version the call used."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    script = models.ForeignKey(ScriptVersion, on_delete=models.PROTECT, related_name="+")
    question = models.CharField(max_length=40)
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.question}"


class Note(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.text[:40]


class DoNotCall(models.Model):
    """The organisation's own do-not-call list (beyond the NCPR register): never dialled."""

    phone = models.CharField(max_length=16, unique=True)
    reason = models.CharField(max_length=200, blank=True, default="")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.phone


class AgentStatus(models.Model):
    """An agent's state now, for the wallboard; one row per agent."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="call_status"
    )
    state = models.CharField(max_length=10, choices=AgentState.choices, default=AgentState.OFFLINE)
    since = models.DateTimeField(default=timezone.now)
    # Takes helpline callers from the inbound queue (issue #15).
    inbound = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.agent_id}:{self.state}"


class InboundCall(models.Model):
    """One caller on the helpline: queued first come first served, answered by one agent, or
    abandoned. `unit` is the matched person's home unit, else the top of the tree (the
    helpline's own), so that supervisors count their part of the queue by scope."""

    provider = models.CharField(max_length=20)
    provider_call_id = models.CharField(max_length=80)
    phone = models.CharField(max_length=16)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=InboundStatus.choices, default=InboundStatus.QUEUED
    )
    queued_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    disposition = models.CharField(
        max_length=16, choices=Disposition.choices, blank=True, default=""
    )
    note = models.TextField(max_length=2000, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_call_id"], name="one_inbound_per_provider_call"
            )
        ]
        indexes = [
            models.Index(fields=["status", "queued_at"]),
            models.Index(fields=["agent", "status"]),
        ]

    def __str__(self) -> str:
        return f"inbound {self.id}"


class Site(models.Model):
    """A call-centre floor with a number of seats (a 2,000-seat operation spans several)."""

    name = models.CharField(max_length=200)
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class CallShift(models.Model):
    """A shift at one site: a time window that agents are rostered on, each on a seat."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="shifts")
    name = models.CharField(max_length=100)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="call_shift_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_at:%Y-%m-%d %H:%M}"


class RosterEntry(models.Model):
    """An agent on a shift, on a seat, with their attendance (signed in and out)."""

    shift = models.ForeignKey(CallShift, on_delete=models.CASCADE, related_name="roster")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seat = models.PositiveIntegerField()
    signed_in_at = models.DateTimeField(null=True, blank=True)
    signed_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["shift", "agent"], name="one_roster_row_per_agent"),
            models.UniqueConstraint(fields=["shift", "seat"], name="one_agent_per_seat"),
        ]
        indexes = [models.Index(fields=["agent", "shift"])]

    def __str__(self) -> str:
        return f"{self.shift_id}:{self.agent_id}@{self.seat}"
