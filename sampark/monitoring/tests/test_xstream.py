"""The X filtered stream as a source (issue #17): its posts reach the inbox, its rules the page."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.urls import reverse

from sampark.integrations.tests.fakes import PAYLOADS, FakeServer, Reply
from sampark.monitoring import xstream
from sampark.monitoring.enums import PostStatus, SourceKind
from sampark.monitoring.models import Post, Source

STREAM = "/2/tweets/search/stream"
RULES = "/2/tweets/search/stream/rules"


@pytest.fixture
def fake_http() -> Iterator[FakeServer]:
    server = FakeServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def stream_source(db, fake_http):
    return Source.objects.create(
        kind=SourceKind.X_STREAM,
        name="X stream",
        config={"base_url": fake_http.url, "bearer_token": "t", "reconnect_scale": 0.001},
    )


def test_stream_posts_enter_the_inbox_like_any_source(stream_source, fake_http):
    # given X streams two posts with keep-alives, then drops the connection
    chunks = [line + b"\n" for line in (PAYLOADS / "x_stream.ndjson").read_bytes().split(b"\n")]
    fake_http.add(STREAM, Reply(200, chunks=chunks), times=1)
    fake_http.add(STREAM, Reply(200, chunks=[b"\n"]))
    delivered = threading.Event()
    seen: list[object] = []

    def runner(config, put, stop):
        from sampark.integrations import x

        def on_post(post):
            put(post)
            seen.append(post)
            if len(seen) == 2:
                delivered.set()

        x.run_stream(config, on_post, stop)

    manager = xstream.StreamManager("w1", runner=runner)
    # when the step starts the stream and the two posts have been read
    assert manager.round() == 0
    assert delivered.wait(timeout=10)
    stored = manager.round()
    manager.stop_all()
    # then both are in the inbox, waiting for the pipeline, as X posts of that source
    assert stored == 2
    posts = Post.objects.filter(source=stream_source).order_by("external_id")
    assert [p.external_id for p in posts] == ["1785700000000000011", "1785700000000000012"]
    assert {p.status for p in posts} == {PostStatus.PENDING}
    assert {p.platform for p in posts} == {"x"}


def test_one_worker_streams_a_source_and_a_paused_one_is_stopped(stream_source):
    started: list[str] = []

    def runner(config, put, stop):
        started.append("run")
        stop.wait(10)

    first = xstream.StreamManager("w1", runner=runner)
    second = xstream.StreamManager("w2", runner=runner)
    # given one worker holds the stream
    first.round()
    # then another worker does not open a second connection
    second.round()
    assert list(first.running) == [stream_source.id]
    assert second.running == {}
    # and when the source is paused, the holder stops reading it
    Source.objects.filter(id=stream_source.id).update(enabled=False)
    first.round()
    assert first.running == {}
    assert started == ["run"]


def test_the_rules_page_lists_adds_and_deletes_rules_at_x(client, alice, stream_source, fake_http):
    fake_http.add(RULES, file="x_stream_rules.json")
    fake_http.add(RULES, file="x_stream_rules_add.json", method="POST")
    client.force_login(alice)
    url = reverse("monitoring:source_rules", kwargs={"source_id": stream_source.id})
    # the page shows X's rules with their ids
    page = client.get(url).content.decode()
    assert "1785800000000000001" in page
    assert "(EVM OR ईवीएम) lang:hi -is:retweet" in page
    # adding one posts the documented body
    response = client.post(url, {"value": "booth capturing -is:retweet", "tag": "booth"})
    assert response.status_code == 302
    assert fake_http.calls(RULES)[-1].json() == {
        "add": [{"value": "booth capturing -is:retweet", "tag": "booth"}]
    }
    # deleting one sends its id
    fake_http.routes.clear()
    fake_http.add(RULES, file="x_stream_rules_deleted.json", method="POST")
    client.post(url, {"rule_id": "1785800000000000001"})
    assert fake_http.calls(RULES)[-1].json() == {"delete": {"ids": ["1785800000000000001"]}}
    # bad input is a message, never a call or a 500
    calls = len(fake_http.calls(RULES))
    assert client.post(url, {"rule_id": "1; drop"}).status_code == 302
    assert client.post(url, {"value": ""}).status_code == 302
    assert len(fake_http.calls(RULES)) == calls


def test_the_rules_page_is_only_for_stream_sources(client, alice, db):
    search = Source.objects.create(kind=SourceKind.X_SEARCH, name="search", config={"query": "q"})
    client.force_login(alice)
    url = reverse("monitoring:source_rules", kwargs={"source_id": search.id})
    assert client.get(url).status_code == 404
