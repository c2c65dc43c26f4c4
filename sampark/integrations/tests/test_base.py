"""Shared connector plumbing: errors, rate limits, back-off, the registry."""

from __future__ import annotations

import gzip
import random
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from sampark.integrations import base
from sampark.integrations.tests.fakes import FakeServer, Reply

# Waits computed from the clock are read on a clock standing still at this moment.
NOW = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)


def _get(fake_http: FakeServer, path: str) -> httpx.Response:
    with base.http_client() as client:
        return base.send(client, "GET", fake_http.url + path, service="Test")


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"Retry-After": "120"}, 120.0, id="retry_after_seconds"),
        pytest.param({}, 60.0, id="no_header_default"),
    ],
)
def test_it_turns_429_into_rate_limited(fake_http, headers, expected):
    # given a service that answers 429
    fake_http.add("/slow", Reply(429, b"{}", headers))
    # when the response is checked
    with pytest.raises(base.RateLimited) as caught:
        base.raise_for_status(_get(fake_http, "/slow"), service="Test", default_wait=60)
    # then the wait is what the service asked for
    assert caught.value.retry_after == expected


def test_it_reads_retry_after_as_an_http_date(fake_http, time_machine):
    # given a 503 whose Retry-After is a date five minutes ahead (on a clock standing still)
    time_machine.move_to(NOW, tick=False)
    when = datetime.now(tz=UTC) + timedelta(minutes=5)
    fake_http.add("/down", Reply(503, b"busy", {"Retry-After": format_datetime(when, usegmt=True)}))
    # when it is checked
    with pytest.raises(base.RateLimited) as caught:
        base.raise_for_status(_get(fake_http, "/down"), service="Test")
    # then the wait is five minutes
    assert caught.value.retry_after == 300


def test_it_reads_x_rate_limit_reset_as_an_epoch(fake_http, time_machine):
    # given X's reset header, 900 s from now
    time_machine.move_to(NOW, tick=False)
    reset = int(time.time()) + 900
    fake_http.add("/x", Reply(429, b"{}", {"x-rate-limit-reset": str(reset)}))
    # when it is checked
    with pytest.raises(base.RateLimited) as caught:
        base.raise_for_status(_get(fake_http, "/x"), service="X")
    # then the wait runs to the reset
    assert caught.value.retry_after == 900


def test_a_503_without_retry_after_is_a_plain_failure(fake_http):
    # given a 503 that gives no hint when to come back
    fake_http.add("/down", Reply(503, b"<h1>Service Unavailable</h1>"))
    # when it is checked
    with pytest.raises(base.ConnectorError) as caught:
        base.raise_for_status(_get(fake_http, "/down"), service="Test")
    # then it is an ordinary failure whose message says what happened
    assert not isinstance(caught.value, base.RateLimited)
    assert "answered 503 Service Unavailable: Service Unavailable" in str(caught.value)


def test_error_messages_name_the_service_and_hide_the_query(fake_http):
    # given an API key in the query string and a Google-shaped error
    fake_http.add(
        "/v3/search",
        file="youtube_comments_disabled.json",
        status=403,
    )
    with base.http_client() as client:
        response = base.send(
            client, "GET", fake_http.url + "/v3/search", service="YouTube", params={"key": "SECRET"}
        )
    # when it becomes an error
    with pytest.raises(base.ConnectorError) as caught:
        base.raise_for_status(response, service="YouTube")
    # then the message is readable, has the reason, and never the key
    message = str(caught.value)
    assert message.startswith(f"YouTube: {fake_http.url}/v3/search answered 403 Forbidden: ")
    assert "parameter has disabled comments" in message
    assert "reason commentsDisabled" in message
    assert "<a" not in message
    assert "SECRET" not in message


def test_a_bot_token_never_shows_in_a_message():
    # given a Bot API URL
    url = httpx.URL("https://api.telegram.org/bot123456:AAHsecret-Token_x/getFile?file_id=1")
    # then where() hides the token
    assert base.where(url) == "https://api.telegram.org/bot<token>/getFile"


def test_an_unreachable_host_is_a_connector_error():
    # given a port nothing listens on
    # when we call it
    with base.http_client(timeout=2) as client, pytest.raises(base.ConnectorError) as caught:
        base.send(client, "GET", "http://127.0.0.1:9/feed?key=SECRET", service="RSS")
    # then the error names the service and the place, not the key
    assert str(caught.value).startswith("RSS: could not reach http://127.0.0.1:9/feed (")
    assert "SECRET" not in str(caught.value)


