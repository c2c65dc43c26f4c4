"""Writes of the training app: modules and their lessons and quiz, attempts and completions.

Modules are changed by users with `manage_training` on the module's unit or above; a change to
a published module bumps its version (completions keep the version they passed).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampark.accounts.enums import Capability, Role
from sampark.accounts.models import User
from sampark.accounts.permissions import require_in_area
from sampark.content import selectors as content_selectors
from sampark.content.enums import MediaKind
from sampark.content.services import SENDABLE, sniff
from sampark.geo.models import Unit
from sampark.people import selectors as people_selectors
from sampark.training import audit
from sampark.training.enums import ModuleStatus
from sampark.training.errors import TrainingError
from sampark.training.models import (
    Attempt,
    Choice,
    Completion,
    Lesson,
    Module,
    Question,
    Requirement,
)

MAX_IMAGE_BYTES = 5 << 20
MAX_CHOICES = 6
# Verification codes: no look-alikes (0/O, 1/I/L), 10 characters = 50 random bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def _locked(module_id: int, actor: User) -> Module:
    module = Module.objects.select_for_update().select_related("unit").get(id=module_id)
    require_in_area(actor, Capability.MANAGE_TRAINING, module.unit)
    return module


def _changed(module: Module, actor: User, verb: str, **data: Any) -> None:
    """Bump a published module's version and write the audit row."""
    if module.status == ModuleStatus.PUBLISHED:
        module.version += 1
    module.save()
    audit.record(
        verb,
        object_type="module",
        object_id=module.id,
        actor=actor,
        unit=module.unit,
        version=module.version,
        **data,
    )


def _texts(**texts: str) -> dict[str, str]:
    cleaned = {k: v.strip() for k, v in texts.items()}
    missing = [k for k, v in cleaned.items() if not v]
    if missing:
        raise TrainingError(_("Write it in both Hindi and English."), code="missing_language")
    return cleaned


def _roles(roles: Iterable[str]) -> set[str]:
    found = set(roles)
    unknown = found - set(Role.values)
    if unknown:
        raise TrainingError(_("Unknown role."), code="role")
    return found


def module_create(
    *,
    actor: User,
    unit: Unit,
    title_hi: str,
    title_en: str,
    body_hi: str,
    body_en: str,
    pass_mark: int = 70,
    roles: Iterable[str] = (),
) -> Module:
    """A draft module of `unit` (the actor's unit or below), required for `roles`."""
    require_in_area(actor, Capability.MANAGE_TRAINING, unit)
    texts = _texts(title_hi=title_hi, title_en=title_en, body_hi=body_hi, body_en=body_en)
    if not 1 <= pass_mark <= 100:
        raise TrainingError(_("The pass mark is a percentage from 1 to 100."), code="pass_mark")
    wanted = _roles(roles)
    with transaction.atomic():
        module = Module.objects.create(unit=unit, pass_mark=pass_mark, created_by=actor, **texts)
        Requirement.objects.bulk_create([Requirement(module=module, role=r) for r in wanted])
        audit.record(
            "module_created", object_type="module", object_id=module.id, actor=actor, unit=unit
        )
    return module


def module_update(
    *,
    module_id: int,
    actor: User,
    title_hi: str,
    title_en: str,
    body_hi: str,
    body_en: str,
    pass_mark: int,
    roles: Iterable[str],
) -> Module:
    """Change a module's texts, pass mark and the roles it is required for."""
    texts = _texts(title_hi=title_hi, title_en=title_en, body_hi=body_hi, body_en=body_en)
    if not 1 <= pass_mark <= 100:
        raise TrainingError(_("The pass mark is a percentage from 1 to 100."), code="pass_mark")
    wanted = _roles(roles)
    with transaction.atomic():
        module = _locked(module_id, actor)
        for name, value in texts.items():
            setattr(module, name, value)
        module.pass_mark = pass_mark
        Requirement.objects.filter(module=module).exclude(role__in=wanted).delete()
        have = set(Requirement.objects.filter(module=module).values_list("role", flat=True))
        Requirement.objects.bulk_create(
            [Requirement(module=module, role=r) for r in sorted(wanted - have)]
        )
        _changed(module, actor, "module_updated", roles=",".join(sorted(wanted)))
    return module


