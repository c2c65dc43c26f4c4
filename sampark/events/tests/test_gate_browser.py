"""The gate page in Debian's chromium: cached tickets, scans while offline, sync when back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from sampark.events import tickets
from sampark.events.models import Attendance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-IN", viewport={"width": 420, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_the_gate_admits_offline_and_syncs_once(live_server, page, bob, gate, registered):
    # given bob logged in on the gate page, with the event's tickets cached
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "bob")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    page.goto(f"{live_server.url}/events/gates/{gate.id}/")
    expect(page.get_by_test_id("gate-cached")).to_have_text("2")
    # when the network goes and a ticket code is typed
    page.context.set_offline(True)
    code = tickets.pretty(registered[0].ticket.code)
    page.get_by_test_id("gate-code").fill(code)
    page.get_by_test_id("gate-check").click()
    # then the gate shows green with the name, and the scan waits
    result = page.get_by_test_id("gate-result")
    expect(result).to_have_attribute("data-result", "admitted")
    expect(result).to_contain_text("Worker 0")
    expect(page.get_by_test_id("gate-pending")).to_have_text("1")
    # when the same ticket comes again, and a made-up one
    page.get_by_test_id("gate-code").fill(code)
    page.get_by_test_id("gate-check").click()
    expect(result).to_have_attribute("data-result", "duplicate")
    expect(result).to_have_class("gate-result gate-bad")
    page.get_by_test_id("gate-code").fill("ZZZZZ-ZZZZZ")
    page.get_by_test_id("gate-check").click()
    expect(result).to_have_attribute("data-result", "unknown")
    assert not Attendance.objects.exists()
    # when the network is back
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # then the queue empties and exactly one attendance is recorded
    expect(page.get_by_test_id("gate-pending")).to_have_text("0", timeout=15_000)
    assert Attendance.objects.count() == 1
    page.screenshot(path="/tmp/ev_gate.png")
