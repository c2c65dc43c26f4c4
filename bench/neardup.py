"""Near-duplicate detection on forward chains built from real posts (issue #3), read in place.

Bases are real messages, ~200 per language:
- Hindi: CONSTRAINT 2021 hostile posts (`Post` column),
- Hinglish: SentiMix 2020 tweets rebuilt from the CoNLL tokens (≥ 30% of words tagged `Hin`),
- English: CheckThat! 2020 task 2 tweets.
Texts of ≥ 20 words come first; shorter ones (≥ 12 words) only fill a language up to its quota.
Bases that repeat each other (half of the shorter one's word trigrams inside the other, e.g. the
same news item posted by two accounts) are dropped: they are one message, not a negative pair.
Bases are picked in topic clusters (a shared hashtag, the same fact-checked claim, or two shared
rarer keywords), so many negative pairs are hard: same topic, different message.

Each base grows a forward tree: 4 variants, each made by applying 1–4 edits to the base or to an
earlier variant (so up to 4 generations deep), see `forward_chain_variant`. Pairs inside a tree
are duplicates; pairs across trees are not. The decision measured is the one the pipeline makes:
an LSH candidate (shares a band) whose estimated Jaccard ≥ threshold.

Splits (parameters are never chosen on the reported figures):
- tune: CONSTRAINT train.csv, SentiMix train, CheckThat train; edit seed 1. `--sweep` prints
  precision/recall for a grid of bands × rows × threshold; `dedupe.NEAR_DUP` and `NARRATIVE`
  were picked from it.
- report (default): CONSTRAINT valid.csv, SentiMix dev, CheckThat dev; edit seed 2.

Run: `.venv/bin/python -m bench.neardup [--split tune --sweep]` (prints JSON).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import dedupe

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LANGS = ("hi", "hinglish", "en")


@dataclass(frozen=True)
class Split:
    constraint: str  # file in eval/constraint2021-hindi-hostile
    sentimix: str  # CoNLL file in text/sentimix2020-hinglish
    checkthat: str  # folder in eval/checkthat2020-task2-en
    seed: int  # for picking bases and making forwards


SPLITS = {
    "tune": Split("train.csv", "Hinglish_train_14k_split_conll.txt", "train", seed=1),
    "report": Split("valid.csv", "Hinglish_dev_3k_split_conll.txt", "dev", seed=2),
}
VARIANTS = 4
_WORD = re.compile(r"[^\W_][\w\u0900-\u0963\u0966-\u097f]*")


@dataclass(frozen=True)
class Base:
    text: str
    lang: str
    source: str
    topics: frozenset[str] = frozenset()  # hashtags, claim ids, keywords: for hard negatives


# --- loading real texts ------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(unicodedata.normalize("NFC", text))]


def _content_words(text: str) -> list[str]:
    return [w for w in _words(re.sub(r"https?://\S+|[@#]\w+", " ", text)) if not w.isdigit()]


def _constraint(name: str) -> list[Base]:
    path = DATA / "eval" / "constraint2021-hindi-hostile" / name
    if not path.exists():
        return []
    # Long posts: lift csv's field limit for this file only (the importers rely on the default).
    previous = csv.field_size_limit(sys.maxsize)
    try:
        with path.open(encoding="utf-8") as fh:
            return [
                Base(text=row["Post"].strip(), lang="hi", source=f"constraint:{name}:{i}")
                for i, row in enumerate(csv.DictReader(fh))
                if row["Post"].strip()
            ]
    finally:
        csv.field_size_limit(previous)


def _rebuild_tweet(tokens: list[str]) -> str:
    """SentiMix splits tweets into tokens ("@ user", "https // t . co / x"); put them back."""
    text = " ".join(tokens)
    text = re.sub(r"https? // t \. ?co / (\S+)", r"https://t.co/\1", text)
    text = re.sub(r"https? // (\S+)", r"https://\1", text)
    text = re.sub(r"([@#]) (?=\w)", r"\1", text)
    text = re.sub(r"(?<=\w) _ (?=\w)", "_", text)
    text = re.sub(r" ([’']) (?=\w)", r"\1", text)
    text = re.sub(r" ([.,!?…:;)]+)", r"\1", text)
    return text


def _sentimix(name: str) -> list[Base]:
    path = DATA / "text" / "sentimix2020-hinglish" / name
    if not path.exists():
        return []
    out: list[Base] = []
    tokens: list[str] = []
    tags: list[str] = []
    uid = ""

    def flush() -> None:
        words = [t for t, g in zip(tokens, tags, strict=True) if g in ("Hin", "Eng")]
        hin = sum(1 for g in tags if g == "Hin")
        if words and hin / len(words) >= 0.3:
            out.append(Base(_rebuild_tweet(tokens), "hinglish", f"sentimix:{name}:{uid}"))

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "meta":
                if tokens:
                    flush()
                tokens, tags, uid = [], [], parts[1] if len(parts) > 1 else ""
            elif len(parts) >= 2 and parts[0]:
                tokens.append(parts[0])
                tags.append(parts[1])
    if tokens:
        flush()
    return out


def _checkthat(split: str) -> list[Base]:
    folder = DATA / "eval" / "checkthat2020-task2-en" / split
    path = folder / "tweets.queries.tsv"
    if not path.exists():
        return []
    claims: dict[str, str] = {}
    qrels = folder / "tweet-vclaim-pairs.qrels"
    if qrels.exists():
        for line in qrels.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 3:
                claims[parts[0]] = parts[2]
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        tweet_id, _, text = line.partition("\t")
        if tweet_id.isdigit() and text.strip():
            topics = frozenset({f"claim:{claims[tweet_id]}"} if tweet_id in claims else ())
            out.append(Base(text.strip().strip('"'), "en", f"checkthat:{split}:{tweet_id}", topics))
    return out


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def _distinct(bases: list[Base]) -> tuple[list[Base], int]:
    """Drop bases that repeat an earlier one (≥ half of the shorter's word trigrams shared)."""
    kept: list[Base] = []
    grams: list[set[tuple[str, ...]]] = []
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    dropped = 0
    for base in bases:
        g = _trigrams(_words(base.text))
        hits = Counter(j for t in g for j in index.get(t, ()))
        if any(n >= 0.5 * min(len(g), len(grams[j])) for j, n in hits.items()):
            dropped += 1
            continue
        for t in g:
            index[t].append(len(kept))
        kept.append(base)
        grams.append(g)
    return kept, dropped


def _with_topics(bases: list[Base]) -> list[Base]:
    """Add hashtags and rarer keywords (in 0.2%–2% of the language's texts) as topics."""
    docs = [set(_content_words(b.text)) for b in bases]
    df = Counter(w for d in docs for w in d)
    lo, hi = max(2, len(bases) // 500), max(3, len(bases) // 50)
    out = []
    for base, words in zip(bases, docs, strict=True):
        tags = {f"#{t.casefold()}" for t in re.findall(r"#(\w{3,})", base.text)}
        keys = {f"w:{w}" for w in words if len(w) >= 4 and lo <= df[w] <= hi}
        out.append(Base(base.text, base.lang, base.source, base.topics | tags | keys))
    return out


def hard_negative(a: Base, b: Base) -> bool:
    """Same topic, different message: a shared hashtag or claim, or two shared keywords."""
    shared = a.topics & b.topics
    return any(not t.startswith("w:") for t in shared) or len(shared) >= 2


def load_bases(*, rng: random.Random, split: str = "report", per_lang: int = 200) -> list[Base]:
    """~per_lang distinct real messages per language, in topic clusters (see module doc)."""
    files = SPLITS[split]
    pools = {
        "hi": _constraint(files.constraint),
        "hinglish": _sentimix(files.sentimix),
        "en": _checkthat(files.checkthat),
    }
    chosen: list[Base] = []
    for lang in LANGS:
        pool = [b for b in pools[lang] if len(_content_words(b.text)) >= 12]
        pool.sort(key=lambda b: b.source)
        rng.shuffle(pool)
        # Long texts first; short ones only fill the quota.
        pool.sort(key=lambda b: len(_content_words(b.text)) < 20)
        pool, _ = _distinct(pool)
        pool = _with_topics(pool)
        chosen += _clustered(pool, per_lang, rng)
    return chosen


def _clustered(pool: list[Base], n: int, rng: random.Random) -> list[Base]:
    """Pick n bases, each random pick followed by up to two that share its topic."""
    by_topic: dict[str, list[int]] = defaultdict(list)
    for i, b in enumerate(pool):
        for t in b.topics:
            by_topic[t].append(i)
    taken: set[int] = set()
    order: list[int] = []
    for i in range(len(pool)):
        if len(order) >= n:
            break
        if i in taken:
            continue
        taken.add(i)
        order.append(i)
        near = sorted(
            {j for t in pool[i].topics for j in by_topic[t]} - taken,
        )
        near = [j for j in near if hard_negative(pool[i], pool[j])]
        for j in rng.sample(near, min(2, len(near))):
            if len(order) < n:
                taken.add(j)
                order.append(j)
    return [pool[i] for i in order]


# --- forward-chain edits -----------------------------------------------------------------------

BOILERPLATE = (
    "Forwarded as received",
    "*Forwarded*",
    "_Forwarded as received_",
    "Forwarded many times",
    "➡️ Forward this to 10 groups ➡️",
    "Please share as much as possible 🙏",
    "Send this to all your friends and family",
    "*Must read*",
    "Fwd:",
    "फॉरवर्ड करें",
    "*फ़ॉरवर्ड किया गया*",
    "जितना हो सके शेयर करें 🙏🙏",
    "ज़रूर पढ़ें और आगे भेजें",
    "सभी ग्रुप में भेजें",
    "अति आवश्यक सूचना",
    "sabko bhejo",
    "Share karo!!",
    "jitna ho sake share karein",
    "jarur padhe 👇",
)
SIGN_OFFS = (
    "Jai Hind",
    "जय हिंद 🇮🇳",
    "जय श्री राम 🚩",
    "Bharat Mata Ki Jai",
    "वंदे मातरम्",
    "- Ramesh Kumar",
    "रमेश यादव, वार्ड 12",
    "Sunil Verma (Lucknow)",
    "~ Anita",
    "राजू भैया, बस्ती",
    "📞 98765 43210",
    "Call +91-91234-56789",
    "Contact: 09876501234",
)
EMOJIS = ("🙏", "👇", "🔥", "😡", "🇮🇳", "‼️", "😱", "👉", "🚩", "✅", "❌", "💯")
_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2190-\u21ff\u203c\u2049\ufe0f\u200d]+")
_MATRA_SWAP = {"ि": "ी", "ी": "ि", "ु": "ू", "ू": "ु", "े": "ै", "ै": "े", "ं": "ँ", "ँ": "ं"}
_NUKTA_BASES = "कखगजडढफ"


def _add_boilerplate(text: str, rng: random.Random) -> str:
    line = rng.choice(BOILERPLATE)
    return f"{line}\n{text}" if rng.random() < 0.6 else f"{text}\n\n{line}"


def _add_sign_off(text: str, rng: random.Random) -> str:
    line = rng.choice(SIGN_OFFS)
    return f"{line}\n{text}" if rng.random() < 0.3 else f"{text}\n{line}"


def _emojis(text: str, rng: random.Random) -> str:
    if _EMOJI.search(text) and rng.random() < 0.4:
        return _EMOJI.sub("", text)
    words = text.split(" ")
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(words) + 1)
        words.insert(at, rng.choice(EMOJIS) * rng.randint(1, 3))
    return " ".join(words)