def test_a_body_over_the_limit_is_refused(fake_http):
    # given a large answer
    fake_http.add("/big", Reply(200, b"x" * 5000))
    # when we read it with a small limit, then it is refused
    with (
        base.http_client() as client,
        pytest.raises(base.ConnectorError, match="more than 1000 bytes"),
    ):
        base.send(client, "GET", fake_http.url + "/big", service="Test", max_bytes=1000)


def test_a_compressed_answer_is_read_once_decoded(fake_http):
    # given an API that gzips its JSON (httpx asks for it with Accept-Encoding)
    fake_http.add("/api", Reply(200, gzip.compress(b'{"ok": true}'), {"Content-Encoding": "gzip"}))
    # when it is read, then the body is decoded once, not a second time
    assert base.json_of(_get(fake_http, "/api"), service="Test") == {"ok": True}


def test_non_json_is_a_connector_error(fake_http):
    # given an HTML page where JSON was expected
    fake_http.add("/api", Reply(200, b"<html>oops</html>", {"Content-Type": "text/html"}))
    # then reading JSON fails with a clear message
    with pytest.raises(base.ConnectorError, match="not JSON"):
        base.json_of(_get(fake_http, "/api"), service="Test")


def test_every_request_carries_our_user_agent(fake_http):
    # given any route
    fake_http.add("/ua", Reply(200, b"{}"))
    # when we call it
    _get(fake_http, "/ua")
    # then the service sees who we are
    assert fake_http.calls("/ua")[0].headers["user-agent"] == "Sampark/0.1 (+listening)"


def test_secret_prefers_the_value_then_the_environment(monkeypatch):
    # given a token in the environment
    monkeypatch.setenv("SAMPARK_TEST_TOKEN", "from-env")
    # then both ways of naming it work, and a missing one says what to set
    assert base.secret({"bearer_token": "inline"}, "bearer_token") == "inline"
    assert base.secret({"bearer_token_env": "SAMPARK_TEST_TOKEN"}, "bearer_token") == "from-env"
    with pytest.raises(base.ConnectorError, match="set the environment variable NOPE_NOT_SET"):
        base.secret({"bearer_token_env": "NOPE_NOT_SET"}, "bearer_token")
    with pytest.raises(base.ConnectorError, match="'bearer_token_env'"):
        base.secret({}, "bearer_token")


def test_next_delay_is_jittered_doubling_and_capped():
    # given a seeded generator
    rng = random.Random(7)
    # when we draw delays for growing failure counts
    delays = {
        n: [base.next_delay(n, base=60, cap=3600, rng=rng) for _ in range(200)] for n in (1, 3, 10)
    }
    # then each lies between base/2 and the doubled ceiling, never past the cap
    assert all(30 <= d <= 60 for d in delays[1])
    assert all(30 <= d <= 240 for d in delays[3])
    assert all(30 <= d <= 3600 for d in delays[10])
    assert max(delays[10]) > 2000  # the ceiling really grew
    # and a seed repeats the same sequence
    assert base.next_delay(5, seed=42) == base.next_delay(5, seed=42)


def test_parse_time_reads_every_format_the_apis_use():
    # X, YouTube, Facebook and naive timestamps
    assert base.parse_time("2024-05-01T06:10:42.000Z", service="X") == datetime(
        2024, 5, 1, 6, 10, 42, tzinfo=UTC
    )
    assert base.parse_time("2024-05-01T09:30:00+0000", service="Facebook") == datetime(
        2024, 5, 1, 9, 30, tzinfo=UTC
    )
    assert base.parse_time("2024-05-01T10:00:00", service="T").tzinfo is not None
    with pytest.raises(base.ConnectorError, match="bad timestamp"):
        base.parse_time("kal subah", service="T")


def test_strip_html_gives_nfc_devanagari():
    # given nukta letters in both spellings inside HTML: precomposed फ़ (U+095E, which NFC
    # decomposes) and decomposed ऩ (न + nukta, which NFC composes to U+0929)
    fragment = "<p>\u095eर्ज़ी &amp; <b>\u0928\u093c</b></p><p>दूसरी पंक्ति</p>"
    # then the text is NFC, tags gone, entities decoded, lines kept
    assert base.strip_html(fragment) == "\u092b\u093cर्ज़ी & \u0929\nदूसरी पंक्ति"


@pytest.mark.parametrize(
    "kind",
    ["rss", "x_search", "youtube_search", "youtube_comments", "facebook_page", "telegram_channel"],
)
def test_the_registry_knows_every_polled_kind(kind):
    assert base.get(kind).kind == kind


def test_an_unknown_kind_is_a_connector_error():
    with pytest.raises(base.ConnectorError, match="no connector for source kind 'myspace'"):
        base.get("myspace")
