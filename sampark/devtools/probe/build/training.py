"""Probe training: a published module (a lesson with an image, a two-answer question) on the
state, each district and some ACs, and a draft on every other district."""

from __future__ import annotations

import random

from django.core.files.base import ContentFile

from sampark.devtools.probe.world import World
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.training.models import Choice, Lesson, Module, Question, Requirement

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _module(unit: Unit, *, token: str, n: int, published: bool) -> Module:
    module = Module.objects.create(
        unit=unit,
        title_hi=f"प्रशिक्षण {token}{n:03d}",
        title_en=f"Probemodule {token}{n:03d}",
        body_hi="परिचय",
        body_en="Intro",
        status="published" if published else "draft",
    )
    Requirement.objects.create(module=module, role="volunteer")
    lesson = Lesson(module=module, order=1, title_hi="पाठ", title_en="Lesson")
    lesson.image.save(f"probe-{module.id}.png", ContentFile(PNG), save=False)
    lesson.image_mime, lesson.image_sha256 = "image/png", f"{module.id:064d}"
    lesson.save()
    question = Question.objects.create(module=module, order=1, text_hi="प्रश्न", text_en="Q")
    Choice.objects.bulk_create(
        [
            Choice(question=question, order=1, text_hi="हाँ", text_en="Yes", correct=True),
            Choice(question=question, order=2, text_hi="नहीं", text_en="No"),
        ]
    )
    return module


def build(w: World, *, rng: random.Random, units: list[Unit], token: str) -> None:
    hosts = [u for u in units if u.level in (Level.STATE, Level.DISTRICT)]
    acs = [u for u in units if u.level == Level.AC]
    hosts += rng.sample(acs, k=min(3, len(acs)))
    for n, unit in enumerate(hosts):
        module = _module(unit, token=token, n=n, published=n % 4 != 3)
        w.modules[module.id] = module
