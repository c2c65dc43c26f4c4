"""Text in images (issue #17): the "ocr" worker step, beside the pipeline, never inside it.

An image post is ingested with `image_sha256` and, when OCR is on and its image was never
read, in status AWAITING_OCR; one `ImageText` row per distinct image waits to be read. This
step, on each round:

1. `images_claim`: takes a few unread images (claim token + lease, conditional UPDATE; SKIP
   LOCKED on PostgreSQL), counting the attempt at claim time so an image that kills tesseract
   is given up after MAX_ATTEMPTS instead of crashing workers forever;
2. `image_read`: reads each with `pipeline.ocr` (bounded bytes and pixels, a timeout) and
   writes the result only if its claim still holds (a worker past its lease writes nothing);
3. `posts_release`: hands waiting posts to the pipeline (status PENDING) with the text copied
   into `Post.image_text` once their image is read (or unreadable), or without it once they
   have waited WAIT_SECONDS — posts per second of the pipeline never wait on tesseract.

A post that went on without its text gets it when the image is read (`posts_backfill`): a post
not yet processed is then read with it, and the narrative of one already processed is matched
again with it; its clustering is not redone. The next forward of the same image carries the
text from the start.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pipeline import ocr
from sampark.core import worker
from sampark.monitoring import matching, sqlio
from sampark.monitoring.enums import OcrStatus, PostStatus
from sampark.monitoring.models import ImageText, Post

logger = logging.getLogger(__name__)


def conf(name: str) -> Any:
    return settings.SAMPARK_OCR[name]


def enabled() -> bool:
    return bool(conf("ENABLED"))


def limits() -> ocr.Limits:
    return ocr.Limits(
        max_bytes=int(conf("MAX_BYTES")),
        max_pixels=int(conf("MAX_PIXELS")),
        timeout_s=float(conf("TIMEOUT_SECONDS")),
    )


def images_register(images: dict[str, str]) -> dict[str, str]:
    """Queue the images (sha256 → path under MEDIA_ROOT) not seen before; returns the text of
    those already read (sha256 → text, "" when unreadable)."""
    if not images:
        return {}
    ImageText.objects.bulk_create(
        [ImageText(sha256=sha, path=path[:500]) for sha, path in images.items()],
        ignore_conflicts=True,
    )
    return dict(
        ImageText.objects.filter(
            sha256__in=list(images), status__in=(OcrStatus.DONE, OcrStatus.FAILED)
        ).values_list("sha256", "text")
    )


def images_claim(*, limit: int, owner: str) -> tuple[str, list[ImageText]]:
    """Claim up to `limit` unread images (or ones a dead worker left); returns the token."""
    now = timezone.now()
    token = f"{owner}:{uuid.uuid4().hex[:12]}"
    with transaction.atomic():
        ids = sqlio.claimable_ids(
            ImageText.objects.all(),
            pending=OcrStatus.PENDING,
            processing=OcrStatus.PROCESSING,
            limit=limit,
            now=now,
        )
        if not ids:
            return token, []
        # Counted at claim: an image whose reading kills the worker is not retried forever.
        ImageText.objects.filter(id__in=ids).update(
            status=OcrStatus.PROCESSING,
            claim=token,
            locked_until=now + timedelta(seconds=conf("LEASE_SECONDS")),
            attempts=F("attempts") + 1,
        )
    return token, list(ImageText.objects.filter(id__in=ids, claim=token).order_by("id"))


def _read_file(image: ImageText, bound: ocr.Limits) -> bytes:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / image.path).resolve()
    if root not in path.parents:
        raise ocr.ImageRefusedError("image path outside the media folder")
    size = path.stat().st_size
    if size > bound.max_bytes:
        raise ocr.ImageRefusedError(f"image of {size} bytes, at most {bound.max_bytes}")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != image.sha256:
        raise ocr.ImageRefusedError("the stored file is not the image that was registered")
    return data


def image_read(*, image: ImageText, token: str) -> bool:
    """Read one claimed image and store its text; False if the claim was lost meanwhile."""
    bound = limits()
    start = time.perf_counter()
    fields: dict[str, Any]
    try:
        if image.attempts > conf("MAX_ATTEMPTS"):
            raise ocr.ImageRefusedError(f"given up after {image.attempts - 1} attempts")
        result = ocr.recognise(_read_file(image, bound), limits=bound, langs=conf("LANGS"))
        fields = {
            "status": OcrStatus.DONE,
            "text": result.text,
            "lang": result.lang,
            "confidence": result.confidence,
            "error": "",
        }
    except (ocr.ImageRefusedError, OSError) as exc:
        fields = {"status": OcrStatus.FAILED, "error": str(exc)[:500]}
    except Exception as exc:  # tesseract missing, timed out or crashed: try again later
        logger.warning("OCR of image %s failed: %s", image.sha256[:12], exc)
        retry = image.attempts < conf("MAX_ATTEMPTS")
        fields = {
            "status": OcrStatus.PENDING if retry else OcrStatus.FAILED,
            "error": f"{type(exc).__name__}: {exc}"[:500],
        }
    fields["seconds"] = round(time.perf_counter() - start, 3)
    done = fields["status"] != OcrStatus.PENDING
    stored = (
        ImageText.objects.filter(id=image.id, claim=token, status=OcrStatus.PROCESSING).update(
            **fields, claim="", locked_until=None, done_at=timezone.now() if done else None
        )
        == 1
    )
    if stored and fields.get("text"):
        posts_backfill(sha256=image.sha256, text=fields["text"])
    return stored


def posts_backfill(*, sha256: str, text: str) -> int:
    """Posts of this image that went on without its text (they waited WAIT_SECONDS) get it now,
    and their narratives are matched again with it. Their clustering is not redone: a post
    keeps the narrative it joined. Returns how many posts were given the text."""
    late = Post.objects.filter(image_sha256=sha256, image_text="").exclude(
        status=PostStatus.AWAITING_OCR
    )
    narrative_ids = list(
        late.exclude(narrative=None).values_list("narrative_id", flat=True).distinct()
    )
    given = late.update(image_text=text)
    matching.narratives_mark_due(narrative_ids=narrative_ids)
    return given


def posts_release(*, limit: int = 500) -> int:
    """Hand waiting image posts to the pipeline: with their image's text once it is read, or
    without it after WAIT_SECONDS. Returns how many were released."""
    waiting = list(
        Post.objects.filter(status=PostStatus.AWAITING_OCR)
        .order_by("id")
        .values_list("id", "image_sha256", "received_at")[:limit]
    )
    if not waiting:
        return 0
    texts = dict(
        ImageText.objects.filter(
            sha256__in={sha for _, sha, _ in waiting},
            status__in=(OcrStatus.DONE, OcrStatus.FAILED),
        ).values_list("sha256", "text")
    )
    cutoff = timezone.now() - timedelta(seconds=conf("WAIT_SECONDS"))
    released = 0
    with transaction.atomic():
        for post_id, sha, received in waiting:
            if sha in texts:
                fields = {"image_text": texts[sha]}
            elif received < cutoff:
                fields = {}
            else:
                continue
            # Conditional: a post another worker released meanwhile is left as it is.
            released += Post.objects.filter(id=post_id, status=PostStatus.AWAITING_OCR).update(
                status=PostStatus.PENDING, **fields
            )
    return released


def run_round(*, owner: str) -> int:
    """One round of the step: read a few images, release the posts that waited for them."""
    token, images = images_claim(limit=int(conf("BATCH")), owner=owner)
    read = 0
    for n, image in enumerate(images):
        if worker.shutdown_requested():
            ImageText.objects.filter(
                id__in=[i.id for i in images[n:]], claim=token, status=OcrStatus.PROCESSING
            ).update(status=OcrStatus.PENDING, claim="", locked_until=None)
            break
        read += int(image_read(image=image, token=token))
    return read + posts_release()


def make_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["ocr"])."""
    return lambda: run_round(owner=owner)
