"""Facebook page posts and comments against recorded Graph API answers on loopback."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.types import FetchResult, Platform
from sampark.integrations import base, facebook
from sampark.integrations.tests.fakes import FakeServer, Reply

PAGE = "104857600000001"
FEED = f"/v23.0/{PAGE}/feed"
POST_A = "104857600000001_912345678901234"
POST_B = "104857600000001_912345678900001"
POST_C = "104857600000001_912345678800002"
AFTER = "QVFIUkhJV2lQS2VPQ0JYZAFYtb2RUN1JKYWNGZAkNGUEp2SmxtcU1iOVZAEZAjVvNXNH"


def serve_page(fake_http: FakeServer) -> None:
    fake_http.add(FEED, file="fb_feed_page1.json")
    fake_http.add(FEED, file="fb_feed_page2.json", query={"after": AFTER})
    for post in (POST_A, POST_B, POST_C):
        fake_http.add(f"/v23.0/{post}/comments", file=f"fb_comments_{post.split('_')[1]}.json")


def poll(fake_http: FakeServer, cursor: dict[str, Any] | None = None, **config: Any) -> FetchResult:
    config = {"page_id": PAGE, "access_token": "PAGE-TOKEN-1", **config}
    return facebook.PageConnector().fetch(
        config={"base_url": fake_http.url + "/v23.0", **config}, cursor=cursor or {}
    )


def test_it_reads_posts_and_comments_following_paging(fake_http):
    # given a page feed of two pages, and comments on its posts
    serve_page(fake_http)
    # when polled for the first time
    result = poll(fake_http)
    # then posts with a message and all comments come, with authors and replies linked
    by_id = {p.external_id: p for p in result.posts}
    assert set(by_id) == {
        POST_A,
        "912345678901234_1122334455667788",
        "912345678901234_1122334455667799",
        # POST_B is a photo without a message: only its comment counts
        "912345678900001_2233445566778899",
        POST_C,
    }
    post = by_id[POST_A]
    assert post.platform == Platform.FACEBOOK
    assert post.text.startswith("आज शाम 5 बजे लखनऊ के झूलेलाल पार्क में जनसभा")
    assert post.posted_at == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    assert post.url == "https://www.facebook.com/104857600000001/posts/912345678901234"
    question = by_id["912345678901234_1122334455667788"]
    answer = by_id["912345678901234_1122334455667799"]
    assert question.author == "सुनील वर्मा"
    assert question.reply_to == POST_A
    assert question.metrics == {"likes": 4}
    assert answer.reply_to == question.external_id
    # and the cursor is the newest item's time
    assert result.cursor["since"] == int(datetime(2024, 5, 1, 10, 45, 12, tzinfo=UTC).timestamp())


def test_requests_use_the_page_token_and_the_paging_link(fake_http):
    # given the page
    serve_page(fake_http)
    # when polled with an app secret
    poll(fake_http, app_secret="s3cr3t")
    # then the first request carries the token and proof; the second is the paging link itself
    first, second = fake_http.calls(FEED)
    assert first.arg("access_token") == "PAGE-TOKEN-1"
    expected = hmac.new(b"s3cr3t", b"PAGE-TOKEN-1", hashlib.sha256).hexdigest()
    assert first.arg("appsecret_proof") == expected
    assert "since" in first.query
    assert second.arg("after") == AFTER
    comments = fake_http.calls(f"/v23.0/{POST_A}/comments")[0]
    assert comments.arg("filter") == "stream"
    assert comments.arg("access_token") == "PAGE-TOKEN-1"


def test_the_next_poll_brings_only_new_items_and_skips_quiet_posts(fake_http):
    # given a first poll
    serve_page(fake_http)
    first = poll(fake_http)
    before = len(fake_http.requests)
    # when polled again and nothing changed
    second = poll(fake_http, first.cursor)
    # then nothing repeats; comments were opened only where updated_time reached the cursor
    assert second.posts == []
    asked = [r.path for r in fake_http.requests[before:]]
    assert asked.count(f"/v23.0/{POST_A}/comments") == 1
    assert f"/v23.0/{POST_B}/comments" not in asked
    assert f"/v23.0/{POST_C}/comments" not in asked
    assert fake_http.calls(f"/v23.0/{POST_A}/comments")[1].arg("since") == str(
        first.cursor["since"]
    )
    assert second.cursor["since"] == first.cursor["since"]


def test_a_paging_link_to_another_host_is_not_followed(fake_http):
    # given a next link pointing away from the API (it would carry our token)
    fake_http.add(FEED, file="fb_feed_foreign_next.json")
    fake_http.add(f"/v23.0/{POST_A}/comments", file="fb_comments_912345678901234.json")
    # when polled
    result = poll(fake_http)
    # then the feed was asked once, and its post still came
    assert len(fake_http.calls(FEED)) == 1
    assert POST_A in {p.external_id for p in result.posts}


def test_page_throttling_waits_for_the_business_use_case_estimate(fake_http):
    # given code 80001 and a BUC header saying 17 minutes
    usage = {
        PAGE: [
            {
                "type": "pages",
                "call_count": 100,
                "total_cputime": 12,
                "total_time": 20,
                "estimated_time_to_regain_access": 17,
            }
        ]
    }
    fake_http.add(
        FEED,
        file="fb_throttled_page.json",
        status=400,
        headers={"X-Business-Use-Case-Usage": json.dumps(usage)},
    )
    # when polled
    with pytest.raises(base.RateLimited) as caught:
        poll(fake_http)
    # then we wait 17 minutes, and the message quotes Facebook without the token
    assert caught.value.retry_after == 17 * 60
    assert "(#80001) There have been too many calls to this Page account" in str(caught.value)
    assert "PAGE-TOKEN-1" not in str(caught.value)


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_platform_throttle_codes_are_rate_limits(fake_http, code):
    # given an app-level throttle with only the usage percentages
    body = json.dumps(
        {"error": {"message": f"(#{code}) limit reached", "type": "OAuthException", "code": code}}
    )
    fake_http.add(
        FEED,
        Reply(
            403,
            body.encode(),
            {"X-App-Usage": '{"call_count":100,"total_time":40,"total_cputime":30}'},
        ),
    )
    # when polled
    with pytest.raises(base.RateLimited) as caught:
        poll(fake_http, throttle_delay=1200)
    # then the configured delay applies
    assert caught.value.retry_after == 1200


def test_app_throttle_without_config_waits_an_hour(fake_http):
    fake_http.add(FEED, file="fb_throttled_app.json", status=400)
    with pytest.raises(base.RateLimited) as caught:
        poll(fake_http)
    assert caught.value.retry_after == facebook.THROTTLE_DELAY


def test_an_expired_token_is_a_clear_error(fake_http):
    # given Facebook rejects the token
    fake_http.add(FEED, file="fb_token_expired.json", status=400)
    # then the error says so, with the code, and is not a rate limit
    with pytest.raises(base.ConnectorError) as caught:
        poll(fake_http)
    assert not isinstance(caught.value, base.RateLimited)
    message = str(caught.value)
    assert message.startswith(f"Facebook: {fake_http.url}{FEED} answered 400 Bad Request: ")
    assert "Error validating access token: Session has expired" in message
    assert "code 190" in message


def test_a_malformed_answer_is_a_connector_error(fake_http):
    fake_http.add(FEED, Reply(200, b'{"data": [{"message": "no id"}]}'))
    with pytest.raises(base.ConnectorError, match="an item without an id"):
        poll(fake_http)


def test_the_token_may_come_from_the_environment(fake_http, monkeypatch):
    # given the token in an environment variable named by the legacy key
    monkeypatch.setenv("FB_PAGE_TOKEN_TEST", "PAGE-TOKEN-ENV")
    fake_http.add(FEED, Reply(200, b'{"data": []}'))
    # when polled
    poll(fake_http, access_token="", token_env="FB_PAGE_TOKEN_TEST")
    # then that token was used
    assert fake_http.calls(FEED)[0].arg("access_token") == "PAGE-TOKEN-ENV"


def test_throttle_wait_reads_the_largest_estimate():
    import httpx

    headers = httpx.Headers(
        {
            "x-business-use-case-usage": json.dumps(
                {
                    "1": [{"estimated_time_to_regain_access": 3}],
                    "2": [{"estimated_time_to_regain_access": 9}],
                }
            ),
            "x-app-usage": "not json",
        }
    )
    assert facebook.throttle_wait(headers) == 9 * 60
    assert facebook.throttle_wait(httpx.Headers({}), default=42) == 42
