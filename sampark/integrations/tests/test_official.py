"""Posting on the official accounts, against recorded answers of X, Facebook and Telegram."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest

from sampark.integrations import base, official
from sampark.integrations.tests.fakes import FakeServer

X_TOKEN = "official-user-context-token"
FB_TOKEN = "PAGE-POST-TOKEN-1"
PAGE = "104857600000001"
BOT_TOKEN = "7000000001:AAH-test_Token-xyz"
CHANNEL = "-1001987654321"
TWEETS = "/2/tweets"
FEED = f"/v23.0/{PAGE}/feed"
SEND = f"/bot{BOT_TOKEN}/sendMessage"
TEXT = "फैक्ट चेक: 2000 के नोट में GPS चिप होने का दावा झूठा है।"


@pytest.fixture
def configured(settings, fake_http: FakeServer):
    settings.X_POST_ENABLED = True
    settings.FACEBOOK_PAGE_POST_ENABLED = True
    settings.TELEGRAM_CHANNEL_POST_ENABLED = True
    settings.X_API_BASE = fake_http.url
    settings.FACEBOOK_GRAPH_BASE = fake_http.url + "/v23.0"
    settings.TELEGRAM_API_BASE = fake_http.url
    settings.X_POST_TOKEN = X_TOKEN
    settings.FACEBOOK_PAGE_POST_TOKEN = FB_TOKEN
    settings.FACEBOOK_PAGE_ID = PAGE
    settings.FACEBOOK_APP_SECRET = ""
    settings.TELEGRAM_BOT_TOKEN = BOT_TOKEN
    settings.TELEGRAM_CHANNEL_ID = CHANNEL
    return settings


def payload(name: str) -> str:
    return f"official/{name}"


# --- X ---------------------------------------------------------------------------------------


def test_it_posts_on_x_with_the_user_token(configured, fake_http):
    # given X accepts the post
    fake_http.add(TWEETS, file=payload("x_post_created.json"), status=201, method="POST")
    # when posted
    ident = official.post_x(TEXT)
    # then the post id comes back and the request carried the text and the bearer token
    assert ident == "1786000000000000042"
    (call,) = fake_http.calls(TWEETS)
    assert call.json() == {"text": TEXT}
    assert call.headers["authorization"] == f"Bearer {X_TOKEN}"


@pytest.mark.parametrize(
    ("_case", "file", "status", "said"),
    [
        ("duplicate", "x_post_duplicate.json", 403, "duplicate content"),
        ("bad token", "x_post_unauthorized.json", 401, "401 Unauthorized"),
    ],
)
def test_x_refusals_are_connector_errors_without_the_token(
    configured, fake_http, _case, file, status, said
):
    # given X refuses
    fake_http.add(TWEETS, file=payload(file), status=status, method="POST")
    # when posted
    with pytest.raises(base.ConnectorError) as caught:
        official.post_x(TEXT)
    # then the error says why, is not a rate limit, and hides the token
    assert said in str(caught.value)
    assert not isinstance(caught.value, base.RateLimited)
    assert X_TOKEN not in str(caught.value)


def test_x_rate_limit_waits_until_the_reset(configured, fake_http, time_machine):
    # given X answers 429 with a reset 600 s away (on a clock standing still)
    time_machine.move_to(datetime(2024, 5, 1, 6, 0, tzinfo=UTC), tick=False)
    reset = int(time.time()) + 600
    fake_http.add(
        TWEETS,
        file=payload("x_post_rate_limited.json"),
        status=429,
        method="POST",
        headers={"x-rate-limit-reset": str(reset)},
    )
    # when posted
    with pytest.raises(base.RateLimited) as caught:
        official.post_x(TEXT)
    # then the wait is the reset
    assert caught.value.retry_after == 600


def test_x_rejects_a_text_over_the_limit(configured, fake_http):
    with pytest.raises(base.ConnectorError, match="max 280"):
        official.post_x("अ" * 281)
    assert fake_http.requests == []


# --- Facebook --------------------------------------------------------------------------------


def test_it_posts_on_the_page_with_the_token_in_the_body(configured, fake_http):
    # given the page feed accepts the post, and an app secret is configured
    configured.FACEBOOK_APP_SECRET = "s3cr3t"
    fake_http.add(FEED, file=payload("fb_page_post_created.json"), method="POST")
    # when posted with a link
    ident = official.post_facebook(TEXT, link="https://factcheck.example.org/gps-chip")
    # then the post id comes back; message, link, token and proof went in the form, not the URL
    assert ident == "104857600000001_913000000000042"
    (call,) = fake_http.calls(FEED)
    form = {k: v[0] for k, v in parse_qs(call.body.decode()).items()}
    assert form["message"] == TEXT
    assert form["link"] == "https://factcheck.example.org/gps-chip"
    assert form["access_token"] == FB_TOKEN
    assert len(form["appsecret_proof"]) == 64
    assert call.query == {}


def test_facebook_permission_error_is_a_connector_error(configured, fake_http):
    fake_http.add(FEED, file=payload("fb_page_post_permission.json"), status=403, method="POST")
    with pytest.raises(base.ConnectorError) as caught:
        official.post_facebook(TEXT)
    assert "pages_manage_posts" in str(caught.value)
    assert not isinstance(caught.value, base.RateLimited)
    assert FB_TOKEN not in str(caught.value)


def test_facebook_page_throttle_is_a_rate_limit(configured, fake_http):
    # given code 32 and a page usage header saying 12 minutes
    fake_http.add(
        FEED,
        file=payload("fb_page_post_throttled.json"),
        status=400,
        method="POST",
        headers={"X-Page-Usage": '{"call_count":100,"estimated_time_to_regain_access":12}'},
    )
    # when posted
    with pytest.raises(base.RateLimited) as caught:
        official.post_facebook(TEXT)
    # then we wait 12 minutes
    assert caught.value.retry_after == 12 * 60


# --- Telegram channel ------------------------------------------------------------------------


def test_it_posts_in_the_channel_through_the_bot(configured, fake_http):
    # given the Bot API accepts the message
    fake_http.add(SEND, file=payload("tg_channel_post_sent.json"), method="POST")
    # when posted
    ident = official.post_telegram_channel(TEXT)
    # then the message id comes back and it went to the channel
    assert ident == "311"
    (call,) = fake_http.calls(SEND)
    assert call.json() == {"chat_id": int(CHANNEL), "text": TEXT}


def test_telegram_channel_refusal_and_rate_limit(configured, fake_http):
    # given the bot is not an admin, then (after that is fixed) Telegram asks to slow down
    fake_http.add(
        SEND, file=payload("tg_channel_not_admin.json"), status=403, method="POST", times=1
    )
    fake_http.add(SEND, file=payload("tg_channel_too_many.json"), status=429, method="POST")
    # when posted twice
    with pytest.raises(base.ConnectorError) as refused:
        official.post_telegram_channel(TEXT)
    with pytest.raises(base.RateLimited) as limited:
        official.post_telegram_channel(TEXT)
    # then the first is a plain error, the second a 17 s wait; the token shows in neither
    assert not isinstance(refused.value, base.RateLimited)
    assert "not a member of the channel" in str(refused.value)
    assert limited.value.retry_after == 17
    assert BOT_TOKEN not in str(refused.value) + str(limited.value)


def test_telegram_channel_needs_a_numeric_id(configured, fake_http):
    configured.TELEGRAM_CHANNEL_ID = "@sampark_factcheck"
    with pytest.raises(base.ConnectorError, match="numeric id"):
        official.post_telegram_channel(TEXT)
    assert fake_http.requests == []


# --- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "post", "missing"),
    [
        ("x", lambda: official.post_x(TEXT), "X_POST_TOKEN"),
        ("facebook", lambda: official.post_facebook(TEXT), "FACEBOOK_PAGE_POST_TOKEN"),
        ("telegram", lambda: official.post_telegram_channel(TEXT), "TELEGRAM_CHANNEL_ID"),
    ],
)
def test_a_missing_secret_is_not_configured(
    configured, fake_http, monkeypatch, _case, post, missing
):
    # given the secret is in neither the settings nor the environment
    setattr(configured, missing, "")
    monkeypatch.delenv(missing, raising=False)
    # when posting
    with pytest.raises(base.ConnectorError, match="not configured") as caught:
        post()
    # then nothing was sent, and the error names the missing variable
    assert missing in str(caught.value)
    assert fake_http.requests == []


def test_the_token_may_come_from_the_environment(configured, fake_http, monkeypatch):
    # given the token only in the environment
    configured.X_POST_TOKEN = ""
    monkeypatch.setenv("X_POST_TOKEN", "env-token")
    fake_http.add(TWEETS, file=payload("x_post_created.json"), status=201, method="POST")
    # when posted
    official.post_x(TEXT)
    # then that token was used
    assert fake_http.calls(TWEETS)[0].headers["authorization"] == "Bearer env-token"


def test_a_channel_behind_its_flag_sends_nothing(configured, fake_http):
    # given the X flag is off
    configured.X_POST_ENABLED = False
    # when posting
    with pytest.raises(base.ConnectorError, match="disabled"):
        official.post_x(TEXT)
    # then nothing left, and the flag reads off
    assert fake_http.requests == []
    assert official.enabled("X") is False
    assert official.enabled("Facebook") is True
