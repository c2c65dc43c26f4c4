"""What listening holds about a person, for their download, erasure and retention
(people.privacy): posts and tips they wrote or sent, and text that names them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet

from sampark.monitoring.models import ExportUpload, Post
from sampark.people.privacy import Subject, scrub_json_column, scrub_text_column

BATCH = 1000


def _authored(subject: Subject) -> QuerySet[Post]:
    cond = Q(author__in=subject.phone_forms())
    for name in subject.names:
        if name:
            cond |= Q(author__iexact=name)
    if subject.user_id is not None:
        cond |= Q(submitted_by_id=subject.user_id)
    return Post.objects.filter(cond)


def export(subject: Subject) -> dict[str, list[dict[str, Any]]]:
    """Posts and tips the person wrote or sent."""
    return {
        "posts": [
            {
                "platform": p.platform,
                "author": p.author,
                "text": p.text,
                "url": p.url,
                "posted_at": p.posted_at.isoformat(),
            }
            for p in _authored(subject).order_by("id")[:5000]
        ]
    }


def erase(subject: Subject) -> int:
    """Authorship removed from their posts and tips; their phone and name scrubbed from any
    post's text and from the upload reports."""
    n = _authored(subject).update(author="", submitted_by=None)
    n += scrub_text_column(Post, "text", subject)
    n += scrub_text_column(Post, "author", subject)
    n += scrub_json_column(ExportUpload, "report", subject)
    return n


def sweep(*, now: dt.datetime, batch: int = BATCH) -> int:
    """Retention: authors (name, handle, phone) of posts older than
    SAMPARK_RETENTION_POST_AUTHOR_DAYS cleared, one batch per call. Idempotent."""
    days = int(settings.SAMPARK_RETENTION_POST_AUTHOR_DAYS)
    if days <= 0:
        return 0
    old = Post.objects.filter(posted_at__lt=now - dt.timedelta(days=days)).exclude(author="")
    ids = list(old.order_by("id").values_list("id", flat=True)[:batch])
    return Post.objects.filter(id__in=ids).update(author="")
