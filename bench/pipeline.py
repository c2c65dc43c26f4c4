"""Listening pipeline throughput (issue #3): inbox to stored results, one worker, one core.

`sampark bench pipeline --posts N --json` runs `measure()` in a child process per database
(SQLite file, then PostgreSQL), each on a fresh database: it fills the inbox with N posts shaped
like a real stream (forward chains of a few hundred viral messages among a majority of one-off
posts, in Hindi, English and Hinglish, with watchlists active), then times one `Processor`
draining it. In the same process it also times the floor — claiming and marking the same
number of posts done with no analysis — so the pipeline's cost is reported as a ratio.

Peak RSS is the child's high-water mark (getrusage) at the end of the run (before the floor);
the process's own memory (RssAnon, without SQLite's memory-mapped file) is sampled through the
run, so a long run shows whether memory stays flat.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.child import run_child

SEED = 20261126
CHUNK = 20_000


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def anon_rss_mb() -> float:
    """Resident memory that is the process's own (heap), without file-backed pages such as
    SQLite's memory-mapped database file (mmap_size), which grow with the file by design."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("RssAnon:"):
                return round(int(line.split()[1]) / 1024, 1)
    return rss_mb()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def stream(n: int, *, rng: random.Random) -> Iterator[tuple[str, str]]:
    """(platform, text) pairs: ~45% forwards of viral messages, the rest one-off posts."""
    from bench.neardup import forward_chain_variant, load_bases

    # Real posts (Hindi, Hinglish, English) from ../shared/data as the stream's raw material.
    bases = [b.text for b in load_bases(rng=random.Random(SEED), per_lang=1500)]
    if len(bases) < 1000:
        raise SystemExit("the benchmark needs ../shared/data (text and eval sets)")
    rng.shuffle(bases)
    viral = bases[:300]
    oneoff = bases[300:]
    words = " ".join(oneoff).split()
    for i in range(n):
        if rng.random() < 0.45:
            text = viral[min(int(rng.expovariate(1 / 40)), len(viral) - 1)]
            for _ in range(rng.randint(0, 3)):
                text = forward_chain_variant(text, rng)
            platform = rng.choice(("whatsapp", "whatsapp", "x", "telegram"))
        elif oneoff and rng.random() < 0.5:
            text = forward_chain_variant(oneoff[i % len(oneoff)], rng)
            platform = rng.choice(("x", "youtube", "facebook", "news"))
        else:
            # A fresh post: a random run of real words, as varied as a real stream.
            start = rng.randrange(max(1, len(words) - 40))
            text = " ".join(words[start : start + rng.randint(8, 40)])
            platform = rng.choice(("x", "youtube", "facebook"))
        yield platform, text


def fill_inbox(n: int) -> None:
    """Put n posts into the inbox (not timed), spread over districts and the last 24 hours."""
    from django.utils import timezone

    from pipeline.types import Platform, RawPost
    from sampark.geo.models import Unit
    from sampark.monitoring import services
    from sampark.monitoring.enums import SourceKind
    from sampark.monitoring.models import Source

    rng = random.Random(SEED)
    districts = list(Unit.objects.filter(level="district"))
    groups = [
        Source.objects.create(kind=SourceKind.WHATSAPP_EXPORT, name=f"group {d.id}", unit=d)
        for d in districts
    ]
    public = Source.objects.create(kind=SourceKind.X_SEARCH, name="public stream")
    now = timezone.now()
    batch: dict[int, list[RawPost]] = {}
    for i, (platform, text) in enumerate(stream(n, rng=rng)):
        at = now - timedelta(seconds=rng.randrange(86_400))
        private = platform in Platform.PRIVATE
        source = rng.choice(groups) if private else public
        batch.setdefault(source.id, []).append(
            RawPost(platform=platform, external_id=str(i), text=text, posted_at=at)
        )
        if (i + 1) % CHUNK == 0:
            _flush(batch, {s.id: s for s in [*groups, public]}, services)
    _flush(batch, {s.id: s for s in [*groups, public]}, services)


def _flush(batch: dict[int, list[Any]], sources: dict[int, Any], services: Any) -> None:
    for source_id, posts in batch.items():
        services.posts_ingest(source=sources[source_id], posts=posts, chunk=2000)
    batch.clear()


def setup_world() -> None:
    from django.core.management import call_command

    from sampark.accounts.models import User
    from sampark.devtools.synthetic import build_tree
    from sampark.monitoring import services

    call_command("migrate", interactive=False, verbosity=0)
    tree = build_tree(districts=75, acs_per_district=1, mandals_per_ac=1, sectors_per_mandal=1)
    admin = User.objects.create_user(username="bench", unit=tree.state)
    services.watchlist_save(
        watchlist=None,
        name="bench",
        unit=tree.state,
        terms=["ईवीएम", "evm hack", "मोदी", "yogi", "2000 का नोट", "बूथ कैप्चरिंग", "vote chori"],
        active=True,
        actor=admin,
    )


