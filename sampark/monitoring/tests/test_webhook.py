"""The Telegram tip webhook: secret checks, dedupe on update id, the photo only with a token."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from PIL import Image

from sampark.integrations import telegram
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Post

SECRET = "s3cr3t-token_1"


def update(
    update_id: int = 1001, *, text: str = "अफवाह: कल बूथ बंद रहेगा https://t.co/x", photo: bool = False
):
    message = {
        "message_id": 7,
        "date": 1_714_000_000,
        "chat": {"id": 555, "type": "private"},
        "from": {"id": 42, "is_bot": False, "username": "volunteer42"},
        "text": text,
        "entities": [{"type": "url", "offset": text.find("https"), "length": len("https://t.co/x")}]
        if "https" in text
        else [],
    }
    if photo:
        message["photo"] = [
            {"file_id": "small", "file_size": 100, "width": 90},
            {"file_id": "big", "file_size": 9000, "width": 800},
        ]
    return {"update_id": update_id, "message": message}


def call(client, payload, secret: str | None = SECRET):
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret is not None else {}
    return client.post(
        reverse("monitoring:telegram_webhook"),
        json.dumps(payload),
        content_type="application/json",
        **headers,
    )


@pytest.fixture
def configured(db, settings, tmp_path):
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.MEDIA_ROOT = tmp_path


def test_disabled_without_a_configured_secret(client, db, settings):
    settings.TELEGRAM_WEBHOOK_SECRET = ""
    assert call(client, update()).status_code == 404
    assert call(client, update(), secret="").status_code == 404
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "secret", [None, "", "wrong", SECRET + "x"], ids=["missing", "empty", "wrong", "longer"]
)
def test_wrong_secret_is_403(client, configured, secret):
    assert call(client, update(), secret=secret).status_code == 403
    assert not Post.objects.exists()


def test_only_post(client, configured):
    assert client.get(reverse("monitoring:telegram_webhook")).status_code == 405


def test_update_becomes_one_tip_and_a_repeat_adds_nothing(client, configured):
    # when Telegram delivers an update, then delivers it again (a retry)
    assert call(client, update()).status_code == 200
    assert call(client, update()).status_code == 200
    # then there is one tip, kept with the update id, the sender and the link
    tip = Post.objects.get()
    assert tip.source.kind == SourceKind.TELEGRAM_BOT
    assert tip.external_id == "tg:1001"
    assert tip.author == "tg:42"
    assert tip.url == "https://t.co/x"
    assert tip.submitted_by is None
    assert tip.unit is None
    assert tip.posted_at.timestamp() == 1_714_000_000
    # a different update is a different tip
    assert call(client, update(1002, text="दूसरी खबर")).status_code == 200
    assert Post.objects.count() == 2


def test_updates_that_are_not_tips_are_acknowledged(client, configured):
    sticker = {"update_id": 5, "message": {"date": 1, "chat": {"id": 1}, "sticker": {}}}
    assert call(client, sticker).status_code == 200
    assert call(client, {"update_id": 6, "my_chat_member": {}}).status_code == 200
    assert not Post.objects.exists()


def test_bad_json_is_400(client, configured):
    response = client.post(
        reverse("monitoring:telegram_webhook"),
        b"{not json",
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
    )
    assert response.status_code == 400


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, format="JPEG")
    return out.getvalue()


class FakeBot:
    calls: list[str] = []

    def __init__(self, token: str, base_url: str, *, timeout: float = 20.0) -> None:
        self.token = token
        self.timeout = timeout

    def get_file(self, file_id: str) -> bytes:
        FakeBot.calls.append(file_id)
        return _jpeg()


class BrokenBot(FakeBot):
    def get_file(self, file_id: str) -> bytes:
        from sampark.integrations.base import ConnectorError

        raise ConnectorError("Telegram getFile: file is too big")


def test_photo_is_fetched_only_with_a_token(client, configured, settings, monkeypatch, tmp_path):
    FakeBot.calls = []
    monkeypatch.setattr(telegram, "BotClient", FakeBot)
    # without a token: the text is kept, no photo is fetched
    assert call(client, update(1, photo=True)).status_code == 200
    assert FakeBot.calls == []
    assert Post.objects.get(external_id="tg:1").media == []
    # with a token: the largest size is fetched and stored with the tip
    settings.TELEGRAM_BOT_TOKEN = "123:abc"
    assert call(client, update(2, photo=True)).status_code == 200
    assert FakeBot.calls == ["big"]
    tip = Post.objects.get(external_id="tg:2")
    assert tip.image_hash is not None
    assert (tmp_path / tip.media[0]).read_bytes() == _jpeg()
    # and a repeat of that update does not fetch again
    assert call(client, update(2, photo=True)).status_code == 200
    assert FakeBot.calls == ["big"]


def test_failed_photo_fetch_keeps_the_text(client, configured, settings, monkeypatch):
    settings.TELEGRAM_BOT_TOKEN = "123:abc"
    monkeypatch.setattr(telegram, "BotClient", BrokenBot)
    assert call(client, update(3, photo=True)).status_code == 200
    tip = Post.objects.get(external_id="tg:3")
    assert tip.text.startswith("अफवाह")
    assert tip.media == []


def test_start_with_a_link_token_connects_the_volunteer_and_is_not_a_tip(client, configured):
    from sampark.content import services as content_services
    from sampark.content.models import ChannelPreference
    from sampark.people.models import Person

    # given a volunteer who pressed "Connect Telegram" in the app
    person = Person.objects.create(name="विमला", phone="+919800000077")
    token = content_services.telegram_link_token(person=person)
    # when the bot receives "/start <token>" from their chat
    response = call(client, update(text=f"/start {token}"))
    # then their chat is stored, Telegram becomes their channel, and no tip is recorded
    assert response.status_code == 200
    pref = ChannelPreference.objects.get(person=person)
    assert pref.telegram_chat_id == "555"
    assert pref.channel == "telegram"
    assert not Post.objects.exists()


def test_start_with_a_forged_token_links_nobody(client, configured):
    from sampark.content.models import ChannelPreference

    assert call(client, update(text="/start 1:forged:token")).status_code == 200
    assert not ChannelPreference.objects.exists()
    assert not Post.objects.exists()


class GreetingBot(FakeBot):
    sent: list[tuple[int, str]] = []

    def send_message(self, chat_id: int, text: str) -> None:
        GreetingBot.sent.append((chat_id, text))


def test_start_greets_the_chat_when_the_bot_has_a_token(client, configured, settings, monkeypatch):
    # given a bot with a token, and a forged link
    settings.TELEGRAM_BOT_TOKEN = "123:abc"
    GreetingBot.sent = []
    monkeypatch.setattr(telegram, "BotClient", GreetingBot)
    # when the bot receives "/start <forged token>"
    assert call(client, update(text="/start 1:forged:token")).status_code == 200
    # then the chat is told the link has expired, and nothing else happened
    assert GreetingBot.sent == [
        (555, "संपर्क: यह लिंक पुराना है; ऐप की सेटिंग से फिर जोड़ें। / This link has expired.")
    ]
    assert not Post.objects.exists()
