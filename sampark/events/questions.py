"""Questions for the experts (issue #14): ask, group, upvote, moderate, answer, FAQ.

A registered worker asks a question (phone app, web). It joins the group of the most similar
question already asked for the event, found by the lexical claim matcher of `pipeline.claims`
(the fact-check app's engine: Devanagari, Hinglish and English folded to one skeleton, with a
Hindi–English glossary), when that question explains at least `GROUP_SCORE` of the new one
(question words such as "kaise", "कैसे", "how" are dropped first: every question has them).
Otherwise it opens a new group, pending until a moderator approves it. Asking locks the event's
row, so two similar questions asked at once cannot open two groups.

Registrants upvote approved groups (one vote per person: a unique row). A moderator (RUN_EVENTS
on the event's host) approves, hides, rewords or merges groups; an expert's answer to a group
is published as a content notice ("event:<id>:answer:<group>") to everyone who asked it (its
merged groups included) and to every confirmed registrant, through the sending rules. Answered
groups are the event's FAQ, searchable by the same matcher, visible to registrants and to the
event's managers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from pipeline import claims
from pipeline.text import tokens
from sampark.accounts.models import User
from sampark.content import selectors as content_selectors
from sampark.content import services as content_services
from sampark.events import audit, messaging, selectors
from sampark.events.enums import QuestionSource, QuestionStatus, RegistrationStatus
from sampark.events.models import Event, Question, QuestionGroup, QuestionVote, Registration
from sampark.integrations import telegram

logger = logging.getLogger(__name__)
# Telegram waits for the webhook's answer while we reply.
TELEGRAM_TIMEOUT = 8.0

MAX_TEXT = 500
# Groups a new question is compared with (the newest first); a convention gets hundreds.
MAX_GROUPS = 5000
VISIBLE = (QuestionStatus.APPROVED, QuestionStatus.ANSWERED)
# Words every question has: they say how it is asked, not what about.
QUESTION_WORDS = frozenset(
    [
        "how",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "can",
        "could",
        "should",
        "do",
        "does",
        "did",
        "i",
        "we",
        "you",
        "is",
        "are",
        "kaise",
        "kese",
        "kaisey",
        "kaisa",
        "kaisi",
        "kyon",
        "kyun",
        "kyu",
        "kya",
        "kab",
        "kahan",
        "kahaan",
        "kaun",
        "kitna",
        "kitne",
        "kitni",
        "tarika",
        "tareeka",
        "sakte",
        "sakta",
        "sakti",
        "chahiye",
        "कैसे",
        "कैसा",
        "कैसी",
        "क्यों",
        "क्यूँ",
        "क्या",
        "कब",
        "कहाँ",
        "कहां",
        "कौन",
        "कितना",
        "कितने",
        "कितनी",
        "तरीका",
        "तरीक़ा",
        "सकते",
        "सकता",
        "सकती",
        "चाहिए",
    ]
)


def group_score() -> float:
    conf = getattr(settings, "SAMPARK_QUESTIONS", {})
    return float(conf.get("GROUP_SCORE", 0.3))


def matchable(text: str) -> str:
    """The question without its question words (what the matcher compares)."""
    return " ".join(w for w in tokens(text) if w.lower() not in QUESTION_WORDS)


_CONFIG = claims.LexicalConfig(evidence_prior=0.0, collapse_duplicates=False)


def similar_group(*, event_id: int, text: str) -> int | None:
    """The id of the group whose questions best explain `text`, if one explains enough."""
    rows = list(
        Question.objects.filter(event_id=event_id)
        .exclude(group__status__in=[QuestionStatus.HIDDEN, QuestionStatus.MERGED])
        .order_by("-id")
        .values_list("id", "group_id", "text")[:MAX_GROUPS]
    )
    query = matchable(text)
    if not rows or not query:
        return None
    index = claims.LexicalIndex(_CONFIG)
    index.add(claims.Doc(id=qid, text=matchable(t)) for qid, _g, t in rows)
    hits = index.search(query, k=1)
    if not hits or hits[0].score < group_score():
        return None
    groups = {qid: gid for qid, gid, _t in rows}
    return groups[hits[0].id]


def _registration(user: User, event: Event) -> Registration:
    if user.person_id is None:
        raise PermissionDenied(_("Only registered workers ask and vote."))
    found = (
        Registration.objects.filter(event=event, person_id=user.person_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if found is None:
        raise PermissionDenied(_("Register for the event to ask and vote."))
    return found


def question_ask(*, user: User, event_id: int, text: str, source: str) -> Question:
    """A registrant's question, put in the group of a similar one or a new pending group."""
    event = selectors.access_event(user=user, event_id=event_id)
    return _ask(event, _registration(user, event), text, source)


def question_ask_from_chat(*, chat_id: int, text: str) -> Question | None:
    """A question sent to the Telegram bot ("/question …") by a person who connected their
    chat: it goes to their registered event that ends next; None when there is none."""
    person_id = content_selectors.person_by_telegram_chat(chat_id=chat_id)
    if person_id is None:
        return None
    registration = (
        Registration.objects.filter(person_id=person_id, event__ends_at__gte=timezone.now())
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("event")
        .order_by("event__ends_at", "id")
        .first()
    )
    if registration is None:
        return None
    try:
        return _ask(registration.event, registration, text, QuestionSource.TELEGRAM)
    except ValidationError:
        return None


