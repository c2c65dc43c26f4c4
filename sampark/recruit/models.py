"""Recruitment drives (issue #13 item 3): who brought whom, and the sign-up attempts that the
public join page counts to stop floods. The sign-ups themselves are people, positions and
consents in `people`; targets are `geo.RecruitmentTarget`."""

from __future__ import annotations

from django.db import models

from sampark.geo.models import Unit
from sampark.recruit.enums import AttemptKind, JoinVia


class Referral(models.Model):
    """A sign-up through a volunteer's personal link: the credit goes to `referrer`.

    One per person (the first link that brought them); a person never refers themselves.
    """

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="referral"
    )
    referrer = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="referrals_made"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    via = models.CharField(max_length=8, choices=JoinVia.choices, default=JoinVia.LINK)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["referrer", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person=models.F("referrer")), name="referral_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} -> {self.person_id}"


class JoinAttempt(models.Model):
    """One sign-up tried on the public page, keyed by a hash of the address or the phone
    (never the raw value), counted in a sliding hour; old rows are pruned as new ones come."""

    kind = models.CharField(max_length=8, choices=AttemptKind.choices)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:8]} {self.at:%H:%M}"
