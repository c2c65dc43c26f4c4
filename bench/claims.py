"""Claim matching benchmark (issue #4): `python -m bench.claims` prints JSON.

- CheckThat! 2020 Task 2 test split (../shared/data/eval/checkthat2020-task2-en): MAP@1/3/5,
  success@1/5, lexical and (when sentence-transformers is importable) hybrid. Parameters were
  tuned on train+dev only.
- The Hindi/Hinglish set (bench/data/claims-hi), test split, same metrics.
- Thresholds calibrated on the dev splits: the top hit's score with its claim present
  (right or wrong) and with it absent (the best wrong hit), so "auto" holds on posts that
  repeat no fact-check.
- Latency at 2 lakh claims: the real claims plus generated variants (words dropped, shuffled
  and borrowed from other claims). Hybrid timing uses model vectors for the real claims and
  random unit vectors for the generated ones: the cost of re-scoring does not depend on the
  values, and embedding 2 lakh texts on this CPU takes most of an hour. A brute-force scan
  (term overlap with every doc) runs in the same process for comparison.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.backends import load
from pipeline.claims import (
    Doc,
    HybridMatcher,
    LexicalIndex,
    calibrate,
    embed_text,
    terms,
)
from pipeline.metrics import evaluate
from sampark.factcheck.evaluation import read_qrels, read_queries, read_vclaims, run_queries

ROOT = Path(__file__).resolve().parent.parent
CHECKTHAT = ROOT.parent / "shared" / "data" / "eval" / "checkthat2020-task2-en"
HINDI = ROOT / "bench" / "data" / "claims-hi"
CACHE = ROOT / "var" / "bench-cache"
QRELS = "tweet-vclaim-pairs.qrels"


def _split(root: Path, name: str) -> tuple[dict[int, str], dict[int, set[int]]]:
    return read_queries(root / name / "tweets.queries.tsv"), read_qrels(root / name / QRELS)


def _metrics(matcher: Any, queries: dict[int, str], gold: dict[int, set[int]]) -> dict[str, Any]:
    run = run_queries(matcher, queries)
    result = evaluate(run, gold, queries=list(queries))
    return {k: int(v) if k == "queries" else round(v, 4) for k, v in result.items()}


def _vectors(embedder: Any, docs: list[Doc], name: str) -> np.ndarray:
    """Doc vectors, cached on disk per data set (embedding 10k claims takes minutes)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-{getattr(embedder, 'model_name', 'model')}.npy"
    if path.exists():
        cached: np.ndarray = np.load(path)
        if len(cached) == len(docs):
            return cached
    vectors: np.ndarray = embedder.encode([embed_text(d) for d in docs])
    np.save(path, vectors)
    return vectors


def _samples(matcher: Any, queries: dict[int, str], gold: dict[int, set[int]]) -> list[Any]:
    """(score, correct) of the top hit with the claim present, and (score, False) without it."""
    out: list[tuple[float, bool]] = []
    for qid, text in queries.items():
        hits = matcher.search(text, 10)
        if not hits:
            continue
        relevant = gold.get(qid, set())
        out.append((hits[0].score, hits[0].id in relevant))
        wrong = [h.score for h in hits if h.id not in relevant]
        if wrong:
            out.append((wrong[0], False))
    return out


def _variants(docs: list[Doc], total: int, seed: int = 4) -> list[Doc]:
    rng = random.Random(seed)
    vocab = [w for d in docs[:2000] for w in d.text.split()]
    out = list(docs)
    next_id = max(d.id for d in docs) + 1
    while len(out) < total:
        base = rng.choice(docs).text.split()
        words = [w for w in base if rng.random() > 0.25]
        words += rng.sample(vocab, k=min(len(vocab), rng.randint(2, 6)))
        rng.shuffle(words)
        out.append(Doc(next_id, " ".join(words)))
        next_id += 1
    return out


def _timed(fn: Any, queries: list[str]) -> dict[str, float]:
    times = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
    }


