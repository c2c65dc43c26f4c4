"""Training modules (issue #14): lessons, a short quiz with a pass mark, attempts, completions.

A module belongs to a unit (the state's modules are state-wide) and applies to that unit's
subtree. A person who passes its quiz gets one completion, with a verification code printed on
the certificate. Staff without a person record take modules as users.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from sampark.accounts.enums import Role
from sampark.training.enums import ModuleStatus


class Module(models.Model):
    unit = models.ForeignKey("geo.Unit", on_delete=models.PROTECT, related_name="+")
    title_hi = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    body_hi = models.TextField()
    body_en = models.TextField()
    # Percentage of questions answered exactly right needed to pass.
    pass_mark = models.PositiveSmallIntegerField(default=70)
    status = models.CharField(
        max_length=10, choices=ModuleStatus.choices, default=ModuleStatus.DRAFT
    )
    # Bumped by every change to a published module; a completion keeps the version passed.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="training_pass_mark_pct"
            )
        ]

    def __str__(self) -> str:
        return self.title_en

    def title(self, language: str) -> str:
        return self.title_hi if language.startswith("hi") else self.title_en

    def body(self, language: str) -> str:
        return self.body_hi if language.startswith("hi") else self.body_en


class Requirement(models.Model):
    """The module must be passed by every holder of `role` in the module's subtree."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="requirements")
    role = models.CharField(max_length=32, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["module", "role"], name="training_one_requirement")
        ]
        indexes = [models.Index(fields=["role"])]

    def __str__(self) -> str:
        return f"{self.module_id}:{self.role}"


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveSmallIntegerField(default=0)
    title_hi = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    text_hi = models.TextField(blank=True, default="")
    text_en = models.TextField(blank=True, default="")
    image = models.FileField(upload_to="training/%Y/%m/", blank=True)
    image_mime = models.CharField(max_length=40, blank=True, default="")
    image_sha256 = models.CharField(max_length=64, blank=True, default="")
    video_url = models.URLField(max_length=500, blank=True, default="")
    # A content kit of the organisation shown in the lesson (approved kits only).
    kit = models.ForeignKey(
        "content.ContentItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title_en


class Question(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text_hi = models.CharField(max_length=500)
    text_en = models.CharField(max_length=500)
    # Several right answers (tick all); otherwise exactly one.
    multi = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text_en


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveSmallIntegerField(default=0)
    text_hi = models.CharField(max_length=300)
    text_en = models.CharField(max_length=300)
    correct = models.BooleanField(default=False)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text_en


_ONE_TAKER = Q(person__isnull=False) | Q(user__isnull=False)


class Attempt(models.Model):
    """One submitted quiz: the chosen answers and the score, pass or fail."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="attempts")
    version = models.PositiveIntegerField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=_ONE_TAKER, name="training_attempt_taker")]
        indexes = [models.Index(fields=["module", "person"]), models.Index(fields=["user"])]

    def __str__(self) -> str:
        return f"{self.module_id}:{self.score}"


class Completion(models.Model):
    """A pass: one per module and person (or user, for staff without a person record)."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="completions")
    version = models.PositiveIntegerField()
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    name = models.CharField(max_length=200)  # as printed on the certificate
    score = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=16, unique=True)
    completed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_ONE_TAKER, name="training_completion_taker"),
            models.UniqueConstraint(
                fields=["module", "person"],
                condition=Q(person__isnull=False),
                name="training_one_completion_per_person",
            ),
            models.UniqueConstraint(
                fields=["module", "user"],
                condition=Q(person__isnull=True),
                name="training_one_completion_per_user",
            ),
        ]
        indexes = [models.Index(fields=["person", "module"]), models.Index(fields=["user"])]

    def __str__(self) -> str:
        return self.code
