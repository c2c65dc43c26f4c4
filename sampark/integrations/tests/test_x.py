"""X recent search and filtered stream against recorded API answers on loopback."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.types import FetchResult, Platform
from sampark.integrations import base, x
from sampark.integrations.tests.fakes import PAYLOADS, FakeServer, Reply

# Rate-limit resets are epochs: the tests that read them stand the clock still here.
NOW = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)
SEARCH = "/2/tweets/search/recent"
STREAM = "/2/tweets/search/stream"
RULES = "/2/tweets/search/stream/rules"
NEXT = "b26v89c19zqg8o3fpzbkk8ldhpz6lscd2vyyfxnngl3r1"


def poll(fake_http: FakeServer, cursor: dict[str, Any] | None = None, **config: Any) -> FetchResult:
    config = {"query": "(EVM OR ईवीएम) lang:hi", "bearer_token": "AAAA-test-bearer", **config}
    return x.SearchConnector().fetch(
        config={"base_url": fake_http.url, **config}, cursor=cursor or {}
    )


def test_it_walks_pages_and_maps_posts(fake_http):
    # given two pages of results joined by a next_token
    fake_http.add(SEARCH, file="x_search_page1.json")
    fake_http.add(SEARCH, file="x_search_page2.json", query={"next_token": NEXT})
    # when polled for the first time
    result = poll(fake_http)
    # then all five posts come, newest first, with usernames from includes.users
    assert [p.external_id for p in result.posts] == [
        "1785601234567890005",
        "1785598765432100004",
        "1785597000000000003",
        "1785590000000000001",
        "1785581111111111002",
    ]
    first = result.posts[0]
    assert first.platform == Platform.X
    assert first.author == "up_chunav_update"
    assert first.url == "https://x.com/up_chunav_update/status/1785601234567890005"
    assert first.posted_at == datetime(2024, 5, 1, 6, 10, 42, tzinfo=UTC)
    assert first.text.startswith("लखनऊ में ईवीएम हैक का वीडियो फ़र्ज़ी है")
    assert first.metrics == {"likes": 1893, "shares": 443, "replies": 57, "views": 88120}
    assert first.extra["urls"] == ["https://eci.gov.in/press-note/2024-05-01"]
    assert first.extra["lang"] == "hi"
    # a reply names what it replies to; a long post brings its full note text
    assert result.posts[1].reply_to == "1785590000000000001"
    assert "😂" in result.posts[1].text
    assert result.posts[4].text.endswith("व्हीलचेयर भी उपलब्ध हैं।")
    # and the cursor holds the newest id of the walk
    assert result.cursor == {"since_id": "1785601234567890005"}
    assert result.exhausted is True


def test_requests_carry_the_bearer_token_and_fields(fake_http):
    # given one page
    fake_http.add(SEARCH, file="x_search_page2.json")
    # when polled
    poll(fake_http)
    # then the request is authorised and asks for the fields and the author expansion
    seen = fake_http.calls(SEARCH)[0]
    assert seen.headers["authorization"] == "Bearer AAAA-test-bearer"
    assert seen.arg("query") == "(EVM OR ईवीएम) lang:hi"
    assert set(seen.arg("tweet.fields").split(",")) >= {
        "created_at",
        "lang",
        "public_metrics",
        "author_id",
        "conversation_id",
        "entities",
    }
    assert seen.arg("expansions") == "author_id"
    assert seen.arg("max_results") == "100"
    assert seen.arg("since_id") is None


def test_the_next_poll_asks_since_the_newest_and_repeats_nothing(fake_http):
    # given a first poll, then a search that has one newer post and then nothing
    fake_http.add(SEARCH, file="x_search_page2.json", times=1)
    fake_http.add(SEARCH, file="x_search_newer.json", query={"since_id": "1785590000000000001"})
    fake_http.add(SEARCH, file="x_search_empty.json", query={"since_id": "1785650000000000009"})
    first = poll(fake_http)
    # when polled twice more
    second = poll(fake_http, first.cursor)
    third = poll(fake_http, second.cursor)
    # then each asks since the last newest id, and no post comes twice
    assert fake_http.calls(SEARCH)[1].arg("since_id") == "1785590000000000001"
    assert [p.external_id for p in second.posts] == ["1785650000000000009"]
    assert second.cursor == {"since_id": "1785650000000000009"}
    assert third.posts == []
    assert third.cursor == {"since_id": "1785650000000000009"}


def test_a_capped_walk_resumes_at_the_next_poll(fake_http):
    # given a source allowed one page per poll and a search with two pages
    fake_http.add(SEARCH, file="x_search_page1.json")
    fake_http.add(SEARCH, file="x_search_page2.json", query={"next_token": NEXT})
    # when polled twice
    first = poll(fake_http, {"since_id": "1785500000000000000"}, max_pages=1)
    second = poll(fake_http, first.cursor, max_pages=1)
    # then the first poll says more is waiting and keeps since_id for the unfinished walk
    assert len(first.posts) == 3
    assert first.exhausted is False
    assert first.cursor == {
        "next_token": NEXT,
        "since_id": "1785500000000000000",
        "newest_id": "1785601234567890005",
    }
    # and the second fetches the rest, then moves since_id to the newest of the whole walk
    again = fake_http.calls(SEARCH)[1]
    assert again.arg("next_token") == NEXT
    assert again.arg("since_id") == "1785500000000000000"
    assert [p.external_id for p in second.posts] == ["1785590000000000001", "1785581111111111002"]
    assert second.cursor == {"since_id": "1785601234567890005"}
    assert second.exhausted is True


def test_a_429_raises_rate_limited_until_the_reset(fake_http, time_machine):
    # given X refuses with its reset header 700 s ahead
    time_machine.move_to(NOW, tick=False)
    reset = int(NOW.timestamp()) + 700
    fake_http.add(
        SEARCH,
        file="x_rate_limited.json",
        status=429,
        headers={
            "x-rate-limit-limit": "450",
            "x-rate-limit-remaining": "0",
            "x-rate-limit-reset": str(reset),
        },
    )
    # when polled
    with pytest.raises(base.RateLimited) as caught:
        poll(fake_http)
    # then the wait runs to the reset, and the message is X's own
    assert caught.value.retry_after == 700
    assert "answered 429 Too Many Requests: Too Many Requests" in str(caught.value)


def test_a_429_on_a_later_page_keeps_the_posts_and_resumes(fake_http):
    # given page one, then a refusal for page two
    fake_http.add(SEARCH, file="x_search_page1.json")
    fake_http.add(
        SEARCH,
        file="x_rate_limited.json",
        status=429,
        headers={"Retry-After": "300"},
        query={"next_token": NEXT},
    )
    # when polled
    result = poll(fake_http, {"since_id": "1785500000000000000"})
    # then page one's posts are kept, the wait is passed on, and the walk resumes later
    assert len(result.posts) == 3
    assert result.retry_after == 300
    assert result.exhausted is False
    assert result.cursor["next_token"] == NEXT
    assert result.cursor["since_id"] == "1785500000000000000"


def test_a_spent_budget_on_success_delays_the_next_poll(fake_http, time_machine):
    # given a last allowed call (remaining 0) that still has a next page
    time_machine.move_to(NOW, tick=False)
    reset = int(NOW.timestamp()) + 500
    fake_http.add(
        SEARCH,
        file="x_search_page1.json",
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)},
    )
    # when polled
    result = poll(fake_http, {"since_id": "1785500000000000000"})
    # then it stops paging and asks the poller to wait for the reset
    assert len(fake_http.calls(SEARCH)) == 1
    assert result.retry_after == 500
    assert result.cursor["next_token"] == NEXT


def test_a_stale_since_id_starts_the_search_afresh(fake_http):
    # given X refuses a since_id older than seven days
    fake_http.add(
        SEARCH,
        file="x_invalid_since_id.json",
        status=400,
        query={"since_id": "1780000000000000000"},
    )
    fake_http.add(SEARCH, file="x_search_newer.json")
    # when polled with it
    result = poll(fake_http, {"since_id": "1780000000000000000"})
    # then it searches again without since_id and moves on
    assert [c.arg("since_id") for c in fake_http.calls(SEARCH)] == ["1780000000000000000", None]
    assert result.cursor == {"since_id": "1785650000000000009"}


def test_a_stale_next_token_and_since_id_are_both_dropped(fake_http):
    # given a resumed walk after a long pause: X refuses the token, then the since_id
    fake_http.add(
        SEARCH,
        file="x_invalid_since_id.json",
        status=400,
        query={"since_id": "1780000000000000000"},
    )
    fake_http.add(SEARCH, file="x_search_newer.json")
    cursor = {"since_id": "1780000000000000000", "next_token": "stale-token"}
    # when polled
    result = poll(fake_http, cursor)
    # then it dropped the token, then the since_id, and moved on
    asked = [(c.arg("next_token"), c.arg("since_id")) for c in fake_http.calls(SEARCH)]
    assert asked == [
        ("stale-token", "1780000000000000000"),
        (None, "1780000000000000000"),
        (None, None),
    ]
    assert result.cursor == {"since_id": "1785650000000000009"}


def test_a_bad_token_is_a_clear_error(fake_http):
    # given X rejects the bearer token
    fake_http.add(SEARCH, file="x_unauthorized.json", status=401)
    # when polled
    with pytest.raises(base.ConnectorError) as caught:
        poll(fake_http)
    # then the message says who refused and why, without the token
    assert str(caught.value) == (
        f"X: {fake_http.url}{SEARCH} answered 401 Unauthorized: Unauthorized"
    )
    assert "AAAA-test-bearer" not in str(caught.value)


def test_a_malformed_answer_is_a_connector_error(fake_http):
    # given a post without id or date
    fake_http.add(SEARCH, file="x_search_malformed.json")
    # then the poll fails cleanly
    with pytest.raises(base.ConnectorError, match="X: a post without a numeric id"):
        poll(fake_http)


def test_a_query_is_required():
    with pytest.raises(base.ConnectorError, match="needs a 'query'"):
        x.SearchConnector().fetch(config={"bearer_token": "t"}, cursor={})


def test_stream_lines_skip_keep_alives_errors_and_garbage():
    # given the recorded stream: two posts, keep-alives, a cut line and a system message
    lines = (PAYLOADS / "x_stream.ndjson").read_bytes().split(b"\n")
    # when read
    posts = list(x.stream_lines(lines))
    # then only the two posts come out, fully mapped
    assert [p.external_id for p in posts] == ["1785700000000000011", "1785700000000000012"]
    assert posts[0].author == "up_chunav_update"
    assert (
        posts[1].text == "EVM pe itna hungama kyun? Sab theek chal raha hai yahan Gorakhpur me 👍"
    )
    assert posts[1].url == "https://x.com/amit_gkp/status/1785700000000000012"


def test_run_stream_reconnects_after_a_failure_and_stops_when_told(fake_http):
    # given a stream endpoint that first fails, then streams the recording with keep-alives
    fake_http.add(STREAM, Reply(503, b'{"title":"Service Unavailable"}'), times=1)
    chunks = [line + b"\n" for line in (PAYLOADS / "x_stream.ndjson").read_bytes().split(b"\n")]
    fake_http.add(STREAM, Reply(200, chunks=chunks, headers={"Content-Type": "application/json"}))
    stop = threading.Event()
    got = []

    def on_post(post):
        got.append(post)
        if len(got) == 2:
            stop.set()

    config = {
        "base_url": fake_http.url,
        "bearer_token": "AAAA-test-bearer",
        "reconnect_scale": 0.001,
    }
    # when the stream runs
    worker = threading.Thread(target=x.run_stream, args=(config, on_post, stop))
    worker.start()
    worker.join(timeout=10)
    # then it reconnected after the 503, delivered both posts, and returned on stop
    assert not worker.is_alive()
    assert [p.external_id for p in got] == ["1785700000000000011", "1785700000000000012"]
    calls = fake_http.calls(STREAM)
    assert len(calls) >= 2
    assert calls[0].headers["authorization"] == "Bearer AAAA-test-bearer"
    assert calls[0].arg("expansions") == "author_id"


class WaitingStop(threading.Event):
    """A stop event that notes how long the stream asked to wait on it."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float | None] = []
        self.waiting = threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        self.waiting.set()
        return super().wait(timeout)


