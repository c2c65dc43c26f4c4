"""Ranking metrics as the CheckThat! 2020 Task 2 scorer computes them.

The scorer (sshaar/clef2020-factchecking-task2, evaluate.py) reads the run and qrels with
trectools and calls `TrecEval.get_map(depth=k)` (trectools/trec_eval.py). Its definition:
- each query's run is sorted by score descending, ties by docid descending (trec_eval order),
  and cut at depth k;
- AP@k = sum over relevant docs in the top k of (relevant docs so far / rank), divided by the
  query's number of relevant docs in the qrels (all of them, not min(R, k));
- MAP@k = sum of AP@k / number of queries in the run (queries with no relevant doc add 0).
success@k (trec_eval's success_k; the 2020 scorer does not print it) is the share of those
queries with a relevant doc in the top k. With one relevant claim per query,
MAP@1 = success@1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

Run = Mapping[int, Sequence[tuple[int, float]]]
Qrels = Mapping[int, set[int]]


def ranked(results: Iterable[tuple[int, float]]) -> list[int]:
    """Doc ids in the scorer's order: score descending, then doc id descending."""
    return [doc for doc, _ in sorted(results, key=lambda r: (-r[1], -r[0]))]


def average_precision(ranking: Sequence[int], relevant: set[int], k: int) -> float:
    """AP@k of one ranking (already in order) against its relevant docs."""
    if not relevant:
        return 0.0
    found, total = 0, 0.0
    for rank, doc in enumerate(ranking[:k], start=1):
        if doc in relevant:
            found += 1
            total += found / rank
    return total / len(relevant)


def success(ranking: Sequence[int], relevant: set[int], k: int) -> float:
    """1.0 when a relevant doc is in the top k."""
    return 1.0 if any(doc in relevant for doc in ranking[:k]) else 0.0


def evaluate(
    run: Run,
    qrels: Qrels,
    *,
    queries: Iterable[int] | None = None,
    map_depths: Sequence[int] = (1, 3, 5),
    success_depths: Sequence[int] = (1, 5),
) -> dict[str, float]:
    """{"queries": n, "map@k": …, "success@k": …} over the queries.

    `queries` defaults to the run's queries that have at least one result, as the scorer counts
    them (trectools' `run.topics()`); pass every query id to count an empty result as a miss.
    """
    qids = list(queries) if queries is not None else [q for q, r in run.items() if r]
    out: dict[str, float] = {"queries": float(len(qids))}
    rankings = {q: ranked(run.get(q, ())) for q in qids}
    n = len(qids) or 1
    for k in map_depths:
        total = sum(average_precision(rankings[q], qrels.get(q, set()), k) for q in qids)
        out[f"map@{k}"] = total / n
    for k in success_depths:
        total = sum(success(rankings[q], qrels.get(q, set()), k) for q in qids)
        out[f"success@{k}"] = total / n
    return out
