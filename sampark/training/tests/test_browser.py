"""A volunteer takes a quiz in Hindi on a cheap phone's screen (360×740, Debian's chromium):
My events → My training → the module → the quiz (one wrong try, then right) → certificate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from sampark.accounts.models import User
from sampark.training.models import Completion, Module

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="hi-IN",
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    yield page
    context.close()


def _answer(page: Page, *, right: bool) -> None:
    """Tick the right (or the wrong) answers, by their Hindi text."""
    if right:
        page.get_by_label("स्रोत", exact=True).check()
        page.get_by_label("फ़ैक्ट-चेक", exact=True).check()
        page.get_by_label("सरकारी आँकड़े", exact=True).check()
    else:
        page.get_by_label("लाइक", exact=True).check()
        page.get_by_label("अफ़वाह", exact=True).check()
    page.get_by_test_id("submit-quiz").click()


def test_volunteer_takes_a_quiz_in_hindi(
    live_server: object, phone: Page, sita: User, content_module: Module
) -> None:
    base = live_server.url  # type: ignore[attr-defined]
    # given sita logged in on her phone, in Hindi
    phone.goto(f"{base}/login/?next=/app/events/")
    phone.fill("input[name=username]", sita.username)
    phone.fill("input[name=password]", "pw")
    phone.click("button[type=submit].primary")
    phone.wait_for_url(f"{base}/app/events/")
    if phone.get_by_test_id("lang-hi").count():
        phone.get_by_test_id("lang-hi").click()
    # when she opens My training and the module
    phone.get_by_test_id("training-link").click()
    expect(phone.get_by_test_id("my-module")).to_have_count(1)
    phone.get_by_role("link", name=content_module.title_hi).click()
    expect(phone.get_by_test_id("lesson")).to_have_count(1)
    expect(phone.get_by_test_id("video-link")).to_have_attribute(
        "href", "https://www.youtube.com/watch?v=abc"
    )
    phone.screenshot(path="/tmp/training-module-hi.png", full_page=True)
    phone.get_by_test_id("take-quiz").click()
    expect(phone.get_by_test_id("question")).to_have_count(2)
    phone.screenshot(path="/tmp/training-quiz-hi.png", full_page=True)
    # and answers wrongly first
    _answer(phone, right=False)
    expect(phone.get_by_test_id("failed")).to_contain_text("अभी उत्तीर्ण नहीं")
    # then right
    _answer(phone, right=True)
    # then she passed, in Hindi, with a certificate to download
    expect(phone.get_by_test_id("passed")).to_contain_text("उत्तीर्ण")
    expect(phone.get_by_test_id("score")).to_contain_text("100%")
    phone.screenshot(path="/tmp/training-quiz-passed-hi.png", full_page=True)
    with phone.expect_download() as download:
        phone.get_by_test_id("certificate").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Completion.objects.filter(person=sita.person).count() == 1
    # and nothing on the quiz page is wider than the phone
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
