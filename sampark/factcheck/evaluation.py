"""Evaluation of claim matching on the CheckThat! 2020 Task 2 layout (no Django, no database).

verified_claims.docs.tsv: header, then id, vclaim, title; tweets.queries.tsv: header, then id,
text; qrels: `qid 0 vclaim_id 1` (space or tab separated). The TSVs quote fields the way pandas
writes them (double quotes, "" inside), which the csv module reads the same way.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.backends import load
from pipeline.claims import (
    Doc,
    HybridConfig,
    HybridMatcher,
    LexicalConfig,
    LexicalIndex,
    Thresholds,
    band,
)
from pipeline.metrics import evaluate

SBERT = {"BACKEND": "pipeline.backends.sbert", "OPTIONS": {}}


def _rows(path: Path) -> list[list[str]]:
    # The CheckThat! files hold long fields. The limit is process-wide: lift it only while
    # reading them, so uploads elsewhere keep the 128 KB cap per field (issue #12).
    previous = csv.field_size_limit(sys.maxsize)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))
    finally:
        csv.field_size_limit(previous)
    return [r for r in rows[1:] if r and r[0].strip()]


def read_vclaims(path: Path) -> list[Doc]:
    """Verified claims as Docs (title optional)."""
    return [Doc(id=int(r[0]), text=r[1], title=r[2] if len(r) > 2 else "") for r in _rows(path)]


def read_queries(path: Path) -> dict[int, str]:
    """Query id → text."""
    return {int(r[0]): r[1] if len(r) > 1 else "" for r in _rows(path)}


def read_qrels(path: Path) -> dict[int, set[int]]:
    """Query id → relevant vclaim ids (lines whose relevance is above 0)."""
    out: dict[int, set[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) < 4 or not parts[0].lstrip("-").isdigit():
            continue
        if float(parts[3]) > 0:
            out.setdefault(int(parts[0]), set()).add(int(parts[2]))
    return out


def build_matcher(
    docs: list[Doc],
    *,
    backend: str = "lexical",
    embedder: Mapping[str, Any] | None = None,
    lexical: LexicalConfig | None = None,
    hybrid: HybridConfig | None = None,
) -> LexicalIndex | HybridMatcher:
    """A lexical index, or a hybrid matcher with the given embedder conf (sbert by default)."""
    index = LexicalIndex(lexical)
    if backend == "lexical":
        index.add(docs)
        index.build()
        return index
    if backend != "hybrid":
        raise ValueError(f"unknown backend {backend!r}")
    matcher = HybridMatcher(load(embedder or SBERT), index=index, config=hybrid)
    matcher.add(docs)
    return matcher


def run_queries(
    matcher: LexicalIndex | HybridMatcher, queries: Mapping[int, str], *, depth: int = 10
) -> dict[int, list[tuple[int, float]]]:
    """Query id → [(doc id, score)], best first."""
    return {
        qid: [(h.id, h.score) for h in matcher.search(text, depth)] for qid, text in queries.items()
    }


def evaluate_files(
    *,
    vclaims: Path,
    queries: Path,
    qrels: Path,
    backend: str = "lexical",
    embedder: Mapping[str, Any] | None = None,
    negatives: Path | None = None,
    thresholds: Thresholds | None = None,
) -> dict[str, float | int]:
    """The metrics of one backend on one split, as the shell command prints them; with
    `thresholds`, how the bands fall on the queries, and with `negatives` (a queries TSV of
    messages that repeat no claim) how many of those reach a band."""
    docs = read_vclaims(vclaims)
    texts = read_queries(queries)
    gold = read_qrels(qrels)
    matcher = build_matcher(docs, backend=backend, embedder=embedder)
    run = run_queries(matcher, texts)
    # Every query counts: one with no result is a miss (the scorer would drop it).
    result = evaluate(run, gold, queries=list(texts))
    out: dict[str, float | int] = {
        k: int(v) if k == "queries" else round(v, 4) for k, v in result.items()
    }
    if thresholds is not None:
        out.update(band_figures(run, texts, gold, thresholds))
        if negatives is not None:
            out.update(negative_figures(matcher, read_queries(negatives), thresholds))
    return out


def band_figures(
    run: Mapping[int, list[tuple[int, float]]],
    texts: Mapping[int, str],
    gold: Mapping[int, set[int]],
    thresholds: Thresholds,
) -> dict[str, float | int]:
    """How many top matches of the queries reach each band, and how many of those are right."""
    counts = {"auto": 0, "suggest": 0}
    right = {"auto": 0, "suggest": 0}
    for qid, text in texts.items():
        hits = run.get(qid) or []
        found = band(hits[0][1], text, thresholds) if hits else None
        if found is None:
            continue
        counts[found] += 1
        right[found] += int(hits[0][0] in gold.get(qid, set()))
    return {
        "auto": counts["auto"],
        "auto_precision": round(right["auto"] / counts["auto"], 4) if counts["auto"] else 1.0,
        "suggest": counts["suggest"],
        "suggest_precision": (
            round(right["suggest"] / counts["suggest"], 4) if counts["suggest"] else 1.0
        ),
    }


def negative_figures(
    matcher: LexicalIndex | HybridMatcher, texts: Mapping[int, str], thresholds: Thresholds
) -> dict[str, float | int]:
    """How many messages that repeat no claim would be answered ("auto") or shown ("suggest")."""
    counts = {"auto": 0, "suggest": 0}
    for text in texts.values():
        hits = matcher.search(text, 1)
        found = band(hits[0].score, text, thresholds) if hits else None
        if found is not None:
            counts[found] += 1
    n = len(texts)
    return {
        "negatives": n,
        "auto_on_negatives": counts["auto"],
        "suggest_on_negatives": counts["suggest"],
        "suggest_on_negatives_share": round(counts["suggest"] / n, 4) if n else 0.0,
    }