def measure(posts: int, *, with_match: bool = False) -> dict[str, Any]:
    """Fill, then drain the inbox with one processor; then (with_match) the matching stage over
    the narratives against a 10,525-claim knowledge base; then the floor on the same rows."""
    from django.db import connection

    from sampark.monitoring import processing
    from sampark.monitoring.enums import PostStatus
    from sampark.monitoring.models import Narrative, Post

    setup_world()
    if with_match:
        load_knowledge_base()
    started = time.perf_counter()
    fill_inbox(posts)
    fill_s = time.perf_counter() - started
    processor = processing.Processor()
    samples: list[float] = []
    batch_s: list[float] = []
    started = time.perf_counter()
    done = 0
    while True:
        t0 = time.perf_counter()
        n = processor.run_batch(owner="bench")
        if not n:
            break
        batch_s.append((time.perf_counter() - t0) / n)
        done += n
        if len(batch_s) % 50 == 0:
            samples.append(anon_rss_mb())
    elapsed = time.perf_counter() - started
    samples.append(anon_rss_mb())
    peak_during_run = peak_rss_mb()
    matched = match_stage() if with_match else {}
    # The floor: claim and mark done the same number of posts, no analysis, no narratives.
    Post.objects.update(status=PostStatus.PENDING, claim="")
    floor_started = time.perf_counter()
    while True:
        token, rows = processing.posts_claim(limit=processing.conf("BATCH"), owner="floor")
        if not rows:
            break
        done_ids = [r["id"] for r in rows]
        Post.objects.filter(id__in=done_ids, claim=token).update(status=PostStatus.DONE, claim="")
    floor_s = time.perf_counter() - floor_started
    return {
        "vendor": connection.vendor,
        "posts": done,
        "seconds": round(elapsed, 2),
        "posts_per_s": round(done / elapsed, 1),
        "median_ms_per_post": round(statistics.median(batch_s) * 1000, 3),
        "floor_posts_per_s": round(done / floor_s, 1),
        "ratio_to_floor": round(elapsed / floor_s, 2),
        "fill_s": round(fill_s, 1),
        "narratives": Narrative.objects.count(),
        "peak_rss_mb": peak_during_run,
        "anon_rss_samples_mb": samples[:: max(1, len(samples) // 10)],
        **matched,
        **(
            {"posts_per_s_with_match": round(done / (elapsed + matched["match_s"]), 1)}
            if matched
            else {}
        ),
    }


def load_knowledge_base() -> int:
    """The real-sized knowledge base of `bench.claims_kb` (CheckThat! + the Hindi set, 10,525
    claims) as fact-check rows, so the matching stage runs against it."""
    from bench.claims_kb import knowledge_base
    from sampark.factcheck import services as factcheck_services
    from sampark.factcheck.models import FactCheck

    rows = [
        FactCheck(url=f"https://kb.example.org/{d.id}", claim_reviewed=d.text, title=d.title,
                  language=d.lang or "other")
        for d in knowledge_base()
    ]  # fmt: skip
    FactCheck.objects.bulk_create(rows, batch_size=2000)
    factcheck_services.match_index_reset()
    return len(rows)


def match_stage() -> dict[str, Any]:
    """Time the matching stage (issue #17) over every narrative the pipeline made, in the same
    process: once per narrative, not per post."""
    from sampark.factcheck import services as factcheck_services
    from sampark.factcheck.models import ClaimMatch
    from sampark.monitoring import matching

    t0 = time.perf_counter()
    factcheck_services.match_text(text="index build")  # the index is built once per process
    build_s = time.perf_counter() - t0
    per: list[float] = []
    started = time.perf_counter()
    narratives = 0
    while True:
        t0 = time.perf_counter()
        n = matching.run_stage(limit=500)
        if not n:
            break
        per.append((time.perf_counter() - t0) / n)
        narratives += n
    match_s = time.perf_counter() - started
    return {
        "match_narratives": narratives,
        "match_s": round(match_s, 2),
        "match_index_build_s": round(build_s, 2),
        "match_median_ms_per_narrative": round(statistics.median(per) * 1000, 2) if per else 0,
        "match_rows": ClaimMatch.objects.count(),
        "match_auto": ClaimMatch.objects.filter(band="auto").count(),
    }


def run(
    *, posts: int, sqlite_path: Path, postgres_url: str | None, with_match: bool = False
) -> dict[str, Any]:
    """SQLite first (the contract's `posts_per_s`), then PostgreSQL, each on a fresh database."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    extra = ["--match"] if with_match else []
    lite = run_child(
        "pipeline-one", "--posts", str(posts), *extra, database_url=f"sqlite:///{sqlite_path}"
    )
    figures: dict[str, Any] = {
        "posts": lite["posts"],
        "posts_per_s": lite["posts_per_s"],
        "posts_per_s_postgres": None,
        "peak_rss_mb": lite["peak_rss_mb"],
        "details": {"sqlite": lite},
    }
    if postgres_url:
        pg = run_child("pipeline-one", "--posts", str(posts), *extra, database_url=postgres_url)
        figures["posts_per_s_postgres"] = pg["posts_per_s"]
        figures["peak_rss_mb"] = max(lite["peak_rss_mb"], pg["peak_rss_mb"])
        figures["details"]["postgres"] = pg
    return figures
