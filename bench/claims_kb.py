"""Claim matching against a real-sized knowledge base (issue #17): `python -m bench.claims_kb`.

Each set is searched against its own claims plus the other set's claims plus every CheckThat!
claim as distractors: the Hindi/Hinglish forwards against 150 + 10,369 claims, the CheckThat!
tweets against 10,369 + 150. Ids of the Hindi set are moved by `HINDI_OFFSET` so they cannot
collide with CheckThat!'s. `--split dev` is for tuning; `--split test` is run once, at the end.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from pipeline.claims import Doc, HybridMatcher, LexicalIndex
from pipeline.metrics import evaluate
from sampark.factcheck.evaluation import read_qrels, read_queries, read_vclaims, run_queries

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__import__("os").environ.get("SAMPARK_DATA_DIR", ROOT.parent / "shared" / "data"))
CHECKTHAT = DATA / "eval" / "checkthat2020-task2-en"
HINDI = ROOT / "bench" / "data" / "claims-hi"
QRELS = "tweet-vclaim-pairs.qrels"
HINDI_OFFSET = 1_000_000


def knowledge_base() -> list[Doc]:
    """CheckThat!'s claims and the Hindi set's claims (ids moved by HINDI_OFFSET)."""
    ct = read_vclaims(CHECKTHAT / "verified_claims.docs.tsv")
    hi = read_vclaims(HINDI / "verified_claims.docs.tsv")
    return ct + [Doc(d.id + HINDI_OFFSET, d.text, d.title, d.lang) for d in hi]


def split(name: str, part: str) -> tuple[dict[int, str], dict[int, set[int]]]:
    """Queries and gold of one split of one set ("hi" or "checkthat"), ids as in the KB."""
    if name == "checkthat":
        root, offset = CHECKTHAT, 0
    else:
        root, offset = HINDI, HINDI_OFFSET
    queries = read_queries(root / part / "tweets.queries.tsv")
    gold = read_qrels(root / part / QRELS)
    return queries, {q: {c + offset for c in cs} for q, cs in gold.items()}


def metrics(matcher: Any, queries: dict[int, str], gold: dict[int, set[int]]) -> dict[str, Any]:
    run = run_queries(matcher, queries)
    result = evaluate(run, gold, queries=list(queries))
    return {k: int(v) if k == "queries" else round(v, 4) for k, v in result.items()}


def misses(
    matcher: Any, queries: dict[int, str], gold: dict[int, set[int]]
) -> list[dict[str, Any]]:
    out = []
    for qid, text in queries.items():
        hits = matcher.search(text, 5)
        if not hits or hits[0].id not in gold.get(qid, set()):
            out.append(
                {
                    "qid": qid,
                    "text": text,
                    "got": [h.id for h in hits[:3]],
                    "gold": sorted(gold.get(qid, set())),
                }
            )
    return out


def run(
    *, part: str = "dev", model: str | None = None, show_misses: bool = False
) -> dict[str, Any]:
    """Figures of both sets on one split, lexical and (with `model`, a sentence-transformers
    name or local folder, e.g. a multilingual MiniLM) hybrid, against the whole KB."""
    docs = knowledge_base()
    start = time.perf_counter()
    index = LexicalIndex()
    index.add(docs)
    index.build()
    report: dict[str, Any] = {"docs": len(docs), "build_s": round(time.perf_counter() - start, 2)}
    matchers: dict[str, Any] = {"lexical": index}
    if model:
        from pipeline.backends import load

        embedder = load({"BACKEND": "pipeline.backends.sbert", "OPTIONS": {"model": model}})
        hybrid = HybridMatcher(embedder, index=LexicalIndex())
        hybrid.add(docs)
        matchers["hybrid"] = hybrid
    for name in ("hi", "checkthat"):
        queries, gold = split(name, part)
        for kind, matcher in matchers.items():
            report[f"{name}_{kind}"] = metrics(matcher, queries, gold)
        if show_misses and name == "hi":
            report["hi_misses"] = misses(index, queries, gold)
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=["dev", "test", "train"], default="dev")
    parser.add_argument("--model", help="sentence-transformers model name or local folder")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    report = run(part=args.split, model=args.model, show_misses=args.misses)
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