def module_publish(*, module_id: int, actor: User) -> Module:
    """Open a module to its takers; it needs a lesson and a well-formed quiz."""
    with transaction.atomic():
        module = _locked(module_id, actor)
        qs = list(Question.objects.filter(module=module).prefetch_related("choices"))
        if not Lesson.objects.filter(module=module).exists() or not qs:
            raise TrainingError(_("A module needs a lesson and a question."), code="empty")
        module.status = ModuleStatus.PUBLISHED
        module.save()
        audit.record(
            "module_published",
            object_type="module",
            object_id=module.id,
            actor=actor,
            unit=module.unit,
            version=module.version,
        )
    return module


def module_withdraw(*, module_id: int, actor: User) -> Module:
    """Back to draft: takers no longer see it; completions stay."""
    with transaction.atomic():
        module = _locked(module_id, actor)
        module.status = ModuleStatus.DRAFT
        module.save()
        audit.record(
            "module_withdrawn",
            object_type="module",
            object_id=module.id,
            actor=actor,
            unit=module.unit,
        )
    return module


# --- lessons ----------------------------------------------------------------------------------


def check_video_url(url: str) -> str:
    """An https link (shown as a link, never embedded)."""
    url = url.strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["https"])(url)
    except ValidationError:
        raise TrainingError(_("A video link must start with https://."), code="video") from None
    if urlsplit(url).username is not None:
        raise TrainingError(_("A video link must start with https://."), code="video")
    return url


def _image(upload: UploadedFile) -> tuple[str, str]:
    """(mime, sha256) of an accepted image; the size is checked before anything is read."""
    if (upload.size or 0) > MAX_IMAGE_BYTES:
        raise TrainingError(
            _("This file is too large (%(mb)s MB at most).") % {"mb": MAX_IMAGE_BYTES >> 20},
            code="size",
        )
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    found = sniff(head)
    if found is None or found[0] != MediaKind.IMAGE:
        raise TrainingError(_("Only JPEG, PNG, WebP or GIF images."), code="type")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return found[1], digest.hexdigest()


def lesson_add(
    *,
    module_id: int,
    actor: User,
    title_hi: str,
    title_en: str,
    text_hi: str = "",
    text_en: str = "",
    video_url: str = "",
    kit_id: int | None = None,
    image: UploadedFile | None = None,
) -> Lesson:
    """Append a lesson: text, an image, a video link and an approved kit, each optional."""
    texts = _texts(title_hi=title_hi, title_en=title_en)
    url = check_video_url(video_url)
    image_meta = _image(image) if image is not None else None
    with transaction.atomic():
        module = _locked(module_id, actor)
        if kit_id is not None and not (
            content_selectors.items_visible(user=actor)
            .filter(id=kit_id, state__in=SENDABLE)
            .exists()
        ):
            raise TrainingError(_("Choose an approved kit of your area."), code="kit")
        lesson = Lesson(
            module=module,
            order=Lesson.objects.filter(module=module).count() + 1,
            text_hi=text_hi.strip(),
            text_en=text_en.strip(),
            video_url=url,
            kit_id=kit_id,
            **texts,
        )
        if image is not None and image_meta is not None:
            lesson.image_mime, lesson.image_sha256 = image_meta
            name = (image.name or "image").rsplit("/", 1)[-1][-80:]
            lesson.image.save(name, image, save=False)
        lesson.save()
        _changed(module, actor, "lesson_added", lesson=lesson.id)
    return lesson


def _keep_one(module: Module, count: int) -> None:
    """A published module keeps at least one lesson and one question (withdraw it first)."""
    if module.status == ModuleStatus.PUBLISHED and count <= 1:
        raise TrainingError(
            _("A published module keeps at least one lesson and one question."), code="last"
        )


def lesson_remove(*, module_id: int, lesson_id: int, actor: User) -> None:
    with transaction.atomic():
        module = _locked(module_id, actor)
        lesson = Lesson.objects.filter(module=module, id=lesson_id).first()
        if lesson is None:
            raise TrainingError(_("No such lesson."), code="missing")
        _keep_one(module, Lesson.objects.filter(module=module).count())
        if lesson.image:
            lesson.image.delete(save=False)
        lesson.delete()
        _changed(module, actor, "lesson_removed", lesson=lesson_id)


# --- the quiz ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceIn:
    text_hi: str
    text_en: str
    correct: bool


