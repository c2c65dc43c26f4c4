"""The trends page in Debian's chromium (issue #16 item 3): the four ECharts draw from the
JSON block, and the PNG and SVG buttons download real images; no CSP violation (the autouse
fixture of sampark.core.tests.browser fails the test on any)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from sampark.accounts.models import User
from sampark.core.tests.browser import ARTIFACTS
from sampark.devtools.synthetic import Tree
from sampark.people.tests.factories import AssignmentFactory
from sampark.warroom.models import Incident

pytestmark = pytest.mark.browser

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="hi-IN", viewport={"width": 1280, "height": 1000}, accept_downloads=True
    )
    page = context.new_page()
    yield page
    context.close()


def _login(page: Page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "alice")
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")


def test_chart_downloads_png_and_svg(
    live_server: object, page: Page, tree: Tree, alice: User
) -> None:
    # given some recruitment and an answered incident in the last days
    now = timezone.now()
    booth = tree.booths[0]
    for i in range(3):
        AssignmentFactory.create(unit=booth, seat=i + 1, started_at=now - dt.timedelta(days=i))
    Incident.objects.create(
        unit=booth,
        title="Rumour",
        origin="manual",
        created_at=now - dt.timedelta(hours=3),
        published_at=now - dt.timedelta(hours=1),
        sla_due_at=now,
    )
    alice.preferred_language = "hi"
    alice.save(update_fields=["preferred_language"])
    base = live_server.url  # type: ignore[attr-defined]
    _login(page, base)
    # when alice opens the state's trends for 7 days
    page.goto(f"{base}/results/units/{tree.state.id}/trends/?days=7")
    # then the four charts are drawn
    for name in ("recruitment", "reach", "narratives", "incidents"):
        expect(page.locator(f"#chart-{name} canvas")).to_have_count(1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results-trends.png"), full_page=True)
    # when the PNG button is clicked / then a PNG image with content downloads
    with page.expect_download() as png_info:
        page.click("[data-testid=png-recruitment]")
    png = png_info.value
    assert png.suggested_filename == "chart-recruitment.png"
    png_bytes = png.path().read_bytes()
    assert png_bytes.startswith(PNG_MAGIC)
    assert len(png_bytes) > 5000
    # when the SVG button is clicked / then an SVG with the series and the Hindi legend downloads
    with page.expect_download() as svg_info:
        page.click("[data-testid=svg-recruitment]")
    svg = svg_info.value
    assert svg.suggested_filename == "chart-recruitment.svg"
    text = svg.path().read_text(encoding="utf-8")
    assert text.lstrip().startswith("<svg")
    assert "</svg>" in text
    assert text.count("<path") > 5
    assert "भरे गए पद" in text  # "Positions taken", the legend in Hindi
