"""Booth groups (WhatsApp/Telegram) with their admins, member counts and citizen joins.

Sampark never talks to WhatsApp: counts and activity are what the group's admin reports, and
citizens reach the group through our invite page, which records their consent first.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from sampark.groups.enums import GroupPurpose, JoinVia, Platform


class Group(models.Model):
    booth = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="booth_groups")
    platform = models.CharField(max_length=10, choices=Platform.choices)
    name = models.CharField(max_length=100)
    purpose = models.CharField(
        max_length=20, choices=GroupPurpose.choices, default=GroupPurpose.BOOTH_GENERAL
    )
    admins = models.ManyToManyField("people.Person", blank=True, related_name="admin_of_groups")
    # As last reported by an admin (MemberCountReport holds the history).
    member_count = models.PositiveIntegerField(default=0)
    member_count_at = models.DateTimeField(null=True, blank=True)
    cap = models.PositiveIntegerField()
    # The platform's own invite link, typed in by the admin; shown only after consent.
    invite_link = models.CharField(max_length=200, blank=True, default="")
    invite_rotated_at = models.DateTimeField(null=True, blank=True)
    # Our /join/<token>/ page; rotating the link rotates it, so old printed QR codes stop working.
    join_token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The listening channel where this group's chat exports are uploaded.
    export_source = models.OneToOneField(
        "monitoring.Source",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booth_group",
    )

    class Meta:
        indexes = [models.Index(fields=["booth", "archived_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(cap__gt=0), name="group_cap_positive"),
            models.CheckConstraint(
                condition=Q(member_count__lte=F("cap")), name="group_members_within_cap"
            ),
            models.CheckConstraint(
                condition=Q(platform__in=Platform.values), name="group_platform_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def is_full(self) -> bool:
        return self.member_count >= self.cap


class MemberCountReport(models.Model):
    """One count reported by an admin. `delta` (count minus the previous count) makes the total
    of any subtree at any moment one SUM over reports, for the growth series."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="count_reports")
    count = models.PositiveIntegerField()
    delta = models.IntegerField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["group", "at"])]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.count}"


class GroupJoin(models.Model):
    """A citizen who joined through the invite page (after giving consent)."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="joins")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="group_joins"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    via = models.CharField(max_length=8, choices=JoinVia.choices, default=JoinVia.LINK)

    class Meta:
        indexes = [models.Index(fields=["group", "joined_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "person"],
                condition=Q(left_at=None),
                name="one_active_join_per_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.group_id}"
