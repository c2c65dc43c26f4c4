"""The live feed in Debian's chromium (Playwright): a processed post appears without a reload,
and the page in Hindi renders Devanagari with the vendored Noto Sans Devanagari."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from pipeline.types import Platform, RawPost
from sampark.core.tests.browser import ARTIFACTS
from sampark.monitoring import processing, services
from sampark.monitoring.models import Alert
from sampark.monitoring.tests.factories import build_world

pytestmark = pytest.mark.browser

NEW_RUMOUR = "मतदान के दिन बूथ पर मोबाइल ले जाने पर 5000 रुपये जुर्माना, सबको बताएं"


def _page(browser: Browser, width: int, height: int) -> Iterator[Page]:
    context = browser.new_context(locale="en-IN", viewport={"width": width, "height": height})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 1280, 900)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, 390, 844)


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def listening(tree, district1, district2, alice):
    world = build_world(district1=district1, district2=district2)
    Alert.objects.create(
        kind="watch", unit=district1, narrative=world["shared"], message="नोट / पैसा: GPS चिप"
    )
    return world


def test_new_post_appears_without_reload_and_hindi_renders(live_server, page, listening):
    # given alice on the live feed
    _log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/listening/")
    expect(page.get_by_test_id("post")).to_have_count(5)
    page.evaluate("window.__noReload = true")
    # when a new post arrives and the pipeline processes it
    services.posts_ingest(
        source=listening["x"],
        posts=[
            RawPost(
                platform=Platform.X,
                external_id="live-1",
                text=NEW_RUMOUR,
                posted_at=timezone.now() - timedelta(minutes=1),
                author="@watcher",
                url="https://x.com/i/status/1",
            )
        ],
    )
    assert processing.Processor().run_batch(owner="t") == 1
    # then it shows at the top of the feed within ~10 s, with no page load
    first = page.get_by_test_id("post").first
    expect(first).to_contain_text(NEW_RUMOUR, timeout=12_000)
    expect(first).to_contain_text("Hindi")
    assert page.evaluate("window.__noReload === true")
    expect(page.get_by_test_id("post")).to_have_count(6)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "listening-feed.png"), full_page=True)

    # when she switches to Hindi
    page.get_by_test_id("lang-hi").click()
    page.wait_for_load_state("networkidle")
    # then the page is Hindi and Devanagari is drawn with the vendored font
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    expect(page.get_by_test_id("post").first).to_contain_text(NEW_RUMOUR)
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        """() => [...document.fonts].filter(f => f.family.replace(/"/g, '') ===
               'Noto Sans Devanagari' && f.status === 'loaded').length"""
    )
    assert loaded >= 1
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Devanagari\"', 'मतदान')")
    family = page.evaluate("getComputedStyle(document.querySelector('.post .body')).fontFamily")
    assert family.startswith('"Noto Sans Devanagari"')
    page.screenshot(path=str(ARTIFACTS / "listening-feed-hi.png"), full_page=True)


def test_feed_on_a_phone(live_server, phone, listening):
    # given alice on a phone-sized screen
    _log_in(phone, live_server.url, "alice")
    phone.goto(f"{live_server.url}/listening/")
    # then the posts fit the width (no sideways scrolling) and the side panel follows them
    expect(phone.get_by_test_id("post").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    feed_top = phone.get_by_test_id("feed-list").bounding_box()
    side_top = phone.get_by_test_id("feed-side").bounding_box()
    assert feed_top is not None
    assert side_top is not None
    assert side_top["y"] > feed_top["y"]
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "listening-feed-phone.png"), full_page=True)


def test_narrative_page_and_tip_form(live_server, page, listening):
    _log_in(page, live_server.url, "alice")
    page.goto(f"{live_server.url}/listening/narratives/{listening['shared'].id}/")
    expect(page.get_by_test_id("sparkline").locator("svg polyline")).to_have_count(1)
    # mute by HTMX, in place
    page.get_by_test_id("mute").click()
    expect(page.get_by_test_id("unmute")).to_be_visible()
    expect(page.get_by_test_id("mute")).to_have_count(0)
    expect(page.get_by_test_id("narrative-status")).to_contain_text("Muted")
    page.screenshot(path=str(ARTIFACTS / "listening-narrative.png"), full_page=True)
    # a tip in two taps
    page.goto(f"{live_server.url}/listening/tips/new/")
    page.fill("textarea[name=text]", "गांव में अफवाह: मतदान की तारीख बदल गई")
    page.get_by_test_id("tip-send").click()
    expect(page.get_by_test_id("tip-done")).to_be_visible()


def test_stream_rules_page_lists_rules_with_their_ids_and_adds_one(live_server, page, alice):
    from sampark.integrations.tests.fakes import FakeServer
    from sampark.monitoring.enums import SourceKind
    from sampark.monitoring.models import Source

    fake = FakeServer().start()
    try:
        rules = "/2/tweets/search/stream/rules"
        fake.add(rules, file="x_stream_rules.json")
        fake.add(rules, file="x_stream_rules_add.json", method="POST")
        source = Source.objects.create(
            kind=SourceKind.X_STREAM,
            name="X stream: UP",
            config={"base_url": fake.url, "bearer_token": "t"},
        )
        # given alice on the sources page, when she opens the stream's rules
        _log_in(page, live_server.url, "alice")
        page.goto(f"{live_server.url}/listening/sources/")
        page.click(f"[data-testid=rules-{source.id}]")
        # then X's rules are listed with their ids
        expect(page.get_by_test_id("rules")).to_contain_text("1785800000000000001")
        # and adding a rule reports it added
        page.fill("input[name=value]", "booth capturing -is:retweet")
        page.click("[data-testid=rule-add] button[type=submit]")
        expect(page.locator("body")).to_contain_text("Rule added.")
        page.screenshot(path=str(ARTIFACTS / "listening-stream-rules.png"), full_page=True)
    finally:
        fake.stop()
