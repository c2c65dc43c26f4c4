"""The fact-check knowledge base: ClaimReview-shaped records and matches against them (issue #4)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from sampark.factcheck.enums import FactCheckLang, MatchBand, Verdict


class FactCheck(models.Model):
    """One published fact-check (schema.org ClaimReview), or the organisation's own response."""

    # Canonical spelling (pipeline.urls.canonical), so http/https, utm and slashes dedupe.
    url = models.URLField(max_length=1000, unique=True)
    claim_reviewed = models.TextField()
    claimant = models.CharField(max_length=300, blank=True, default="")
    rating = models.CharField(max_length=200, blank=True, default="")
    verdict = models.CharField(max_length=20, choices=Verdict.choices, default=Verdict.OTHER)
    publisher = models.CharField(max_length=200, blank=True, default="")
    publisher_url = models.URLField(max_length=500, blank=True, default="")
    author = models.CharField(max_length=200, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        max_length=10, choices=FactCheckLang.choices, default=FactCheckLang.OTHER
    )
    title = models.CharField(max_length=500, blank=True, default="")
    image_url = models.URLField(max_length=1000, blank=True, default="")
    summary = models.TextField(blank=True, default="")
    source = models.CharField(max_length=50, blank=True, default="")
    is_own_response = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # The claim's sentence embedding (float32 bytes) for hybrid matching, and the embedder
    # that made it; filled by the worker when SAMPARK_CLAIM_MATCH["HYBRID"] is on.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_model = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return self.title or self.claim_reviewed[:80]


class ClaimMatch(models.Model):
    """A narrative or a tip matched to a fact-check, written by listening's matching stage
    (`services.claim_matches_store`): the current best matches of its text, one row per
    fact-check, replaced when the text or the knowledge base changes (issue #17)."""

    post = models.ForeignKey(
        "monitoring.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    narrative = models.ForeignKey(
        "monitoring.Narrative",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    fact_check = models.ForeignKey(FactCheck, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField()
    band = models.CharField(max_length=10, choices=MatchBand.choices)
    rank = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When the match first reached the "auto" band: the war room's signal (one per row).
    auto_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["fact_check", "-created_at"]),
            models.Index(fields=["auto_at"], condition=Q(auto_at__isnull=False), name="match_auto"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["narrative", "fact_check"],
                condition=Q(narrative__isnull=False),
                name="match_once_per_narrative",
            ),
            models.UniqueConstraint(
                fields=["post", "fact_check"],
                condition=Q(post__isnull=False),
                name="match_once_per_post",
            ),
        ]

    def __str__(self) -> str:
        return f"match {self.pk} → fact-check {self.fact_check_id}"
