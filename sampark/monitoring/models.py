"""Sources, the post inbox, narratives, watchlists and alerts (ARCHITECTURE "Data flow")."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from sampark.monitoring.enums import (
    AlertKind,
    LangChoice,
    NarrativeStatus,
    OcrStatus,
    PlatformChoice,
    PostStatus,
    SourceKind,
)


class Source(models.Model):
    """Where posts come from: a WhatsApp group's exports, a tip channel, a feed, a search.

    Connector state lives here: `cursor` is what the connector needs to fetch only new items,
    `next_poll_at` is the schedule (pushed back on rate limits and failures).
    """

    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    name = models.CharField(max_length=200)
    # Group content belongs to the group's booth; public sources have no unit (state-wide).
    unit = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    config: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    enabled = models.BooleanField(default=True)
    interval_s = models.PositiveIntegerField(default=300)
    cursor: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True, default="")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_ok_at = models.DateTimeField(null=True, blank=True)
    posts_total = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["enabled", "next_poll_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name pages show. The tip sources are made by the system, named after their kind
        in whatever language the first tip came in: they are named by their kind's label, in
        the page's language."""
        if self.kind in (SourceKind.TIP_FORM, SourceKind.TELEGRAM_BOT):
            return str(self.get_kind_display())
        return self.name


class ExportUpload(models.Model):
    """One uploaded WhatsApp chat export, with what importing it did."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="uploads")
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    messages = models.PositiveIntegerField(default=0)
    new_posts = models.PositiveIntegerField(default=0)
    report: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "sha256"], name="upload_once_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:8]})"


class Narrative(models.Model):
    """A story being spread, grouped from many near-identical and related posts."""

    title = models.CharField(max_length=300)
    lang = models.CharField(max_length=10, choices=LangChoice.choices, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=NarrativeStatus.choices, default=NarrativeStatus.ACTIVE
    )
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    posts = models.PositiveIntegerField(default=0)
    variants = models.PositiveIntegerField(default=0)
    districts = models.PositiveIntegerField(default=0)
    # Any post from a public platform makes the narrative visible to every listening user;
    # otherwise it is visible where its group posts came from (NarrativeHour.district).
    has_public = models.BooleanField(default=False)
    velocity = models.FloatField(default=0.0)  # posts in the last hour
    burst = models.FloatField(default=0.0)  # how far the last hour is above the day's baseline
    updated_at = models.DateTimeField(default=timezone.now)
    # Claim matching (issue #17, `matching`): due when born, when its representative text may
    # have changed (a new wording) and when fact-checks were published; `match_hash` is the
    # hash of the text last matched, so an unchanged text is not matched again.
    match_due = models.BooleanField(default=True)
    match_claimed_at = models.DateTimeField(null=True, blank=True)
    match_hash = models.BigIntegerField(null=True, blank=True)
    # The first narrative of the story this one belongs to (the same claim in another script,
    # or matched to the same fact-check); None for a story's first narrative.
    story = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    story_sig = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["-last_seen"]),
            models.Index(fields=["-burst"]),
            models.Index(fields=["id"], condition=Q(match_due=True), name="narrative_match_due"),
        ]

    def __str__(self) -> str:
        return self.title


class Variant(models.Model):
    """A distinct wording inside a narrative: its MinHash signature and LSH band keys.

    Near-duplicates of a variant do not become variants, so the band table grows with the
    number of different wordings, not with the number of forwards.
    """

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("Post", on_delete=models.CASCADE, related_name="+")
    signature = models.BinaryField()
    # Perceptual hash of the post's image, for media-only forwards of the same picture.
    image_hash = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"variant {self.pk} of narrative {self.narrative_id}"


class Band(models.Model):
    """LSH band key → variant (the narrative index, persistent and shared by all workers)."""

    key = models.BigIntegerField()
    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return f"band {self.key}"


class StoryBand(models.Model):
    """Story LSH band key → narrative (`pipeline.stories`): candidates in the other script."""

    key = models.BigIntegerField()
    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return f"story band {self.key}"


class Post(models.Model):
    """The inbox: one thing said somewhere, then what the pipeline made of it."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="posts")
    platform = models.CharField(max_length=10, choices=PlatformChoice.choices)
    external_id = models.CharField(max_length=200)
    unit = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised district of `unit`, for per-district velocity without a join.
    district = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_private = models.BooleanField(default=False)
    author = models.CharField(max_length=200, blank=True, default="")
    text = models.TextField(blank=True, default="")
    url = models.URLField(max_length=1000, blank=True, default="")
    media: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    is_media = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    metrics: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    posted_at = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Inbox state (claimed by pipeline workers under a lease).
    status = models.PositiveSmallIntegerField(
        choices=PostStatus.choices, default=PostStatus.PENDING
    )
    claim = models.CharField(max_length=40, blank=True, default="")
    locked_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    # Results.
    lang = models.CharField(max_length=10, choices=LangChoice.choices, blank=True, default="")
    urls: models.JSONField[Any, Any] = models.JSONField(default=list, blank=True)
    exact_hash = models.BigIntegerField(null=True, blank=True)
    image_hash = models.BigIntegerField(null=True, blank=True)
    # The post's (first) image, by content; its text is read once per image (ImageText) and
    # copied here before the pipeline analyses the post (issue #17).
    image_sha256 = models.CharField(max_length=64, blank=True, default="")
    image_text = models.TextField(blank=True, default="")
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_exact_duplicate = models.BooleanField(default=False)
    narrative = models.ForeignKey(
        Narrative, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    similarity = models.FloatField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # Processing order: increases in the order processed posts become visible (batch number
    # under the pipeline lock, then position); the live feed pages by it, not by id or time.
    seq = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="post_once_per_source")
        ]
        indexes = [
            models.Index(fields=["seq"]),
            models.Index(fields=["status", "id"]),
            models.Index(fields=["exact_hash"]),
            # The posts of one image (OCR hands its text to those that went on without it).
            models.Index(fields=["image_sha256"], name="post_image", condition=~Q(image_sha256="")),
            models.Index(fields=["narrative", "posted_at"]),
            models.Index(fields=["-posted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"


class NarrativeHour(models.Model):
    """Posts per narrative, district and hour: growth (sparkline, velocity) and spread.

    `district_key` is the district unit's id, or 0 for public posts and posts with no place;
    a plain integer (not a nullable FK) so that the upsert's unique key never contains NULL.
    """

    narrative = models.ForeignKey(Narrative, on_delete=models.CASCADE, related_name="+")
    district_key = models.BigIntegerField(default=0)
    hour = models.DateTimeField()
    posts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["narrative", "district_key", "hour"], name="narrative_hour_once"
            )
        ]
        indexes = [models.Index(fields=["district_key", "hour"])]

    def __str__(self) -> str:
        return f"{self.narrative_id}@{self.hour:%Y-%m-%d %H}h: {self.posts}"


class Fingerprint(models.Model):
    """First post seen with an exact dedupe-key hash: exact duplicates point at it."""

    key = models.BigIntegerField(unique=True)
    post = models.ForeignKey("Post", on_delete=models.CASCADE, related_name="+")
    narrative = models.ForeignKey(
        Narrative, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"fingerprint {self.key}"


class Watchlist(models.Model):
    """Terms a team watches for, in both scripts; a hit raises an alert in the list's unit."""

    name = models.CharField(max_length=200)
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class WatchTerm(models.Model):
    watchlist = models.ForeignKey(Watchlist, on_delete=models.CASCADE, related_name="terms")
    text = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "text"], name="watch_term_once")
        ]

    def __str__(self) -> str:
        return self.text


