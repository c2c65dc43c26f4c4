"""Writes of the fact-check app, and matching text against the knowledge base."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from pipeline import claims
from pipeline.urls import canonical
from sampark.factcheck import audit, embedding
from sampark.factcheck.claimreview import ClaimReviewData, language_of
from sampark.factcheck.enums import Verdict
from sampark.factcheck.models import ClaimMatch, FactCheck

if TYPE_CHECKING:
    from sampark.accounts.models import User

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# Fields copied from ClaimReviewData; empty incoming values never blank out what we have.
_FIELDS = (
    "claim_reviewed", "claimant", "rating", "verdict", "publisher", "publisher_url", "author",
    "published_at", "language", "title", "image_url", "summary",
)  # fmt: skip
_LIMITS = {"claimant": 300, "rating": 200, "publisher": 200, "author": 200, "title": 500}


def canonical_url(url: str) -> str:
    """The spelling fact-checks are stored and deduplicated under."""
    return canonical(url.strip())


def _values(data: ClaimReviewData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(data, name)
        if isinstance(value, str):
            value = value.strip()[: _LIMITS.get(name, len(value))]
        values[name] = value
    if values["verdict"] not in Verdict.values:
        values["verdict"] = Verdict.OTHER
    if not values["language"]:
        values["language"] = language_of("", text=f"{data.claim_reviewed} {data.title}")
    return values


def factcheck_upsert(*, data: ClaimReviewData, source: str) -> tuple[FactCheck, bool]:
    """Create or refresh the fact-check at the canonical URL; return (row, created)."""
    fact_check, outcome = factcheck_upsert_outcome(data=data, source=source)
    return fact_check, outcome == CREATED


def factcheck_upsert_outcome(*, data: ClaimReviewData, source: str) -> tuple[FactCheck, str]:
    """As `factcheck_upsert`, telling created / updated / unchanged apart (for import reports).

    A record older than the stored one (by published_at) leaves it unchanged: fact-checkers
    update articles, and an old copy in a CSV must not roll a correction back.
    """
    url = canonical_url(data.url)
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {data.url[:80]!r}")
    values = _values(data)
    now = timezone.now()
    with transaction.atomic():
        existing = FactCheck.objects.select_for_update().filter(url=url).first()
        if existing is None:
            try:
                with transaction.atomic():
                    created = FactCheck.objects.create(
                        url=url, source=source[:50], created_at=now, updated_at=now, **values
                    )
                return created, CREATED
            except IntegrityError:
                # Another import created it between our read and our insert.
                existing = FactCheck.objects.select_for_update().get(url=url)
        # The organisation's own responses are edited by the war room only, never by imports.
        if existing.is_own_response or _is_older(values["published_at"], existing.published_at):
            return existing, UNCHANGED
        changed = [
            name
            for name, value in values.items()
            if value not in ("", None) and getattr(existing, name) != value
        ]
        if not changed:
            return existing, UNCHANGED
        for name in changed:
            setattr(existing, name, values[name])
        existing.updated_at = now
        existing.source = source[:50]
        existing.save(update_fields=[*changed, "source", "updated_at"])
        return existing, UPDATED


def _is_older(incoming: datetime | None, stored: datetime | None) -> bool:
    return incoming is not None and stored is not None and incoming < stored


def own_response_publish(
    *,
    url: str,
    claim: str,
    verdict: str,
    text: str,
    language: str,
    title: str = "",
    actor: User | None = None,
) -> FactCheck:
    """Record the organisation's own published response so it is matched like any fact-check."""
    if verdict not in Verdict.values:
        raise ValueError(f"unknown verdict {verdict!r}")
    url = canonical_url(url)
    now = timezone.now()
    values: dict[str, Any] = {
        "claim_reviewed": claim.strip(),
        "verdict": verdict,
        "rating": str(Verdict(verdict).label),
        "summary": text.strip(),
        "language": language_of(language, text=f"{claim} {title}"),
        "title": title.strip()[:500],
        "publisher": str(getattr(settings, "SAMPARK_ORG_NAME", "") or "")[:200],
        "published_at": now,
        "source": "own",
        "is_own_response": True,
        "updated_at": now,
    }
    with transaction.atomic():
        fact_check, _created = FactCheck.objects.select_for_update().update_or_create(
            url=url, defaults=values, create_defaults={**values, "created_at": now}
        )
        audit.own_response_published(fact_check=fact_check, actor=actor)
    return fact_check


