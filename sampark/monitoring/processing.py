"""The pipeline worker's storage half: claim posts from the inbox, analyse, store the results.

A batch goes through three steps:

1. `posts_claim` marks up to BATCH pending posts with this worker's claim token under a lease
   (SELECT … FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite runs IMMEDIATE transactions, so
   claims are serialised there).
2. `pipeline.analyse` does the CPU work (normalise, language, URLs, hashes, watchlist) with
   no lock held, so several workers analyse in parallel.
3. `_store` runs in one transaction that first takes the single `PipelineLock` row, so
   narrative assignment sees every variant committed before it and two workers never open two
   narratives for the same new rumour. It only writes posts this worker still holds (a worker
   whose lease ran out writes nothing for them), so a killed or slow worker loses nothing and
   nothing is counted twice: its posts are claimed again when the lease ends.

Commit is per batch, not per post: a failing post is marked (and retried up to MAX_ATTEMPTS)
without taking the rest of the batch with it.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from pipeline import dedupe, imagehash, score, watch
from pipeline.analyse import Analyser, Analysis
from sampark.core import worker
from sampark.geo.models import Unit
from sampark.geo.scope import contains
from sampark.monitoring import matching, ocr, owncontent, sqlio
from sampark.monitoring.enums import AlertKind, NarrativeStatus, PostStatus
from sampark.monitoring.models import (
    Alert,
    Band,
    Fingerprint,
    Narrative,
    NarrativeHour,
    PipelineLock,
    Post,
    Variant,
    WatchHit,
    Watchlist,
    WatchTerm,
)

logger = logging.getLogger(__name__)
# Posts analysed per call; a stopping worker gives back what it has not analysed (run_batch).
ANALYSE_CHUNK = 100
# Processing order starts above every post id, so posts processed before `seq` existed (their
# seq is their id) come first.
SEQ_BASE = 1 << 40

_FIELDS = (
    "id",
    "text",
    "platform",
    "is_private",
    "unit_id",
    "district_id",
    "posted_at",
    "image_hash",
    "image_text",
    "is_deleted",
    "attempts",
    "source_id",
)


def conf(name: str) -> Any:
    return settings.SAMPARK_PIPELINE[name]


@dataclass(slots=True)
class Item:
    """One claimed post and what the pipeline decided for it."""

    row: dict[str, Any]
    analysis: Analysis | None = None
    error: str = ""
    narrative: int | None = None
    duplicate_of: int | None = None
    exact_dup: bool = False
    similarity: float | None = None
    new_variant: bool = False


@dataclass(slots=True)
class _NewNarrative:
    title: str
    lang: str
    posts: list[Item] = field(default_factory=list)
    obj: Narrative | None = None


def posts_claim(*, limit: int, owner: str) -> tuple[str, list[dict[str, Any]]]:
    """Claim up to `limit` posts (pending, or abandoned by a dead worker); returns the token."""
    now = timezone.now()
    token = f"{owner}:{uuid.uuid4().hex[:12]}"
    with transaction.atomic():
        ids = sqlio.claimable_ids(
            Post.objects.all(),
            pending=PostStatus.PENDING,
            processing=PostStatus.PROCESSING,
            limit=limit,
            now=now,
        )
        if not ids:
            return token, []
        lease = now + timedelta(seconds=conf("LEASE_SECONDS"))
        Post.objects.filter(id__in=ids).update(
            status=PostStatus.PROCESSING, claim=token, locked_until=lease
        )
    rows = list(Post.objects.filter(id__in=ids, claim=token).order_by("id").values(*_FIELDS))
    return token, rows


def posts_release(*, token: str, ids: list[int]) -> int:
    """Give claimed posts back to the inbox at once (a stopping worker), not after the lease."""
    return Post.objects.filter(id__in=ids, claim=token, status=PostStatus.PROCESSING).update(
        status=PostStatus.PENDING, claim="", locked_until=None
    )


class Processor:
    """Keeps what is worth keeping between batches: the compiled watchlists, unit ancestry,
    variant signatures (immutable once written) and the image index. All bounded."""

    SIG_CACHE = 20_000

    def __init__(self) -> None:
        self.analyser = Analyser()
        self.own = owncontent.OwnIndex()
        self.watch_version: tuple[int, Any] | None = None
        self.term_lists: dict[int, int] = {}  # term id -> watchlist id
        self.units: dict[int, Unit] = {}
        self.sigs: dict[int, tuple[int, int, np.ndarray]] = {}  # variant -> (narrative, post, sig)
        self.images = np.zeros(0, dtype=np.int64)
        self.image_meta: list[tuple[int, int]] = []  # (narrative, post) per image
        self.image_upto = 0
        self.state_root: Unit | None = None
        self.watchlists: dict[int, Watchlist] = {}
        self._reset_batch()

    def _reset_batch(self) -> None:
        """Per-batch state: narratives opened in this batch and what waits to be written."""
        self._holders: list[_NewNarrative] = []
        self._holder_of: dict[int, _NewNarrative] = {}
        self._pending_prints: list[Item] = []
        self._variant_counts: dict[int, int] = {}
        self._seq = 0

    # -- the loop body -------------------------------------------------------------------

    def run_batch(self, *, owner: str, limit: int | None = None) -> int:
        """Claim, analyse and store one batch; returns how many posts were processed."""
        token, rows = posts_claim(limit=limit or conf("BATCH"), owner=owner)
        if not rows:
            # Image posts never wait past their time even when no "ocr" step runs (idle only,
            # so it costs the busy pipeline nothing).
            return ocr.posts_release()
        self._refresh_watchlists()
        items: list[Item] = []
        # Analysed in chunks so that a stop (SIGTERM) between them keeps what is done and gives
        # the rest back at once instead of holding it for the lease (issue #12).
        for start in range(0, len(rows), ANALYSE_CHUNK):
            if items and worker.shutdown_requested():
                posts_release(token=token, ids=[r["id"] for r in rows[start:]])
                break
            items.extend(self._analyse(rows[start : start + ANALYSE_CHUNK]))
        self._store(token, items)
        return len(items)

    def _analyse(self, rows: list[dict[str, Any]]) -> list[Item]:
        items = [Item(row=r) for r in rows]
        live = [it for it in items if not it.row["is_deleted"]]
        try:
            results = self.analyser.analyse_batch([_text(it.row) for it in live])
            for it, res in zip(live, results, strict=True):
                it.analysis = res
        except Exception:
            # One bad post must not sink the batch: analyse one by one to find it.
            for it in live:
                try:
                    it.analysis = self.analyser.analyse_batch([_text(it.row)])[0]
                except Exception as exc:
                    logger.exception("analysis failed", extra={"post_id": it.row["id"]})
                    it.error = f"{type(exc).__name__}: {exc}"[:2000]
        return items

    # -- the write phase -----------------------------------------------------------------

    def _store(self, token: str, items: list[Item]) -> None:
        now = timezone.now()
        with transaction.atomic():
            if not PipelineLock.objects.filter(pk=1).update(batches=F("batches") + 1):
                PipelineLock.objects.get_or_create(pk=1)
                PipelineLock.objects.filter(pk=1).update(batches=F("batches") + 1)
            # Batches commit in lock order, so (batch number, position) orders posts as they
            # became visible: the live feed pages by it and never misses a post (issue #17).
            self._seq = SEQ_BASE + (PipelineLock.objects.get(pk=1).batches << 20)
            ids = [it.row["id"] for it in items]
            held = set(
                Post.objects.filter(id__in=ids, claim=token, status=PostStatus.PROCESSING)
                .select_for_update()
                .values_list("id", flat=True)
            )
            items = [it for it in items if it.row["id"] in held]
            if not items:
                return
            ok = [it for it in items if not it.error and it.analysis is not None]
            self._assign_exact(ok)
            fresh = [it for it in ok if it.narrative is None and it.duplicate_of is None]
            self._assign_images(fresh)
            self._assign_near(
                [it for it in fresh if it.narrative is None and it.analysis and it.analysis.key]
            )
            touched = self._count(ok, now)
            self._watch_hits(ok)
            self._velocity_alerts(touched, now)
            self._write_posts(token, items, now)

    def _assign_exact(self, items: list[Item]) -> None:
        keyed = [it for it in items if it.analysis and it.analysis.exact is not None]
        keys = {it.analysis.exact for it in keyed if it.analysis and it.analysis.exact is not None}
        found: dict[int, tuple[int, int | None]] = {}
        for key, post_id, narrative_id in sqlio.select_in(
            Fingerprint, ("key", "post_id", "narrative_id"), "key", list(keys)
        ):
            found[key] = (post_id, narrative_id)
        first_in_batch: dict[int, Item] = {}
        new_prints: list[Item] = []
        for it in keyed:
            assert it.analysis is not None
            assert it.analysis.exact is not None
            key = it.analysis.exact
            if key in found:
                it.duplicate_of, it.narrative = found[key]
                it.exact_dup, it.similarity = True, 1.0
            elif key in first_in_batch:
                first = first_in_batch[key]
                it.duplicate_of, it.exact_dup, it.similarity = first.row["id"], True, 1.0
            else:
                first_in_batch[key] = it
                new_prints.append(it)
        self._pending_prints = new_prints

    def _assign_images(self, items: list[Item]) -> None:
        """Media-only posts join the narrative of a near-identical image (Hamming ≤ NEAR_IMAGE)."""
        with_image = [it for it in items if it.row["image_hash"] is not None]
        if not with_image:
            return
        self._refresh_images()
        batch: list[tuple[int, Item]] = []  # images that opened a narrative in this batch
        for it in with_image:
            h = int(it.row["image_hash"])
            if len(self.images):
                dist = sqlio.popcount(np.bitwise_xor(self.images, np.int64(h)))
                best = int(np.argmin(dist))
                if int(dist[best]) <= imagehash.NEAR_IMAGE:
                    it.narrative, it.duplicate_of = self.image_meta[best]
                    it.similarity = 1.0 - float(dist[best]) / 64.0
                    continue
            near = [(imagehash.hamming(h, other_h), other) for other_h, other in batch]
            if near and min(near, key=lambda x: x[0])[0] <= imagehash.NEAR_IMAGE:
                d, other = min(near, key=lambda x: x[0])
                it.duplicate_of, it.similarity = other.row["id"], 1.0 - d / 64.0
                self._join(it, other)
                continue
            if it.analysis is not None and it.analysis.key:
                continue  # text decides; the image is recorded with the text's variant
            self._new_narrative(it, title=_media_title(it))
            it.new_variant = True
            batch.append((h, it))

    def _assign_near(self, items: list[Item]) -> None:
        if not items:
            return
        all_bands = {b for it in items if it.analysis for b in it.analysis.bands}
        band_variants: dict[int, list[int]] = defaultdict(list)
        for key, variant_id in sqlio.select_in(Band, ("key", "variant_id"), "key", list(all_bands)):
            band_variants[key].append(variant_id)
        wanted = {v for vs in band_variants.values() for v in vs} - self.sigs.keys()
        for chunk in sqlio.chunks(list(wanted), 900):
            for vid, nid, pid, raw_sig in Variant.objects.filter(id__in=chunk).values_list(
                "id", "narrative_id", "post_id", "signature"
            ):
                self._remember(vid, nid, pid, dedupe.signature_from_bytes(bytes(raw_sig)))
        near_t = self.analyser.near_threshold
        narr_t = self.analyser.threshold
        # Variants created earlier in this batch, found through an in-memory LSH index.
        batch_index = dedupe.LSHIndex(bands=self.analyser.bands, rows=self.analyser.rows)
        batch_variants: list[Item] = []
        for it in items:
            a = it.analysis
            assert a is not None
            assert a.signature is not None
            best: tuple[float, int | None, int | None, Item | None] = (0.0, None, None, None)
            for vid in {v for b in a.bands for v in band_variants.get(b, ())}:
                v_nid, v_pid, v_sig = self.sigs[vid]
                s = dedupe.similarity(a.signature, v_sig)
                if s > best[0]:
                    best = (s, v_nid, v_pid, None)
            for idx in batch_index.query(a.signature):
                other = batch_variants[idx]
                assert other.analysis is not None
                assert other.analysis.signature is not None
                s = dedupe.similarity(a.signature, other.analysis.signature)
                if s > best[0]:
                    best = (s, other.narrative, other.row["id"], other)
            sim, best_nid, best_pid, best_other = best
            if sim >= narr_t and (best_nid is not None or best_other is not None):
                it.similarity = round(sim, 3)
                it.narrative = best_nid
                if best_other is not None:
                    self._join(it, best_other)
                if sim >= near_t:
                    it.duplicate_of = best_pid
                    continue
            else:
                self._new_narrative(it, title=_title(_text(it.row)))
            it.new_variant = True
            batch_index.add(len(batch_variants), a.signature)
            batch_variants.append(it)

    # New narratives of this batch are created in bulk in `_count`; until then their items
    # share a `_NewNarrative` holder.
    def _new_narrative(self, it: Item, *, title: str) -> None:
        holder = _NewNarrative(title=title, lang=it.analysis.lang if it.analysis else "")
        holder.posts.append(it)
        self._holders.append(holder)
        self._holder_of[it.row["id"]] = holder

    def _join(self, it: Item, other: Item) -> None:
        holder = self._holder_of.get(other.row["id"])
        if holder is not None:
            holder.posts.append(it)
            self._holder_of[it.row["id"]] = holder

    def _count(self, items: list[Item], now: datetime) -> set[int]:
        """Create this batch's narratives, variants and bands; count posts per narrative/hour."""
        holders = self._holders
        if holders:
            # A narrative born from an organisational source or from a (near) copy of a kit
            # the organisation sent is the organisation's own (issue #17).
            self.own.refresh()
            objs = Narrative.objects.bulk_create(
                [
                    Narrative(
                        title=h.title,
                        lang=h.lang,
                        status=(
                            NarrativeStatus.ORGANISATIONAL
                            if self.own.is_ours(h.posts[0].analysis, h.posts[0].row["source_id"])
                            else NarrativeStatus.ACTIVE
                        ),
                        first_seen=min(p.row["posted_at"] for p in h.posts),
                        last_seen=max(p.row["posted_at"] for p in h.posts),
                        updated_at=now,
                    )
                    for h in holders
                ]
            )
            for h, obj in zip(holders, objs, strict=True):
                h.obj = obj
                for p in h.posts:
                    p.narrative = obj.id
        # Duplicates of a post that joined a new narrative in this batch follow it.
        by_id = {it.row["id"]: it for it in items}
        for it in items:
            if it.narrative is None and it.duplicate_of in by_id:
                it.narrative = by_id[it.duplicate_of].narrative
        self._write_variants([it for it in items if it.new_variant and it.narrative is not None])
        self._write_fingerprints()

        per: dict[int, list[Item]] = defaultdict(list)
        for it in items:
            if it.narrative is not None:
                per[it.narrative].append(it)
        if not per:
            return set()
        hours: dict[tuple[int, int, datetime], int] = defaultdict(int)
        for nid, posts in per.items():
            for p in posts:
                key = (nid, p.row["district_id"] or 0, score.hour_floor(p.row["posted_at"]))
                hours[key] += 1
        sqlio.upsert_hours(hours)
        self._update_narratives(per, now)
        return set(per)

    def _write_variants(self, items: list[Item]) -> None:
        if not items:
            return
        variants = Variant.objects.bulk_create(
            [
                Variant(
                    narrative_id=_required(it.narrative),
                    post_id=it.row["id"],
                    signature=dedupe.signature_to_bytes(it.analysis.signature)
                    if it.analysis is not None and it.analysis.signature is not None
                    else b"",
                    image_hash=it.row["image_hash"],
                )
                for it in items
            ]
        )
        bands: list[tuple[int, int]] = []
        for it, v in zip(items, variants, strict=True):
            assert it.narrative is not None
            if it.analysis is not None and it.analysis.signature is not None:
                self._remember(v.id, it.narrative, it.row["id"], it.analysis.signature)
                bands.extend((b, v.id) for b in it.analysis.bands)
        # Thousands of band rows a batch: plain SQL, not model instances.
        if bands:
            sqlio.insert_bands(bands)
        # A new wording among a narrative's first ones may change the text it is matched with.
        Narrative.objects.filter(
            id__in={it.narrative for it in items}, variants__lt=matching.conf("REP_VARIANTS")
        ).exclude(match_due=True, match_claimed_at=None).update(
            match_due=True, match_claimed_at=None
        )
        for it in items:
            assert it.narrative is not None
            self._variant_counts[it.narrative] = self._variant_counts.get(it.narrative, 0) + 1

    def _write_fingerprints(self) -> None:
        prints = [
            Fingerprint(key=it.analysis.exact, post_id=it.row["id"], narrative_id=it.narrative)
            for it in self._pending_prints
            if it.analysis is not None and it.analysis.exact is not None
        ]
        Fingerprint.objects.bulk_create(prints, ignore_conflicts=True, batch_size=2000)

    def _update_narratives(self, per: dict[int, list[Item]], now: datetime) -> None:
        since = score.hour_floor(now) - timedelta(hours=score.BASELINE_HOURS + 2)
        series: dict[int, dict[datetime, int]] = defaultdict(dict)
        # Sum over districts per hour (done in Python: the rows are few).
        sums: dict[tuple[int, datetime], int] = defaultdict(int)
        for nid, hour, count in NarrativeHour.objects.filter(
            narrative_id__in=list(per), hour__gte=since
        ).values_list("narrative_id", "hour", "posts"):
            sums[(nid, hour)] += count
        for (nid, hour), count in sums.items():
            series[nid][hour] = count
        districts = dict(
            NarrativeHour.objects.filter(narrative_id__in=list(per), district_key__gt=0)
            .values("narrative_id")
            .annotate(n=Count("district_key", distinct=True))
            .values_list("narrative_id", "n")
        )
        variant_counts = self._variant_counts
        rows = []
        for nid, posts in per.items():
            velocity, burst = score.velocity_burst(series.get(nid, {}), now=now)
            first = sqlio.db_time(min(p.row["posted_at"] for p in posts))
            last = sqlio.db_time(max(p.row["posted_at"] for p in posts))
            public = any(not p.row["is_private"] for p in posts)
            rows.append(
                (
                    len(posts),
                    variant_counts.get(nid, 0),
                    districts.get(nid, 0),
                    velocity,
                    burst,
                    sqlio.db_time(now),
                    public,
                    first,
                    first,
                    last,
                    last,
                    nid,
                )
            )
        table = connection.ops.quote_name(Narrative._meta.db_table)
        with connection.cursor() as cur:
            cur.executemany(
                f"UPDATE {table} SET posts = posts + %s, variants = variants + %s, "  # noqa: S608
                "districts = %s, velocity = %s, burst = %s, updated_at = %s, "
                "has_public = (has_public OR %s), "
                "first_seen = CASE WHEN first_seen > %s THEN %s ELSE first_seen END, "
                "last_seen = CASE WHEN last_seen < %s THEN %s ELSE last_seen END "
                "WHERE id = %s",
                rows,
            )

    def _watch_hits(self, items: list[Item]) -> None:
        ours = _ours({it.narrative for it in items if it.analysis and it.analysis.hits})
        hits: list[WatchHit] = []
        alerts: dict[tuple[int, int | None], tuple[Item, str, int]] = {}
        lists = self.watchlists
        for it in items:
            assert it.analysis is not None
            for hit in it.analysis.hits:
                wl = lists.get(hit.watchlist_id)
                if wl is None or not self._visible_in(it, wl.unit):
                    continue
                hits.append(
                    WatchHit(post_id=it.row["id"], term_id=hit.term_id, matched=hit.matched[:200])
                )
                if it.narrative in ours:
                    continue  # our own message: the hit is kept, no alert (issue #17)
                key = (wl.id, it.narrative)
                prev = alerts.get(key)
                alerts[key] = (prev[0] if prev else it, hit.matched, (prev[2] if prev else 0) + 1)
        if hits:
            WatchHit.objects.bulk_create(hits, ignore_conflicts=True)
        for (wl_id, nid), (it, matched, n) in alerts.items():
            wl = lists[wl_id]
            _alert_upsert(
                kind=AlertKind.WATCH,
                unit_id=wl.unit_id,
                narrative_id=nid,
                watchlist_id=wl_id,
                post_id=it.row["id"],
                message=f"{wl.name}: {matched}",
                count=n,
            )

    def _velocity_alerts(self, touched: set[int], now: datetime) -> None:
        if not touched:
            return
        root = self._state_root()
        if root is None:
            return
        fast = Narrative.objects.filter(
            id__in=list(touched),
            status=NarrativeStatus.ACTIVE,
            velocity__gte=conf("VELOCITY_MIN_POSTS"),
            burst__gte=conf("VELOCITY_MIN_BURST"),
        ).values_list("id", "title", "velocity")
        for nid, title, velocity in fast:
            _alert_upsert(
                kind=AlertKind.VELOCITY,
                unit_id=root.id,
                narrative_id=nid,
                watchlist_id=None,
                post_id=None,
                message=f"{int(velocity)}/h: {title[:200]}",
                count=1,
            )

    def _write_posts(self, token: str, items: list[Item], now: datetime) -> None:
        done: list[tuple[Any, ...]] = []
        failed: list[tuple[Any, ...]] = []
        for it in items:
            if it.error:
                attempts = it.row["attempts"] + 1
                status = (
                    PostStatus.FAILED if attempts >= conf("MAX_ATTEMPTS") else PostStatus.PENDING
                )
                failed.append((int(status), attempts, it.error, it.row["id"], token))
                continue
            a = it.analysis
            done.append(
                (
                    a.lang if a else "",
                    json.dumps(a.urls if a else [], ensure_ascii=False),
                    a.exact if a else None,
                    it.duplicate_of,
                    it.exact_dup,
                    it.narrative,
                    it.similarity,
                    sqlio.db_time(now),
                    self._seq + len(done),
                    it.row["id"],
                    token,
                )
            )
        table = connection.ops.quote_name(Post._meta.db_table)
        with connection.cursor() as cur:
            if done and connection.vendor == "postgresql":
                # One statement for the batch: the columns as arrays, joined on id.
                cols = list(zip(*done, strict=True))
                cur.execute(
                    f"UPDATE {table} AS p SET status = {int(PostStatus.DONE)}, lang = v.lang, "  # noqa: S608
                    "urls = v.urls::jsonb, exact_hash = v.exact, duplicate_of_id = v.dup, "
                    "is_exact_duplicate = v.ex, narrative_id = v.nar, similarity = v.sim, "
                    "processed_at = %s, seq = v.seq, claim = '', locked_until = NULL, error = '' "
                    "FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::bigint[], "
                    "%s::bool[], %s::bigint[], %s::float8[], %s::bigint[], %s::bigint[]) "
                    "AS v(lang, urls, exact, dup, ex, nar, sim, seq, id) "
                    "WHERE p.id = v.id AND p.claim = %s",
                    [
                        cols[7][0],
                        *(list(c) for c in cols[:7]),
                        *(list(c) for c in cols[8:10]),
                        token,
                    ],
                )
            elif done:
                cur.executemany(
                    f"UPDATE {table} SET status = {int(PostStatus.DONE)}, lang = %s, urls = %s, "  # noqa: S608
                    "exact_hash = %s, duplicate_of_id = %s, is_exact_duplicate = %s, "
                    "narrative_id = %s, similarity = %s, processed_at = %s, seq = %s, claim = '', "
                    "locked_until = NULL, error = '' WHERE id = %s AND claim = %s",
                    done,
                )
            if failed:
                cur.executemany(
                    f"UPDATE {table} SET status = %s, attempts = %s, error = %s, claim = '', "  # noqa: S608
                    "locked_until = NULL WHERE id = %s AND claim = %s",
                    failed,
                )

    # -- caches ----------------------------------------------------------------------------

    def _remember(self, vid: int, nid: int, pid: int, sig: np.ndarray) -> None:
        if len(self.sigs) >= self.SIG_CACHE:
            # Drop the oldest half (dicts keep insertion order): memory stays flat.
            for k in list(self.sigs)[: self.SIG_CACHE // 2]:
                del self.sigs[k]
        self.sigs[vid] = (nid, pid, sig)

    def _refresh_images(self) -> None:
        rows = list(
            Variant.objects.filter(id__gt=self.image_upto, image_hash__isnull=False)
            .order_by("id")
            .values_list("id", "image_hash", "narrative_id", "post_id")
        )
        if rows:
            self.image_upto = rows[-1][0]
            self.images = np.concatenate(
                [self.images, np.array([r[1] for r in rows], dtype=np.int64)]
            )
            self.image_meta.extend((r[2], r[3]) for r in rows)

    def _refresh_watchlists(self) -> None:
        self._reset_batch()
        active = Watchlist.objects.filter(active=True)
        version = (active.count(), active.aggregate(m=Max("updated_at"))["m"])
        if version == self.watch_version:
            return
        self.watchlists = {wl.id: wl for wl in active.select_related("unit")}
        terms = [
            watch.Term(watchlist_id=wl_id, term_id=tid, text=text)
            for tid, wl_id, text in WatchTerm.objects.filter(
                watchlist_id__in=list(self.watchlists)
            ).values_list("id", "watchlist_id", "text")
        ]
        self.analyser.matcher = watch.Matcher(terms) if terms else None
        self.watch_version = version

    def _unit(self, unit_id: int) -> Unit | None:
        if unit_id not in self.units:
            if len(self.units) > 200_000:
                self.units.clear()
            for u in Unit.objects.filter(id=unit_id):
                self.units[u.id] = u
        return self.units.get(unit_id)

    def _visible_in(self, it: Item, scope: Unit) -> bool:
        """Whether a post may raise an alert for a unit: public, or from inside its subtree."""
        if not it.row["is_private"]:
            return True
        if it.row["unit_id"] is None:
            return scope.parent_id is None
        unit = self._unit(it.row["unit_id"])
        return unit is not None and contains(scope, unit)

    def _state_root(self) -> Unit | None:
        if self.state_root is None:
            self.state_root = Unit.objects.filter(parent=None).order_by("id").first()
        return self.state_root


def _ours(narratives: set[int | None]) -> set[int]:
    if not narratives - {None}:
        return set()
    return set(
        Narrative.objects.filter(
            id__in=[n for n in narratives if n], status=NarrativeStatus.ORGANISATIONAL
        ).values_list("id", flat=True)
    )


def _alert_upsert(
    *,
    kind: str,
    unit_id: int,
    narrative_id: int | None,
    watchlist_id: int | None,
    post_id: int | None,
    message: str,
    count: int,
) -> None:
    """Bump the open alert of the same kind/narrative/watchlist within the window, or open one."""
    now = timezone.now()
    window = now - timedelta(hours=conf("ALERT_WINDOW_HOURS"))
    bumped = Alert.objects.filter(
        kind=kind,
        narrative=narrative_id,
        watchlist=watchlist_id,
        unit_id=unit_id,
        acknowledged_at=None,
        last_at__gte=window,
    ).update(count=F("count") + count, last_at=now)
    if not bumped:
        Alert.objects.create(
            kind=kind,
            unit_id=unit_id,
            narrative_id=narrative_id,
            watchlist_id=watchlist_id,
            post_id=post_id,
            message=message[:500],
            count=count,
            created_at=now,
            last_at=now,
        )


def _required(value: int | None) -> int:
    assert value is not None
    return value


def _title(text: str) -> str:
    # Forward boilerplate lines ("⏩ Forwarded", "*Forwarded as received*") are no title.
    line = " ".join(dedupe.without_boilerplate(text).split())
    return line[:200] + ("…" if len(line) > 200 else "")


def _media_title(it: Item) -> str:
    return _title(_text(it.row)) or "[media]"


def _text(row: dict[str, Any]) -> str:
    """What the pipeline reads of a post: its text, then the text in its image (issue #17)."""
    image_text: str = row["image_text"]
    return f"{row['text']}\n{image_text}" if image_text else str(row["text"])
