"""The organisation's own texts (issue #17): kits it sent, narratives it marked as its own.

Content sits above listening, so listening cannot look kits up; instead content registers the
text of each kit it approves (`services.register_own_content`), and the war room's "this is
ours" on a narrative registers that narrative's wordings. The pipeline keeps the registry in
memory (`OwnIndex`, refreshed by id each batch) and a narrative born from a near duplicate of
a registered text (the same dedupe key, or estimated Jaccard ≥ the near-duplicate threshold)
starts as `ours`: counted like any other, never a fast-growth or watch alert, so never an
incident.
"""

from __future__ import annotations

import numpy as np
from django.db import transaction

from pipeline import dedupe, text
from pipeline.analyse import Analysis
from sampark.monitoring.enums import NarrativeStatus
from sampark.monitoring.models import Fingerprint, Narrative, OwnContent, Source

_HASHER = dedupe.MinHasher()
PARAMS = dedupe.NEAR_DUP


def fingerprint(raw: str) -> tuple[str, int, np.ndarray] | None:
    """(dedupe key, exact hash, MinHash signature) of a text; None when nothing to compare."""
    key = dedupe.dedupe_key(text.normalise(raw))
    if not key:
        return None
    return key, dedupe.exact_hash(key), _HASHER.signatures([key])[0]


def register(*, raw: str, label: str, source_ref: str) -> bool:
    """Record one own text; also marks `ours` any active narrative already holding it exactly.
    Returns False for a text with nothing to compare or one registered before."""
    found = fingerprint(raw)
    if found is None:
        return False
    _, exact, sig = found
    with transaction.atomic():
        known = OwnContent.objects.filter(key=exact).exists()
        OwnContent.objects.bulk_create(
            [
                OwnContent(
                    key=exact,
                    signature=dedupe.signature_to_bytes(sig),
                    label=label[:20],
                    source_ref=source_ref[:100],
                    excerpt=" ".join(raw.split())[:200],
                )
            ],
            ignore_conflicts=True,
        )
        narratives = Fingerprint.objects.filter(key=exact, narrative__isnull=False).values(
            "narrative_id"
        )
        Narrative.objects.filter(id__in=narratives, status=NarrativeStatus.ACTIVE).update(
            status=NarrativeStatus.ORGANISATIONAL
        )
    return not known


def unregister(*, source_ref: str) -> int:
    """Forget the texts registered under one reference (a narrative marked active again)."""
    return OwnContent.objects.filter(source_ref=source_ref).delete()[0]


def organisational_source_ids() -> set[int]:
    """Sources the state marked organisational (`Source.config["organisational"]`): their
    posts are counted, but a narrative they start never raises a fast-growth alert."""
    return set(Source.objects.filter(config__organisational=True).values_list("id", flat=True))


class OwnIndex:
    """The registry in memory: exact keys and an LSH index of signatures, grown by id."""

    def __init__(self) -> None:
        self.upto = 0
        self.exact: set[int] = set()
        self.sigs: list[np.ndarray] = []
        self.lsh = dedupe.LSHIndex(bands=PARAMS.bands, rows=PARAMS.rows)
        self.sources: set[int] = set()

    def refresh(self) -> None:
        """Load texts registered since the last call, and the organisational sources."""
        rows = OwnContent.objects.filter(id__gt=self.upto).order_by("id")
        for oid, key, raw_sig in rows.values_list("id", "key", "signature"):
            self.upto = oid
            self.exact.add(int(key))
            self.lsh.add(len(self.sigs), dedupe.signature_from_bytes(bytes(raw_sig)))
            self.sigs.append(dedupe.signature_from_bytes(bytes(raw_sig)))
        self.sources = organisational_source_ids()

    def is_ours(self, analysis: Analysis | None, source_id: int | None) -> bool:
        """Whether a post is the organisation's own: from its channel, or a (near) copy of a
        registered text."""
        if source_id in self.sources:
            return True
        if analysis is None or analysis.exact is None:
            return False
        if analysis.exact in self.exact:
            return True
        if analysis.signature is None or not self.sigs:
            return False
        return any(
            dedupe.similarity(analysis.signature, self.sigs[i]) >= PARAMS.threshold
            for i in self.lsh.query(analysis.signature)
        )