def question_add(
    *,
    module_id: int,
    actor: User,
    text_hi: str,
    text_en: str,
    multi: bool,
    choices: Sequence[ChoiceIn],
) -> Question:
    """A question with 2–6 choices; one right answer, or at least one with `multi`."""
    texts = _texts(text_hi=text_hi, text_en=text_en)
    rows = [c for c in choices if c.text_hi.strip() or c.text_en.strip()]
    if not 2 <= len(rows) <= MAX_CHOICES:
        raise TrainingError(_("Give from 2 to 6 answers."), code="choices")
    for c in rows:
        _texts(text_hi=c.text_hi, text_en=c.text_en)
    right = sum(c.correct for c in rows)
    if right == 0 or (not multi and right != 1):
        raise TrainingError(
            _("Mark the right answer (one, unless several may be ticked)."), code="correct"
        )
    with transaction.atomic():
        module = _locked(module_id, actor)
        question = Question.objects.create(
            module=module,
            order=Question.objects.filter(module=module).count() + 1,
            multi=multi,
            **texts,
        )
        Choice.objects.bulk_create(
            [
                Choice(
                    question=question,
                    order=n,
                    text_hi=c.text_hi.strip(),
                    text_en=c.text_en.strip(),
                    correct=c.correct,
                )
                for n, c in enumerate(rows, start=1)
            ]
        )
        _changed(module, actor, "question_added", question=question.id)
    return question


def question_remove(*, module_id: int, question_id: int, actor: User) -> None:
    with transaction.atomic():
        module = _locked(module_id, actor)
        if Question.objects.filter(module=module, id=question_id).exists():
            _keep_one(module, Question.objects.filter(module=module).count())
        if not Question.objects.filter(module=module, id=question_id).delete()[0]:
            raise TrainingError(_("No such question."), code="missing")
        _changed(module, actor, "question_removed", question=question_id)


def _score(questions: list[Question], answers: dict[int, set[int]]) -> int:
    """Percentage of questions answered exactly right (all right choices, nothing else)."""
    right = 0
    for q in questions:
        wanted = {c.id for c in q.choices.all() if c.correct}
        if answers.get(q.id, set()) == wanted:
            right += 1
    return round(100 * right / len(questions)) if questions else 0


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))


def _taker_name(user: User) -> str:
    if user.person_id is not None:
        person = people_selectors.person_by_id(person_id=user.person_id)
        if person is not None:
            return person.name
    return user.get_full_name() or user.username


def quiz_submit(*, module_id: int, user: User, answers: dict[int, set[int]]) -> Attempt:
    """Record an attempt; a pass gives the taker their completion (once per module)."""
    module = Module.objects.select_related("unit").get(id=module_id)
    if module.status != ModuleStatus.PUBLISHED:
        raise TrainingError(_("This module is not open."), code="closed")
    qs = list(Question.objects.filter(module=module).prefetch_related("choices"))
    valid = {q.id: {c.id for c in q.choices.all()} for q in qs}
    clean = {qid: set(ids) & valid[qid] for qid, ids in answers.items() if qid in valid}
    score = _score(qs, clean)
    passed = score >= module.pass_mark
    taker: dict[str, Any] = {"person_id": user.person_id, "user": None if user.person_id else user}
    with transaction.atomic():
        attempt = Attempt.objects.create(
            module=module,
            version=module.version,
            answers={str(k): sorted(v) for k, v in sorted(clean.items())},
            score=score,
            passed=passed,
            **taker,
        )
        if passed:
            _complete(module=module, user=user, score=score, taker=taker)
    return attempt


def _complete(*, module: Module, user: User, score: int, taker: dict[str, Any]) -> None:
    key: dict[str, Any] = (
        {"person_id": user.person_id} if user.person_id else {"user": user, "person": None}
    )
    if Completion.objects.filter(module=module, **key).exists():
        return
    try:
        with transaction.atomic():
            completion = Completion.objects.create(
                module=module,
                version=module.version,
                name=_taker_name(user)[:200],
                score=score,
                code=_new_code(),
                completed_at=timezone.now(),
                **taker,
            )
    except IntegrityError:
        return  # a second tab passed at the same moment: one completion is kept
    audit.record(
        "module_completed",
        object_type="completion",
        object_id=completion.id,
        actor=user,
        unit=module.unit,
        module=module.id,
        score=score,
    )