def telegram_question(*, argument: str, chat_id: int) -> None:
    """The bot's "/question <text>" command (registered in EventsConfig.ready): store the
    question, then answer the chat that asked (a reply, not a message of ours: no rules)."""
    question = question_ask_from_chat(chat_id=chat_id, text=argument)
    if question is None:
        text = (
            "संपर्क: प्रश्न के लिए कार्यक्रम में पंजीकरण करें, ऐप से बॉट जोड़ें और लिखें "
            "/question आपका प्रश्न। / Register for an event, connect the bot from the app, and "
            "write /question followed by your question."
        )
    else:
        text = (
            f"संपर्क: आपका प्रश्न विशेषज्ञों तक पहुँचा ({question.event.title})। "
            "उत्तर यहीं और ऐप में आएगा। / Your question reached the experts; the answer will "
            "come here and in the app."
        )
    token = str(getattr(settings, "TELEGRAM_BOT_TOKEN", "") or "")
    if not token:
        return
    try:
        telegram.BotClient(
            token, settings.TELEGRAM_API_BASE, timeout=TELEGRAM_TIMEOUT
        ).send_message(chat_id, text)
    except Exception:  # the question is stored either way; the reply is a courtesy
        logger.exception("Telegram reply to a question not sent")


def _ask(event: Event, registration: Registration, text: str, source: str) -> Question:
    text = " ".join((text or "").split())
    if len(text) < 5:
        raise ValidationError(_("Write your question (at least a few words)."), code="short")
    if len(text) > MAX_TEXT:
        raise ValidationError(_("A question is at most 500 characters."), code="long")
    if source not in QuestionSource.values:
        source = QuestionSource.WEB
    with transaction.atomic():
        Event.objects.select_for_update().filter(id=event.id).first()
        group_id = similar_group(event_id=event.id, text=text)
        if group_id is None:
            group_id = QuestionGroup.objects.create(event=event, text=text).id
        QuestionGroup.objects.filter(id=group_id).update(asked=F("asked") + 1)
        question = Question.objects.create(
            event=event,
            group_id=group_id,
            person_id=registration.person_id,
            unit_id=registration.unit_id,
            text=text,
            source=source,
        )
    return question


def question_vote(*, user: User, group_id: int) -> bool:
    """Upvote an open group once; False when this person had already voted for it."""
    group = access_open_group(user=user, group_id=group_id)
    registration = _registration(user, group.event)
    try:
        with transaction.atomic():
            QuestionVote.objects.create(group=group, person_id=registration.person_id)
            QuestionGroup.objects.filter(id=group.id).update(votes=F("votes") + 1)
    except IntegrityError:
        return False
    return True


# --- reads for workers --------------------------------------------------------------------------


def access_open_group(*, user: User, group_id: int) -> QuestionGroup:
    """An approved or answered group of an event the user may see, else 404."""
    group = get_object_or_404(
        QuestionGroup.objects.select_related("event").filter(status__in=VISIBLE), id=group_id
    )
    selectors.access_event(user=user, event_id=group.event_id)
    return group


def may_read(*, user: User, event: Event) -> bool:
    """Registrants and the event's managers read its questions and FAQ."""
    try:
        _registration(user, event)
    except PermissionDenied:
        try:
            selectors.access_managed_event(user=user, event_id=event.id)
        except PermissionDenied:
            return False
    return True


def open_groups(*, event: Event, limit: int = 100) -> QuerySet[QuestionGroup]:
    """The event's approved questions, most voted first."""
    return QuestionGroup.objects.filter(event=event, status=QuestionStatus.APPROVED).order_by(
        "-votes", "-asked", "id"
    )[:limit]


def faq(*, event: Event, query: str = "", limit: int = 50) -> list[QuestionGroup]:
    """Answered groups; with a query, those the matcher finds (any of the three languages)."""
    answered = list(
        QuestionGroup.objects.filter(event=event, status=QuestionStatus.ANSWERED).order_by(
            "-votes", "id"
        )[:MAX_GROUPS]
    )
    query = matchable(query or "")
    if not query:
        return answered[:limit]
    index = claims.LexicalIndex(_CONFIG)
    index.add(claims.Doc(id=g.id, text=matchable(g.text), title=g.answer) for g in answered)
    by_id = {g.id: g for g in answered}
    return [by_id[h.id] for h in index.search(query, k=limit)]


def my_votes(*, user: User, group_ids: list[int]) -> set[int]:
    if user.person_id is None:
        return set()
    return set(
        QuestionVote.objects.filter(person_id=user.person_id, group_id__in=group_ids).values_list(
            "group_id", flat=True
        )
    )


# --- moderation ---------------------------------------------------------------------------------


