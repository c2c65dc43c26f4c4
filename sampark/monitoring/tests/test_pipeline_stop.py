"""A stopping listening worker gives back the posts it has not analysed (issue #12)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sampark.core import worker
from sampark.monitoring import processing
from sampark.monitoring.enums import PostStatus
from sampark.monitoring.models import Post, Source


@pytest.mark.django_db
def test_it_releases_the_unanalysed_rest_of_a_batch_on_stop(monkeypatch) -> None:
    # given 250 posts in the inbox, and a stop asked once the first chunk is analysed
    source = Source.objects.create(kind="rss", name="Feed")
    now = timezone.now()
    Post.objects.bulk_create(
        Post(source=source, platform="rss", external_id=str(i), text=f"post {i}", posted_at=now)
        for i in range(250)
    )
    monkeypatch.setattr(worker, "shutdown_requested", lambda: True)
    # when a worker runs one batch
    done = processing.Processor().run_batch(owner="w1", limit=250)
    # then the first chunk is processed and the rest is pending again, claimable at once
    assert done == processing.ANALYSE_CHUNK
    assert Post.objects.filter(status=PostStatus.DONE).count() == processing.ANALYSE_CHUNK
    back = Post.objects.filter(status=PostStatus.PENDING)
    assert back.count() == 250 - processing.ANALYSE_CHUNK
    assert not back.exclude(claim="").exists()
    _token, rows = processing.posts_claim(limit=500, owner="w2")
    assert len(rows) == 250 - processing.ANALYSE_CHUNK


@pytest.mark.django_db
def test_it_processes_a_whole_batch_when_not_stopping() -> None:
    # given 150 posts
    source = Source.objects.create(kind="rss", name="Feed")
    now = timezone.now()
    Post.objects.bulk_create(
        Post(source=source, platform="rss", external_id=str(i), text=f"post {i}", posted_at=now)
        for i in range(150)
    )
    # when a worker runs one batch, then every post is processed
    assert processing.Processor().run_batch(owner="w1", limit=500) == 150
    assert not Post.objects.exclude(status=PostStatus.DONE).exists()
