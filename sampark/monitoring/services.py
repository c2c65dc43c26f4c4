"""Writes of the listening app: ingest into the inbox, sources, uploads, tips, watchlists, alerts."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pipeline import imagehash, safezip, whatsapp
from pipeline.types import Platform, RawPost
from sampark.accounts.models import User
from sampark.geo.enums import Level
from sampark.geo.models import Unit
from sampark.integrations import x
from sampark.monitoring import audit, ocr, owncontent, tipreply
from sampark.monitoring.enums import NarrativeStatus, PostStatus, SourceKind
from sampark.monitoring.models import (
    Alert,
    ExportUpload,
    Narrative,
    Post,
    Source,
    Variant,
    Watchlist,
    WatchTerm,
)

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
# Wordings of a narrative registered as our own when it is marked organisational.
OWN_VARIANTS = 20


@dataclass(slots=True)
class IngestReport:
    received: int = 0
    new: int = 0
    already_had: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "new": self.new,
            "already_had": self.already_had,
            "errors": self.errors,
        }


def district_of(unit: Unit | None) -> int | None:
    if unit is None:
        return None
    if unit.level == Level.DISTRICT:
        return unit.id
    return unit.district_id


def posts_ingest(
    *,
    source: Source,
    posts: Iterable[RawPost],
    unit: Unit | None = None,
    submitted_by: User | None = None,
    image_hashes: dict[str, int] | None = None,
    image_files: dict[str, tuple[str, str]] | None = None,
    chunk: int = 1000,
) -> IngestReport:
    """Put posts in the inbox; a post already there (same source and external id) is skipped.

    `unit` defaults to the source's unit (a group's booth). Safe to call again with the same
    posts, and safe when two callers race (the unique constraint decides). `image_files` maps
    a media name to its (sha256, path under MEDIA_ROOT): with OCR on, a post whose image was
    never read waits for its text (`monitoring.ocr`), one whose image was read carries it.
    """
    unit = unit if unit is not None else source.unit
    district_id = district_of(unit)
    report = IngestReport()
    batch: list[RawPost] = []

    def flush() -> None:
        ids = [p.external_id for p in batch]
        existing = set(
            Post.objects.filter(source=source, external_id__in=ids).values_list(
                "external_id", flat=True
            )
        )
        fresh: dict[str, RawPost] = {}
        for p in batch:
            if p.external_id not in existing:
                fresh.setdefault(p.external_id, p)
        report.already_had += len(batch) - len(fresh)
        rows = [
            Post(
                source=source,
                platform=p.platform,
                external_id=p.external_id[:200],
                unit=unit,
                district_id=district_id,
                is_private=p.platform in Platform.PRIVATE,
                author=p.author[:200],
                text=p.text,
                url=p.url[:1000],
                media=list(p.media),
                is_media=p.is_media,
                is_deleted=p.is_deleted,
                metrics=p.metrics,
                posted_at=p.posted_at,
                submitted_by=submitted_by,
                image_hash=_first_image_hash(p, image_hashes),
            )
            for p in fresh.values()
        ]
        with transaction.atomic():
            _attach_images(rows, list(fresh.values()), image_files)
            Post.objects.bulk_create(rows, ignore_conflicts=True)
            Source.objects.filter(id=source.id).update(posts_total=F("posts_total") + len(rows))
        report.new += len(rows)
        batch.clear()

    for post in posts:
        report.received += 1
        batch.append(post)
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return report


def _attach_images(
    rows: list[Post], raws: list[RawPost], files: dict[str, tuple[str, str]] | None
) -> None:
    """Give image posts their image's sha256 and, with OCR on, its text or a wait for it."""
    if not files:
        return
    shas: dict[int, str] = {}
    images: dict[str, str] = {}
    for n, raw in enumerate(raws):
        first = next((files[m] for m in raw.media if m in files), None)
        if first is not None:
            shas[n] = first[0]
            images[first[0]] = first[1]
    read = ocr.images_register(images) if ocr.enabled() else None
    for n, sha in shas.items():
        rows[n].image_sha256 = sha
        if read is None:
            continue
        if sha in read:
            rows[n].image_text = read[sha]
        else:
            rows[n].status = PostStatus.AWAITING_OCR


