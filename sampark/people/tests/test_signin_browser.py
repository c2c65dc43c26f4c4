"""A booth volunteer signs in by phone on a cheap phone's screen (360×740), in Hindi, in
Debian's chromium (Playwright): the number, the SMS code, the volunteer app (issue #13)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from sampark.core.tests.browser import ARTIFACTS
from sampark.people import services
from sampark.people.enums import VerifyMethod
from sampark.people.sms import locmem

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


def test_a_volunteer_signs_in_by_phone_in_hindi(live_server, phone, pending, bob, sms_outbox):
    # given Sita verified as booth 1's WhatsApp pramukh, with no account yet
    services.assignment_verify(assignment_id=pending.id, method=VerifyMethod.INCHARGE, actor=bob)
    cache.clear()
    base = live_server.url
    # when she opens the log-in page and follows the phone link (all in Hindi)
    phone.goto(f"{base}/login/")
    phone.get_by_test_id("phone-login").click()
    expect(phone.locator("h1")).to_have_text("अपने फ़ोन से लॉग इन करें")
    # and gives her number in Devanagari digits
    phone.fill("input[name=phone]", "९८१२३ ४५६१०")
    phone.click("button[type=submit].primary")
    expect(phone.get_by_test_id("code-form")).to_be_visible()
    expect(phone.get_by_test_id("code-form")).to_contain_text("98xxxxxx10")
    # and types the code the SMS brought
    match = re.search(r"\b(\d{6})\b", locmem.outbox[-1].text)
    assert match is not None
    phone.screenshot(path=str(ARTIFACTS / "signin-phone-code.png"), full_page=True)
    phone.fill("input[name=code]", match.group(1))
    phone.click("button[type=submit].primary")
    # then she is in the volunteer app, signed in
    phone.wait_for_url(f"{base}/app/")
    assert phone.evaluate("document.documentElement.lang") == "hi"
    phone.screenshot(path=str(ARTIFACTS / "signin-phone-app.png"), full_page=True)