def test_run_stream_waits_as_long_as_a_429_says(fake_http):
    # given a stream that refuses with Retry-After: 30
    fake_http.add(STREAM, Reply(429, b'{"title":"TooManyConnections"}', {"Retry-After": "30"}))
    stop = WaitingStop()
    config = {"base_url": fake_http.url, "bearer_token": "t", "reconnect_scale": 0.001}
    # when it runs until it waits, and is then stopped
    worker = threading.Thread(target=x.run_stream, args=(config, lambda p: None, stop))
    worker.start()
    assert stop.waiting.wait(timeout=10), "the stream never waited"
    stop.set()
    worker.join(timeout=5)
    # then it asked only once and waited the 30 s it was told, not retrying
    assert not worker.is_alive()
    assert stop.waits == [30.0]
    assert len(fake_http.calls(STREAM)) == 1


@pytest.mark.parametrize(
    ("kind", "waits"),
    [
        ("network", [0.25, 0.5, 0.75, 16.0]),  # linear, 250 ms steps, capped at 16 s
        ("http", [5.0, 10.0, 20.0, 320.0]),  # exponential from 5 s, capped at 320 s
        ("429", [60.0, 120.0, 240.0, 3600.0]),  # exponential from a minute
    ],
)
def test_stream_backoff_follows_xs_documented_schedule(kind, waits):
    attempts = [1, 2, 3, 100]
    assert [x.stream_backoff(kind, n) for n in attempts] == waits


