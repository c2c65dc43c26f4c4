"""A district in-charge in Debian's chromium, in Hindi: the bell counts, the inbox marks read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from sampark.accounts.models import User
from sampark.core.tests.browser import ARTIFACTS
from sampark.geo.models import Unit
from sampark.notify import selectors, services
from sampark.notify.enums import Kind
from sampark.notify.services import Draft

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_the_bell_counts_and_the_inbox_marks_read_in_place(
    live_server, desk: Page, bob: User, district1: Unit
) -> None:
    # given two notifications for bob
    for n in range(2):
        services.notification_create(
            user=bob,
            draft=Draft(kind=Kind.DIRECTIVE, signal=f"d:{n}", unit=district1, title=f"बूथ सूची {n}"),
        )
    # when he signs in
    desk.goto(f"{live_server.url}/login/?next=/notify/")
    desk.fill("input[name=username]", bob.username)
    desk.fill("input[name=password]", "pw")
    desk.click("button[type=submit].primary")
    desk.wait_for_url(f"{live_server.url}/notify/")
    # then the bell shows 2 and the inbox is in Hindi
    assert desk.locator("[data-testid=notify-unread]").inner_text() == "2"
    assert "मुझे कैसे बताया जाए" in desk.inner_text("body")
    # when he marks one read
    desk.locator("[data-testid=notification] button").first.click()
    desk.locator("[data-testid=notification]").get_by_text("पढ़ा गया").first.wait_for()
    # then it is read, in place, and the count in the header drops
    assert selectors.unread_count(user=bob) == 1
    expect(desk.locator("[data-testid=notify-unread]")).to_have_text("1")
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "notify-inbox.png"), full_page=True)
