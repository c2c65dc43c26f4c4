"""Users, their unit and their roles. The unit is the user's scope: its subtree is all they see."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractUser
from django.db import models

from sampark.accounts.enums import (
    CONTENT_PAGES,
    FACTCHECK_PAGES,
    GROUP_ROLLUP_PAGES,
    LISTENING_PAGES,
    ROLE_CAPABILITIES,
    WARROOM_PAGES,
    Role,
)


class User(AbstractUser):
    unit = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    person = models.OneToOneField(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    preferred_language = models.CharField(max_length=8, default="hi")

    def __str__(self) -> str:
        return self.username

    @property
    def role_names(self) -> set[str]:
        cached: set[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = set(self.roles.values_list("role", flat=True)) if self.pk else set()
            self._role_cache = cached
        return cached

    def can(self, capability: str) -> bool:
        """Whether any of the user's roles grants the capability (superusers: all)."""
        if self.is_superuser:
            return True
        return any(capability in ROLE_CAPABILITIES.get(r, frozenset()) for r in self.role_names)

    def can_any(self, capabilities: Iterable[str]) -> bool:
        """Whether the user's roles grant at least one of `capabilities`."""
        return any(self.can(c) for c in capabilities)

    @property
    def can_listen(self) -> bool:
        """For templates: may open the listening feed."""
        return self.can_any(LISTENING_PAGES)

    @property
    def can_content(self) -> bool:
        """For templates: may write, review or send content kits."""
        return self.can_any(CONTENT_PAGES)

    @property
    def can_read_factchecks(self) -> bool:
        """For templates: may search the fact-check knowledge base."""
        return self.can_any(FACTCHECK_PAGES)

    @property
    def can_triage(self) -> bool:
        """For templates: may open and work war-room incidents."""
        return self.can("triage")

    @property
    def can_warroom(self) -> bool:
        """For templates: may open the war room."""
        return self.can_any(WARROOM_PAGES)

    @property
    def can_manage_groups(self) -> bool:
        return self.can_any(GROUP_ROLLUP_PAGES)

    @property
    def is_volunteer_only(self) -> bool:
        """A booth volunteer with no other role: their home is the volunteer app."""
        return (
            self.person_id is not None
            and not self.is_superuser
            and self.role_names <= {Role.VOLUNTEER}
        )


class RoleGrant(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", "manual"  # given by an admin or an in-charge
        POSITION = "position", "position"  # implied by a verified position (issue #13)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class PhoneCode(models.Model):
    """A one-time sign-in code sent to a phone (issue #13); only a salted HMAC of it is kept."""

    phone = models.CharField(max_length=16)  # E.164
    code_hash = models.CharField(max_length=128)
    channel = models.CharField(max_length=10, default="sms")  # "sms" | "telegram"
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "created_at"])]

    def __str__(self) -> str:
        return f"code:{self.id}"
