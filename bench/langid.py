"""Language-id accuracy on public data in ../shared/data, read in place.

Run: `.venv/bin/python -m bench.langid` (prints JSON); `--split train` measures SentiMix's
train split instead, the only split the identifier may be tuned against.

Gold labels:
- SentiMix 2020 Hinglish (CoNLL files, token tags Hin/Eng/O): the tweet text is rebuilt from
  its tokens ("@ name" → "@name", "https // t . co / x" → "https://t.co/x", emoji mojibake
  in the test file repaired). Only word tokens count: Latin-letter tokens that are not a
  mention, hashtag, URL piece or "RT". With h Hin-tagged and e Eng-tagged words: hinglish when
  h ≥ 2 and h/(h+e) ≥ 0.4, en when h/(h+e) < 0.2 and h+e ≥ 3; anything between is left out as
  ambiguous (the tags are noisy: names and slang are tagged either way). Tweets with more than
  20 % non-Latin letters are left out too (their language is Urdu, Gurmukhi or Hindi in
  Devanagari, which the tags do not describe).
- CONSTRAINT 2021 Hindi hostile posts (test split): hi.
- CheckThat! 2020 task 2 English tweets (test split): en.
Short texts: the first 3–6 words of each item (after mentions, hashtags and links). SentiMix
prefixes get their gold label again from their own tags with the rule above; Hindi prefixes
keep theirs when at least half their words are Devanagari (else they are left out: "Moto G9
Plus" opening a Hindi headline is not Hindi); English prefixes keep theirs.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SENTIMIX = DATA / "text" / "sentimix2020-hinglish"
SENTIMIX_FILES = {
    "train": "Hinglish_train_14k_split_conll.txt",
    "dev": "Hinglish_dev_3k_split_conll.txt",
    "test": "Hinglish_test_unlabelled_conll_updated.txt",
}
HINDI = DATA / "eval" / "constraint2021-hindi-hostile"
ENGLISH = DATA / "eval" / "checkthat2020-task2-en"
CLASSES = ("hi", "en", "hinglish", "other", "")

_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_URL_PIECE = re.compile(r"^(?://|/|\.|t|co|tco|www|com|…)$")
_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152-\u2122]")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
_SHORT_NOISE = re.compile(r"[@#]\S+|https?://\S+|\bRT\b")


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    gold: str
    source: str
    # SentiMix only: (token, tag) pairs, so a prefix can be labelled from its own tags.
    tagged: tuple[tuple[str, str], ...] = ()


def _repair(token: str) -> str:
    """Undo UTF-8 read as cp1252 (the SentiMix test file has its emoji as 'ðŸ˜…')."""
    if not _MOJIBAKE.search(token):
        return token
    raw = bytearray()
    for ch in token:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return token
            raw.append(ord(ch))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return token


def read_conll(path: Path) -> list[list[tuple[str, str]]]:
    """Tweets as lists of (token, tag)."""
    tweets: list[list[tuple[str, str]]] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "meta":
                tweets.append([])
            elif len(parts) >= 2 and tweets and parts[0]:
                tweets[-1].append((_repair(parts[0]), parts[1]))
    return tweets


def rebuild(tagged: Iterable[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """Tweet text as it was typed, and its word tokens with their tags."""
    tokens = list(tagged)
    out: list[str] = []
    words: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        tok, tag = tokens[i]
        i += 1
        if tok in ("@", "#") and i < len(tokens):
            # "@ name _ part" was one mention: glue the name and its underscore parts.
            piece = tok + tokens[i][0]
            i += 1
            while i + 1 < len(tokens) and tokens[i][0] == "_":
                piece += "_" + tokens[i + 1][0]
                i += 2
            out.append(piece)
            continue
        if tok.lower() in ("http", "https"):
            piece = tok
            while i < len(tokens) and (
                _URL_PIECE.match(tokens[i][0]) or tokens[i - 1][0] in ("/", "//", ".")
            ):
                piece += {"//": "://"}.get(tokens[i][0], tokens[i][0])
                i += 1
            out.append(piece)
            continue
        out.append(tok)
        if _LATIN_WORD.fullmatch(tok) and tok != "RT":
            words.append((tok, tag))
    return " ".join(out), words


def gold_label(words: list[tuple[str, str]]) -> str | None:
    """hinglish / en from Hin and Eng word tags, None when ambiguous (see module doc)."""
    h = sum(1 for _, tag in words if tag == "Hin")
    e = sum(1 for _, tag in words if tag == "Eng")
    if h + e == 0:
        return None
    share = h / (h + e)
    if h >= 2 and share >= 0.4:
        return "hinglish"
    if share < 0.2 and h + e >= 3:
        return "en"
    return None


def _non_latin_share(text: str) -> float:
    letters = [c for c in re.sub(r"https?://\S+|[@#]\S+", " ", text) if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if not c.isascii()) / len(letters)


def sentimix(split: str) -> tuple[list[Item], int]:
    """(items, number left out as ambiguous) for one SentiMix split."""
    path = SENTIMIX / SENTIMIX_FILES[split]
    if not path.exists():
        return [], 0
    items: list[Item] = []
    left_out = 0
    for tagged in read_conll(path):
        text, words = rebuild(tagged)
        label = gold_label(words)
        if label is None or _non_latin_share(text) > 0.2:
            left_out += 1
            continue
        items.append(Item(text, label, f"sentimix-{split}", tuple(words)))
    return items, left_out


def constraint_hindi(split: str = "test") -> list[Item]:
    path = HINDI / f"{split}.csv"
    if not path.exists():
        return []
    # Long posts: lift csv's field limit for this file only (the importers rely on the default).
    previous = csv.field_size_limit(sys.maxsize)
    try:
        with path.open(encoding="utf-8") as fh:
            return [
                Item(row["Post"], "hi", "constraint-hi")
                for row in csv.DictReader(fh)
                if row["Post"].strip()
            ]
    finally:
        csv.field_size_limit(previous)


def checkthat_english(split: str = "test") -> list[Item]:
    path = ENGLISH / split / "tweets.queries.tsv"
    if not path.exists():
        return []
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and parts[0].isdigit():
                out.append(Item(parts[1], "en", "checkthat-en"))
    return out


def shorten(items: list[Item], *, seed: int = 2) -> list[Item]:
    """The first 3–6 words of each item, relabelled from their own tags for SentiMix."""
    rng = random.Random(seed)
    out = []
    for item in items:
        words = [w for w in _SHORT_NOISE.sub(" ", item.text).split() if any(c.isalpha() for c in w)]
        if len(words) < 3:
            continue
        size = rng.randint(3, 6)
        text = " ".join(words[:size])
        gold = item.gold
        if item.tagged:
            relabelled = gold_label(list(item.tagged[:size]))
            # The prefix must be the same words the tags describe.
            if relabelled is None or [w for w, _ in item.tagged[:size]] != words[:size]:
                continue
            gold = relabelled
        elif gold == "hi" and 2 * sum(1 for w in words[:size] if _DEVANAGARI.search(w)) < size:
            # "Moto G9 Plus" opening a Hindi headline is not Hindi: not a fair question.
            continue
        out.append(Item(text, gold, item.source))
    return out


def score(items: list[Item]) -> dict[str, Any]:
    """Accuracy, per-class recall, confusion matrix (gold → predicted) and speed."""
    from pipeline.langid import identify_batch

    texts = [item.text for item in items]
    started = time.perf_counter()
    predicted = identify_batch(texts)
    elapsed = time.perf_counter() - started
    confusion: dict[str, Counter[str]] = defaultdict(Counter)
    for item, got in zip(items, predicted, strict=True):
        confusion[item.gold][got] += 1
    per_class = {k: round(c[k] / sum(c.values()), 4) for k, c in sorted(confusion.items())}
    correct = sum(c[k] for k, c in confusion.items())
    return {
        "items": len(items),
        "accuracy": round(correct / max(1, len(items)), 4),
        "macro_accuracy": round(sum(per_class.values()) / max(1, len(per_class)), 4),
        "per_class": per_class,
        "confusion": {k: dict(c.most_common()) for k, c in sorted(confusion.items())},
        "posts_per_s": round(len(items) / elapsed) if elapsed else None,
    }


def evaluation_items(
    splits: tuple[str, ...] = ("dev", "test"),
) -> tuple[list[Item], dict[str, int]]:
    """Gold items for the given SentiMix splits plus the Hindi and English sets (their test
    splits, or their train splits when measuring SentiMix train)."""
    items: list[Item] = []
    left_out: dict[str, int] = {}
    for split in splits:
        found, skipped = sentimix(split)
        items += found
        left_out[f"sentimix-{split}"] = skipped
    other_split = "train" if splits == ("train",) else "test"
    items += constraint_hindi(other_split)
    items += checkthat_english(other_split)
    return items, left_out


def sample(items: list[Item], *, per_source: int, seed: int = 7) -> list[Item]:
    """Up to `per_source` items of each source and gold label (for quick checks in tests)."""
    groups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        groups[(item.source, item.gold)].append(item)
    rng = random.Random(seed)
    out: list[Item] = []
    for key in sorted(groups):
        group = groups[key]
        out += rng.sample(group, min(per_source, len(group)))
    return out


def report(splits: tuple[str, ...] = ("dev", "test")) -> dict[str, Any]:
    """The whole measurement as a JSON-able dict."""
    items, left_out = evaluation_items(splits)
    if not items:
        raise SystemExit(f"no evaluation data under {DATA}")
    by_source: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_source[item.source].append(item)
    return {
        "gold_rule": "sentimix: hinglish if Hin words >= 2 and >= 40%, en if < 20% (see doc)",
        "left_out_ambiguous": left_out,
        "overall": score(items),
        "by_source": {name: score(group) for name, group in sorted(by_source.items())},
        "short_3_to_6_words": score(shorten(items)),
    }


# Typical ~200-character posts, one per kind, for the per-stage timing.
SAMPLE_POSTS = (
    "Modi ji ne aaj Lucknow me rally ki, bahut log aaye the! EVM hack ka afwah phail raha hai. "
    "https://bit.ly/abc123 dekhiye 😂😂 #Election2024 @someone sab jhooth hai bhai, vote zaroor dena."
    " Jai Hind!!",
    "मोदी जी ने आज लखनऊ में रैली की, बहुत लोग आए थे! ईवीएम हैक की अफ़वाह फैल रही है। "
    "https://bit.ly/abc123 देखिए 😂😂 #चुनाव2024 @someone सब झूठ है भाई, वोट ज़रूर देना। कल फिर"
    " मिलेंगे, सब आना। जय हिंद",
    "PM Modi addressed a huge rally in Lucknow today; fake claims about EVM hacking are spreading"
    " on WhatsApp again. Read the fact-check: https://www.example.com/news/evm?utm_source=wa #Fact"
    "Check now",
)
WATCH_TERMS = (
    "मोदी", "योगी", "राहुल गांधी", "अखिलेश", "ईवीएम हैक", "evm hack", "बूथ कैप्चरिंग",
    "2000 ka note", "पेपर लीक", "paper leak", "चुनाव आयोग", "kisan andolan", "महंगाई",
    "berozgari", "ज़हर", "दंगा", "ram mandir", "bjp", "sp", "bsp", "congress",
)  # fmt: skip


def _matcher(terms: int) -> Any:
    from pipeline import watch

    watch_terms = [watch.Term(1, k, t) for k, t in enumerate(WATCH_TERMS)]
    # Thousands of distinct terms that rarely match, like a real set of watchlists.
    rng = random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for k in range(terms - len(watch_terms)):
        words = [
            "".join(rng.choices(letters, k=rng.randint(4, 9))) for _ in range(rng.randint(1, 3))
        ]
        watch_terms.append(watch.Term(2 + k % 50, 1000 + k, " ".join(words)))
    return watch.Matcher(watch_terms)


def stage_timing(texts: list[str], *, terms: int = 3000, rounds: int = 2000) -> dict[str, Any]:
    """µs per post for normalise → identify → tokens → canonical_all → match, with a matcher
    of `terms` watch terms: on each sample post (warm caches, best of five runs), and over
    `texts` once with empty caches (every word new to the transliteration and word caches)
    and once more warm."""
    from pipeline import langid, text, translit, urls

    matcher = _matcher(terms)

    def stages(post: str) -> None:
        norm = text.normalise(post)
        langid.identify(norm)
        text.tokens(norm)
        urls.canonical_all(norm)
        matcher.match(norm)

    out: dict[str, Any] = {"terms": terms}
    for post in SAMPLE_POSTS:
        stages(post)
        best = float("inf")
        for _ in range(5):
            started = time.process_time()
            for _ in range(rounds):
                stages(post)
            best = min(best, (time.process_time() - started) / rounds)
        out[f"{langid.identify(post)} ({len(post)} chars)"] = round(best * 1e6, 1)
    if texts:
        translit._CACHE.clear()
        langid._UNKNOWN.clear()
        matcher = _matcher(terms)
        for label in ("stream_cold", "stream_warm"):
            started = time.process_time()
            for post in texts:
                stages(post)
            elapsed = time.process_time() - started
            out[label] = round(elapsed / len(texts) * 1e6, 1)
        out["stream_posts"] = len(texts)
        out["stream_mean_chars"] = round(sum(map(len, texts)) / len(texts))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev-test", "train"), default="dev-test")
    args = parser.parse_args()
    splits = ("train",) if args.split == "train" else ("dev", "test")
    result = report(splits)
    texts = [item.text for item in evaluation_items(splits)[0]]
    result["stages_us_per_post"] = stage_timing(texts)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
