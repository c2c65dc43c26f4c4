"""A negatives set for claim matching (issue #17): real chatter that repeats no fact-check.

`python -m bench.negatives [--out var/negatives]` writes `dev.tsv` and `test.tsv` (id, text;
the layout of `tweets.queries.tsv`), read in place from the shared data (never copied into
the repository):
- CONSTRAINT 2021 Hindi posts labelled non-hostile (news, greetings, condolences), all splits;
- SentiMix 2020 Hinglish tweets (any sentiment: chatter, cricket, films, politics);
- the WhatsApp sample chats' messages (Lorem-ipsum chats left out: not language).
Texts of fewer than five words are dropped (the matcher gives them no band worth judging).
Each text goes to dev or test by a hash of its source and id, so the split is stable.
`--calibrate dev` searches the dev negatives and both sets' dev positives against the whole
knowledge base (bench.claims_kb) and prints the shipped bands' figures and the floors that keep
auto at 0 and suggest at most 10% on the negatives with auto precision 1.0 on the positives.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.claims_kb import DATA, ROOT, knowledge_base, split
from pipeline.claims import MIN_AUTO_WORDS, LexicalIndex, Thresholds, word_count
from pipeline.whatsapp import parse_text
from sampark.factcheck.evaluation import (
    band_figures,
    negative_figures,
    read_queries,
    run_queries,
)

# The shipped bands (settings.SAMPARK_CLAIM_MATCH defaults, factcheck DEFAULT_THRESHOLDS).
SHIPPED = Thresholds(suggest=0.25, auto=0.6)
PER_SOURCE = 600
MIN_WORDS = 5


def _constraint() -> Iterator[tuple[str, str]]:
    root = DATA / "eval" / "constraint2021-hindi-hostile"
    for name in ("train.csv", "valid.csv", "test.csv"):
        path = root / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                labels = (row.get("Labels Set") or "").strip().lower()
                if labels == "non-hostile":
                    yield f"constraint:{name}:{row.get('Unique ID')}", row.get("Post") or ""


def _sentimix() -> Iterator[tuple[str, str]]:
    path = DATA / "text" / "sentimix2020-hinglish" / "sentimix_hinglish_flat.tsv"
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            yield f"sentimix:{row['split']}:{row['uid']}", row["text"]


def _whatsapp() -> Iterator[tuple[str, str]]:
    for path in sorted((DATA / "whatsapp-samples").glob("*.txt")):
        if "lorem" in path.name:
            continue
        parsed = parse_text(path.read_text(encoding="utf-8"))
        for n, message in enumerate(parsed.messages):
            yield f"whatsapp:{path.stem}:{n}", message.text


def _key(source_id: str) -> int:
    return int.from_bytes(hashlib.sha256(source_id.encode()).digest()[:8], "big")


def collect() -> dict[str, list[tuple[int, str]]]:
    """{"dev": [(id, text)], "test": [...]}: up to PER_SOURCE texts per source, stable."""
    out: dict[str, list[tuple[int, str]]] = {"dev": [], "test": []}
    next_id = 1
    for source in (_constraint, _sentimix, _whatsapp):
        rows = [
            (sid, " ".join(text.split())) for sid, text in source() if word_count(text) >= MIN_WORDS
        ]
        rows.sort(key=lambda r: _key(r[0]))
        for sid, text in rows[:PER_SOURCE]:
            out["dev" if _key(sid) % 2 == 0 else "test"].append((next_id, text))
            next_id += 1
    return out


def write(out_dir: Path) -> dict[str, int]:
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for part, rows in collect().items():
        with (out_dir / f"{part}.tsv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(["", "text"])
            writer.writerows(rows)
        counts[part] = len(rows)
    return counts


def calibrate(out_dir: Path, part: str = "dev") -> dict[str, Any]:
    """Floors the bands may take on this split (auto above every negative and every wrong top
    match of eight words or more; suggest above 90% of negatives), and the figures of the
    shipped bands: positives of both sets against the whole KB, and the negatives."""
    index = LexicalIndex()
    index.add(knowledge_base())
    index.build()
    negatives = read_queries(out_dir / f"{part}.tsv")
    neg = []
    for text in negatives.values():
        hits = index.search(text, 1)
        neg.append((hits[0].score if hits else 0.0, word_count(text) >= MIN_AUTO_WORDS))
    report: dict[str, Any] = {}
    wrong: list[float] = []
    for name in ("hi", "checkthat"):
        queries, gold = split(name, part)
        run = run_queries(index, queries, depth=1)
        report[name] = band_figures(run, queries, gold, SHIPPED)
        wrong += [
            hits[0][1]
            for qid, hits in run.items()
            if hits
            and hits[0][0] not in gold.get(qid, set())
            and word_count(queries[qid]) >= MIN_AUTO_WORDS
        ]
    report["negatives"] = negative_figures(index, negatives, SHIPPED)
    ordered = sorted(s for s, _ in neg)
    report["floors"] = {
        "suggest": round(ordered[int(0.9 * len(ordered))], 4),
        "auto": round(max([s for s, long in neg if long] + wrong), 4),
    }
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "negatives")
    parser.add_argument("--calibrate", choices=["dev", "test"])
    args = parser.parse_args()
    report: dict[str, Any] = {"written": write(args.out)}
    if args.calibrate:
        report["calibration"] = calibrate(args.out, args.calibrate)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
