"""YouTube search and comment threads against recorded Data API v3 answers on loopback."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.types import FetchResult, Platform
from sampark.integrations import base, youtube
from sampark.integrations.tests.fakes import FakeServer, Reply

SEARCH = "/youtube/v3/search"
THREADS = "/youtube/v3/commentThreads"


def search(
    fake_http: FakeServer, cursor: dict[str, Any] | None = None, **config: Any
) -> FetchResult:
    config = {"query": "ईवीएम हैक", "api_key": "AIza-test-key", **config}
    return youtube.SearchConnector().fetch(
        config={"base_url": fake_http.url + "/youtube/v3", **config}, cursor=cursor or {}
    )


def comments(
    fake_http: FakeServer, cursor: dict[str, Any] | None = None, **config: Any
) -> FetchResult:
    config = {"video_id": "dQx7Lk2mN9a", "api_key": "AIza-test-key", **config}
    return youtube.CommentsConnector().fetch(
        config={"base_url": fake_http.url + "/youtube/v3", **config}, cursor=cursor or {}
    )


def test_search_maps_videos_and_skips_channels(fake_http):
    # given a search page with two videos and a channel
    fake_http.add(SEARCH, file="youtube_search.json")
    # when polled
    result = search(fake_http, region_code="IN", relevance_language="hi")
    # then only the videos come, with unescaped titles
    assert [p.external_id for p in result.posts] == ["video:dQx7Lk2mN9a", "video:Pq3Rs4Tu5Vw"]
    first = result.posts[0]
    assert first.platform == Platform.YOUTUBE
    assert first.text.startswith('EVM "हैक" वीडियो का सच | Fact Check | चुनाव 2024\nक्या सच में')
    assert result.posts[1].text.startswith("Lucknow booth se LIVE: voting ka haal 🗳️ | UP's phase 3")
    assert first.author == "सच की पड़ताल"
    assert first.url == "https://www.youtube.com/watch?v=dQx7Lk2mN9a"
    assert first.posted_at == datetime(2024, 5, 1, 9, 40, 11, tzinfo=UTC)
    # and the request asked for newest videos with our key and options
    seen = fake_http.calls(SEARCH)[0]
    assert (seen.arg("q"), seen.arg("type"), seen.arg("order"), seen.arg("part")) == (
        "ईवीएम हैक",
        "video",
        "date",
        "snippet",
    )
    assert (seen.arg("key"), seen.arg("regionCode"), seen.arg("relevanceLanguage")) == (
        "AIza-test-key",
        "IN",
        "hi",
    )
    # one page per poll by default: search costs 100 quota units a call
    assert len(fake_http.calls(SEARCH)) == 1
    assert result.cursor["published_after"] == "2024-05-01T09:40:11Z"


def test_search_asks_published_after_and_repeats_nothing(fake_http):
    # given a first poll; the API's publishedAfter is inclusive, so the newest video comes again
    fake_http.add(SEARCH, file="youtube_search.json")
    first = search(fake_http)
    # when polled again
    second = search(fake_http, first.cursor)
    # then it asked since the newest video and drops the ones it has
    assert fake_http.calls(SEARCH)[1].arg("publishedAfter") == "2024-05-01T09:40:11Z"
    assert second.posts == []
    assert second.cursor["published_after"] == "2024-05-01T09:40:11Z"


def test_search_resumes_a_capped_walk_with_the_page_token(fake_http):
    # given a bounded search with two pages
    fake_http.add(SEARCH, file="youtube_search.json")
    fake_http.add(SEARCH, file="youtube_search_page2.json", query={"pageToken": "CDIQAA"})
    cursor = {"published_after": "2024-05-01T07:00:00Z"}
    # when polled twice, one page each
    first = search(fake_http, cursor)
    second = search(fake_http, first.cursor)
    # then the second poll continues at the page token and only then moves the bound
    assert first.exhausted is False
    assert first.cursor["published_after"] == "2024-05-01T07:00:00Z"
    assert fake_http.calls(SEARCH)[1].arg("pageToken") == "CDIQAA"
    assert [p.external_id for p in second.posts] == ["video:Mn8Op9Qr0St"]
    assert second.exhausted is True
    assert second.cursor["published_after"] == "2024-05-01T09:40:11Z"
    assert "page_token" not in second.cursor


def test_comments_follow_pages_and_include_replies(fake_http):
    # given two pages of comment threads
    fake_http.add(THREADS, file="youtube_comments_page1.json")
    fake_http.add(
        THREADS,
        file="youtube_comments_page2.json",
        query={"pageToken": "QURTSl9pMkRBbXhxRjdNbF9hWkZvY2hwQVA4"},
    )
    # when polled
    result = comments(fake_http)
    # then every comment and reply comes with its text, author, link and likes
    assert [p.external_id for p in result.posts] == [
        "comment:UgxKREWxIgDrw8w2e_Z4AaABAg",
        "comment:UgxKREWxIgDrw8w2e_Z4AaABAg.A2bC3dE4fG5hI6jK7lM8nO",
        "comment:UgzP9kL3mN2bV1cX0zA9AaABAg",
        "comment:UgyT5rE4wQ3aS2dF1gH0AaABAg",
    ]
    top, reply = result.posts[0], result.posts[1]
    assert top.text == "ये वीडियो 2019 का है, मेरे गाँव में भी यही फैलाया गया था 😡"
    assert top.author == "@ramesh_kumar_bst"
    assert top.metrics == {"likes": 48}
    assert top.url == "https://www.youtube.com/watch?v=dQx7Lk2mN9a&lc=UgxKREWxIgDrw8w2e_Z4AaABAg"
    assert reply.reply_to == "comment:UgxKREWxIgDrw8w2e_Z4AaABAg"
    # the cursor is the newest publishedAt seen (the reply's)
    assert result.cursor["newest"] == "2024-05-01T10:20:02Z"
    first_call = fake_http.calls(THREADS)[0]
    assert first_call.arg("videoId") == "dQx7Lk2mN9a"
    assert first_call.arg("textFormat") == "plainText"
    assert fake_http.calls(THREADS)[1].arg("pageToken") == "QURTSl9pMkRBbXhxRjdNbF9hWkZvY2hwQVA4"


def test_comments_stop_at_what_was_seen_and_repeat_nothing(fake_http):
    # given a first poll of both pages
    fake_http.add(THREADS, file="youtube_comments_page1.json")
    fake_http.add(
        THREADS,
        file="youtube_comments_page2.json",
        query={"pageToken": "QURTSl9pMkRBbXhxRjdNbF9hWkZvY2hwQVA4"},
    )
    first = comments(fake_http)
    # when polled again with nothing new
    second = comments(fake_http, first.cursor)
    # then nothing repeats, and it did not page past comments older than the cursor
    assert second.posts == []
    assert len(fake_http.calls(THREADS)) == 3
    assert second.cursor["newest"] == first.cursor["newest"]


def test_channel_comments_use_all_threads_related_to_channel(fake_http):
    fake_http.add(THREADS, file="youtube_comments_page2.json")
    comments(fake_http, video_id="", channel_id="UCp4Xa9mQ2rT5yU8iO1lK3jH")
    seen = fake_http.calls(THREADS)[0]
    assert seen.arg("allThreadsRelatedToChannelId") == "UCp4Xa9mQ2rT5yU8iO1lK3jH"
    assert seen.arg("videoId") is None


def test_quota_exceeded_waits_until_pacific_midnight(fake_http):
    # given the daily quota is spent
    fake_http.add(SEARCH, file="youtube_quota_exceeded.json", status=403)
    # when polled
    with pytest.raises(base.RateLimited) as caught:
        search(fake_http)
    # then the wait is the time to the next midnight in California, and the key is hidden
    expected = youtube.until_quota_reset()
    assert abs(caught.value.retry_after - expected) < 5
    assert "reason quotaExceeded" in str(caught.value)
    assert "AIza-test-key" not in str(caught.value)


def test_a_configured_delay_overrides_the_quota_wait(fake_http):
    fake_http.add(THREADS, file="youtube_quota_exceeded.json", status=403)
    with pytest.raises(base.RateLimited) as caught:
        comments(fake_http, quota_delay=1800)
    assert caught.value.retry_after == 1800


def test_a_short_rate_limit_waits_minutes_not_a_day(fake_http):
    fake_http.add(SEARCH, file="youtube_rate_limit.json", status=403)
    with pytest.raises(base.RateLimited) as caught:
        search(fake_http)
    assert caught.value.retry_after == youtube.RATE_LIMIT_DELAY


@pytest.mark.parametrize(
    ("now", "expected_hours"),
    [
        pytest.param(datetime(2024, 5, 1, 6, 0, tzinfo=UTC), 1.0, id="pdt_23h"),
        pytest.param(datetime(2024, 1, 15, 8, 0, tzinfo=UTC), 24.0, id="pst_midnight"),
        # 00:30 PST on the night clocks jump to PDT: the day is 23 hours long
        pytest.param(datetime(2024, 3, 10, 8, 30, tzinfo=UTC), 22.5, id="spring_forward_day"),
    ],
)
def test_until_quota_reset_counts_to_california_midnight(now, expected_hours):
    assert youtube.until_quota_reset(now) == expected_hours * 3600


def test_disabled_comments_are_a_clear_error(fake_http):
    # given a video whose comments are off
    fake_http.add(THREADS, file="youtube_comments_disabled.json", status=403)
    # then the error says so in plain words
    with pytest.raises(base.ConnectorError) as caught:
        comments(fake_http)
    assert not isinstance(caught.value, base.RateLimited)
    assert "parameter has disabled comments" in str(caught.value)
    assert "reason commentsDisabled" in str(caught.value)


def test_a_malformed_answer_is_a_connector_error(fake_http):
    fake_http.add(THREADS, Reply(200, b'{"items": {"oops": 1}}'))
    with pytest.raises(base.ConnectorError, match="'items' is not a list"):
        comments(fake_http)
    fake_http.add(
        SEARCH,
        Reply(200, b'{"items": [{"id": {"videoId": "a"}, "snippet": {"publishedAt": "soon"}}]}'),
    )
    with pytest.raises(base.ConnectorError, match="bad timestamp"):
        search(fake_http)


def test_a_comments_source_needs_a_target():
    with pytest.raises(base.ConnectorError, match="needs 'video_id' or 'channel_id'"):
        youtube.CommentsConnector().fetch(config={"api_key": "k"}, cursor={})
