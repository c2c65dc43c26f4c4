"""The public join page on a cheap phone's screen (360×740) in Hindi, in Debian's chromium:
the page fits the width, a minor is refused with a form error, then an adult signs up, answers
the SMS code, and is shown the thank-you page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from sampark.core.tests.browser import ARTIFACTS
from sampark.people.enums import AssignmentStatus
from sampark.people.models import Assignment, Person
from sampark.recruit import links

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


def test_citizen_joins_a_booth_on_a_phone_in_hindi(live_server, phone, booth1, sms_outbox):
    # given a booth's QR link
    url = live_server.url + links.join_path(unit_id=booth1.id) + "?via=qr"
    # when a citizen opens it on a small phone
    phone.goto(url)
    # then the page is in Hindi and fits the screen
    expect(phone.locator("h1")).to_have_text("बूथ स्वयंसेवक बनें")
    assert phone.evaluate("document.documentElement.lang") == "hi"
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page is {width}px wide on a 360px screen"
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "recruit-join-phone.png"), full_page=True)
    # when a minor fills it in
    phone.fill("input[name=name]", "राहुल")
    phone.fill("input[name=phone]", "9876543210")
    phone.fill("input[name=date_of_birth]", "2012-04-01")
    phone.check("input[name=consents][value='volunteer_coordination:sms']")
    phone.click("[data-testid=join-submit]")
    # then a Hindi form error says why, and nobody is recorded
    expect(phone.locator("[data-testid=join-error]")).to_contain_text("18 वर्ष")
    assert not Person.objects.exists()
    # when an adult signs up
    phone.fill("input[name=name]", "सुनीता देवी")
    phone.fill("input[name=phone]", "9876543210")
    phone.fill("input[name=date_of_birth]", "1990-05-01")
    phone.check("input[name=consents][value='volunteer_coordination:sms']")
    phone.click("[data-testid=join-submit]")
    # then the SMS code is asked for, and typing it ends on the thank-you page
    expect(phone.locator("[data-testid=join-otp]")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1].text)
    assert code is not None
    phone.fill("input[name=code]", code.group(1))
    phone.click("button[type=submit].primary")
    expect(phone.locator("[data-testid=join-done] h1")).to_have_text("जुड़ने के लिए धन्यवाद!")
    assignment = Assignment.objects.get(person__phone="+919876543210")
    assert (assignment.unit_id, assignment.status) == (booth1.id, AssignmentStatus.PENDING)
