"""Several pipeline workers on PostgreSQL: shared work, no double processing, a killed worker
loses nothing. These run real `sampark worker --only pipeline` processes against the test
database (its rows committed), so they are PostgreSQL-only."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from pipeline.types import Platform, RawPost
from sampark.monitoring import services
from sampark.monitoring.enums import PostStatus, SourceKind
from sampark.monitoring.models import Fingerprint, Narrative, NarrativeHour, Post, Source

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

STORIES = [
    "2000 रुपये के नए नोट में GPS चिप लगी है, सरकार हर नोट को सैटेलाइट से ट्रैक कर सकती है",
    "EVM machines can be hacked with a bluetooth device from outside the polling booth",
    "kal se sab petrol pump band rahenge, aaj hi tanki full karwa lo sab log jaldi",
    "मतदान के दिन बूथ पर मोबाइल ले जाने पर 5000 रुपये का जुर्माना लगेगा, सबको बताएं",
    "the election commission has extended voting by two days in all districts of the state",
]


def fill(n: int) -> None:
    rng = random.Random(7)
    source = Source.objects.create(kind=SourceKind.X_SEARCH, name="stream")
    now = timezone.now()
    posts = []
    for i in range(n):
        story = rng.choice(STORIES)
        text = story if rng.random() < 0.5 else f"{story} {'🙏' * rng.randint(1, 3)} #{i % 7}"
        if rng.random() < 0.3:
            text = f"unique post number {i} about local roads and water supply in ward {i}"
        posts.append(
            RawPost(
                platform=Platform.X,
                external_id=str(i),
                text=text,
                posted_at=now - timedelta(minutes=rng.randrange(600)),
            )
        )
    services.posts_ingest(source=source, posts=posts)


def worker_env() -> dict[str, str]:
    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "SAMPARK_PIPELINE_BATCH": "50",
        "SAMPARK_PIPELINE_LEASE_SECONDS": "3",
        "WORKER_SLEEP_SECONDS": "1",
    }


def start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "sampark", "worker", "--only", "pipeline"],
        env=worker_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_done(total: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Post.objects.filter(status=PostStatus.DONE).count() == total:
            return
        time.sleep(0.5)
    raise AssertionError(
        f"only {Post.objects.filter(status=PostStatus.DONE).count()} of {total} done"
    )


def assert_counted_once(total: int) -> None:
    # every post done once: narrative counters and hourly counts add up to the posts
    in_narratives = Post.objects.exclude(narrative=None).count()
    assert Narrative.objects.aggregate(n=Sum("posts"))["n"] == in_narratives
    assert NarrativeHour.objects.aggregate(n=Sum("posts"))["n"] == in_narratives
    assert in_narratives == total  # every post here has text
    # one narrative per story, never two for the same rumour (the assignment lock)
    exact = (
        Post.objects.filter(text__in=STORIES)
        .values("text")
        .annotate(n=Count("narrative_id", distinct=True))
    )
    assert all(row["n"] == 1 for row in exact)
    assert Fingerprint.objects.values("key").annotate(n=Count("id")).filter(n__gt=1).count() == 0


def test_three_workers_share_the_inbox_without_double_processing():
    fill(1500)
    workers = [start_worker() for _ in range(3)]
    try:
        wait_until_done(1500)
    finally:
        for w in workers:
            w.send_signal(signal.SIGTERM)
        for w in workers:
            assert w.wait(timeout=30) == 0  # SIGTERM: stop cleanly after the current batch
    assert_counted_once(1500)


def test_killed_workers_lose_nothing_and_count_nothing_twice():
    fill(1500)
    rng = random.Random(3)
    kills = 0
    deadline = time.monotonic() + 120
    while Post.objects.filter(status=PostStatus.DONE).count() < 1500:
        assert time.monotonic() < deadline, "workers made no progress"
        w = start_worker()
        time.sleep(rng.uniform(0.8, 2.5))
        w.send_signal(signal.SIGKILL)
        w.wait()
        kills += 1
        if kills >= 6:
            break
    # a survivor finishes whatever the killed ones left claimed (after their lease)
    survivor = start_worker()
    try:
        wait_until_done(1500)
    finally:
        survivor.send_signal(signal.SIGTERM)
        survivor.wait(timeout=30)
    assert kills >= 1
    assert_counted_once(1500)
