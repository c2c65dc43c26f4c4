"""The state head's distribution report in Debian's chromium: Hindi with the vendored font,
the funnel and the district table, and a drill-down."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from sampark.accounts.models import User
from sampark.content import expansion, services
from sampark.content.enums import DeliveryStatus
from sampark.content.models import ContentItem, Delivery
from sampark.content.tests.fixtures import Volunteers
from sampark.core.tests.browser import ARTIFACTS
from sampark.devtools.synthetic import Tree

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_state_head_reads_the_distribution_report_in_hindi(
    live_server, desk: Page, tree: Tree, alice: User, kit: ContentItem, volunteers: Volunteers
) -> None:
    # given a kit sent to the state, half of it opened and a quarter forwarded
    d = services.distribution_create(actor=alice, item_id=kit.id, target_ids=[tree.state.id])
    expansion.expand(distribution_id=d.id)
    rows = list(Delivery.objects.filter(distribution=d).order_by("id"))
    for n, row in enumerate(rows):
        row.status = DeliveryStatus.DELIVERED
        row.sent_at = row.delivered_at = d.scheduled_at
        if n % 2 == 0:
            row.opened_at = d.scheduled_at
        if n % 4 == 0:
            row.forwarded_groups, row.reach = 2, 300
    Delivery.objects.bulk_update(
        rows, ["status", "sent_at", "delivered_at", "opened_at", "forwarded_groups", "reach"]
    )
    # when the state head opens the report
    desk.goto(f"{live_server.url}/login/?next=/content/distributions/{d.id}/")
    desk.fill("input[name=username]", "alice")
    desk.fill("input[name=password]", "pw")
    desk.click("button[type=submit].primary")
    desk.wait_for_url(f"{live_server.url}/content/distributions/{d.id}/")
    desk.wait_for_function("document.fonts.status === 'loaded'")
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "content-distribution-report.png"), full_page=True)
    # then it is in Hindi, drawn with the Devanagari web font, with both districts in the table
    body = desk.inner_text("body")
    assert "जिला 1" in body
    assert "जिला 2" in body
    assert desk.evaluate("document.fonts.check('16px \"Noto Sans Devanagari\"', 'वितरण')")
    assert f"{len(rows)}" in body
