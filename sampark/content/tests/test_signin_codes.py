"""Sign-in codes by the Telegram bot for volunteers who connected it (issue #13): no SMS."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from sampark.content.models import ChannelPreference
from sampark.devtools.loopback import FakeTelegram
from sampark.people import services, signin
from sampark.people.enums import VerifyMethod
from sampark.people.models import Person
from sampark.people.sms import locmem

TOKEN = "123:abc"


@pytest.fixture
def bot() -> Iterator[FakeTelegram]:
    cache.clear()
    locmem.outbox.clear()
    with FakeTelegram(token=TOKEN) as fake:
        yield fake
    locmem.outbox.clear()


@pytest.fixture
def meera(tree, booth1, bob) -> Person:
    """A verified booth volunteer of District 1."""
    person = Person.objects.create(name="मीरा", phone="+919812345688")
    made = services.assignment_create(
        person=person, unit=booth1, kind_code="booth_president", actor=bob, age_confirmed=True
    )
    services.assignment_verify(assignment_id=made.id, method=VerifyMethod.INCHARGE, actor=bob)
    return person


def test_a_connected_volunteer_gets_the_code_by_telegram(bot, meera):
    # given Meera connected the bot
    ChannelPreference.objects.create(person=meera, channel="telegram", telegram_chat_id="4242")
    # when she asks a sign-in code
    with override_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=bot.url):
        signin.signin_code_send(phone="9812345688", ip="203.0.113.9")
    # then it came by Telegram, not SMS, and it signs her in
    [message] = bot.messages
    assert message.chat_id == 4242
    assert locmem.outbox == []
    code = re.search(r"\b(\d{6})\b", message.text)
    assert code is not None
    assert signin.signin_code_verify(phone="9812345688", code=code.group(1), ip=None) is not None


def test_a_blocked_bot_falls_back_to_sms(bot, meera):
    # given Meera connected the bot, then blocked it
    ChannelPreference.objects.create(person=meera, channel="telegram", telegram_chat_id="4242")
    bot.blocked.add(4242)
    # when she asks a sign-in code, then it comes by SMS
    with override_settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=bot.url):
        signin.signin_code_send(phone="9812345688", ip="203.0.113.9")
    assert len(locmem.outbox) == 1
    assert bot.messages == []
