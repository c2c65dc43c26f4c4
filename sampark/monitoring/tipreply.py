"""Automatic replies to tips that match a published fact-check (issue #4, item 6).

A tip (Telegram bot or web form) whose best fact-check match is in the "auto" band gets the
fact-check's verdict, publisher and link, in the tip's language (Hindi unless it is English),
on the channel it came from: a Telegram reply to the sender, or a stored reply the tip page
shows. Every other tip is queued for the war room, which pulls it
(`selectors.tip_ids_for_war_room`, `services.tip_hand_over`): listening sits below the war room
and never calls it.

The state of a tip's reply lives in `Post.metrics["tip_reply"]` (tips carry no metrics, and the
inbox has no other free JSON field): absent = not yet looked at, then `queued`, `sending`,
`sent`, `retry` or `failed`. Every move is a conditional UPDATE on that state, so two workers
(or one run twice) reply at most once. The Bot API has no idempotency key: a worker that dies
between `sending` and `sent` leaves the tip `sending`, and it is never sent again. A queued tip
gets one more key, `war_room_at`, when the war room takes it (again a conditional UPDATE).

The step does not wait for the listening pipeline: a backlog of public posts in the inbox must
not hold up a reply (the 60 s target). It takes the language from the pipeline when it has run,
else identifies it itself.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pipeline import langid
from pipeline.types import Lang
from sampark.accounts.models import User
from sampark.factcheck import selectors as factcheck_selectors
from sampark.factcheck.services import MatchResult
from sampark.integrations import base
from sampark.integrations.telegram import BotClient
from sampark.monitoring import matching
from sampark.monitoring.enums import PostStatus, SourceKind
from sampark.monitoring.models import Post, Source

logger = logging.getLogger(__name__)

KEY = "tip_reply"
# Set on a queued tip when the war room takes it (its incident is opened in the same transaction).
HANDED_OVER = "war_room_at"
# A queued Telegram tip's "no published fact-check yet" message: {"state": sending|sent|failed}.
ACK = "ack"
TIP_KINDS = (SourceKind.TELEGRAM_BOT, SourceKind.TIP_FORM)
DEFAULTS: dict[str, Any] = {
    "BATCH": 50,
    # Tips older than this (received while no worker ran the step) are left alone.
    "WINDOW_HOURS": 24,
    # Sends refused for a rate limit or an unreachable API are tried this often in all.
    "MAX_ATTEMPTS": 3,
    "TIMEOUT": 10.0,
}
# Telegram tips are stored with author "tg:<user id>" (a private chat's id is the user's id)
# or "tg-chat:<chat id>"; `metrics` may carry the exact chat and message (see the report).
_AUTHOR_PREFIXES = ("tg:", "tg-chat:")


class State:
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


def conf(name: str) -> Any:
    return {**DEFAULTS, **getattr(settings, "SAMPARK_TIP_REPLY", {})}[name]


@dataclass(slots=True)
class Outcome:
    """What one run did, by post id."""

    replied: list[int] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    retry: list[int] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return len(self.replied) + len(self.queued) + len(self.failed) + len(self.retry)


# --- the reply text -------------------------------------------------------------------------

# The reply's language is the tip's, not the reader's UI language, so both texts live here
# rather than in the gettext catalogue.
_VERDICTS = {
    "hi": {
        "false": "झूठा",
        "misleading": "भ्रामक",
        "partly_false": "आंशिक रूप से गलत",
        "true": "सही",
        "unproven": "अप्रमाणित",
        "satire": "व्यंग्य",
    },
    "en": {
        "false": "False",
        "misleading": "Misleading",
        "partly_false": "Partly false",
        "true": "True",
        "unproven": "Unproven",
        "satire": "Satire",
    },
}
_LINES = {
    "hi": {
        "head": "🔎 इस दावे की जाँच पहले ही हो चुकी है।",
        "claim": "दावा: {}",
        "verdict": "नतीजा: {}",
        "publisher": "जाँच: {}",
        "foot": "यह जवाब अपने-आप भेजा गया है।",
    },
    "en": {
        "head": "🔎 This claim has already been fact-checked.",
        "claim": "Claim: {}",
        "verdict": "Verdict: {}",
        "publisher": "Checked by: {}",
        "foot": "This is an automatic reply.",
    },
}


_ACK_TEXT = {
    "hi": (
        "🔎 धन्यवाद। इस दावे की कोई प्रकाशित तथ्य-जाँच अभी नहीं मिली; हमारा वॉर रूम इसे देख रहा है। "
        "जाँच प्रकाशित होते ही हम आपको यहीं फिर लिखेंगे।"
    ),
    "en": (
        "🔎 Thank you. No published fact-check answers this yet; our war room has it. "
        "We will write to you here again when one is published."
    ),
}


def reply_language(*, post_lang: str, text: str) -> str:
    """English for English tips, Hindi for everything else (Hinglish readers read both)."""
    lang = post_lang or langid.identify(text)
    return "en" if lang == Lang.ENGLISH else "hi"


def reply_text(
    *, lang: str, claim: str, verdict: str, rating: str, publisher: str, url: str
) -> str:
    """The reply: the claim checked, the verdict, who checked it and the link."""
    lines = _LINES[lang]
    said = _VERDICTS[lang].get(verdict) or rating.strip() or verdict
    claim = " ".join(claim.split())
    parts = [lines["head"], ""]
    if claim:
        parts.append(lines["claim"].format(claim[:200] + ("…" if len(claim) > 200 else "")))
    parts.append(lines["verdict"].format(said))
    if publisher.strip():
        parts.append(lines["publisher"].format(publisher.strip()))
    parts += [url, "", lines["foot"]]
    return "\n".join(parts)


# --- state moves (conditional UPDATEs) -------------------------------------------------------


def _move(post: Post, value: dict[str, Any], *, when: Q) -> bool:
    """Set metrics[KEY] to `value` if the row still matches `when`; True if this caller won.

    The rest of `metrics` is written back as read: nothing else writes a tip's metrics.
    """
    metrics = {**(post.metrics or {}), KEY: value}
    won = Post.objects.filter(Q(id=post.id) & when).update(metrics=metrics) == 1
    if won:
        post.metrics = metrics
    return won


_UNTOUCHED = ~Q(metrics__has_key=KEY)


def _held(token: str) -> Q:
    return Q(**{f"metrics__{KEY}__state": State.SENDING, f"metrics__{KEY}__token": token})


def _now() -> str:
    return timezone.now().isoformat()


# --- the run --------------------------------------------------------------------------------


def tip_source_ids() -> list[int]:
    return list(Source.objects.filter(kind__in=TIP_KINDS).values_list("id", flat=True))


def tips_due(*, limit: int, sources: list[int] | None = None) -> list[int]:
    """Tips not looked at yet (within the window), and replies due for another try."""
    now = timezone.now()
    sources = tip_source_ids() if sources is None else sources
    if not sources:
        return []
    recent = Post.objects.filter(
        source_id__in=sources, received_at__gte=now - timedelta(hours=conf("WINDOW_HOURS"))
    )
    # A tip whose image is still being read waits for its text (the OCR step releases it).
    untouched = recent.filter(_UNTOUCHED).exclude(status=PostStatus.AWAITING_OCR)
    fresh = list(untouched.order_by("id").values_list("id", flat=True)[:limit])
    retry = recent.filter(
        **{f"metrics__{KEY}__state": State.RETRY, f"metrics__{KEY}__next_at__lte": now.timestamp()}
    )
    return fresh + list(retry.order_by("id").values_list("id", flat=True)[: limit - len(fresh)])


def reply_to_tips(*, post_ids: list[int]) -> int:
    """Answer these tips where a fact-check matches in the auto band; returns replies sent."""
    return len(tips_answer(post_ids=post_ids).replied)


def tips_answer(*, post_ids: list[int], owner: str = "") -> Outcome:
    """Reply to auto-band tips, queue the others; each tip is handled at most once."""
    outcome = Outcome()
    posts = Post.objects.filter(id__in=post_ids, source__kind__in=TIP_KINDS).select_related(
        "source"
    )
    for post in posts.order_by("id"):
        before = (post.metrics or {}).get(KEY)
        if isinstance(before, dict) and before.get("state") == State.RETRY:
            # The match was made before the first try; send what was decided then.
            _send_telegram(post, _reply_of(before), before, owner, outcome)
            continue
        if before is not None:
            continue  # handled by an earlier run
        text = tip_text(post)
        best = None
        if text and not post.is_deleted:
            try:
                best = _best_match(post.id, text)
            except Exception:
                logger.exception("tip match failed", extra={"post_id": post.id})
        fact_check = (
            factcheck_selectors.factcheck_find(factcheck_id=best.fact_check_id)
            if best is not None and best.band == "auto"
            else None
        )
        if fact_check is None or best is None:
            value: dict[str, Any] = {"state": State.QUEUED, "at": _now()}
            if best is not None:
                value |= {"fact_check_id": best.fact_check_id, "score": round(best.score, 4)}
                value["band"] = best.band or ""
            if _move(post, value, when=_UNTOUCHED):
                outcome.queued.append(post.id)
                if post.source.kind == SourceKind.TELEGRAM_BOT:
                    _acknowledge(post, text)
            continue
        reply = _reply_for(post, text, fact_check, best.score)
        if post.source.kind == SourceKind.TIP_FORM:
            stored = {**reply, "state": State.SENT, "channel": "web", "sent_at": _now()}
            if _move(post, stored, when=_UNTOUCHED):
                outcome.replied.append(post.id)
            continue
        _send_telegram(post, reply, None, owner, outcome)
    return outcome


def tip_text(post: Post) -> str:
    """What the tipster sent: their words and the text read from their image (issue #17)."""
    return "\n".join(t for t in (post.text.strip(), post.image_text.strip()) if t)


def _best_match(post_id: int, text: str) -> MatchResult | None:
    """The tip's best stored match, after listening's matching stage stored its matches (the
    tip reply reads `ClaimMatch` through factcheck's selectors, it runs no matcher itself)."""
    found = matching.post_match(post_id=post_id, text=text)
    if not found:
        return None
    fc_id, score, band = found[0]
    return MatchResult(fact_check_id=fc_id, score=score, band=band)


def _reply_for(post: Post, text: str, fact_check: Any, score: float) -> dict[str, Any]:
    lang = reply_language(post_lang=post.lang, text=text)
    return {
        "fact_check_id": fact_check.id,
        "score": round(score, 4),
        "url": fact_check.url,
        "verdict": fact_check.verdict,
        "publisher": fact_check.publisher,
        "lang": lang,
        "text": reply_text(
            lang=lang,
            claim=fact_check.claim_reviewed,
            verdict=fact_check.verdict,
            rating=fact_check.rating,
            publisher=fact_check.publisher,
            url=fact_check.url,
        ),
    }


_QUEUED = Q(**{f"metrics__{KEY}__state": State.QUEUED})


def tips_rematch(*, owner: str = "", limit: int = 500) -> Outcome:
    """Back-matching: queued tips of the window matched again (after fact-checks were added or
    changed); one that now matches in the auto band is answered, on the web page or on
    Telegram, even if the war room already has it (its incident stays)."""
    outcome = Outcome()
    since = timezone.now() - timedelta(hours=conf("WINDOW_HOURS"))
    posts = (
        Post.objects.filter(_QUEUED, source__kind__in=TIP_KINDS, received_at__gte=since)
        .select_related("source")
        .order_by("id")[:limit]
    )
    for post in posts:
        text = tip_text(post)
        if not text or post.is_deleted:
            continue
        best = _best_match(post.id, text)
        if best is None or best.band != "auto":
            continue
        fact_check = factcheck_selectors.factcheck_find(factcheck_id=best.fact_check_id)
        if fact_check is None:
            continue
        reply = _reply_for(post, text, fact_check, best.score)
        before = (post.metrics or {}).get(KEY) or {}
        late = {k: before[k] for k in (HANDED_OVER, ACK) if k in before} | {"late": True}
        if post.source.kind == SourceKind.TIP_FORM:
            stored = {**reply, **late, "state": State.SENT, "channel": "web", "sent_at": _now()}
            if _move(post, stored, when=_QUEUED):
                outcome.replied.append(post.id)
            continue
        _send_telegram(post, {**reply, **late}, None, owner, outcome, when=_QUEUED)
    return outcome


def _ack_move(post_id: int, ack: dict[str, Any], *, expect: str | None) -> bool:
    """Move a queued tip's acknowledgement from state `expect` (None: not started) to `ack`.

    The war room writes the same JSON (its hand-over mark), so the update holds only while
    both the acknowledgement and the hand-over are as read; a lost race is read again."""
    for _round in range(3):
        post = Post.objects.filter(id=post_id).only("id", "metrics").first()
        value = ((post.metrics or {}).get(KEY) if post is not None else None) or {}
        if post is None or value.get("state") != State.QUEUED:
            return False
        if (value.get(ACK) or {}).get("state") != expect:
            return False
        handed = Q(**{f"metrics__{KEY}__has_key": HANDED_OVER})
        when = _QUEUED & (handed if HANDED_OVER in value else ~handed)
        has_ack = Q(**{f"metrics__{KEY}__has_key": ACK})
        when &= ~has_ack if expect is None else Q(**{f"metrics__{KEY}__{ACK}__state": expect})
        metrics = {**(post.metrics or {}), KEY: {**value, ACK: ack}}
        if Post.objects.filter(Q(id=post_id) & when).update(metrics=metrics) == 1:
            return True
    return False


def _bot_reply(post: Post, text: str) -> Any:
    """Send `text` to the tip's Telegram chat, as a reply to the tip; ConnectorError when the tip
    has no chat or the bot is not configured (the callers record the failure)."""
    chat, reply_to = telegram_address(post)
    if chat is None:
        raise base.ConnectorError("Telegram: the tip has no chat to answer")
    if not settings.TELEGRAM_BOT_TOKEN:
        raise base.ConnectorError("Telegram: not configured (set TELEGRAM_BOT_TOKEN)")
    bot = BotClient(
        settings.TELEGRAM_BOT_TOKEN, settings.TELEGRAM_API_BASE, timeout=conf("TIMEOUT")
    )
    return bot.send_message(chat, text, reply_to=reply_to)


def _acknowledge(post: Post, text: str) -> None:
    """Tell a Telegram tipster at once that no published fact-check answers the tip yet and the
    war room has it (in the tip's language); at most once (`ACK` moves like the reply)."""
    lang = reply_language(post_lang=post.lang, text=text)
    if not _ack_move(post.id, {"state": State.SENDING, "lang": lang, "at": _now()}, expect=None):
        return
    try:
        sent = _bot_reply(post, _ACK_TEXT[lang])
    except Exception as exc:
        logger.warning("tip acknowledgement to post %s failed: %s", post.id, exc)
        failed = {"state": State.FAILED, "lang": lang, "error": str(exc)[:300], "at": _now()}
        _ack_move(post.id, failed, expect=State.SENDING)
        return
    number = sent.get("message_id") if isinstance(sent, dict) else None
    done = {"state": State.SENT, "lang": lang, "message_id": number, "at": _now()}
    _ack_move(post.id, done, expect=State.SENDING)


_REPLY_KEYS = ("fact_check_id", "score", "url", "verdict", "publisher", "lang", "text")


def _reply_of(value: dict[str, Any]) -> dict[str, Any]:
    return {k: value.get(k) for k in _REPLY_KEYS}


def _send_telegram(
    post: Post,
    reply: dict[str, Any],
    before: dict[str, Any] | None,
    owner: str,
    outcome: Outcome,
    *,
    when: Q | None = None,
) -> None:
    attempts = int(before.get("attempts") or 0) + 1 if before else 1
    token = f"{owner}:{uuid.uuid4().hex[:12]}"
    claimed = {**reply, "state": State.SENDING, "channel": "telegram", "token": token}
    claimed |= {"attempts": attempts, "claimed_at": _now()}
    if when is None and before is None:
        when = _UNTOUCHED
    elif when is None:
        when = Q(
            **{f"metrics__{KEY}__state": State.RETRY, f"metrics__{KEY}__attempts": attempts - 1}
        )
    if not _move(post, claimed, when=when):
        return  # another worker has it
    try:
        sent = _bot_reply(post, reply["text"])
    except Exception as exc:
        _failed(post, claimed, exc, attempts, outcome)
        return
    number = sent.get("message_id") if isinstance(sent, dict) else None
    chat = telegram_address(post)[0]
    done = {**claimed, "state": State.SENT, "sent_at": _now(), "chat_id": chat}
    done["message_id"] = number
    if _move(post, done, when=_held(token)):
        outcome.replied.append(post.id)


def _failed(
    post: Post, claimed: dict[str, Any], exc: Exception, attempts: int, outcome: Outcome
) -> None:
    """Retry what certainly did not reach Telegram (rate limit, no connection), a few times."""
    said = str(exc)
    unsent = isinstance(exc, base.RateLimited) or (
        isinstance(exc, base.ConnectorError)
        and "could not reach" in said
        and ("ConnectError" in said or "ConnectTimeout" in said)
    )
    if unsent and attempts < conf("MAX_ATTEMPTS"):
        wait = exc.retry_after if isinstance(exc, base.RateLimited) else 2.0 * attempts
        value = {**claimed, "state": State.RETRY, "error": said[:500]}
        value["next_at"] = timezone.now().timestamp() + wait
        logger.warning("tip reply to post %s deferred %.0f s: %s", post.id, wait, said)
        if _move(post, value, when=_held(claimed["token"])):
            outcome.retry.append(post.id)
        return
    if isinstance(exc, base.ConnectorError):
        logger.warning("tip reply to post %s failed: %s", post.id, said)
    else:
        logger.error("tip reply to post %s failed", post.id, exc_info=exc)
    value = {**claimed, "state": State.FAILED, "error": said[:500], "failed_at": _now()}
    if _move(post, value, when=_held(claimed["token"])):
        outcome.failed.append(post.id)


def telegram_address(post: Post) -> tuple[int | None, int | None]:
    """(chat id, message id to reply to) of a Telegram tip; None where not stored."""
    metrics = post.metrics or {}
    chat = metrics.get("tg_chat_id")
    message = metrics.get("tg_message_id")
    if not isinstance(chat, int):
        chat = None
        for prefix in _AUTHOR_PREFIXES:
            rest = post.author.removeprefix(prefix)
            if rest != post.author and rest.lstrip("-").isdigit():
                chat = int(rest)
                break
    return chat, message if isinstance(message, int) and message > 0 else None


# --- reading the reply (the tip page) --------------------------------------------------------


def access_tip_reply(*, user: User, post_id: int) -> dict[str, Any] | None:
    """The automatic reply to the user's own web tip (None while there is none); 404 otherwise."""
    post = get_object_or_404(
        Post.objects.only("id", "metrics"),
        id=post_id,
        submitted_by=user,
        source__kind=SourceKind.TIP_FORM,
    )
    return _reply_shown(post)


def _reply_shown(post: Post) -> dict[str, Any] | None:
    value = (post.metrics or {}).get(KEY)
    if not isinstance(value, dict) or value.get("state") != State.SENT:
        return None
    keys = ("text", "url", "verdict", "publisher", "lang", "sent_at")
    return {k: value.get(k) for k in keys}


def access_tip_status(*, user: User, post_id: int) -> tuple[dict[str, Any] | None, bool]:
    """(the automatic reply or None, whether the tip went to the war room with no published
    fact-check yet) of the user's own web tip; 404 otherwise. A queued tip is answered later
    when a fact-check that matches it is published (`tips_rematch`)."""
    post = get_object_or_404(
        Post.objects.only("id", "metrics"),
        id=post_id,
        submitted_by=user,
        source__kind=SourceKind.TIP_FORM,
    )
    value = (post.metrics or {}).get(KEY)
    queued = isinstance(value, dict) and value.get("state") == State.QUEUED
    return _reply_shown(post), queued


# --- the worker step --------------------------------------------------------------------------


def make_step(owner: str) -> Callable[[], int]:
    """Worker step (SAMPARK_WORKER_STEPS["tipreply"]): answer due tips; returns how many."""
    sources: list[int] = []
    mark: tuple[int, str] | None = None

    def step() -> int:
        nonlocal sources, mark
        if len(sources) < len(TIP_KINDS):
            sources = tip_source_ids()  # the tip sources appear with the first tip of each kind
        done = 0
        # Fact-checks added or changed since the last look: queued tips are matched again.
        now_mark = factcheck_selectors.factchecks_changed_mark()
        if mark is not None and now_mark != mark:
            done += tips_rematch(owner=owner).handled
        mark = now_mark
        ids = tips_due(limit=conf("BATCH"), sources=sources)
        if ids:
            done += tips_answer(post_ids=ids, owner=owner).handled
        return done

    return step