def test_a_dropped_stream_is_reopened_at_once_and_loses_no_post(fake_http):
    # given a stream that delivers one post then drops, then delivers the next one
    lines = (PAYLOADS / "x_stream.ndjson").read_bytes().split(b"\n")
    posts = [line + b"\n" for line in lines if b'"data"' in line]
    fake_http.add(STREAM, Reply(200, chunks=[b"\n", posts[0]]), times=1)
    fake_http.add(STREAM, Reply(200, chunks=[b"\n", posts[1]]))
    stop = WaitingStop()
    got = []

    def on_post(post):
        got.append(post.external_id)
        if len(got) == 2:
            stop.set()

    config = {"base_url": fake_http.url, "bearer_token": "t"}
    worker = threading.Thread(target=x.run_stream, args=(config, on_post, stop))
    worker.start()
    worker.join(timeout=10)
    # then both posts came, over two connections, with no wait between them
    assert not worker.is_alive()
    assert got == ["1785700000000000011", "1785700000000000012"]
    assert len(fake_http.calls(STREAM)) == 2
    assert stop.waits == []


def test_a_429_without_a_reset_waits_a_minute_then_doubles(fake_http):
    fake_http.add(STREAM, Reply(429, b'{"title":"TooManyConnections"}'), times=2)
    fake_http.add(STREAM, Reply(200, chunks=[b"\n"]))
    stop = WaitingStop()

    def stop_after_two_waits(timeout=None):
        WaitingStop.wait(stop, timeout)
        if len(stop.waits) >= 2:
            stop.set()
        return stop.is_set()

    stop.wait = stop_after_two_waits  # type: ignore[method-assign]
    config = {"base_url": fake_http.url, "bearer_token": "t", "reconnect_scale": 0.0001}
    worker = threading.Thread(target=x.run_stream, args=(config, lambda p: None, stop))
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert stop.waits == [pytest.approx(0.006), pytest.approx(0.012)]


