"""The agent's console in Debian's chromium: branching script, autosave across a reload,
keyboard save; under the CSP (no inline script)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from sampark.accounts.models import User
from sampark.calls.models import Attempt, Campaign, Contact
from sampark.core.tests.browser import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def test_agent_works_a_call_through_a_reload(
    live_server: Any, desk: Page, settings: Any, campaign: Campaign, agent1: User
) -> None:
    # given no calling or quiet hours (the test must not depend on the hour it runs)
    settings.SAMPARK_CALLING_HOURS = (0, 0)
    settings.SAMPARK_QUIET_HOURS = (0, 0)
    console = f"{live_server.url}/calls/campaigns/{campaign.id}/console/"
    desk.goto(f"{live_server.url}/login/?next=/calls/campaigns/{campaign.id}/console/")
    desk.fill("input[name=username]", "agent1")
    desk.fill("input[name=password]", "pw")
    desk.click("button[type=submit].primary")
    desk.wait_for_url(console)
    first = desk.inner_text("[data-testid=console-name]")
    # when the agent calls from their own phone
    desk.click("button[value=phone]")
    desk.wait_for_selector("[data-testid=console-form]")
    # then only the first question shows, and "no" leads to the opt-out question
    assert desk.is_visible("fieldset[data-step=attend]")
    assert not desk.is_visible("fieldset[data-step=count]")
    desk.check("input[name=q-attend][value=no]")
    assert desk.is_visible("fieldset[data-step=stop]")
    assert not desk.is_visible("fieldset[data-step=count]")
    # when they type a note and the console autosaves, then the page is reloaded
    desk.fill("[data-testid=console-note]", "दोबारा बात करनी है")
    desk.wait_for_selector("[data-testid=console-saved]:has-text(':')")
    desk.reload()
    desk.wait_for_selector("[data-testid=console-form]")
    # then the same contact is back with the note and the answer
    assert desk.inner_text("[data-testid=console-name]") == first
    assert desk.input_value("[data-testid=console-note]") == "दोबारा बात करनी है"
    assert desk.is_checked("input[name=q-attend][value=no]")
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "calls-console.png"), full_page=True)
    # when they choose a disposition and press Ctrl+Enter
    desk.select_option("[data-testid=console-disposition]", "not_interested")
    desk.press("[data-testid=console-note]", "Control+Enter")
    desk.wait_for_load_state("networkidle")
    # then the call is saved and another contact is offered
    attempt = Attempt.objects.get(agent=agent1)
    assert attempt.disposition == "not_interested"
    assert attempt.responses.get(question="attend").value == "no"
    assert desk.inner_text("[data-testid=console-name]") != first
    assert Contact.objects.filter(leased_by=agent1).count() == 1