def access_moderated_group(*, user: User, group_id: int) -> QuestionGroup:
    """A group of an event the user manages (404 outside, 403 without RUN_EVENTS)."""
    group = get_object_or_404(QuestionGroup.objects.select_related("event"), id=group_id)
    selectors.access_managed_event(user=user, event_id=group.event_id)
    return group


@dataclass(frozen=True)
class Queue:
    pending: list[QuestionGroup]
    approved: list[QuestionGroup]
    answered: list[QuestionGroup]
    hidden: list[QuestionGroup]


def queue(*, event: Event, limit: int = 200) -> Queue:
    """The moderator's view of an event's groups by status, most asked first."""
    qs = QuestionGroup.objects.filter(event=event).order_by("-votes", "-asked", "id")
    return Queue(
        *(
            list(qs.filter(status=s)[:limit])
            for s in (
                QuestionStatus.PENDING,
                QuestionStatus.APPROVED,
                QuestionStatus.ANSWERED,
                QuestionStatus.HIDDEN,
            )
        )
    )


def group_moderate(*, actor: User, group_id: int, action: str, text: str = "") -> QuestionGroup:
    """Approve, hide or reword a group."""
    group = access_moderated_group(user=actor, group_id=group_id)
    if group.status == QuestionStatus.MERGED:
        raise ValidationError(_("This group was merged into another."), code="merged")
    updates: dict[str, object] = {}
    if action == "approve" and group.status != QuestionStatus.ANSWERED:
        updates["status"] = QuestionStatus.APPROVED
    elif action == "hide":
        updates["status"] = QuestionStatus.HIDDEN
    elif action == "reword":
        text = " ".join(text.split())[:MAX_TEXT]
        if len(text) < 5:
            raise ValidationError(_("Write the question as the experts should read it."))
        updates["text"] = text
    else:
        raise ValidationError(_("Unknown action."), code="action")
    with transaction.atomic():
        QuestionGroup.objects.filter(id=group.id).update(**updates)
        audit.record(
            f"questions.{action}",
            object_type="question_group",
            object_id=group.id,
            actor=actor,
            unit=group.event.unit,
        )
    group.refresh_from_db()
    return group


def group_merge(*, actor: User, group_id: int, into_id: int) -> QuestionGroup:
    """Move a group's questions and votes into another group of the same event."""
    group = access_moderated_group(user=actor, group_id=group_id)
    into = access_moderated_group(user=actor, group_id=into_id)
    if into.event_id != group.event_id or into.id == group.id:
        raise ValidationError(_("Merge into another group of the same event."), code="merge")
    if QuestionStatus.MERGED in (group.status, into.status):
        raise ValidationError(_("This group was merged into another."), code="merged")
    with transaction.atomic():
        Question.objects.filter(group=group).update(group=into)
        voters = set(QuestionVote.objects.filter(group=into).values_list("person_id", flat=True))
        QuestionVote.objects.filter(group=group, person_id__in=voters).delete()
        QuestionVote.objects.filter(group=group).update(group=into)
        QuestionGroup.objects.filter(id=into.id).update(
            asked=Question.objects.filter(group=into).count(),
            votes=QuestionVote.objects.filter(group=into).count(),
        )
        QuestionGroup.objects.filter(id=group.id).update(
            status=QuestionStatus.MERGED, merged_into=into, asked=0, votes=0
        )
        audit.record(
            "questions.merge",
            object_type="question_group",
            object_id=group.id,
            actor=actor,
            unit=group.event.unit,
            into=into.id,
        )
    into.refresh_from_db()
    return into


def group_answer(*, actor: User, group_id: int, answer: str) -> int:
    """Answer a group and publish the answer to its askers and every confirmed registrant (a
    content notice, through the sending rules); returns how many were queued."""
    group = access_moderated_group(user=actor, group_id=group_id)
    answer = (answer or "").strip()[:4000]
    if not answer:
        raise ValidationError(_("Write the answer."), code="answer")
    if group.status in (QuestionStatus.MERGED, QuestionStatus.HIDDEN):
        raise ValidationError(_("Approve the group before answering it."), code="status")
    event = group.event
    with transaction.atomic():
        QuestionGroup.objects.filter(id=group.id).update(
            status=QuestionStatus.ANSWERED,
            answer=answer,
            answered_by=actor,
            answered_at=timezone.now(),
        )
        askers = list(Question.objects.filter(group=group).values_list("person_id", "unit_id"))
        registrants = list(
            Registration.objects.filter(
                event=event, status=RegistrationStatus.CONFIRMED
            ).values_list("person_id", "unit_id")
        )
        queued = content_services.event_notice_send(
            author=actor,
            unit_id=event.unit_id,
            ref=messaging.ref(event.id, "answer", str(group.id)),
            title=group.text[:200],
            text_hi=f"प्रश्न: {group.text}\nउत्तर: {answer}",
            text_en=f"Question: {group.text}\nAnswer: {answer}",
            link=messaging.registration_link(event),
            people=askers + registrants,
        )
        audit.record(
            "questions.answer",
            object_type="question_group",
            object_id=group.id,
            actor=actor,
            unit=event.unit,
            queued=queued,
        )
    return queued