def _first_image_hash(post: RawPost, hashes: dict[str, int] | None) -> int | None:
    if not hashes:
        return None
    for name in post.media:
        if name in hashes:
            return hashes[name]
    return None


def source_create(
    *,
    kind: str,
    name: str,
    unit: Unit | None,
    config: dict[str, Any] | None = None,
    interval_s: int = 300,
    actor: User | None,
) -> Source:
    """Register a source (a group, a feed, a search)."""
    with transaction.atomic():
        source = Source.objects.create(
            kind=kind,
            name=name,
            unit=unit,
            config=config or {},
            interval_s=interval_s,
            created_by=actor,
        )
        audit.source_created(source=source, actor=actor)
    return source


def _state_scoped(actor: User) -> bool:
    return actor.unit is not None and actor.unit.parent_id is None


def source_set_enabled(*, source: Source, enabled: bool, actor: User) -> None:
    """Pause or resume a source; a state-wide one (no unit) only from the top of the tree."""
    if source.unit_id is None and not _state_scoped(actor):
        raise PermissionDenied(_("Only the state may change what is shared state-wide."))
    with transaction.atomic():
        Source.objects.filter(id=source.id).update(
            enabled=enabled, next_poll_at=timezone.now(), failures=0
        )
        audit.source_toggled(source=source, enabled=enabled, actor=actor)


def stream_rules_change(
    *,
    source: Source,
    actor: User,
    add: tuple[str, str] | None = None,
    delete: str = "",
    dry_run: bool = False,
) -> x.RulesResult:
    """Add a rule (value, tag) to an X stream source or delete one by id, at X (`dry_run`
    only checks it). Raises ConnectorError when X cannot be reached or refuses the call."""
    assert source.kind == SourceKind.X_STREAM
    if source.unit_id is None and not _state_scoped(actor):
        raise PermissionDenied(_("Only the state may change what is shared state-wide."))
    result = x.rules_change(
        dict(source.config),
        add=[add] if add else None,
        delete=[delete] if delete else None,
        dry_run=dry_run,
    )
    if not dry_run:
        audit.stream_rules_changed(
            source=source,
            actor=actor,
            added=[f"{r.id}: {r.value}" for r in result.rules],
            deleted=[delete] if delete and result.summary.get("deleted") else [],
        )
    return result


def tip_source(*, kind: str = SourceKind.TIP_FORM) -> Source:
    """The one source that holds tips of a kind (web form or Telegram bot)."""
    source, _ = Source.objects.get_or_create(
        kind=kind,
        unit=None,
        defaults={"name": str(SourceKind(kind).label), "interval_s": 0},
    )
    return source


class NoMessagesError(ValueError):
    """The file holds no WhatsApp messages (not an export, or an empty one)."""


class ExportTooLargeError(NoMessagesError):
    """The export is over one of the upload caps (`chat_limits`); nothing was stored."""


def chat_limits() -> whatsapp.Limits:
    """The caps on one chat export, from the settings (issue #12)."""
    return whatsapp.Limits(
        chat_bytes=settings.SAMPARK_CHAT_MAX_BYTES,
        messages=settings.SAMPARK_CHAT_MAX_MESSAGES,
        members=settings.SAMPARK_ZIP_MAX_MEMBERS,
    )


@dataclass(slots=True)
class ExportResult:
    upload: ExportUpload
    summary: dict[str, Any]
    ingest: IngestReport
    duplicate_file: bool


