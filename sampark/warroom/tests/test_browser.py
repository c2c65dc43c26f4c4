"""An analyst in Debian's chromium: the live board in Hindi, then "I'll take it" on an incident."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from sampark.accounts.models import User
from sampark.core.tests.browser import ARTIFACTS
from sampark.warroom.models import Incident

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_an_analyst_takes_an_incident_from_the_live_board(
    live_server, desk: Page, analyst: User, incident: Incident
) -> None:
    # given an analyst on the board
    desk.goto(f"{live_server.url}/login/?next=/warroom/")
    desk.fill("input[name=username]", analyst.username)
    desk.fill("input[name=password]", "pw")
    desk.click("button[type=submit].primary")
    desk.wait_for_url(f"{live_server.url}/warroom/")
    desk.wait_for_function("document.fonts.status === 'loaded'")
    # then the board is in Hindi with the web font and lists the incident
    assert desk.evaluate("document.fonts.check('16px \"Noto Sans Devanagari\"', 'वॉर रूम')")
    assert "वॉर रूम" in desk.inner_text("body")
    desk.locator("[data-testid=incident-queue] a").first.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "warroom-board.png"), full_page=True)
    # when they open it and take it
    desk.goto(f"{live_server.url}/warroom/incidents/{incident.id}/")
    desk.click("[data-testid=take-it]")
    desk.locator("[data-testid=assignee]").get_by_text(analyst.username).or_(
        desk.locator("[data-testid=assignee]").get_by_text(
            analyst.get_full_name() or analyst.username
        )
    ).first.wait_for()
    # then the incident is theirs
    incident.refresh_from_db()
    assert incident.assignee_id == analyst.id
    desk.screenshot(path=str(ARTIFACTS / "warroom-incident.png"), full_page=True)
