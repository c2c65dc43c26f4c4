"""Choices of the listening app."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from pipeline.types import Lang, Platform


class SourceKind(models.TextChoices):
    WHATSAPP_EXPORT = "whatsapp_export", _("WhatsApp group (chat exports)")
    TIP_FORM = "tip_form", _("Tips (web form)")
    TELEGRAM_BOT = "telegram_bot", _("Tips (Telegram bot)")
    RSS = "rss", _("News feed (RSS/Atom)")
    X_SEARCH = "x_search", _("X search")
    X_STREAM = "x_stream", _("X filtered stream")
    YOUTUBE_SEARCH = "youtube_search", _("YouTube search")
    YOUTUBE_COMMENTS = "youtube_comments", _("YouTube comments")
    FACEBOOK_PAGE = "facebook_page", _("Facebook page comments")
    TELEGRAM_CHANNEL = "telegram_channel", _("Telegram public channel")
    IMPORT = "import", _("File import (CSV/JSONL)")


# Kinds a worker polls on a schedule through `sampark.integrations`.
POLLED_KINDS = frozenset(
    {
        SourceKind.RSS,
        SourceKind.X_SEARCH,
        SourceKind.YOUTUBE_SEARCH,
        SourceKind.YOUTUBE_COMMENTS,
        SourceKind.FACEBOOK_PAGE,
        SourceKind.TELEGRAM_CHANNEL,
    }
)

KIND_PLATFORM: dict[str, str] = {
    SourceKind.WHATSAPP_EXPORT: Platform.WHATSAPP,
    SourceKind.TIP_FORM: Platform.TIP,
    SourceKind.TELEGRAM_BOT: Platform.TIP,
    SourceKind.RSS: Platform.NEWS,
    SourceKind.X_SEARCH: Platform.X,
    SourceKind.X_STREAM: Platform.X,
    SourceKind.YOUTUBE_SEARCH: Platform.YOUTUBE,
    SourceKind.YOUTUBE_COMMENTS: Platform.YOUTUBE,
    SourceKind.FACEBOOK_PAGE: Platform.FACEBOOK,
    SourceKind.TELEGRAM_CHANNEL: Platform.TELEGRAM,
    SourceKind.IMPORT: Platform.IMPORT,
}


class PlatformChoice(models.TextChoices):
    WHATSAPP = Platform.WHATSAPP, _("WhatsApp")
    TELEGRAM = Platform.TELEGRAM, _("Telegram")
    X = Platform.X, _("X")
    YOUTUBE = Platform.YOUTUBE, _("YouTube")
    FACEBOOK = Platform.FACEBOOK, _("Facebook")
    NEWS = Platform.NEWS, _("News")
    TIP = Platform.TIP, _("Tip")
    IMPORT = Platform.IMPORT, _("Import")


class LangChoice(models.TextChoices):
    HINDI = Lang.HINDI, _("Hindi")
    ENGLISH = Lang.ENGLISH, _("English")
    HINGLISH = Lang.HINGLISH, _("Hinglish")
    OTHER = Lang.OTHER, _("Other")
    UNKNOWN = Lang.UNKNOWN, _("No text")


class PostStatus(models.IntegerChoices):
    # Small integers keep the inbox index narrow; the claim query filters on these.
    PENDING = 0, _("Waiting")
    PROCESSING = 1, _("Processing")
    DONE = 2, _("Done")
    FAILED = 3, _("Failed")
    # An image post waits (briefly, SAMPARK_OCR["WAIT_SECONDS"]) for the text in its image.
    AWAITING_OCR = 4, _("Waiting for the text in its image")


class OcrStatus(models.IntegerChoices):
    PENDING = 0, _("Waiting")
    PROCESSING = 1, _("Reading")
    DONE = 2, _("Read")
    FAILED = 3, _("Unreadable")


class NarrativeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MUTED = "muted", _("Muted")
    # The organisation's own message (a kit volunteers forward, a source marked organisational):
    # still counted, never a fast-growth alert (issue #17).
    ORGANISATIONAL = "ours", _("Organisational")


class AlertKind(models.TextChoices):
    WATCH = "watch", _("Watched term")
    VELOCITY = "velocity", _("Fast-growing narrative")