class WatchHit(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(WatchTerm, on_delete=models.CASCADE, related_name="+")
    matched = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "term"], name="watch_hit_once")]

    def __str__(self) -> str:
        return self.matched


class Alert(models.Model):
    """Something an analyst should look at now. Repeats within the window bump `count`."""

    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    # Where the alert is visible: the watchlist's unit, or the state for velocity alerts.
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    narrative = models.ForeignKey(
        Narrative, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    watchlist = models.ForeignKey(
        Watchlist, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=500)
    count = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    last_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["unit", "-last_at"]),
            models.Index(fields=["kind", "narrative", "watchlist", "-last_at"]),
        ]

    def __str__(self) -> str:
        return self.message


class PipelineLock(models.Model):
    """One row: the narrative-assignment phase of a batch holds it (UPDATE) until commit, so two
    workers never open two narratives for the same new rumour."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    batches = models.BigIntegerField(default=0)
    # The fact-check table's mark (`factcheck.selectors.factchecks_changed_mark`) last seen by
    # the matching stage: when it moves, open narratives are matched again (back-matching).
    factchecks_mark = models.CharField(max_length=100, blank=True, default="")

    def __str__(self) -> str:
        return f"pipeline lock ({self.batches} batches)"


class ImageText(models.Model):
    """The text read from one distinct image (by content hash), once, by the OCR worker step.

    Claimed like the inbox (claim token and lease, conditional UPDATE): a killed worker loses
    nothing (the lease ends and the image is read again) and two workers never read one image.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    # Where the image is kept, relative to MEDIA_ROOT.
    path = models.CharField(max_length=500)
    status = models.PositiveSmallIntegerField(choices=OcrStatus.choices, default=OcrStatus.PENDING)
    claim = models.CharField(max_length=40, blank=True, default="")
    locked_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True, default="")
    text = models.TextField(blank=True, default="")
    lang = models.CharField(max_length=10, choices=LangChoice.choices, blank=True, default="")
    confidence = models.FloatField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "id"])]

    def __str__(self) -> str:
        return f"image {self.sha256[:12]}"


class OwnContent(models.Model):
    """A text the organisation itself sends (a kit) or marked as its own (a narrative): its
    forwards are counted as ours and never raise an alert (`monitoring.owncontent`)."""

    key = models.BigIntegerField(unique=True)  # exact hash of the dedupe key
    signature = models.BinaryField()  # MinHash, for near copies
    label = models.CharField(max_length=20)  # "kit", "narrative"
    source_ref = models.CharField(max_length=100, db_index=True)  # "content.item:12"
    excerpt = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.label}: {self.excerpt[:40]}"
