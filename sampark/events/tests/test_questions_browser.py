"""The questions page of the volunteer app on a phone viewport, in Debian's chromium."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.events import questions
from sampark.events.models import Event, Question
from sampark.events.services import registration_create
from sampark.events.tests.fixtures import make_person
from sampark.geo.models import Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def _worker(name: str, phone: str, workshop: Event, booth1: Unit) -> User:
    person_id = make_person(name, phone, booth1)
    user = make_user(name, booth1, Role.VOLUNTEER)
    User.objects.filter(id=user.id).update(person_id=person_id)
    user.refresh_from_db()
    registration_create(event_id=workshop.id, person_id=person_id, source="app")
    return user


def test_a_worker_asks_votes_and_reads_answers_on_the_phone(
    live_server, page, workshop, booth1, bob
):
    # given an approved question and an answered one, and a registered worker
    Event.objects.filter(id=workshop.id).update(capacity=0)
    first = _worker("asha", "+919812300001", workshop, booth1)
    _worker("ravi", "+919812300002", workshop, booth1)
    open_group = questions.question_ask(
        user=first, event_id=workshop.id, text="सम्मेलन का स्थान क्या है?", source="app"
    ).group
    questions.group_moderate(actor=bob, group_id=open_group.id, action="approve")
    answered = questions.question_ask(
        user=first, event_id=workshop.id, text="How do I make a reel on Instagram?", source="app"
    ).group
    questions.group_answer(actor=bob, group_id=answered.id, answer="15–30 सेकंड, हिंदी उपशीर्षक।")
    # when the worker logs in and opens the questions of the event
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "ravi")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    page.goto(f"{live_server.url}/app/events/")
    page.get_by_test_id("questions-link").click()
    # and asks in Hinglish, votes for the open question and searches the answers in Hindi
    page.fill("textarea[name=text]", "instagram par reel kaise banaye?")
    page.get_by_test_id("ask-submit").click()
    assert Question.objects.filter(group=answered).count() == 2
    page.get_by_test_id("vote").first.click()
    expect(page.get_by_test_id("votes").first).to_contain_text("1")
    page.fill("input[name=q]", "इंस्टाग्राम रील")
    page.get_by_role("button", name="खोजें").click()
    # then the answer is found, and the page fits the phone's width
    expect(page.get_by_test_id("faq-item")).to_contain_text("उपशीर्षक")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path="/tmp/ev_questions.png", full_page=True)


def test_the_organiser_invites_and_moderates_in_the_browser(
    live_server, page, workshop, booth1, bob
):
    # given a registered worker's question awaiting moderation, and the district in-charge
    from sampark.content.models import Distribution
    from sampark.content.tests.fixtures import add_volunteers

    add_volunteers([booth1], per_booth=3, consent=False)
    Event.objects.filter(id=workshop.id).update(capacity=0)
    asker = _worker("asha", "+919812300001", workshop, booth1)
    group = questions.question_ask(
        user=asker, event_id=workshop.id, text="फेसबुक पेज पर फॉलोअर्स कैसे बढ़ाएं?", source="app"
    ).group
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    # when they open the event's invite page and send the invitations
    page.goto(f"{live_server.url}/events/{workshop.id}/")
    page.get_by_test_id("invite-link").click()
    expect(page.get_by_test_id("invite-audience")).to_contain_text("3")
    page.screenshot(path="/tmp/ev_invite.png", full_page=True)
    page.get_by_test_id("invite-send").get_by_role("button").click()
    # then the invitation is listed with its progress
    expect(page.get_by_test_id("invite-progress")).to_contain_text("कार्यक्रम आमंत्रण")
    assert Distribution.objects.filter(kind="event").count() == 1
    # when they approve the pending question in the queue
    page.goto(f"{live_server.url}/events/{workshop.id}/questions/")
    pending = page.get_by_test_id("questions-pending")
    expect(pending).to_contain_text("फेसबुक")
    pending.get_by_test_id("approve").click()
    # then it is open for votes
    expect(page.get_by_test_id("questions-approved")).to_contain_text("फेसबुक")
    group.refresh_from_db()
    assert group.status == "approved"
    page.screenshot(path="/tmp/ev_queue.png", full_page=True)
