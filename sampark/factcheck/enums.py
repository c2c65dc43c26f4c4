"""Choices of the fact-check app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pipeline.types import Lang


class Verdict(models.TextChoices):
    FALSE = "false", _("False")
    MISLEADING = "misleading", _("Misleading")
    PARTLY_FALSE = "partly_false", _("Partly false")
    TRUE = "true", _("True")
    UNPROVEN = "unproven", _("Unproven")
    SATIRE = "satire", _("Satire")
    OTHER = "other", _("Other")


class FactCheckLang(models.TextChoices):
    HINDI = Lang.HINDI, _("Hindi")
    ENGLISH = Lang.ENGLISH, _("English")
    HINGLISH = Lang.HINGLISH, _("Hinglish")
    OTHER = Lang.OTHER, _("Other")


class MatchBand(models.TextChoices):
    AUTO = "auto", _("Same claim")
    SUGGEST = "suggest", _("Possibly related")