def latency(
    parts: dict[str, list[Doc]], queries: list[str], *, total: int, embedder: Any
) -> dict[str, Any]:
    # Ids of each data set moved apart so they cannot collide.
    docs = [
        Doc(d.id + n * 10_000_000, d.text, d.title)
        for n, part in enumerate(parts.values())
        for d in part
    ]
    pool = _variants(docs, total)
    start = time.perf_counter()
    index = LexicalIndex()
    index.add(pool)
    index.build()
    out: dict[str, Any] = {"docs": len(pool), "build_s": round(time.perf_counter() - start, 1)}
    out["lexical"] = _timed(lambda q: index.search(q, 10), queries)
    # Brute force: term-overlap count with every doc, the scan a naive matcher would do.
    doc_terms = [frozenset(terms(d.text)) for d in pool]

    def brute(q: str) -> list[int]:
        qt = frozenset(terms(q))
        scores = [len(qt & t) for t in doc_terms]
        return sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:10]

    out["brute_force"] = _timed(brute, queries[:30])
    out["lexical_speedup"] = round(
        out["brute_force"]["median_ms"] / max(out["lexical"]["median_ms"], 1e-6), 1
    )
    if embedder is not None:
        rng = np.random.default_rng(4)
        real = np.vstack([_vectors(embedder, part, name) for name, part in parts.items()])
        fake = rng.standard_normal((len(pool) - len(docs), embedder.dim)).astype(np.float32)
        fake /= np.linalg.norm(fake, axis=1, keepdims=True)
        matcher = HybridMatcher(embedder, index=index)
        matcher.add(pool, vectors=np.vstack([real, fake]))
        matcher.search(queries[0], 10)  # build the matrix outside the timing
        out["hybrid"] = _timed(lambda q: matcher.search(q, 10), queries)
        out["hybrid_encode_only"] = _timed(lambda q: embedder.encode([q]), queries)
        out["hybrid_speedup"] = round(
            out["brute_force"]["median_ms"] / max(out["hybrid"]["median_ms"], 1e-6), 1
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--latency-queries", type=int, default=200)
    parser.add_argument("--no-hybrid", action="store_true")
    args = parser.parse_args()
    has_ml = importlib.util.find_spec("sentence_transformers") is not None and not args.no_hybrid
    embedder = load({"BACKEND": "pipeline.backends.sbert"}) if has_ml else None
    report: dict[str, Any] = {}

    ct_docs = read_vclaims(CHECKTHAT / "verified_claims.docs.tsv")
    hi_docs = read_vclaims(HINDI / "verified_claims.docs.tsv")
    for name, docs, root, tune in (
        ("checkthat2020_test", ct_docs, CHECKTHAT, "dev"),
        ("claims_hi_test", hi_docs, HINDI, "dev"),
    ):
        test_q, test_gold = _split(root, "test")
        dev_q, dev_gold = _split(root, tune)
        lexical = LexicalIndex()
        lexical.add(docs)
        section: dict[str, Any] = {"lexical": _metrics(lexical, test_q, test_gold)}
        t = calibrate(_samples(lexical, dev_q, dev_gold))
        section["lexical_thresholds"] = {"suggest": round(t.suggest, 4), "auto": round(t.auto, 4)}
        if embedder is not None:
            hybrid = HybridMatcher(embedder, index=LexicalIndex())
            hybrid.add(docs, vectors=_vectors(embedder, docs, name))
            section["hybrid"] = _metrics(hybrid, test_q, test_gold)
            t = calibrate(_samples(hybrid, dev_q, dev_gold))
            section["hybrid_thresholds"] = {
                "suggest": round(t.suggest, 4),
                "auto": round(t.auto, 4),
            }
        report[name] = section
        print(json.dumps({name: section}), flush=True)

    queries = list(_split(CHECKTHAT, "test")[0].values()) + list(_split(HINDI, "test")[0].values())
    queries = queries[: args.latency_queries]
    report["latency"] = latency(
        {"checkthat2020_test": ct_docs, "claims_hi_test": hi_docs},
        queries,
        total=args.docs,
        embedder=embedder,
    )
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
