"""The tables the sending rules read: the poll calendar, the DND register, MCMC certificates.

They moved here from `content` (issue #11) and keep their tables (`db_table`), so databases
made before the move keep their rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Election(models.Model):
    """An election in a state; its phases say which constituencies poll when."""

    state = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=120)
    # Campaign silence before the end of poll (RP Act s.126: 48 hours); configurable per state.
    silence_hours = models.PositiveSmallIntegerField(default=48)

    class Meta:
        db_table = "content_election"

    def __str__(self) -> str:
        return self.name


class PollPhase(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField()
    poll_date = models.DateField()
    poll_start = models.TimeField(default="07:00")
    poll_end = models.TimeField(default="18:00")
    # ACs or PCs polling in this phase (a PC stands for all its ACs). The link table keeps its
    # name too: Django derives it from `db_table` (content_pollphase_units).
    units = models.ManyToManyField("geo.Unit", related_name="poll_phases")

    class Meta:
        db_table = "content_pollphase"
        ordering = ["poll_date", "number"]
        constraints = [
            models.UniqueConstraint(fields=["election", "number"], name="one_phase_number")
        ]

    def __str__(self) -> str:
        return f"{self.election_id} phase {self.number}"


class DndNumber(models.Model):
    """A number on the TRAI NCPR (do-not-disturb) register, from the operator's scrub file."""

    phone = models.CharField(max_length=16, unique=True)
    source = models.CharField(max_length=60, blank=True, default="")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "content_dndnumber"

    def __str__(self) -> str:
        return self.phone


class Certificate(models.Model):
    """An MCMC pre-certification of a political advertisement, bound to the exact content."""

    number = models.CharField(max_length=60)
    committee = models.CharField(max_length=120)
    # Where the certificate was issued (a district MCMC certifies for its district).
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    # SHA-256 of the certified content (computed by the content's owner, e.g.
    # `content.hashing.compute_hash`); one changed byte voids it.
    content_hash = models.CharField(max_length=64)
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "content_certificate"
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="one_certificate_number")
        ]

    def __str__(self) -> str:
        return f"{self.committee} {self.number}"
