"""Tip to automatic reply, end to end (issue #4, item 6: within 60 s at p95).

`python -m bench.tipreply [--tips N] [--rate R] [--backlog M]` on a fresh SQLite file
(or `--database postgres://…`, which must be an empty database):

1. loads the fact-check knowledge base: the CheckThat! 2020 verified claims (English, ~10k) and
   Hindi posts labelled fake in CONSTRAINT 2021 (../shared/data), as `FactCheck` rows;
2. puts M public posts in the inbox first, so the listening pipeline has a backlog to chew on;
3. starts `sampark worker` in a child process, exactly as deployed, with the `tipreply` step
   added to SAMPARK_WORKER_STEPS when the settings do not have it yet, the Bot API pointed at a
   loopback fake that notes when each sendMessage arrives;
4. sends N tips to the Telegram webhook (Poisson arrivals at R a second): forwards of the
   Hindi claims, CheckThat! tweets, and short or unrelated messages that must be queued;
5. prints p50/p95 seconds from the webhook call to the reply reaching the fake, and, as the
   baseline measured in the same process, p50/p95 of the match call alone on the same texts.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "eval"
TOKEN = "7000000001:AAH-bench_Token"  # noqa: S105  (a fake for the loopback bot)
SECRET = "bench-secret"  # noqa: S105
SEED = 20261127
STEP = "sampark.monitoring.tipreply.make_step"
SHORT = ["फेक है क्या?", "ye sach hai kya", "is this true?", "भाई ये देखो", "fake news?"]


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "sampark.settings"
    import django

    django.setup()


def worker_main(place: str) -> None:
    """The child: `sampark worker`, with the tip-reply step where the lead will wire it."""
    from django.conf import settings
    from django.core.management import call_command

    steps: dict[str, str] = dict(settings.SAMPARK_WORKER_STEPS)
    if STEP not in steps.values():
        steps.pop("tipreply", None)
        if place == "first":
            # Right after the task queue: a pipeline batch in progress does not hold it up.
            items = list(steps.items())
            steps = dict([items[0], ("tipreply", STEP), *items[1:]])
        else:
            steps["tipreply"] = STEP
    settings.SAMPARK_WORKER_STEPS = steps
    call_command("worker")


def hindi_claims(limit: int) -> list[str]:
    """Hindi posts labelled fake, long enough to be a claim (first 40 words)."""
    out: list[str] = []
    for name in ("valid.csv", "test.csv", "train.csv"):
        path = DATA / "constraint2021-hindi-hostile" / name
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                text = " ".join((row.get("Post") or "").split())
                if "fake" in (row.get("Labels Set") or "") and len(text.split()) >= 14:
                    out.append(" ".join(text.split()[:40]))
                if len(out) >= limit:
                    return out
    return out


def checkthat() -> tuple[list[tuple[int, str, str]], list[tuple[str, int]]]:
    """(id, claim, title) of the verified claims; (tweet, claim id) pairs of dev and test."""
    base = DATA / "checkthat2020-task2-en"
    claims: list[tuple[int, str, str]] = []
    with (base / "verified_claims.docs.tsv").open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row and row[0].isdigit():
                claims.append((int(row[0]), row[1], row[2] if len(row) > 2 else ""))
    pairs: list[tuple[str, int]] = []
    for split in ("dev", "test"):
        tweets: dict[str, str] = {}
        with (base / split / "tweets.queries.tsv").open(encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter="\t"):
                if row and row[0].isdigit():
                    tweets[row[0]] = row[1]
        with (base / split / "tweet-vclaim-pairs.qrels").open(encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) >= 3 and parts[0] in tweets:
                    pairs.append((tweets[parts[0]], int(parts[2])))
    return claims, pairs


def load_fact_checks(hindi: list[str], english: list[tuple[int, str, str]]) -> None:
    from sampark.factcheck.models import FactCheck

    rows = [
        FactCheck(
            url=f"https://factcheck.example.org/hi/{i}",
            claim_reviewed=text,
            verdict="false",
            publisher="बेंच फैक्ट चेक",
            language="hi",
        )
        for i, text in enumerate(hindi)
    ]
    rows += [
        FactCheck(
            url=f"https://factcheck.example.org/en/{ident}",
            claim_reviewed=claim,
            title=title[:500],
            verdict="false",
            publisher="Snopes",
            language="en",
        )
        for ident, claim, title in english
    ]
    FactCheck.objects.bulk_create(rows, batch_size=2000)


def fill_backlog(n: int, rng: random.Random) -> None:
    """n public posts waiting in the inbox (from a disabled source, so nothing polls it)."""
    if n <= 0:
        return
    from django.utils import timezone

    from bench.pipeline import stream
    from pipeline.types import RawPost
    from sampark.monitoring import services
    from sampark.monitoring.enums import SourceKind
    from sampark.monitoring.models import Source

    source = Source.objects.create(kind=SourceKind.X_SEARCH, name="backlog", enabled=False)
    now = timezone.now()
    posts = [
        RawPost(platform="x", external_id=f"b{i}", text=text, posted_at=now)
        for i, (_platform, text) in enumerate(stream(n, rng=rng))
    ]
    services.posts_ingest(source=source, posts=posts, chunk=2000)


def make_tips(
    n: int, hindi: list[str], pairs: list[tuple[str, int]], rng: random.Random
) -> list[str]:
    from bench.neardup import forward_chain_variant

    tips: list[str] = []
    for i in range(n):
        kind = i % 5
        if kind in (0, 1):
            tips.append(forward_chain_variant(rng.choice(hindi), rng))
        elif kind in (2, 3):
            tips.append(rng.choice(pairs)[0])
        else:
            tips.append(rng.choice(SHORT))
    return tips


class Bot:
    """The Bot API fake: notes the arrival time of every sendMessage by chat id."""

    def __init__(self) -> None:
        from sampark.integrations.tests.fakes import FakeServer, Reply, Seen

        self.sent: dict[int, float] = {}
        self.lock = threading.Lock()
        self.server = FakeServer()

        def reply(seen: Seen) -> Reply:
            at = time.time()
            chat = int(seen.json()["chat_id"])
            with self.lock:
                self.sent.setdefault(chat, at)
            body = {"ok": True, "result": {"message_id": 1, "chat": {"id": chat}, "date": 0}}
            return Reply(200, json.dumps(body).encode(), {"Content-Type": "application/json"})

        self.server.add(f"/bot{TOKEN}/sendMessage", reply, method="POST")
        self.server.start()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from sampark.factcheck import services as factcheck_services
    from sampark.monitoring import tipreply
    from sampark.monitoring.enums import PostStatus
    from sampark.monitoring.models import Post

    rng = random.Random(SEED)
    call_command("migrate", interactive=False, verbosity=0)
    hindi = hindi_claims(400)
    english, pairs = checkthat()
    if len(hindi) < 50 or not pairs:
        raise SystemExit("the benchmark needs ../shared/data (CONSTRAINT 2021, CheckThat! 2020)")
    load_fact_checks(hindi, english)
    fill_backlog(args.backlog, rng)
    tips = make_tips(args.tips, hindi, pairs, rng)

    bot = Bot()
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_BOT_TOKEN = ""  # the webhook fetches no photos
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": bot.server.url,
        "WORKER_SLEEP_SECONDS": str(args.sleep),
        "LOG_LEVEL": "ERROR",
    }
    child = subprocess.Popen(  # noqa: S603  (our own interpreter and module)
        [sys.executable, "-m", "bench.tipreply", "--worker", args.place],
        env=env,
        cwd=ROOT,
    )
    client = Client()
    webhook = reverse("monitoring:telegram_webhook")
    arrived: dict[int, float] = {}
    started = time.time()
    try:
        time.sleep(1.0)  # the worker starts (imports, first round)
        if child.poll() is not None:
            raise SystemExit("the worker did not start")
        for i, text in enumerate(tips):
            chat = 10_000 + i
            update = {
                "update_id": 900_000 + i,
                "message": {
                    "message_id": i + 1,
                    "date": int(time.time()),
                    "chat": {"id": chat, "type": "private"},
                    "from": {"id": chat, "is_bot": False},
                    "text": text,
                },
            }
            arrived[chat] = time.time()
            response = client.post(
                webhook,
                json.dumps(update),
                content_type="application/json",
                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
            )
            if response.status_code != 200:
                raise SystemExit(f"webhook answered {response.status_code}")
            time.sleep(rng.expovariate(args.rate))
        # Wait until every tip is settled (replied or queued), or 120 s.
        deadline = time.time() + 120
        while time.time() < deadline and child.poll() is None:
            pending = (
                Post.objects.filter(external_id__startswith="tg:")
                .exclude(metrics__has_key=tipreply.KEY)
                .count()
            )
            if not pending:
                break
            time.sleep(0.5)
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
        bot.server.stop()
    wall = time.time() - started

    latency = [bot.sent[c] - arrived[c] for c in arrived if c in bot.sent]
    states: dict[str, int] = {}
    for metrics in Post.objects.filter(external_id__startswith="tg:").values_list(
        "metrics", flat=True
    ):
        state = (metrics.get(tipreply.KEY) or {}).get("state", "untouched")
        states[state] = states.get(state, 0) + 1
    # Baseline: the match call alone, same texts, same process, warm index.
    factcheck_services.match_text(text=tips[0])
    alone: list[float] = []
    for text in tips:
        t0 = time.perf_counter()
        factcheck_services.match_text(text=text, k=1)
        alone.append(time.perf_counter() - t0)
    left = Post.objects.filter(status=PostStatus.PENDING).count()
    return {
        "tips": len(tips),
        "rate_per_s": args.rate,
        "backlog_posts": args.backlog,
        "backlog_left_pending": left,
        "step_place": args.place,
        "worker_sleep_s": args.sleep,
        "fact_checks": len(hindi) + len(english),
        "outcomes": states,
        "replies": len(latency),
        "reply_p50_s": round(pct(latency, 0.50), 3),
        "reply_p95_s": round(pct(latency, 0.95), 3),
        "reply_max_s": round(max(latency), 3) if latency else None,
        "baseline_match_p50_s": round(pct(alone, 0.50), 4),
        "baseline_match_p95_s": round(pct(alone, 0.95), 4),
        "mean_match_s": round(statistics.fmean(alone), 4),
        "wall_s": round(wall, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tipreply", description=__doc__)
    parser.add_argument("--tips", type=int, default=200)
    parser.add_argument("--rate", type=float, default=4.0, help="tips a second (Poisson)")
    parser.add_argument("--backlog", type=int, default=20_000, help="public posts queued first")
    parser.add_argument("--sleep", type=int, default=2, help="WORKER_SLEEP_SECONDS")
    parser.add_argument("--place", choices=["first", "last"], default="first")
    parser.add_argument("--database", default="")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        import django

        django.setup()
        worker_main(args.worker)
        return
    database = args.database
    if not database:
        path = ROOT / "var" / "bench" / "tipreply.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        database = f"sqlite:///{path}"
    setup_django(database)
    figures = measure(args)
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:24} {value}")


if __name__ == "__main__":
    main()