# --- matching -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchResult:
    fact_check_id: int
    score: float
    band: str  # "auto" | "suggest"


class _Index:
    """The process-wide lexical index over fact-checks, rebuilt when the table changed.

    The table is small (thousands of rows) and changes by imports, so a rebuild on the next
    match after a change is cheaper than keeping an incremental index in step.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, datetime | None, bool] | None = None
        self._index: claims.LexicalIndex | claims.HybridMatcher | None = None

    def get(self) -> claims.LexicalIndex | claims.HybridMatcher:
        state = FactCheck.objects.aggregate(n=Count("id"), latest=Max("updated_at"))
        key = (int(state["n"]), state["latest"], embedding.hybrid_on())
        with self._lock:
            if self._index is None or key != self._key:
                self._index = _build_index()
                self._key = key
            return self._index

    def reset(self) -> None:
        with self._lock:
            self._index = None
            self._key = None


def _build_index() -> claims.LexicalIndex | claims.HybridMatcher:
    if embedding.hybrid_on():
        return _build_hybrid()
    index = claims.LexicalIndex()
    rows = FactCheck.objects.values("id", "claim_reviewed", "title", "language")
    index.add(
        claims.Doc(id=r["id"], text=r["claim_reviewed"], title=r["title"], lang=r["language"])
        for r in rows.iterator()
    )
    index.build()  # here, under the lock, not inside a concurrent search
    return index


def _build_hybrid() -> claims.HybridMatcher:
    """Lexical candidates re-scored with the stored claim vectors (rows the embedding worker
    has not reached yet are encoded here)."""
    name = embedding.model_name()
    rows = list(
        FactCheck.objects.only(
            "id", "claim_reviewed", "title", "language", "embedding", "embedding_model"
        ).iterator()
    )
    matcher = claims.HybridMatcher(embedding.embedder(), index=claims.LexicalIndex())
    if not rows:
        return matcher
    docs = [embedding.doc_of(r) for r in rows]
    vectors: list[npt.NDArray[np.float32]] = []
    for row, doc in zip(rows, docs, strict=True):
        if row.embedding and row.embedding_model == name:
            vectors.append(embedding.from_bytes(row.embedding))
        else:
            vectors.append(matcher.embedder.encode([claims.embed_text(doc)])[0])
    matcher.add(docs, vectors=np.stack(vectors))
    matcher.index.build()
    return matcher


# Calibrated on the dev splits (docs/warroom.md W3). The hybrid score is a 0–1 blend, so it has
# its own pair (CheckThat! dev: 0.444 / 0.688).
DEFAULT_THRESHOLDS = {"SUGGEST": 0.25, "AUTO": 0.6, "HYBRID_SUGGEST": 0.444, "HYBRID_AUTO": 0.688}


def thresholds() -> claims.Thresholds:
    """Score thresholds of the "suggest" and "auto" bands (settings.SAMPARK_CLAIM_MATCH)."""
    conf = {**DEFAULT_THRESHOLDS, **getattr(settings, "SAMPARK_CLAIM_MATCH", {})}
    if embedding.hybrid_on():
        return claims.Thresholds(
            suggest=float(conf["HYBRID_SUGGEST"]), auto=float(conf["HYBRID_AUTO"])
        )
    return claims.Thresholds(suggest=float(conf["SUGGEST"]), auto=float(conf["AUTO"]))


_INDEX = _Index()


def match_text(*, text: str, k: int = 5) -> list[MatchResult]:
    """Fact-checks whose claim matches the text, best first; only hits with a band."""
    return match_texts(texts=[text], k=k)[0]


def match_texts(*, texts: list[str], k: int = 5) -> list[list[MatchResult]]:
    """`match_text` of each text, with one look at whether the index is current."""
    if not any(t.strip() for t in texts):
        return [[] for _t in texts]
    limits = thresholds()
    index = _INDEX.get()
    found: list[list[MatchResult]] = []
    for text in texts:
        out = []
        for hit in index.search(text, k) if text.strip() else []:
            band = claims.band(hit.score, text, limits)
            if band is not None:
                out.append(
                    MatchResult(fact_check_id=int(hit.id), score=float(hit.score), band=band)
                )
        found.append(out)
    return found


def match_index_reset() -> None:
    """Forget the cached index (tests that roll back the table)."""
    _INDEX.reset()


# --- stored matches (issue #17: listening's matching stage writes, everyone else reads) -------

MATCHES_STORED = 5


def claim_match_store(
    *, text: str, narrative_id: int | None = None, post_id: int | None = None
) -> list[MatchResult]:
    """Match a narrative's or a tip's text and store the result as its `ClaimMatch` rows (see
    `claim_matches_store`); returns the matches, best first."""
    if (narrative_id is None) == (post_id is None):
        raise ValueError("exactly one of narrative_id and post_id")
    owner = "narrative" if narrative_id is not None else "post"
    key = narrative_id if narrative_id is not None else post_id
    assert key is not None
    return claim_match_store_many(texts={key: text}, owner=owner)[key]


def claim_match_store_many(*, texts: dict[int, str], owner: str) -> dict[int, list[MatchResult]]:
    """Match many narratives' (owner "narrative") or posts' (owner "post") texts by id and
    store each result as its `ClaimMatch` rows; returns the matches by id, best first."""
    ids = list(texts)
    found = dict(
        zip(ids, match_texts(texts=[texts[i] for i in ids], k=MATCHES_STORED), strict=True)
    )
    claim_matches_store(results=found, owner=owner)
    return found


def claim_matches_store(*, results: dict[int, list[MatchResult]], owner: str) -> int:
    """Make these results the stored matches of each narrative or post (owner "narrative" or
    "post", results by its id): rows for fact-checks no longer matched go, the others are
    updated or added, one row per fact-check (unique, so a second writer adds nothing). A row
    reaching the "auto" band for the first time gets `auto_at`, the war room's signal; returns
    how many did. A few queries for the whole batch (the matching stage stores hundreds)."""
    if owner not in ("narrative", "post"):
        raise ValueError("owner is 'narrative' or 'post'")
    column = f"{owner}_id"
    now = timezone.now()
    newly_auto = 0
    with transaction.atomic():
        have = {
            (getattr(m, column), m.fact_check_id): m
            for m in ClaimMatch.objects.filter(**{f"{column}__in": list(results)}).only(
                "id", column, "fact_check_id", "auto_at"
            )
        }
        wanted: dict[tuple[int, int], tuple[int, MatchResult]] = {}
        for key, found in results.items():
            for rank, r in reversed(list(enumerate(found))):
                wanted[(key, r.fact_check_id)] = (rank, r)
        gone = [m.id for pair, m in have.items() if pair not in wanted]
        if gone:
            ClaimMatch.objects.filter(id__in=gone).delete()
        new: list[ClaimMatch] = []
        changed: list[ClaimMatch] = []
        for pair, (rank, r) in wanted.items():
            auto = r.band == "auto"
            row = have.get(pair)
            if row is None:
                newly_auto += auto
                new.append(
                    ClaimMatch(
                        **{column: pair[0]}, fact_check_id=pair[1], score=r.score, band=r.band,
                        rank=rank, created_at=now, updated_at=now, auto_at=now if auto else None,
                    )
                )  # fmt: skip
                continue
            if auto and row.auto_at is None:
                row.auto_at = now
                newly_auto += 1
            row.score, row.band, row.rank, row.updated_at = r.score, r.band, rank, now
            changed.append(row)
        ClaimMatch.objects.bulk_create(new, ignore_conflicts=True)
        ClaimMatch.objects.bulk_update(
            changed, ["score", "band", "rank", "updated_at", "auto_at"], batch_size=500
        )
    return newly_auto