def export_ingest(
    *,
    source: Source,
    data: bytes,
    filename: str,
    actor: User | None,
    tz: str = "Asia/Kolkata",
    day_first: bool | None = None,
) -> ExportResult:
    """Import one WhatsApp chat export (.txt or .zip) of a group.

    Raises ValueError (NoMessagesError) for a file with no messages, and ExportTooLargeError
    for one over the caps (`chat_limits`), storing nothing.

    Uploading the same file again adds nothing; a later, longer export of the same group adds
    only the messages that are new (message ids are stable across exports).
    """
    assert source.kind == SourceKind.WHATSAPP_EXPORT
    digest = hashlib.sha256(data).hexdigest()
    previous = ExportUpload.objects.filter(source=source, sha256=digest).first()
    parsed = whatsapp.parse_bytes(
        data, filename=filename, tz=tz, day_first=day_first, limits=chat_limits()
    )
    if parsed.too_large:
        raise ExportTooLargeError("; ".join(parsed.warnings))
    summary = whatsapp.summary(parsed)
    if previous is not None:
        return ExportResult(previous, summary, IngestReport(), duplicate_file=True)
    if not parsed.messages:
        # Refuse before anything is written, media files included.
        raise NoMessagesError("; ".join(parsed.warnings) or "no messages in the export")
    hashes, files = _store_media(source=source, data=data, filename=filename, parsed=parsed)
    raw = whatsapp.to_raw_posts(parsed, group_key=f"source:{source.id}")
    with transaction.atomic():
        report = posts_ingest(source=source, posts=raw, image_hashes=hashes, image_files=files)
        upload = ExportUpload.objects.create(
            source=source,
            sha256=digest,
            filename=filename[:255],
            uploaded_by=actor,
            messages=int(summary["messages"]),  # type: ignore[call-overload]
            new_posts=report.new,
            report={**summary, **report.as_dict()},
        )
        audit.export_uploaded(upload=upload, actor=actor)
    return ExportResult(upload, summary, report, duplicate_file=False)


def export_fits_request(*, data: bytes) -> bool:
    """Whether an export is small enough to import within the web request.

    Raises ExportTooLargeError at once for a chat text over the cap, as its zip declares it,
    rather than queueing work the worker would refuse."""
    size = whatsapp.chat_size(data)
    if size > settings.SAMPARK_CHAT_MAX_BYTES:
        raise ExportTooLargeError(
            f"the chat text is too large ({size} bytes, at most {settings.SAMPARK_CHAT_MAX_BYTES})"
        )
    return size <= settings.SAMPARK_CHAT_INLINE_BYTES


def export_queue(*, source: Source, data: bytes, filename: str, actor: User | None) -> str:
    """Keep a large export on disk and import it in the worker (`monitoring.export_ingest`):
    parsing a chat of lakhs of messages does not belong in the web request (issue #12)."""
    from sampark.core.tasks import enqueue

    digest = hashlib.sha256(data).hexdigest()
    suffix = ".zip" if filename.lower().endswith(".zip") else ".txt"
    name = default_storage.save(
        f"whatsapp/incoming/{source.id}/{digest}{suffix}", ContentFile(data)
    )
    with transaction.atomic():
        enqueue(
            "monitoring.export_ingest",
            source_id=source.id,
            name=name,
            filename=filename[:255],
            actor_id=actor.pk if actor is not None else None,
        )
    return name


def export_ingest_queued(
    *, source_id: int, name: str, filename: str, actor_id: int | None
) -> dict[str, Any]:
    """Import an export queued by `export_queue`, then drop its stored copy."""
    source = Source.objects.filter(id=source_id, kind=SourceKind.WHATSAPP_EXPORT).first()
    actor = User.objects.filter(id=actor_id).first() if actor_id else None
    try:
        if source is None or not default_storage.exists(name):
            return {"missing": name}
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
        try:
            result = export_ingest(source=source, data=data, filename=filename, actor=actor)
        except NoMessagesError as exc:
            logger.warning("queued export %s refused: %s", filename, exc)
            return {"refused": str(exc)[:500]}
        return {"upload": result.upload.pk, "new": result.ingest.new}
    finally:
        default_storage.delete(name)