def _markdown(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        if words[i].strip():
            mark = rng.choice("*_~")
            words[i] = f"{mark}{words[i]}{mark}"
    text = " ".join(words)
    if rng.random() < 0.3:  # the whole first line in bold
        first, newline, rest = text.partition("\n")
        return f"*{first}*{newline}{rest}"
    return text


def _blank_lines(text: str, rng: random.Random) -> str:
    if "\n" in text and rng.random() < 0.5:
        return text.replace("\n", "\n" * rng.randint(2, 3))
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        at = rng.randrange(1, len(words)) if len(words) > 1 else 0
        words[at] = "\n" * rng.randint(1, 3) + words[at]
    return " ".join(words).replace("\n ", "\n")


def _punctuation(text: str, rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return re.sub(r"([.!?।])", lambda m: m.group(1) * rng.randint(1, 3), text)
    if choice == 1:
        return re.sub(r"[,.;:]", "", text)
    if choice == 2:
        return text.replace("।", ".") if "।" in text else text.replace(". ", "। ")
    return text.rstrip() + rng.choice(("...", "!!!", " ??", " !!"))


def _whitespace(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    out = [w + (" " * rng.randint(1, 3) if rng.random() < 0.3 else " ") for w in words]
    return ("  " if rng.random() < 0.3 else "") + "".join(out).rstrip() + " " * rng.randint(0, 2)


def _typos(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 3)):
        letters = [i for i, c in enumerate(chars) if c.isalpha() or c in _MATRA_SWAP]
        if not letters:
            break
        i = rng.choice(letters)
        kind = rng.randrange(4)
        if chars[i] in _MATRA_SWAP and kind < 2:
            chars[i] = _MATRA_SWAP[chars[i]]
        elif kind == 0 and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif kind == 1:
            chars[i] = chars[i] * 2
        elif kind == 2:
            chars[i] = ""
        else:
            chars[i] = rng.choice("aeiourstnl") if chars[i].isascii() else rng.choice("कतनरसमल")
    return "".join(chars)


def _truncate(text: str, rng: random.Random) -> str:
    cut = int(len(text) * (1 - rng.uniform(0.05, 0.15)))
    return text[:cut].rstrip() + rng.choice(("", "...", "… Read more", "..."))


def _case(text: str, rng: random.Random) -> str:
    choice = rng.randrange(3)
    if choice == 0:
        return text.upper()
    if choice == 1:
        return text.lower()
    words = text.split(" ")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(words))
        words[i] = words[i].upper() if rng.random() < 0.5 else words[i].title()
    return " ".join(words)


def _devanagari(text: str, rng: random.Random) -> str:
    """Spelling variants that render alike: nukta, precomposed letters, chandrabindu, ZWJ."""
    choice = rng.randrange(5)
    if choice == 0:  # add or remove nukta
        if "\u093c" in text and rng.random() < 0.5:
            return text.replace("\u093c", "")
        return re.sub(
            f"[{_NUKTA_BASES}](?![\u093c])",
            lambda m: m.group() + "\u093c" if rng.random() < 0.3 else m.group(),
            text,
        )
    if choice == 1:  # precomposed nukta letters (U+0958..) instead of letter + nukta
        return re.sub(
            "[कखगजडढफय]\u093c",
            lambda m: chr(
                {
                    "क": 0x958,
                    "ख": 0x959,
                    "ग": 0x95A,
                    "ज": 0x95B,
                    "ड": 0x95C,
                    "ढ": 0x95D,
                    "फ": 0x95E,
                    "य": 0x95F,
                }[m.group()[0]]
            ),
            text,
        )
    if choice == 2:  # chandrabindu ↔ anusvara
        return text.replace("ं", "ँ") if rng.random() < 0.5 else text.replace("ँ", "ं")
    if choice == 3:  # ZWJ / ZWNJ after a virama
        return re.sub(
            "\u094d",
            lambda m: (
                m.group() + rng.choice(("\u200d", "\u200c")) if rng.random() < 0.3 else m.group()
            ),
            text,
        )
    return unicodedata.normalize("NFD", text)


EDITS = (
    _add_boilerplate,
    _add_sign_off,
    _emojis,
    _markdown,
    _blank_lines,
    _punctuation,
    _whitespace,
    _typos,
    _truncate,
    _case,
)


def forward_chain_variant(text: str, rng: random.Random) -> str:
    """One forward: 1–4 random edits of the kinds WhatsApp chains make (see EDITS)."""
    edits = list(EDITS)
    if re.search("[\u0900-\u097f]", text):
        edits.append(_devanagari)
    for edit in rng.sample(edits, rng.randint(1, 4)):
        text = edit(text, rng)
    return text


@dataclass(frozen=True)
class Item:
    text: str
    group: int  # index of the base
    lang: str
    depth: int  # forwards away from the base


def build_items(bases: list[Base], rng: random.Random) -> list[Item]:
    """Each base and VARIANTS forwards of it, each forwarding the base or an earlier forward."""
    items = []
    for g, base in enumerate(bases):
        tree = [(base.text, 0)]
        for _ in range(VARIANTS):
            parent, depth = rng.choice(tree)
            tree.append((forward_chain_variant(parent, rng), depth + 1))
        items += [Item(text, g, base.lang, depth) for text, depth in tree]
    return items


# --- measuring ----------------------------------------------------------------------------------


def candidate_pairs(bands: np.ndarray) -> np.ndarray:
    """[m, 2] index pairs (i < j) sharing at least one band."""
    pairs: set[tuple[int, int]] = set()
    for col in bands.T:
        buckets: dict[int, list[int]] = defaultdict(list)
        for i, h in enumerate(col.tolist()):
            buckets[h].append(i)
        for members in buckets.values():
            if len(members) > 1:
                pairs.update(itertools.combinations(members, 2))
    return np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)


