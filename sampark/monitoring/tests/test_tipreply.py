"""Automatic tip replies: one Telegram reply per matching tip, web replies stored, the rest queued."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from sampark.factcheck import services as factcheck_services
from sampark.factcheck.models import FactCheck
from sampark.integrations.tests.fakes import FakeServer, Reply
from sampark.monitoring import selectors, services, tipreply
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Post

TOKEN = "7000000001:AAH-test_Token-xyz"
SEND = f"/bot{TOKEN}/sendMessage"
GPS_CLAIM = "2000 रुपये के नए नोट में GPS चिप लगी है और सरकार सैटेलाइट से हर नोट को ट्रैक कर सकती है"
GPS_TIP = GPS_CLAIM + ", सच है क्या?"
EVM_CLAIM = "EVM machines can be hacked with a bluetooth device from outside the polling booth"
EVM_TIP = (
    "Is it true that EVM machines can be hacked with a bluetooth device from outside the booth?"
)
GPS_URL = "https://factcheck.example.org/2000-note-gps-chip"
EVM_URL = "https://factcheck.example.org/evm-bluetooth-hack"
SENT = {"ok": True, "result": {"message_id": 93, "chat": {"id": 581234567}, "date": 1714558300}}


@pytest.fixture(autouse=True)
def _bands_for_a_tiny_index(settings: Any) -> None:
    # These tests are about the reply, given a match in the "auto" band. With two fact-checks in
    # the index, BM25 scores run lower than on a real knowledge base (where the defaults were
    # calibrated), so the bands are set for this index.
    # (Scores are shrunk for short texts since issue #17, so these are lower too.)
    settings.SAMPARK_CLAIM_MATCH = {"SUGGEST": 0.2, "AUTO": 0.35}


@pytest.fixture
def bot(settings) -> Iterator[FakeServer]:
    server = FakeServer().start()
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_API_BASE = server.url
    try:
        yield server
    finally:
        server.stop()


def answer(
    server: FakeServer, status: int = 200, body: dict[str, Any] | None = None, **kw: Any
) -> None:
    server.add(
        SEND,
        Reply(status, json.dumps(body or SENT).encode(), {"Content-Type": "application/json"}),
        method="POST",
        **kw,
    )


@pytest.fixture
def fact_checks(db) -> dict[str, FactCheck]:
    factcheck_services.match_index_reset()
    gps = FactCheck.objects.create(
        url=GPS_URL, claim_reviewed=GPS_CLAIM, verdict="false", publisher="बूम लाइव", language="hi"
    )
    evm = FactCheck.objects.create(
        url=EVM_URL, claim_reviewed=EVM_CLAIM, verdict="false", publisher="Alt News", language="en"
    )
    return {"gps": gps, "evm": evm}


def telegram_tip(text: str, *, update: int = 1001, user: int = 581234567) -> Post:
    post = services.tip_submit(
        text=text,
        user=None,
        kind=SourceKind.TELEGRAM_BOT,
        external_id=f"tg:{update}",
        author=f"tg:{user}",
    )
    assert post is not None
    return post


def state(post: Post) -> dict[str, Any]:
    post.refresh_from_db()
    return post.metrics.get(tipreply.KEY) or {}


# --- Telegram -------------------------------------------------------------------------------


def test_a_matching_telegram_tip_gets_exactly_one_reply_even_when_the_step_runs_twice(
    bot, fact_checks
):
    # given a Telegram tip repeating a fact-checked claim
    answer(bot)
    tip = telegram_tip(GPS_TIP)
    step = tipreply.make_step("w1")
    # when the step runs twice (and a second worker once more)
    first = step()
    again = step() + tipreply.make_step("w2")()
    # then one Hindi reply went to the sender's chat with the fact-check's link
    assert (first, again) == (1, 0)
    (call,) = bot.calls(SEND)
    sent = call.json()
    assert sent["chat_id"] == 581234567
    assert GPS_URL in sent["text"]
    assert "नतीजा: झूठा" in sent["text"]
    assert "जाँच: बूम लाइव" in sent["text"]
    # and the tip records it
    reply = state(tip)
    assert reply["state"] == tipreply.State.SENT
    assert reply["fact_check_id"] == fact_checks["gps"].id
    assert reply["message_id"] == 93


def test_a_tip_through_the_webhook_is_answered_in_the_same_chat(bot, fact_checks, client, settings):
    # given the bot's webhook receives an English tip
    settings.TELEGRAM_WEBHOOK_SECRET = "s3cr3t"
    answer(bot)
    update = {
        "update_id": 5001,
        "message": {
            "message_id": 7,
            "date": 1_714_000_000,
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": False},
            "text": EVM_TIP,
        },
    }
    response = client.post(
        reverse("monitoring:telegram_webhook"),
        json.dumps(update),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="s3cr3t",
    )
    assert response.status_code == 200
    # when the step runs
    assert tipreply.make_step("w")() == 1
    # then the reply went to that chat, in English
    sent = bot.calls(SEND)[0].json()
    assert sent["chat_id"] == 42
    assert sent["text"].startswith("🔎 This claim has already been fact-checked.")
    assert "Verdict: False" in sent["text"]
    assert EVM_URL in sent["text"]


def test_it_replies_to_the_original_message_when_its_id_is_stored(bot, fact_checks):
    # given a tip whose chat and message ids were stored with it
    answer(bot)
    tip = telegram_tip(GPS_TIP)
    Post.objects.filter(id=tip.id).update(metrics={"tg_chat_id": -100555, "tg_message_id": 88})
    # when answered
    assert tipreply.reply_to_tips(post_ids=[tip.id]) == 1
    # then the reply quotes the tip in its chat
    sent = bot.calls(SEND)[0].json()
    assert sent["chat_id"] == -100555
    assert sent["reply_parameters"] == {"message_id": 88, "allow_sending_without_reply": True}


def test_a_short_tip_gets_no_reply_and_is_queued(bot, fact_checks):
    # given a tip too short to act on without a person
    answer(bot)
    tip = telegram_tip("फेक है क्या?")
    # when answered
    outcome = tipreply.tips_answer(post_ids=[tip.id])
    # then no fact-check was sent, only the Hindi "the war room has it", and the tip is
    # returned for the war room queue, once
    (ack,) = [json.loads(r.body) for r in bot.requests]
    assert "वॉर रूम" in ack["text"]
    assert "http" not in ack["text"]
    assert outcome.queued == [tip.id]
    assert outcome.replied == []
    assert state(tip)["state"] == tipreply.State.QUEUED
    assert state(tip)[tipreply.ACK]["state"] == tipreply.State.SENT
    assert tipreply.tips_answer(post_ids=[tip.id]).queued == []
    assert len(bot.requests) == 1


def test_an_unmatched_english_tip_is_told_in_english_within_a_minute(bot, fact_checks):
    # given an English tip no fact-check answers, received a moment ago
    answer(bot)
    received = timezone.now()
    tip = telegram_tip("The water tank near the railway station was poisoned last night by someone")
    # when the reply step runs within the minute
    with time_machine.travel(received + timedelta(seconds=30), tick=False):
        step = tipreply.make_step("w")
        step()
    # then the tipster was told in English that the war room has it, once
    (ack,) = [json.loads(r.body) for r in bot.requests]
    assert ack["text"].startswith("🔎 Thank you. No published fact-check answers this yet")
    assert state(tip)[tipreply.ACK]["lang"] == "en"
    # and the war room's hand-over keeps the acknowledgement
    assert services.tip_hand_over(post_id=tip.id)
    assert state(tip)[tipreply.ACK]["state"] == tipreply.State.SENT
    assert tipreply.HANDED_OVER in state(tip)


def test_a_related_but_not_same_claim_is_queued_with_its_best_match(bot, fact_checks):
    # given a tip about the same topic in other words
    tip = telegram_tip("GPS चिप वाले नोट की बात फिर से ग्रुप में चल रही है, कोई बताए यह क्या मामला है")
    # when answered
    outcome = tipreply.tips_answer(post_ids=[tip.id])
    # then it is queued, not answered with a fact-check (only told the war room has it)
    assert outcome.queued == [tip.id]
    assert state(tip)[tipreply.ACK]["state"] in (tipreply.State.SENT, tipreply.State.FAILED)
    assert all("factcheck.example.org" not in r.body.decode() for r in bot.requests)


def test_a_blocked_bot_is_logged_and_not_retried(bot, fact_checks, caplog):
    # given the sender has blocked the bot
    answer(
        bot,
        403,
        {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
    )
    tip = telegram_tip(GPS_TIP)
    step = tipreply.make_step("w")
    # when the step runs, and again later
    with caplog.at_level(logging.WARNING, logger="sampark.monitoring.tipreply"):
        step()
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        step()
    # then one attempt was made, the failure is recorded and logged, and the token is not shown
    assert len(bot.calls(SEND)) == 1
    reply = state(tip)
    assert reply["state"] == tipreply.State.FAILED
    assert "blocked by the user" in reply["error"]
    assert "blocked by the user" in caplog.text
    assert TOKEN not in caplog.text + reply["error"]


def test_a_rate_limited_reply_is_tried_again_after_the_wait_then_given_up(
    bot, fact_checks, settings
):
    # given Telegram asks to wait 5 s, every time
    settings.SAMPARK_TIP_REPLY = {"MAX_ATTEMPTS": 2}
    too_many = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 5",
        "parameters": {"retry_after": 5},
    }
    answer(bot, 429, too_many)
    tip = telegram_tip(GPS_TIP)
    step = tipreply.make_step("w")
    # when the step runs now, again at once, and after the wait
    step()
    deferred = state(tip)
    step()
    with time_machine.travel(timezone.now() + timedelta(seconds=6)):
        step()
    # then it waited, tried once more, and gave up at the limit
    assert deferred["state"] == tipreply.State.RETRY
    assert len(bot.calls(SEND)) == 2
    assert state(tip)["state"] == tipreply.State.FAILED


def test_a_deferred_reply_goes_out_on_the_next_try(bot, fact_checks):
    # given one 429, then success
    answer(
        bot,
        429,
        {"ok": False, "description": "Too Many Requests", "parameters": {"retry_after": 1}},
        times=1,
    )
    answer(bot)
    tip = telegram_tip(GPS_TIP)
    step = tipreply.make_step("w")
    # when the step runs, then after the wait
    step()
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        step()
        step()
    # then the second try delivered it, and only that one
    assert len(bot.calls(SEND)) == 2
    assert state(tip)["state"] == tipreply.State.SENT
    assert state(tip)["attempts"] == 2


def test_without_a_bot_token_the_reply_fails_once(fact_checks, settings):
    settings.TELEGRAM_BOT_TOKEN = ""
    tip = telegram_tip(GPS_TIP)
    outcome = tipreply.tips_answer(post_ids=[tip.id])
    assert outcome.failed == [tip.id]
    assert "not configured" in state(tip)["error"]


# --- web tips -------------------------------------------------------------------------------


def test_a_web_tip_gets_its_stored_reply_which_only_its_sender_can_read(
    bot, fact_checks, bob, charlie
):
    # given bob sends a matching tip through the web form
    tip = services.tip_submit(text=GPS_TIP, user=bob)
    assert tip is not None
    assert tipreply.access_tip_reply(user=bob, post_id=tip.id) is None
    # when the step runs
    assert tipreply.make_step("w")() == 1
    # then nothing went to Telegram, and bob's tip page can show the reply
    assert bot.requests == []
    reply = tipreply.access_tip_reply(user=bob, post_id=tip.id)
    assert reply is not None
    assert reply["url"] == GPS_URL
    assert "नतीजा: झूठा" in reply["text"]
    # and charlie, the outsider, gets a 404
    with pytest.raises(Http404):
        tipreply.access_tip_reply(user=charlie, post_id=tip.id)


# --- what the step picks --------------------------------------------------------------------


def test_the_step_ignores_other_posts_and_old_tips(bot, fact_checks):
    # given a public post with the claim, and a tip from before the window
    tips = services.tip_source(kind=SourceKind.TELEGRAM_BOT)
    old = telegram_tip(GPS_TIP, update=1)
    Post.objects.filter(id=old.id).update(received_at=timezone.now() - timedelta(days=2))
    public = Post.objects.create(
        source=services.source_create(kind=SourceKind.X_SEARCH, name="x", unit=None, actor=None),
        platform="x",
        external_id="1",
        text=GPS_TIP,
        posted_at=timezone.now(),
    )
    # when the step runs
    done = tipreply.make_step("w")()
    # then it did nothing
    assert done == 0
    assert bot.requests == []
    assert tipreply.tips_due(limit=10, sources=[tips.id]) == []
    assert tipreply.reply_to_tips(post_ids=[public.id]) == 0


# --- small parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "post_lang", "text", "expected"),
    [
        ("processed hindi", "hi", "x", "hi"),
        ("processed english", "en", "x", "en"),
        ("hinglish reads hindi", "hinglish", "x", "hi"),
        ("not processed, english", "", EVM_TIP, "en"),
        ("not processed, hindi", "", GPS_TIP, "hi"),
    ],
)
def test_reply_language(_case, post_lang, text, expected):
    assert tipreply.reply_language(post_lang=post_lang, text=text) == expected


def test_reply_text_falls_back_to_the_rating_and_skips_an_unknown_publisher():
    text = tipreply.reply_text(
        lang="en",
        claim="A claim",
        verdict="other",
        rating="Needs context",
        publisher="",
        url="https://f.example/1",
    )
    assert text.splitlines() == [
        "🔎 This claim has already been fact-checked.",
        "",
        "Claim: A claim",
        "Verdict: Needs context",
        "https://f.example/1",
        "",
        "This is an automatic reply.",
    ]


@pytest.mark.parametrize(
    ("_case", "author", "metrics", "expected"),
    [
        ("user", "tg:42", {}, (42, None)),
        ("chat without user", "tg-chat:-100777", {}, (-100777, None)),
        ("stored ids win", "tg:42", {"tg_chat_id": 555, "tg_message_id": 7}, (555, 7)),
        ("not telegram", "bob", {}, (None, None)),
    ],
)
def test_telegram_address(_case, author, metrics, expected):
    assert tipreply.telegram_address(Post(author=author, metrics=metrics)) == expected


def test_queued_tips_wait_for_the_war_room_which_takes_each_once(bot, fact_checks):
    # given a tip too short to answer and a tip that matches a fact-check
    short = telegram_tip("फेक है क्या?", update=1)
    matching = telegram_tip(GPS_TIP, update=2)
    answer(bot)
    # when the step runs twice
    step = tipreply.make_step("w")
    step()
    step()
    # then only the queued tip waits for the war room (listening opens nothing itself)
    since = timezone.now() - timedelta(hours=1)
    assert selectors.tip_ids_for_war_room(since=since, limit=10) == [short.id]
    assert state(matching)["state"] == tipreply.State.SENT
    # and the war room takes it once; an answered tip is never taken
    assert services.tip_hand_over(post_id=short.id) is True
    assert services.tip_hand_over(post_id=short.id) is False
    assert services.tip_hand_over(post_id=matching.id) is False
    assert selectors.tip_ids_for_war_room(since=since, limit=10) == []
    assert state(short)["state"] == tipreply.State.QUEUED
    assert tipreply.HANDED_OVER in state(short)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_reply(bot, fact_checks):
    # given a slow Bot API, and a matching tip
    def slow(seen):
        time.sleep(0.3)
        return Reply(200, json.dumps(SENT).encode(), {"Content-Type": "application/json"})

    bot.add(SEND, slow, method="POST")
    tip = telegram_tip(GPS_TIP)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def work(owner: str) -> None:
        try:
            barrier.wait()
            results.append(tipreply.make_step(owner)())
        finally:
            connection.close()

    # when four workers run the step at the same moment
    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    # then exactly one sent the reply
    assert sorted(results) == [0, 0, 0, 1]
    assert len(bot.calls(SEND)) == 1
    assert state(tip)["state"] == tipreply.State.SENT


# --- back-matching --------------------------------------------------------------------------


def test_a_tip_with_no_fact_check_is_answered_when_one_is_published(bot, db, bob, client):
    # given bob's web tip about a rumour no fact-check answers yet
    factcheck_services.match_index_reset()
    step = tipreply.make_step("w")
    tip = services.tip_submit(text=GPS_TIP, user=bob)
    assert tip is not None
    # when the step runs
    assert step() == 1
    # then the tip is queued for the war room and its page says so at once
    assert tipreply.access_tip_status(user=bob, post_id=tip.id) == (None, True)
    client.force_login(bob)
    done = f"{reverse('monitoring:tip_done')}?tip={tip.id}"
    page = client.get(done, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the war room has it" in page
    # when a matching fact-check is published later and the step runs again
    FactCheck.objects.create(
        url=GPS_URL, claim_reviewed=GPS_CLAIM, verdict="false", publisher="बूम लाइव", language="hi"
    )
    assert step() == 1
    # then the tip gets the answer, marked late, and nothing went to Telegram
    reply, queued = tipreply.access_tip_status(user=bob, post_id=tip.id)
    assert reply is not None
    assert reply["url"] == GPS_URL
    assert not queued
    assert state(tip)["late"] is True
    assert bot.requests == []
    # and a third run with no new fact-check touches nothing
    assert step() == 0


def test_a_queued_telegram_tip_is_answered_once_when_a_fact_check_is_published(bot, db):
    # given a Telegram tip queued while only another rumour's fact-check exists, then its own
    # fact-check published
    factcheck_services.match_index_reset()
    FactCheck.objects.create(
        url=GPS_URL, claim_reviewed=GPS_CLAIM, verdict="false", publisher="बूम लाइव", language="hi"
    )
    step = tipreply.make_step("w")
    answer(bot)
    tip = telegram_tip(EVM_TIP)
    assert step() == 1
    assert state(tip)["state"] == tipreply.State.QUEUED
    assert len(bot.requests) == 1  # "no published fact-check yet; the war room has it"
    FactCheck.objects.create(
        url=EVM_URL, claim_reviewed=EVM_CLAIM, verdict="false", publisher="Alt News", language="en"
    )
    # when the step runs twice
    step()
    step()
    # then one more message went to the sender's chat: the fact-check
    assert len(bot.requests) == 2
    assert EVM_URL in json.loads(bot.requests[1].body)["text"]
    assert state(tip)["state"] == tipreply.State.SENT
