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
from pipeline.claims import Doc, HybridConfig, HybridMatcher, LexicalConfig, LexicalIndex
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
) -> dict[str, float | int]:
    """The metrics of one backend on one split, as the shell command prints them."""
    docs = read_vclaims(vclaims)
    texts = read_queries(queries)
    gold = read_qrels(qrels)
    matcher = build_matcher(docs, backend=backend, embedder=embedder)
    run = run_queries(matcher, texts)
    # Every query counts: one with no result is a miss (the scorer would drop it).
    result = evaluate(run, gold, queries=list(texts))
    return {k: int(v) if k == "queries" else round(v, 4) for k, v in result.items()}
