"""Telegram: public channel previews and the tip bot, against recorded answers on loopback."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.types import FetchResult, Platform
from sampark.integrations import base, telegram
from sampark.integrations.tests.fakes import PAYLOADS, FakeServer, Reply

CHANNEL = "/s/upkhabar_fatafat"
TOKEN = "7000000001:AAH-test_Token-xyz"
BOT = f"/bot{TOKEN}"


def update(name: str) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads((PAYLOADS / name).read_text())
    return payload


def poll(fake_http: FakeServer, cursor: dict[str, Any] | None = None, **config: Any) -> FetchResult:
    config = {"channel": "@upkhabar_fatafat", "base_url": fake_http.url, **config}
    return telegram.ChannelConnector().fetch(config=config, cursor=cursor or {})


# --- public channel preview ---------------------------------------------------------------


def test_it_parses_messages_text_views_media_and_replies():
    # given a recorded t.me/s page
    page = (PAYLOADS / "tme_channel.html").read_bytes()
    # when parsed
    posts = telegram.parse_channel_page(page, channel="upkhabar_fatafat")
    # then each message is a post, oldest first
    assert [p.external_id for p in posts] == [f"upkhabar_fatafat/{n}" for n in (101, 102, 103, 104)]
    first, photo, reply, forward = posts
    assert first.platform == Platform.TELEGRAM
    # <br> become line breaks; links keep their text
    assert first.text == (
        "ब्रेकिंग: लखनऊ में ईवीएम हैक का वीडियो फ़र्ज़ी, आयोग ने दी सफ़ाई\n"
        "पूरी ख़बर 👇\nhttps://eci.gov.in/press-note/2024-05-01"
    )
    assert first.posted_at == datetime(2024, 5, 1, 10, 15, tzinfo=UTC)
    assert first.url == "https://t.me/upkhabar_fatafat/101"
    assert first.metrics == {"views": 1200}
    # a photo without text is a media post
    assert photo.text == ""
    assert photo.is_media is True
    assert photo.media == ("https://t.me/upkhabar_fatafat/102",)
    assert photo.metrics == {"views": 845}
    # a reply's own text, not the quoted one
    assert reply.text == "अपडेट: वीडियो डालने वाले अकाउंट पर FIR दर्ज, पुलिस जाँच में जुटी"
    assert reply.reply_to == "101"
    assert reply.metrics == {"views": 3_400_000}
    assert forward.extra["forwarded_from"] == "सच की आवाज़"
    assert forward.metrics == {"views": 12_500}


@pytest.mark.parametrize(
    ("shown", "count"),
    [
        pytest.param("845", 845, id="plain"),
        pytest.param("1.2K", 1200, id="thousands"),
        pytest.param("12.5K", 12500, id="tens_of_thousands"),
        pytest.param("3.4M", 3_400_000, id="millions"),
        pytest.param(" 2K ", 2000, id="spaces"),
        pytest.param("", 0, id="empty"),
        pytest.param("many", 0, id="not_a_number"),
    ],
)
def test_views_reads_what_telegram_shows(shown, count):
    assert telegram.views(shown) == count


def test_polls_move_the_cursor_and_repeat_nothing(fake_http):
    # given the latest page, then newer messages after 104, then nothing after 106
    fake_http.add(CHANNEL, file="tme_channel.html")
    fake_http.add(CHANNEL, file="tme_channel_after.html", query={"after": "104"})
    fake_http.add(CHANNEL, file="tme_channel_empty.html", query={"after": "106"})
    # when polled twice
    first = poll(fake_http, max_pages=1)
    second = poll(fake_http, first.cursor)
    # then the first poll takes the latest page and remembers the last number
    assert [p.extra["number"] for p in first.posts] == [101, 102, 103, 104]
    assert first.cursor == {"last": 104}
    # and the second walks ?after= pages until nothing is new
    assert [p.extra["number"] for p in second.posts] == [105, 106]
    assert second.cursor == {"last": 106}
    assert second.exhausted is True
    assert [c.arg("after") for c in fake_http.calls(CHANNEL)] == [None, "104", "106"]
    assert second.posts[0].metrics == {"views": 2100}


def test_a_capped_walk_says_more_is_waiting(fake_http):
    # given newer messages and a one-page cap
    fake_http.add(CHANNEL, file="tme_channel_after.html", query={"after": "104"})
    # when polled
    result = poll(fake_http, {"last": 104}, max_pages=1)
    # then the poller is told to come back soon
    assert result.exhausted is False
    assert result.cursor == {"last": 106}


def test_a_channel_without_a_public_preview_is_a_clear_error(fake_http):
    fake_http.add("/s/some_private_group", file="tme_not_public.html")
    with pytest.raises(base.ConnectorError, match="shows no public message history"):
        poll(fake_http, channel="some_private_group")


def test_a_bad_channel_name_is_refused():
    with pytest.raises(base.ConnectorError, match="public 'channel' name"):
        telegram.ChannelConnector().fetch(config={"channel": "../../etc"}, cursor={})


def test_a_rate_limited_preview_raises_rate_limited(fake_http):
    fake_http.add(CHANNEL, Reply(429, b"Too Many Requests", {"Retry-After": "90"}))
    with pytest.raises(base.RateLimited) as caught:
        poll(fake_http)
    assert caught.value.retry_after == 90


# --- Bot API updates ----------------------------------------------------------------------


def test_a_photo_with_a_caption_gives_the_largest_photo_and_its_links():
    # given a photo tip with a Hindi caption, an emoji, a url and a text_link
    tip = telegram.parse_update(update("tg_update_photo.json"))
    # then the tip carries the caption, the largest size and both links
    assert tip is not None
    assert tip.update_id == 734512001
    assert (tip.chat_id, tip.user_id, tip.username, tip.message_id) == (
        581234567,
        581234567,
        "suresh_pal_bly",
        88,
    )
    assert tip.text.startswith("🚨 ये पोस्टर गाँव में बँट रहा है")
    assert tip.photo_file_id == "AgACAgUAAxkBAAIBWGYyS-large"
    assert tip.urls == ["https://bit.ly/3xYzAb9", "https://example-news.in/up/poster-sach"]
    assert tip.date == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert tip.edited is False


def test_url_entities_count_utf16_units_past_emoji_and_devanagari():
    # given a text whose urls follow a skin-toned emoji and Devanagari
    tip = telegram.parse_update(update("tg_update_text.json"))
    # then the urls are cut exactly, and hashtags are not links
    assert tip is not None
    assert tip.urls == ["youtu.be/dQx7Lk2mN9a", "t.me/upkhabar_fatafat/104"]
    assert tip.photo_file_id == ""


def test_edited_messages_and_channel_posts_are_tips_too():
    edited = telegram.parse_update(update("tg_update_edited.json"))
    assert edited is not None
    assert edited.edited is True
    assert edited.urls == ["https://t.me/upkhabar_fatafat/105"]
    post = telegram.parse_update(update("tg_update_channel_post.json"))
    assert post is not None
    assert post.chat_id == -1002012345678
    assert post.user_id is None
    assert post.username == "jansampark_tips"
    assert post.text.startswith("बलिया से सूचना")


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(update("tg_update_sticker.json"), id="sticker_only"),
        pytest.param(update("tg_update_callback.json"), id="callback_query"),
        pytest.param({"update_id": "1", "message": {}}, id="update_id_not_int"),
        pytest.param({"update_id": 5, "message": {"text": "hi", "date": 1}}, id="no_chat"),
        pytest.param(
            {"update_id": 5, "message": {"chat": {"id": "x"}, "text": "hi"}}, id="chat_id_not_int"
        ),
        pytest.param([], id="not_an_object"),
    ],
)
def test_updates_without_a_tip_give_none(payload):
    assert telegram.parse_update(payload) is None


@pytest.mark.parametrize(
    ("header", "expected", "ok"),
    [
        pytest.param("s3cret-Token_1", "s3cret-Token_1", True, id="match"),
        pytest.param("s3cret-Token_2", "s3cret-Token_1", False, id="mismatch"),
        pytest.param(None, "s3cret-Token_1", False, id="missing_header"),
        pytest.param("", "", False, id="nothing_configured"),
        pytest.param("अ", "s3cret-Token_1", False, id="non_ascii_header"),
    ],
)
def test_check_secret(header, expected, ok):
    assert telegram.check_secret(header, expected) is ok


# --- Bot API calls ------------------------------------------------------------------------


def bot(fake_http: FakeServer) -> telegram.BotClient:
    return telegram.BotClient(TOKEN, base_url=fake_http.url)


def test_send_message_replies_to_the_tip(fake_http):
    fake_http.add(f"{BOT}/sendMessage", file="tg_send_message.json", method="POST")
    sent = bot(fake_http).send_message(
        581234567, "धन्यवाद! आपकी टिप हमारी टीम तक पहुँच गई है। ✅", reply_to=88
    )
    assert sent["message_id"] == 92
    body = fake_http.calls(f"{BOT}/sendMessage")[0].json()
    assert body["chat_id"] == 581234567
    assert body["text"].startswith("धन्यवाद!")
    assert body["reply_parameters"]["message_id"] == 88


def test_get_file_asks_for_the_path_then_downloads(fake_http):
    # given getFile and the file itself
    fake_http.add(f"{BOT}/getFile", file="tg_get_file.json", method="POST")
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    fake_http.add(
        f"/file{BOT}/photos/file_12.jpg", Reply(200, jpeg, {"Content-Type": "image/jpeg"})
    )
    # when the tip's photo is fetched
    data = bot(fake_http).get_file("AgACAgUAAxkBAAIBWGYyS-large")
    # then the bytes are the file's
    assert data == jpeg
    assert fake_http.calls(f"{BOT}/getFile")[0].json() == {"file_id": "AgACAgUAAxkBAAIBWGYyS-large"}


def test_set_webhook_sends_the_secret_token(fake_http):
    fake_http.add(f"{BOT}/setWebhook", file="tg_set_webhook.json", method="POST")
    assert (
        bot(fake_http).set_webhook("https://sampark.example/tips/telegram/", "s3cret-Token_1")
        is True
    )
    body = fake_http.calls(f"{BOT}/setWebhook")[0].json()
    assert body == {
        "url": "https://sampark.example/tips/telegram/",
        "secret_token": "s3cret-Token_1",
    }


def test_set_webhook_refuses_a_secret_telegram_would_reject(fake_http):
    with pytest.raises(base.ConnectorError, match="secret_token must be"):
        bot(fake_http).set_webhook("https://sampark.example/", "has spaces!")
    assert fake_http.requests == []


def test_get_updates_returns_update_objects(fake_http):
    fake_http.add(f"{BOT}/getUpdates", file="tg_get_updates.json", method="POST")
    updates = bot(fake_http).get_updates(offset=734512001)
    tips = [telegram.parse_update(u) for u in updates]
    assert [t.update_id for t in tips if t is not None] == [734512001, 734512002]
    assert fake_http.calls(f"{BOT}/getUpdates")[0].json() == {"timeout": 0, "offset": 734512001}


def test_a_429_from_the_bot_api_waits_its_retry_after(fake_http):
    fake_http.add(f"{BOT}/sendMessage", file="tg_too_many.json", status=429, method="POST")
    with pytest.raises(base.RateLimited) as caught:
        bot(fake_http).send_message(1, "hi")
    assert caught.value.retry_after == 35
    assert "Too Many Requests: retry after 35" in str(caught.value)


@pytest.mark.parametrize(
    ("file", "status", "message"),
    [
        pytest.param("tg_unauthorized.json", 401, "Telegram getFile: Unauthorized", id="bad_token"),
        pytest.param(
            "tg_bad_file.json", 400, "Telegram getFile: Bad Request: wrong file_id", id="bad_file"
        ),
    ],
)
def test_bot_api_errors_are_clear_and_hide_the_token(fake_http, file, status, message):
    fake_http.add(f"{BOT}/getFile", file=file, status=status, method="POST")
    with pytest.raises(base.ConnectorError) as caught:
        bot(fake_http).get_file("nope")
    assert str(caught.value).startswith(message)
    assert TOKEN not in str(caught.value)


def test_a_failed_download_never_shows_the_token(fake_http):
    # given getFile works but the download fails
    fake_http.add(f"{BOT}/getFile", file="tg_get_file.json", method="POST")
    fake_http.add(f"/file{BOT}/photos/file_12.jpg", Reply(404, b"Not Found"))
    with pytest.raises(base.ConnectorError) as caught:
        bot(fake_http).get_file("AgACAgUAAxkBAAIBWGYyS-large")
    assert "/file/bot<token>/photos/file_12.jpg answered 404" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_a_non_json_answer_is_a_connector_error(fake_http):
    fake_http.add(
        f"{BOT}/sendMessage",
        Reply(502, b"<html>Bad Gateway</html>", {"Content-Type": "text/html"}),
        method="POST",
    )
    with pytest.raises(base.ConnectorError, match="answered 502 Bad Gateway"):
        bot(fake_http).send_message(1, "hi")


def test_a_registered_command_gets_its_argument(monkeypatch):
    # given a handler registered for "/hello" (the registry is restored afterwards)
    monkeypatch.setattr(telegram, "_COMMANDS", {})
    calls: list[tuple[str, int]] = []

    def hello(*, argument: str, chat_id: int) -> None:
        calls.append((argument, chat_id))

    telegram.register_command("hello", hello)
    # when a message starts with the command, then its handler and argument are found
    found = telegram.command_of("/hello  abc ")
    assert found is not None
    handler, argument = found
    handler(argument=argument, chat_id=7)
    assert calls == [("abc", 7)]
    # and any other message is no command (a tip)
    assert telegram.command_of("hello abc") is None