def _store_media(
    *, source: Source, data: bytes, filename: str, parsed: whatsapp.ParsedExport
) -> tuple[dict[str, int], dict[str, tuple[str, str]]]:
    """Keep the images of a zipped export (media folder per source) and hash them: perceptual
    hashes, and (sha256, path under MEDIA_ROOT) for reading their text once per image."""
    if not filename.lower().endswith(".zip") or not parsed.media_files:
        return {}, {}
    hashes: dict[str, int] = {}
    files: dict[str, tuple[str, str]] = {}
    folder = Path(settings.MEDIA_ROOT) / "whatsapp" / str(source.id)
    limit = settings.SAMPARK_CHAT_MEDIA_MAX_BYTES
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = {Path(i.filename).name: i for i in archive.infolist()}
        for media in parsed.media_files:
            member = names.get(Path(media).name)
            if member is None or not media.lower().endswith(IMAGE_SUFFIXES):
                continue
            try:
                # Issue #12: a 1 GiB member was read whole before its size was checked.
                content = safezip.read_member(archive, member, limit=limit)
            except (safezip.ZipLimitError, zipfile.BadZipFile, zlib.error, OSError):
                logger.warning("skipped %s: too large or unreadable", media)
                continue
            try:
                hashes[media] = imagehash.phash(content)
            except Exception:  # a corrupt image must not lose the messages
                logger.warning("could not hash %s", media)
                continue
            folder.mkdir(parents=True, exist_ok=True)
            (folder / Path(media).name).write_bytes(content)
            relative = f"whatsapp/{source.id}/{Path(media).name}"
            files[media] = (hashlib.sha256(content).hexdigest(), relative)
    return hashes, files


def tip_submit(
    *,
    text: str,
    url: str = "",
    image: bytes | None = None,
    image_name: str = "",
    user: User | None,
    kind: str = SourceKind.TIP_FORM,
    external_id: str = "",
    author: str = "",
    at: datetime | None = None,
    metrics: dict[str, int] | None = None,
) -> Post | None:
    """Record a tip from a volunteer or the public; returns None if it was already received.

    `metrics` carries what a reply needs (the Telegram chat and message ids of the tip)."""
    source = tip_source(kind=kind)
    now = at or timezone.now()
    media: tuple[str, ...] = ()
    hashes: dict[str, int] = {}
    files: dict[str, tuple[str, str]] = {}
    if image:
        full = hashlib.sha256(image).hexdigest()
        digest = full[:32]
        suffix = Path(image_name).suffix.lower() if image_name else ".jpg"
        name = f"{digest}{suffix if suffix in IMAGE_SUFFIXES else '.jpg'}"
        folder = Path(settings.MEDIA_ROOT) / "tips"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(image)
        media = (f"tips/{name}",)
        hashes[media[0]] = imagehash.phash(image)
        files[media[0]] = (full, media[0])
    body = text.strip()
    if url and url not in body:
        body = f"{body}\n{url}".strip()
    ext = (
        external_id
        or hashlib.sha256(
            f"{user.id if user else author}|{now.isoformat()}|{body}|{media}".encode()
        ).hexdigest()
    )
    raw = RawPost(
        platform=Platform.TIP,
        external_id=ext,
        text=body,
        posted_at=now,
        author=author or (user.get_username() if user else ""),
        url=url,
        media=media,
        is_media=bool(media) and not body,
        metrics=dict(metrics or {}),
    )
    unit = user.unit if user is not None else None
    with transaction.atomic():
        report = posts_ingest(
            source=source,
            posts=[raw],
            unit=unit,
            submitted_by=user,
            image_hashes=hashes,
            image_files=files,
        )
        if not report.new:
            return None
        post = Post.objects.get(source=source, external_id=ext[:200])
        audit.tip_received(post=post, actor=user)
    return post


def watchlist_save(
    *,
    watchlist: Watchlist | None,
    name: str,
    unit: Unit,
    terms: list[str],
    active: bool,
    actor: User,
) -> Watchlist:
    """Create or update a watchlist and replace its terms."""
    clean = list(dict.fromkeys(t.strip() for t in terms if t.strip()))
    with transaction.atomic():
        if watchlist is None:
            watchlist = Watchlist.objects.create(
                name=name, unit=unit, active=active, created_by=actor
            )
        else:
            watchlist.name, watchlist.active = name, active
            watchlist.updated_at = timezone.now()
            watchlist.save(update_fields=["name", "active", "updated_at"])
        watchlist.terms.exclude(text__in=clean).delete()
        have = set(watchlist.terms.values_list("text", flat=True))
        WatchTerm.objects.bulk_create(
            [WatchTerm(watchlist=watchlist, text=t[:200]) for t in clean if t not in have]
        )
        Watchlist.objects.filter(id=watchlist.id).update(updated_at=timezone.now())
        audit.watchlist_saved(watchlist=watchlist, terms=len(clean), actor=actor)
    return watchlist


