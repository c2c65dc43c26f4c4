"""Every page of the app speaks one language (issue #11): on Hindi pages no English word of the
interface, on English pages no Hindi one. Names and texts people typed (data) are taken out
first; brand names and the other language's switch ("English" / "हिन्दी") are allowed."""

from __future__ import annotations

import html as htmllib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sampark.app.tests.test_kits import _deliver, _kit
from sampark.groups.tests.factories import make_group, volunteer_admin
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Post

LATIN = re.compile(r"[A-Za-z]{2,}")
DEVANAGARI = re.compile(r"[\u0900-\u097F]+")
ALLOWED_LATIN = {"WhatsApp", "Telegram", "SMS", "English", "PDF"}
ALLOWED_DEVANAGARI = {"हिन्दी"}
TIP = "EVM bluetooth से हैक हो सकती है"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(booth1, district1, bob):
    """vimla with a kit, a group she admins (counted a minute ago) and a tip of hers."""
    group = make_group(booth=booth1, name="बूथ समूह", member_count=10)
    vimla = volunteer_admin(username="vimla", booth=booth1, group=group)
    delivery = _deliver(_kit(unit=district1, author=bob), vimla)
    client = Client()
    client.force_login(vimla)
    client.post(reverse("app:rumour_new"), {"text": TIP})
    tip = Post.objects.get(source__kind=SourceKind.TIP_FORM)
    Post.objects.filter(id=tip.id).update(received_at=timezone.now() - timedelta(days=2))
    assert vimla.person is not None
    data = [vimla.person.name, "Vimla", group.name, TIP, booth1.name, booth1.name_hi]
    urls = [
        reverse("app:home"),
        reverse("app:kit", args=[delivery.id]),
        reverse("app:booth"),
        reverse("app:groups"),
        reverse("app:rumours"),
        reverse("app:rumour_new"),
        reverse("app:rumour", args=[tip.id]),
        reverse("app:settings"),
    ]
    return {"client": client, "data": data, "urls": urls, "delivery": delivery}


def _visible_text(page: str, data: list[str]) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'<[^>]*\blang="(hi|en)"[^>]*>.*?</[a-z]+>', " ", page, flags=re.S)  # kit texts
    text = htmllib.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"https?://\S+", " ", text)
    for value in data:
        text = text.replace(value, " ")
    return text


@pytest.mark.parametrize("lang", ["hi", "en"])
def test_app_pages_speak_one_language(world, lang):
    client = world["client"]
    client.cookies["django_language"] = lang
    item = world["delivery"].distribution.item
    data = [*world["data"], item.title]
    for url in world["urls"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, url
        text = _visible_text(response.content.decode(), data)
        if lang == "hi":
            foreign = set(LATIN.findall(text)) - ALLOWED_LATIN
        else:
            foreign = set(DEVANAGARI.findall(text)) - ALLOWED_DEVANAGARI
        assert not foreign, f"{url} ({lang}): {sorted(foreign)}"


def test_times_ago_are_in_hindi(world):
    client = world["client"]
    client.cookies["django_language"] = "hi"
    html = client.get(reverse("app:rumours"), HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "2\xa0दिन" in html  # timesince keeps the number and its unit together
    assert "days" not in html