def test_stream_rules_are_listed_with_their_ids(fake_http):
    fake_http.add(RULES, file="x_stream_rules.json")
    rules = x.rules_list({"base_url": fake_http.url, "bearer_token": "AAAA-test-bearer"})
    assert rules == [
        x.Rule("1785800000000000001", "(EVM OR ईवीएम) lang:hi -is:retweet", "evm-hi"),
        x.Rule("1785800000000000002", '"paper leak" (UPSSSC OR UPPSC)', ""),
    ]
    assert fake_http.calls(RULES)[0].headers["authorization"] == "Bearer AAAA-test-bearer"


def test_a_rule_is_added_checked_and_deleted_as_documented(fake_http):
    config = {"base_url": fake_http.url, "bearer_token": "t"}
    fake_http.add(
        RULES, file="x_stream_rules_invalid.json", method="POST", query={"dry_run": "true"}
    )
    fake_http.add(RULES, file="x_stream_rules_add.json", method="POST")
    # a dry run of a broken rule comes back with X's reason, nothing raised
    checked = x.rules_change(config, add=[("(EVM", "")], dry_run=True)
    assert checked.rules == []
    assert checked.summary["invalid"] == 1
    assert checked.errors == [
        "UnprocessableEntity: (EVM (Rules must contain a non-stopword matchable operator "
        "(at position 1))"
    ]
    # adding sends the documented body and returns the new rule's id
    value = '(बूथ कैप्चरिंग OR "booth capturing") -is:retweet'
    added = x.rules_change(config, add=[(value, "booth")])
    assert added.rules == [x.Rule("1785800000000000003", value, "booth")]
    assert fake_http.calls(RULES)[1].json() == {"add": [{"value": value, "tag": "booth"}]}
    assert fake_http.calls(RULES)[1].arg("dry_run") is None
    # deleting sends the ids
    fake_http.routes.clear()
    fake_http.add(RULES, file="x_stream_rules_deleted.json", method="POST")
    deleted = x.rules_change(config, delete=["1785800000000000003"])
    assert deleted.summary == {"deleted": 1, "not_deleted": 0}
    assert fake_http.calls(RULES)[2].json() == {"delete": {"ids": ["1785800000000000003"]}}
