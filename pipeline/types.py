"""Dataclasses passed between connectors, the pipeline stages and storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Platform:
    """Where a post was said. Plain strings so the pipeline stays free of Django choices."""

    WHATSAPP = "whatsapp"
    TELEGRAM = "telegram"
    X = "x"
    YOUTUBE = "youtube"
    FACEBOOK = "facebook"
    NEWS = "news"
    TIP = "tip"
    IMPORT = "import"

    ALL = (WHATSAPP, TELEGRAM, X, YOUTUBE, FACEBOOK, NEWS, TIP, IMPORT)
    # Content from these comes from closed groups or named people: it is scoped to a unit.
    PRIVATE = frozenset({WHATSAPP, TIP})


class Lang:
    HINDI = "hi"
    ENGLISH = "en"
    HINGLISH = "hinglish"  # Hindi written in Latin script, often mixed with English
    OTHER = "other"
    UNKNOWN = ""  # nothing to judge (empty text, media only)

    ALL = (HINDI, ENGLISH, HINGLISH, OTHER)


@dataclass(frozen=True, slots=True)
class RawPost:
    """One thing somebody said, as a connector or importer found it.

    `external_id` is stable for the same item across re-fetches and re-uploads, so ingesting it
    twice adds nothing (unique per source).
    """

    platform: str
    external_id: str
    text: str
    posted_at: datetime  # timezone-aware
    author: str = ""
    url: str = ""
    media: tuple[str, ...] = ()  # file names inside an upload, or media URLs
    is_media: bool = False  # WhatsApp "<Media omitted>" style placeholder or a media-only post
    is_deleted: bool = False
    reply_to: str = ""
    # Public engagement numbers where the platform reports them (likes, shares, views, members).
    metrics: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class FetchResult:
    """What one poll of a connector returns: new posts, the next cursor, and back-off advice."""

    posts: list[RawPost]
    cursor: dict[str, Any]
    # Seconds to wait before the next call when the service asked us to slow down (HTTP 429,
    # x-rate-limit-reset, Retry-After); None when the normal schedule applies.
    retry_after: float | None = None
    # True when the source has nothing more right now (no further pages).
    exhausted: bool = True
