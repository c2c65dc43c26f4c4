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
        """Analyse a batch of post texts (same order).

        The text stages run post by post (text.normalise and tokens memoise the last text,
        so language id, URLs and watch matching share one normalisation); only the MinHash
        signatures and band keys are computed for the whole batch at once.
        """
        out: list[Analysis] = []
        for raw in texts:
            norm = text.normalise(raw)
            key = dedupe.dedupe_key(norm)
            out.append(
                Analysis(
                    lang=langid.identify(norm),
                    urls=urls.canonical_all(norm),
                    key=key,
                    exact=dedupe.exact_hash(key) if key else None,
                    signature=None,
                    bands=[],
                    hits=self.matcher.match(norm) if self.matcher is not None else [],
                )
            )
        keyed = [a for a in out if a.key]
        if keyed:
            sigs = self.hasher.signatures([a.key for a in keyed])
            band_rows = dedupe.band_hashes_batch(sigs, bands=self.bands, rows=self.rows)
            for n, a in enumerate(keyed):
                # A copy, not a view: a cached row would keep its whole batch matrix alive
                # (the 1-million-post run's memory grew by that, batch after batch).
                a.signature = sigs[n].copy()
                a.bands = band_rows[n].tolist()
        return out