def decide(sigs: np.ndarray, *, bands: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs for (bands, rows) and their estimated Jaccard."""
    pairs = candidate_pairs(dedupe.band_hashes_batch(sigs, bands=bands, rows=rows))
    if not len(pairs):
        return pairs, np.zeros(0)
    est = (sigs[pairs[:, 0]] == sigs[pairs[:, 1]]).mean(axis=1)
    return pairs, est


def scores(
    items: list[Item], bases: list[Base], pairs: np.ndarray, est: np.ndarray, threshold: float
) -> dict[str, Any]:
    """Pairwise precision/recall per language and overall, and hard-negative false positives."""
    size = Counter(it.group for it in items)
    positives = Counter(bases[g].lang for g, n in size.items() for _ in range(n * (n - 1) // 2))
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    hard_fp = 0
    for (i, j), s in zip(pairs.tolist(), est.tolist(), strict=True):
        if s < threshold:
            continue
        a, b = items[i], items[j]
        lang = a.lang if a.lang == b.lang else "mixed"
        if a.group == b.group:
            tp[lang] += 1
        else:
            fp[lang] += 1
            hard_fp += hard_negative(bases[a.group], bases[b.group])
    out: dict[str, Any] = {}
    for lang in (*LANGS, "all"):
        t = sum(tp.values()) if lang == "all" else tp[lang]
        f = sum(fp.values()) if lang == "all" else fp[lang]
        p = sum(positives.values()) if lang == "all" else positives[lang]
        out[lang] = {
            "precision": round(t / (t + f), 4) if t + f else 1.0,
            "recall": round(t / p, 4) if p else 1.0,
            "tp": t,
            "fp": f,
            "fn": p - t,
        }
    out["hard_negative_fp"] = hard_fp
    return out


def hard_negative_pairs(items: list[Item], bases: list[Base]) -> dict[str, int]:
    """How many cross-tree post pairs are hard negatives (same topic, different message)."""
    size = Counter(it.group for it in items)
    hard: Counter[str] = Counter()
    for a, b in itertools.combinations(range(len(bases)), 2):
        if bases[a].lang == bases[b].lang and hard_negative(bases[a], bases[b]):
            hard[bases[a].lang] += size[a] * size[b]
    return {**{lang: hard[lang] for lang in LANGS}, "all": sum(hard.values())}


def true_jaccard(items: list[Item], keys: list[str], pairs: list[tuple[int, int]]) -> list[float]:
    """Exact Jaccard of the 5-shingle sets of the keys (no MinHash), for the figures."""
    sets = {}
    for i in {i for p in pairs for i in p}:
        k = keys[i]
        sets[i] = {k[x : x + 5] for x in range(max(1, len(k) - 4))}
    return [len(sets[i] & sets[j]) / max(1, len(sets[i] | sets[j])) for i, j in pairs]


def timing(texts: list[str], *, bands: int, rows: int, repeat: int = 3) -> dict[str, float]:
    """µs per post: dedupe_key, then signatures in one batch, then band_hashes per post; and the
    same with one `signature` call per post. Best of `repeat` runs (the machine is shared)."""
    hasher = dedupe.MinHasher()
    dedupe.dedupe_key("warm up the fold table")
    best: dict[str, float] = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        keys = [dedupe.dedupe_key(t) for t in texts]
        t1 = time.perf_counter()
        sigs = hasher.signatures(keys)
        t2 = time.perf_counter()
        for sig in sigs:
            dedupe.band_hashes(sig, bands=bands, rows=rows)
        t3 = time.perf_counter()
        for key in keys:
            dedupe.band_hashes(hasher.signature(key), bands=bands, rows=rows)
        t4 = time.perf_counter()
        run = {
            "key_us": (t1 - t0),
            "signature_batch_us": (t2 - t1),
            "bands_us": (t3 - t2),
            "signature_and_bands_single_us": (t4 - t3),
        }
        for name, s in run.items():
            best[name] = min(best.get(name, float("inf")), s * 1e6 / len(texts))
    best["total_batch_us"] = best["key_us"] + best["signature_batch_us"] + best["bands_us"]
    best["total_single_us"] = best["key_us"] + best["signature_and_bands_single_us"]
    return {k: round(v, 1) for k, v in best.items()}


def sweep(items: list[Item], bases: list[Base], sigs: np.ndarray) -> list[dict[str, Any]]:
    """Precision/recall for each banding and threshold, and noise candidates per 1k stored."""
    rows_out = []
    n = len(items)
    for bands, rows in ((16, 8), (21, 6), (25, 5), (32, 4), (42, 3), (64, 2)):
        pairs, est = decide(sigs, bands=bands, rows=rows)
        same = np.array([items[i].group == items[j].group for i, j in pairs.tolist()], dtype=bool)
        noise = int((~same).sum()) if len(pairs) else 0
        for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
            s = scores(items, bases, pairs, est, t)
            rows_out.append(
                {
                    "bands": bands,
                    "rows": rows,
                    "threshold": t,
                    "precision": s["all"]["precision"],
                    "recall": s["all"]["recall"],
                    "min_lang_precision": min(s[lang]["precision"] for lang in LANGS),
                    "min_lang_recall": min(s[lang]["recall"] for lang in LANGS),
                    "hard_negative_fp": s["hard_negative_fp"],
                    "noise_candidates_per_post_per_1k_stored": round(2 * noise / n / n * 1000, 3),
                }
            )
    return rows_out


def run(*, split: str, do_sweep: bool) -> dict[str, Any]:
    seed = SPLITS[split].seed
    bases = load_bases(rng=random.Random(seed), split=split)
    items = build_items(bases, random.Random(seed * 1000 + 7))
    hasher = dedupe.MinHasher()
    keys = [dedupe.dedupe_key(it.text) for it in items]
    sigs = hasher.signatures(keys)
    size = Counter(it.group for it in items)
    pos = (
        [
            (i, j)
            for i, j in itertools.combinations(range(len(items)), 2)
            if items[i].group == items[j].group
        ]
        if len(items) < 20_000
        else []
    )
    pos_j = true_jaccard(items, keys, pos)
    out: dict[str, Any] = {
        "split": split,
        "seed": seed,
        "files": {k: v for k, v in asdict(SPLITS[split]).items() if k != "seed"},
        "bases": dict(Counter(b.lang for b in bases)),
        "posts": len(items),
        "positive_pairs": sum(n * (n - 1) // 2 for n in size.values()),
        "negative_pairs": len(items) * (len(items) - 1) // 2
        - sum(n * (n - 1) // 2 for n in size.values()),
        "hard_negative_pairs": hard_negative_pairs(items, bases),
        "mean_chars_per_post": round(statistics.mean(len(it.text) for it in items), 1),
        "true_jaccard_of_duplicates": {
            "min": round(min(pos_j), 3),
            "p01": round(float(np.percentile(pos_j, 1)), 3),
            "p05": round(float(np.percentile(pos_j, 5)), 3),
            "median": round(statistics.median(pos_j), 3),
        },
    }
    for name, params in (("near_dup", dedupe.NEAR_DUP), ("narrative", dedupe.NARRATIVE)):
        pairs, est = decide(sigs, bands=params.bands, rows=params.rows)
        result = scores(items, bases, pairs, est, params.threshold)
        neg = [
            (i, j)
            for (i, j), s in zip(pairs.tolist(), est.tolist(), strict=True)
            if items[i].group != items[j].group and s >= 0.2
        ]
        out[name] = {
            "params": params._asdict(),
            **result,
            "negatives_with_estimate_over_0.2": len(neg),
        }
    # What the pipeline does: narrative bands for candidates, the near-duplicate threshold.
    pairs, est = decide(sigs, bands=dedupe.NARRATIVE.bands, rows=dedupe.NARRATIVE.rows)
    out["pipeline_near_dup"] = {
        "params": {
            "bands": dedupe.NARRATIVE.bands,
            "rows": dedupe.NARRATIVE.rows,
            "threshold": dedupe.NEAR_DUP.threshold,
        },
        **scores(items, bases, pairs, est, dedupe.NEAR_DUP.threshold),
    }
    out["timing"] = timing(
        [it.text for it in items], bands=dedupe.NARRATIVE.bands, rows=dedupe.NARRATIVE.rows
    )
    if do_sweep:
        out["sweep"] = sweep(items, bases, sigs)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=sorted(SPLITS), default="report")
    parser.add_argument("--sweep", action="store_true", help="precision/recall over a grid")
    args = parser.parse_args(argv)
    print(json.dumps(run(split=args.split, do_sweep=args.sweep), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
