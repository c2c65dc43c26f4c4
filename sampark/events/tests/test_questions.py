"""Questions for the experts: grouping across languages, votes, moderation, answers, FAQ."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.content.enums import DistributionKind
from sampark.content.models import Delivery, Distribution
from sampark.events import questions
from sampark.events.enums import QuestionStatus
from sampark.events.models import Event, QuestionGroup, Registration
from sampark.events.services import registration_create
from sampark.events.tests.fixtures import make_person
from sampark.geo.models import Unit


def _worker(name: str, phone: str, booth: Unit, event: Event) -> User:
    person_id = make_person(name, phone, booth)
    user = make_user(name, booth, Role.VOLUNTEER)
    User.objects.filter(id=user.id).update(person_id=person_id)
    user.refresh_from_db()
    registration_create(event_id=event.id, person_id=person_id, source="app")
    return user


@pytest.fixture
def workers(workshop: Event, booth1: Unit) -> list[User]:
    Event.objects.filter(id=workshop.id).update(capacity=0)
    return [_worker(f"w{i}", f"+91981230000{i}", booth1, workshop) for i in range(4)]


def _ask(user: User, event: Event, text: str) -> QuestionGroup:
    return questions.question_ask(user=user, event_id=event.id, text=text, source="app").group


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            "How do I make a reel on Instagram?", "instagram reel kaise banaye?", id="hinglish_case"
        ),
        pytest.param(
            "How do I make a reel on Instagram?", "इंस्टाग्राम रील कैसे बनाएं?", id="hindi_case"
        ),
        pytest.param(
            "Twitter account suspended, what to do?",
            "my twitter account got suspended",
            id="english_case",
        ),
    ],
)
def test_similar_questions_join_one_group(workshop, workers, first, second):
    # given a question already asked, and an unrelated one
    group = _ask(workers[0], workshop, first)
    other = _ask(workers[1], workshop, "How can we fight fake news on WhatsApp groups?")
    # when a similar question comes in another language or wording
    again = _ask(workers[2], workshop, second)
    # then it joins the first group, which now counts two askers
    assert again.id == group.id != other.id
    group.refresh_from_db()
    assert group.asked == 2
    assert group.status == QuestionStatus.PENDING


def test_an_unrelated_question_opens_a_new_group(workshop, workers):
    a = _ask(workers[0], workshop, "How do I make a reel on Instagram?")
    b = _ask(workers[1], workshop, "What is the venue of the convention?")
    assert a.id != b.id


def test_only_registrants_ask(workshop, volunteer):
    # given a volunteer of the district who has not registered
    with pytest.raises(PermissionDenied):
        questions.question_ask(
            user=volunteer, event_id=workshop.id, text="Kab shuru hoga?", source="app"
        )


def test_a_short_question_is_refused(workshop, workers):
    with pytest.raises(ValidationError):
        _ask(workers[0], workshop, "hi")


def test_one_vote_per_person_on_approved_groups(workshop, workers, bob):
    group = _ask(workers[0], workshop, "How do I make a reel on Instagram?")
    # a pending group takes no votes (it does not exist for voters yet)
    with pytest.raises(Exception, match="No QuestionGroup"):
        questions.question_vote(user=workers[1], group_id=group.id)
    questions.group_moderate(actor=bob, group_id=group.id, action="approve")
    votes = [questions.question_vote(user=workers[1], group_id=group.id) for _ in range(2)]
    votes.append(questions.question_vote(user=workers[2], group_id=group.id))
    assert votes == [True, False, True]
    group.refresh_from_db()
    assert group.votes == 2


def test_merge_moves_questions_and_votes_without_double_votes(workshop, workers, bob):
    a = _ask(workers[0], workshop, "How do I make a reel on Instagram?")
    b = _ask(workers[1], workshop, "What is the venue of the convention?")
    for g in (a, b):
        questions.group_moderate(actor=bob, group_id=g.id, action="approve")
        questions.question_vote(user=workers[2], group_id=g.id)
    questions.question_vote(user=workers[3], group_id=b.id)
    # when b is merged into a
    into = questions.group_merge(actor=bob, group_id=b.id, into_id=a.id)
    # then a holds both questions and the two distinct voters
    assert (into.asked, into.votes) == (2, 2)
    b.refresh_from_db()
    assert b.status == QuestionStatus.MERGED
    assert b.merged_into_id == a.id


def test_an_answer_goes_to_askers_and_registrants_and_joins_the_faq(workshop, workers, bob):
    # given a group asked by two workers, and a registrant who did not ask
    group = _ask(workers[0], workshop, "How do I make a reel on Instagram?")
    _ask(workers[1], workshop, "instagram reel kaise banaye?")
    # when the expert answers it
    queued = questions.group_answer(
        actor=bob, group_id=group.id, answer="Reels: 15–30 s, subtitles in Hindi."
    )
    # then every confirmed registrant (askers included) is queued once, as an event notice
    registrants = set(
        Registration.objects.filter(event=workshop, status="confirmed").values_list(
            "person_id", flat=True
        )
    )
    d = Distribution.objects.get(kind=DistributionKind.NOTICE)
    assert queued == len(registrants) == 4
    assert set(Delivery.objects.filter(distribution=d).values_list("person_id", flat=True)) == (
        registrants
    )
    assert d.purpose == "events"
    # and the FAQ finds it in Hindi
    found = questions.faq(event=workshop, query="इंस्टाग्राम रील")
    assert [g.id for g in found] == [group.id]
    assert questions.faq(event=workshop, query="convention venue") == []


def test_moderation_is_for_run_events_in_the_subtree(workshop, workers, charlie):
    group = _ask(workers[0], workshop, "How do I make a reel on Instagram?")
    analyst = make_user("ana", workshop.unit, Role.ANALYST)
    with pytest.raises(PermissionDenied):
        questions.group_moderate(actor=analyst, group_id=group.id, action="approve")
    from django.http import Http404

    with pytest.raises(Http404):
        questions.group_moderate(actor=charlie, group_id=group.id, action="approve")


def test_the_phone_page_asks_votes_and_searches(client, workshop, workers, bob):
    # given an approved, answered group
    group = _ask(workers[0], workshop, "How do I make a reel on Instagram?")
    questions.group_moderate(actor=bob, group_id=group.id, action="approve")
    open_group = _ask(workers[1], workshop, "What is the venue of the convention?")
    questions.group_moderate(actor=bob, group_id=open_group.id, action="approve")
    questions.group_answer(actor=bob, group_id=group.id, answer="Use subtitles.")
    client.force_login(workers[2])
    # when the worker asks, votes and searches on the phone
    asked = client.post(
        f"/app/events/{workshop.id}/questions/ask/", {"text": "instagram reel kaise banaye?"}
    )
    voted = client.post(f"/app/questions/{open_group.id}/vote/")
    page = client.get(f"/app/events/{workshop.id}/questions/?q=instagram")
    # then the page lists the open group as voted and the answer in the FAQ
    assert asked.status_code == voted.status_code == 302
    assert page.status_code == 200
    assert open_group.id in page.context["voted"]
    assert [g.id for g in page.context["answered"]] == [group.id]
    assert "Use subtitles." in page.content.decode()


def test_the_moderator_queue_page(client, workshop, workers, bob, charlie):
    group = _ask(workers[0], workshop, "How do I make a reel on Instagram?")
    client.force_login(bob)
    page = client.get(f"/events/{workshop.id}/questions/")
    assert page.status_code == 200
    assert [g.id for g in page.context["queue"].pending] == [group.id]
    done = client.post(f"/events/questions/{group.id}/", {"action": "approve"})
    assert done.status_code == 302
    group.refresh_from_db()
    assert group.status == QuestionStatus.APPROVED
    bad = client.post(f"/events/questions/{group.id}/", {"action": "merge", "into": "x"})
    assert bad.status_code == 302
    client.force_login(charlie)
    assert client.get(f"/events/{workshop.id}/questions/").status_code == 404
    assert client.post(f"/events/questions/{group.id}/", {"action": "hide"}).status_code == 404


def test_erasure_removes_questions_and_votes_and_recounts(workshop, workers, bob):
    from sampark.events import privacy
    from sampark.people.privacy import Subject

    group = _ask(workers[0], workshop, "How do I make a reel on Instagram?")
    _ask(workers[1], workshop, "instagram reel kaise banaye?")
    questions.group_moderate(actor=bob, group_id=group.id, action="approve")
    questions.question_vote(user=workers[1], group_id=group.id)
    # when the second worker's data is erased
    exported = privacy.export(Subject(person_id=workers[1].person_id, phone=""))
    privacy.erase(Subject(person_id=workers[1].person_id, phone=""))
    # then their question was in the export, and the group counts only the first asker
    assert [q["question"] for q in exported["event_questions"]] == ["instagram reel kaise banaye?"]
    group.refresh_from_db()
    assert (group.asked, group.votes) == (1, 0)


def _telegram(client, text: str, chat_id: int = 555):
    import json

    payload = {
        "update_id": 9001,
        "message": {
            "message_id": 7,
            "date": 1_714_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": 42, "is_bot": False, "username": "worker42"},
            "text": text,
        },
    }
    from django.urls import reverse

    return client.post(
        reverse("monitoring:telegram_webhook"),
        json.dumps(payload),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="s3cr3t",
    )


def test_a_connected_worker_asks_through_the_telegram_bot(client, settings, workshop, workers):
    from sampark.content.models import ChannelPreference
    from sampark.devtools.loopback import FakeTelegram
    from sampark.events.models import Question
    from sampark.monitoring.models import Post

    settings.TELEGRAM_WEBHOOK_SECRET = "s3cr3t"
    # given a registered worker who connected the bot from chat 555
    ChannelPreference.objects.create(
        person_id=workers[0].person_id, channel="telegram", telegram_chat_id="555"
    )
    # when the bot receives "/question …" from that chat, and from a stranger's chat
    with FakeTelegram(token="123:abc") as bot:
        settings.TELEGRAM_BOT_TOKEN = "123:abc"
        settings.TELEGRAM_API_BASE = bot.url
        ok = _telegram(client, "/question instagram reel kaise banaye?")
        stranger = _telegram(client, "/question who are you?", chat_id=999)
    # then the question is the worker's, for their event, and neither became a tip
    assert ok.status_code == stranger.status_code == 200
    q = Question.objects.get()
    assert (q.person_id, q.event_id, q.source) == (workers[0].person_id, workshop.id, "telegram")
    assert not Post.objects.exists()
    # and each chat got its reply
    replies = {m.chat_id: m.text for m in bot.messages}
    assert "reached the experts" in replies[555]
    assert "Register for an event" in replies[999]
