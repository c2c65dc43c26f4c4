"""Past election results: one election, and one row of figures per unit it covers.

A `Result` is the count for one unit (booth, AC, PC, district or state) in one election: votes
by normalised party (JSON), the winner and runner-up and the margin between them, turnout
inputs, and the figures of the organisation's party (`settings.RESULTS_ORG_PARTY`, kept in
`org_*` columns so the state page never parses 1.4 lakh JSON documents). The import writes all
of them; changing the party means running `sampark results import` again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from sampark.results.enums import Kind


class Election(models.Model):
    state_code = models.CharField(max_length=3)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=2, choices=Kind.choices)
    # The party whose figures the org_* columns of this election's results hold.
    org_party = models.CharField(max_length=80, blank=True, default="")
    sources = models.JSONField(default=list)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["state_code", "year", "kind"], name="one_election"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="election_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.state_code} {self.kind.upper()} {self.year}"


class Result(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10)
    electors = models.PositiveIntegerField(null=True, blank=True)
    voters = models.PositiveIntegerField(null=True, blank=True)
    # Sum of the votes by party (NOTA included): the base of every share.
    total = models.PositiveIntegerField(default=0)
    votes = models.JSONField(default=dict)
    winner = models.CharField(max_length=80, blank=True, default="")
    winner_votes = models.PositiveIntegerField(default=0)
    runner_up = models.CharField(max_length=80, blank=True, default="")
    runner_up_votes = models.PositiveIntegerField(default=0)
    org_votes = models.PositiveIntegerField(default=0)
    # The organisation's votes minus those of its strongest rival: > 0 won by, < 0 lost by.
    org_margin = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "unit"], name="one_result_per_unit"),
        ]
        indexes = [models.Index(fields=["election", "level"])]

    def __str__(self) -> str:
        return f"{self.election} {self.unit_id}: {self.winner}"

    @property
    def margin(self) -> int:
        return self.winner_votes - self.runner_up_votes


class BoothStrength(models.Model):
    """The latest strength of one booth beside its organisation's result (a snapshot).

    Written whole by `services.refresh_strength` (worker step or `sampark results refresh`),
    from the other apps' selectors, so the state page is one GROUP BY over this table instead of
    reading four apps per request. `computed_at` says how fresh the page is.
    """

    booth = models.OneToOneField(
        "geo.Unit", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    state = models.ForeignKey(
        "geo.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False, null=True
    )
    district = models.ForeignKey(
        "geo.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False, null=True
    )
    pc = models.ForeignKey(
        "geo.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False, null=True
    )
    ac = models.ForeignKey(
        "geo.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False, null=True
    )
    score = models.FloatField(default=0.0)
    volunteers = models.PositiveIntegerField(default=0)
    groups = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    kits = models.PositiveIntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    training = models.PositiveIntegerField(default=0)
    has_result = models.BooleanField(default=False)
    total = models.PositiveIntegerField(default=0)
    org_votes = models.PositiveIntegerField(default=0)
    org_margin = models.IntegerField(default=0)
    # org_margin as points of the vote (null without a result): the "close" filter.
    margin_pct = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["state", "score"]),
            models.Index(fields=["district", "score"]),
            models.Index(fields=["pc", "score"]),
            models.Index(fields=["ac", "score"]),
            models.Index(fields=["score", "margin_pct"]),
        ]

    def __str__(self) -> str:
        return f"{self.booth_id}: {self.score}"


class UnitStrength(models.Model):
    """A unit's strength on a day (state, districts, PCs, ACs): what improved or slipped."""

    day = models.DateField()
    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10)
    booths = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0.0)
    volunteers = models.PositiveIntegerField(default=0)
    weak_close = models.PositiveIntegerField(default=0)
    groups = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    kits = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "unit"], name="one_strength_per_unit_day")
        ]
        indexes = [models.Index(fields=["unit", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id}: {self.score}"


class BriefSubscription(models.Model):
    """A user who gets the morning brief of their unit (page always; e-mail when asked)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="brief_subscription"
    )
    email = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"brief for {self.user_id}"


class Brief(models.Model):
    """The morning brief of one role at one unit on one day, in one language (history kept)."""

    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=32)
    day = models.DateField()
    language = models.CharField(max_length=8)
    data = models.JSONField(default=dict)
    pdf = models.BinaryField(null=True, blank=True)
    seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["role", "unit", "day", "language"], name="one_brief_per_role_unit_day"
            )
        ]
        indexes = [models.Index(fields=["unit", "-day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.role} {self.unit_id} {self.language}"


class BriefSend(models.Model):
    """The e-mail of one brief to one subscriber: sent once, or held with the rule's reason."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="sends")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10)
    reason = models.CharField(max_length=200, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["brief", "user"], name="one_send_per_user")]

    def __str__(self) -> str:
        return f"{self.brief_id} → {self.user_id}: {self.status}"


class ExportJob(models.Model):
    """A large export written by the worker with its progress; addressed by a random token and
    visible to the user who asked only."""

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("geo.Unit", on_delete=models.CASCADE, related_name="+")
    which = models.CharField(max_length=10)
    fmt = models.CharField(max_length=5)
    status = models.CharField(max_length=10, default="queued")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"export {self.token}: {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return (
            int(100 * self.done / self.total)
            if self.total
            else (100 if self.status == "done" else 0)
        )