def alert_acknowledge(*, alert: Alert, actor: User) -> bool:
    """Mark an alert seen; False if someone else already did."""
    with transaction.atomic():
        won = (
            Alert.objects.filter(id=alert.id, acknowledged_at=None).update(
                acknowledged_by=actor, acknowledged_at=timezone.now()
            )
            == 1
        )
        if won:
            audit.alert_acknowledged(alert=alert, actor=actor)
    return won


def narrative_set_status(*, narrative: Narrative, status: str, actor: User) -> None:
    """Mute a narrative (no more velocity alerts), mark it the organisation's own (counted, never
    an alert), or make it active again. Narratives are
    state-wide: muting one silences its alerts for everyone, so only from the top of the tree."""
    if not _state_scoped(actor):
        raise PermissionDenied(_("Only the state may change what is shared state-wide."))
    with transaction.atomic():
        Narrative.objects.filter(id=narrative.id).update(status=NarrativeStatus(status))
        audit.narrative_status(narrative=narrative, status=status, actor=actor)
        # Marking a narrative ours teaches the filter: its wordings are registered as our own,
        # so a new narrative from a forward of them starts as ours (issue #17).
        ref = f"monitoring.narrative:{narrative.id}"
        if status == NarrativeStatus.ORGANISATIONAL:
            posts = Variant.objects.filter(narrative_id=narrative.id).order_by("id")[:OWN_VARIANTS]
            for text_, image_text in Post.objects.filter(
                id__in=posts.values("post_id")
            ).values_list("text", "image_text"):
                owncontent.register(raw=f"{text_}\n{image_text}", label="narrative", source_ref=ref)
        else:
            owncontent.unregister(source_ref=ref)


def register_own_content(*, text: str, label: str, source_ref: str) -> bool:
    """Register a text the organisation sends (a content kit, called by content when a kit is
    approved): forwards of it in the groups we listen to are counted as ours and never raise
    an alert or an incident. False when the text has nothing to compare or was known."""
    return owncontent.register(raw=text, label=label, source_ref=source_ref)


def requeue_failed(*, older_than: timedelta | None = None) -> int:
    """Put failed posts back in the inbox (after a fix); returns how many."""
    qs = Post.objects.filter(status=PostStatus.FAILED)
    if older_than is not None:
        qs = qs.filter(received_at__lt=timezone.now() - older_than)
    return qs.update(status=PostStatus.PENDING, attempts=0, error="")


# --- for the war room (issue #11: it pulls tips; listening never calls it) --------------------


def tip_hand_over(*, post_id: int) -> bool:
    """Mark a tip that got no automatic reply as taken by the war room; False when it is not
    such a tip, or was taken already (first caller wins).

    Call it in the transaction that opens the tip's incident: a rollback gives the tip back.
    """
    post = Post.objects.filter(id=post_id).only("id", "metrics").first()
    value = (post.metrics or {}).get(tipreply.KEY) if post is not None else None
    if (
        post is None
        or not isinstance(value, dict)
        or value.get("state") != tipreply.State.QUEUED
        or tipreply.HANDED_OVER in value
    ):
        return False
    taken = {**value, tipreply.HANDED_OVER: timezone.now().isoformat()}
    # The rest of `metrics` is written back as read: a queued tip's reply is settled, and
    # nothing else writes a tip's metrics.
    metrics = {**(post.metrics or {}), tipreply.KEY: taken}
    still_queued = Q(**{f"metrics__{tipreply.KEY}__state": tipreply.State.QUEUED}) & ~Q(
        **{f"metrics__{tipreply.KEY}__has_key": tipreply.HANDED_OVER}
    )
    # The tip-reply step writes its acknowledgement into the same JSON: only as read.
    ack = (value.get(tipreply.ACK) or {}).get("state")
    still_queued &= (
        Q(**{f"metrics__{tipreply.KEY}__{tipreply.ACK}__state": ack})
        if ack
        else ~Q(**{f"metrics__{tipreply.KEY}__has_key": tipreply.ACK})
    )
    return Post.objects.filter(Q(id=post.id) & still_queued).update(metrics=metrics) == 1
