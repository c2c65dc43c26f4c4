"""The dashboard in Debian's chromium (Playwright): HTMX drill-down with Back, the choropleth."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from sampark.core.tests.browser import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-IN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


def test_drilldown_by_htmx_keeps_back_working(live_server, page, staffed, alice):
    # given alice on the state page
    _log_in(page, live_server.url, "alice")
    expect(page.locator("h1")).to_contain_text("UP")
    # when she opens District 2 from the children table
    page.get_by_role("link", name="District 2").click()
    # then the dashboard is swapped in place, the URL and title follow
    expect(page.locator("h1")).to_contain_text("District 2")
    expect(page).to_have_url(f"{live_server.url}/units/{staffed.districts[1].id}/")
    expect(page).to_have_title("District 2 · Sampark")
    # and the vacancies load after the page
    expect(page.get_by_test_id("vacancies")).to_be_visible()
    # and Back returns to the state
    page.go_back()
    expect(page.locator("h1")).to_contain_text("UP")
    expect(page).to_have_url(f"{live_server.url}/units/{staffed.state.id}/")


def test_choropleth_colours_acs_and_opens_one(live_server, page, staffed, alice):
    # given boundaries for the four ACs
    for i, ac in enumerate(staffed.acs):
        x = 80 + i * 0.5
        ac.boundary = json.dumps(
            {
                "type": "Polygon",
                "coordinates": [[[x, 26], [x + 0.4, 26], [x + 0.4, 26.4], [x, 26.4], [x, 26]]],
            }
        )
        ac.save(update_fields=["boundary"])
    _log_in(page, live_server.url, "alice")
    # then the map draws one shape per AC, with a legend
    shapes = page.locator("#map path.leaflet-interactive")
    expect(shapes).to_have_count(4)
    expect(page.locator(".map-legend")).to_contain_text("% of booths fully staffed")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "analytics-map.png"), full_page=True)
    # when an AC is clicked, its page opens
    shapes.first.click()
    expect(page).to_have_url(f"{live_server.url}/units/{staffed.acs[0].id}/")
    expect(page.locator("h1")).to_contain_text("AC 1")
