"""The helpline and the floor in Debian's chromium, in Hindi, under the CSP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page

from sampark.accounts.models import User
from sampark.calls import inbound, rota
from sampark.calls.enums import InboundStatus
from sampark.calls.models import InboundCall
from sampark.core.tests.browser import ARTIFACTS
from sampark.geo.models import Unit
from sampark.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def _login(page: Page, url: str, username: str, path: str) -> None:
    page.goto(f"{url}/login/?next={path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{url}{path}")


def test_an_agent_takes_a_helpline_caller_and_the_floor_shows_it(
    live_server: Any,
    desk: Page,
    persons: list[Person],
    agent1: User,
    agent2: User,
    supervisor: User,
    district1: Unit,
) -> None:
    # given a caller from the agent's district waiting, and agent1 and agent2 on shift now
    now = timezone.now()
    inbound.inbound_arrived(
        provider="exotel", provider_call_id="sid", phone=persons[0].phone, at=now
    )
    site = rota.site_create(actor=supervisor, name="लखनऊ फ़्लोर", unit=district1, seats=40)
    shift = rota.shift_create(
        actor=supervisor,
        site=site,
        name="सुबह",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=7),
    )
    rota.roster_assign(actor=supervisor, shift=shift, agents=[agent1, agent2])
    # when agent1 opens the helpline and starts taking callers
    _login(desk, live_server.url, "agent1", "/calls/helpline/")
    desk.click("[data-testid=helpline-toggle] button")
    desk.wait_for_selector("[data-testid=helpline-name]")
    # then the caller's record is on screen
    assert desk.inner_text("[data-testid=helpline-name]") == persons[0].name
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "calls-helpline.png"), full_page=True)
    # when they save a disposition
    desk.select_option("[data-testid=helpline-form] select", "completed")
    desk.click("[data-testid=helpline-form] button")
    desk.wait_for_selector("[data-testid=helpline-empty]")
    assert InboundCall.objects.get().status == InboundStatus.CLOSED
    # and the supervisor's floor shows agent2 on shift but not on the console
    desk.context.clear_cookies()
    _login(desk, live_server.url, "supervisor", "/calls/floor/")
    floor = desk.inner_text("[data-testid=floor-now]")
    assert "agent2" in floor
    desk.screenshot(path=str(ARTIFACTS / "calls-floor.png"), full_page=True)
    # and the wallboard shows the helpline queue
    desk.goto(f"{live_server.url}/calls/board/")
    assert desk.inner_text("[data-testid=queue-waiting]") == "0"
    desk.screenshot(path=str(ARTIFACTS / "calls-board.png"), full_page=True)
