"""Sentence embeddings of fact-checks for hybrid matching (`SAMPARK_CLAIM_MATCH["HYBRID"]`).

Encoding a claim costs milliseconds to tens of milliseconds on a CPU, so vectors are computed
once per fact-check by a worker step and stored with the name of the embedder that made them;
changing `SAMPARK_EMBEDDER` re-embeds everything. The matcher encodes inline only the few rows
the worker has not reached yet.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings

from pipeline import backends, claims
from sampark.factcheck.models import FactCheck

BATCH = 64
_lock = threading.Lock()
_cache: dict[str, backends.Embedder] = {}


def hybrid_on() -> bool:
    return bool(getattr(settings, "SAMPARK_CLAIM_MATCH", {}).get("HYBRID", False))


def _conf() -> dict[str, Any]:
    return dict(getattr(settings, "SAMPARK_EMBEDDER", None) or backends.DEFAULT)


def model_name() -> str:
    """Which embedder made a vector: backend and model, as configured."""
    conf = _conf()
    options = conf.get("OPTIONS") or {}
    shown = ",".join(f"{k}={options[k]}" for k in sorted(options))
    return f"{conf['BACKEND']}:{shown}"[:200]


def embedder() -> backends.Embedder:
    """The configured embedder, loaded once per process."""
    name = model_name()
    with _lock:
        if name not in _cache:
            _cache[name] = backends.load(_conf())
        return _cache[name]


def doc_of(row: FactCheck) -> claims.Doc:
    return claims.Doc(id=row.id, text=row.claim_reviewed, title=row.title, lang=row.language)


def to_bytes(vector: npt.NDArray[np.float32]) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(raw: bytes | memoryview) -> npt.NDArray[np.float32]:
    return np.frombuffer(bytes(raw), dtype=np.float32)


def embed_missing(*, limit: int = BATCH) -> int:
    """Embed up to `limit` fact-checks whose vector is missing or from another embedder."""
    name = model_name()
    rows = list(
        FactCheck.objects.exclude(embedding_model=name)
        .only("id", "claim_reviewed", "title", "language")
        .order_by("id")[:limit]
    )
    if not rows:
        return 0
    vectors = embedder().encode([claims.embed_text(doc_of(r)) for r in rows])
    for row, vector in zip(rows, vectors, strict=True):
        row.embedding = to_bytes(vector)
        row.embedding_model = name
    # bulk_update leaves updated_at alone: a new vector does not invalidate the match index.
    FactCheck.objects.bulk_update(rows, ["embedding", "embedding_model"], batch_size=BATCH)
    return len(rows)
