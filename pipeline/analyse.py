"""The CPU half of the listening pipeline: everything about a post that needs no storage.

normalise → language → URLs → dedupe key, exact hash, MinHash signature and narrative band
keys → watchlist hits. Storage (exact lookup, narrative assignment, scores) happens in
`sampark.monitoring.processing`, which calls `analyse_batch` outside its write lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipeline import dedupe, langid, text, urls, watch


@dataclass(slots=True)
class Analysis:
    lang: str
    urls: list[str]
    key: str  # dedupe key; "" when the post has nothing to compare (media only, empty)
    exact: int | None
    signature: np.ndarray | None
    bands: list[int]
    hits: list[watch.Hit] = field(default_factory=list)


class Analyser:
    """Holds the compiled parts (MinHasher, watch matcher) across batches."""

    def __init__(self, *, matcher: watch.Matcher | None = None) -> None:
        self.hasher = dedupe.MinHasher()
        self.bands, self.rows, self.threshold = dedupe.NARRATIVE
        self.near_threshold = dedupe.NEAR_DUP[2]
        self.matcher = matcher

    def analyse_batch(self, texts: list[str]) -> list[Analysis]:
        """Analyse a batch of post texts (same order)."""
        norms = [text.normalise(t) for t in texts]
        langs = langid.identify_batch(norms)
        keys = [dedupe.dedupe_key(n) for n in norms]
        with_key = [i for i, k in enumerate(keys) if k]
        sigs = self.hasher.signatures([keys[i] for i in with_key]) if with_key else None
        band_rows = (
            dedupe.band_hashes_batch(sigs, bands=self.bands, rows=self.rows)
            if sigs is not None
            else None
        )
        out: list[Analysis] = []
        row = 0
        for i, norm in enumerate(norms):
            key = keys[i]
            sig = None
            bands: list[int] = []
            if key and sigs is not None and band_rows is not None:
                sig = sigs[row]
                bands = band_rows[row].tolist()
                row += 1
            out.append(
                Analysis(
                    lang=langs[i],
                    urls=urls.canonical_all(norm),
                    key=key,
                    exact=dedupe.exact_hash(key) if key else None,
                    signature=sig,
                    bands=bands,
                    hits=self.matcher.match(norm) if self.matcher is not None else [],
                )
            )
        return out
