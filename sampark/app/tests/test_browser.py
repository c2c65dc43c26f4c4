"""The volunteer app on a cheap phone's screen (360×740) in Debian's chromium (Playwright): log in,
open today's kit, Devanagari drawn with the vendored font, the WhatsApp share link, and
"I forwarded this to 3 groups"."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from sampark.app.tests.test_kits import TEXT_HI, _deliver, _kit, _volunteer
from sampark.content.enums import DistributionKind
from sampark.content.models import ChannelPreference, ContentItem, Delivery
from sampark.core.tests.browser import ARTIFACTS
from sampark.groups.models import Group
from sampark.groups.tests.factories import make_group, volunteer_admin
from sampark.monitoring.enums import SourceKind
from sampark.monitoring.models import Post

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


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


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/?next=/app/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/app/")


@pytest.fixture
def kits(booth1, district1, bob):
    volunteer = _volunteer("vimla", booth1, "विमला देवी", "+919800000001")
    ChannelPreference.objects.create(person=volunteer.person, language="hi")
    today = _deliver(
        _kit(unit=district1, author=bob, title="मतदान का समय", image=True), volunteer, ago=5
    )
    withdrawn = _kit(unit=district1, author=bob, title="पुराना पोस्टर")
    _deliver(withdrawn, volunteer, ago=90)
    ContentItem.objects.filter(id=withdrawn.id).update(state="recalled", recall_reason="गलत तारीख")
    _deliver(withdrawn, volunteer, kind=DistributionKind.RECALL, ago=30)
    return {"volunteer": volunteer, "today": today}


def test_volunteer_opens_todays_kit_shares_and_reports_forwarding(live_server, phone, kits):
    # given vimla logged in on her phone
    _log_in(phone, live_server.url, "vimla")
    # then today's kits list her new kit first, and the withdrawn one in red without sharing
    cards = phone.get_by_test_id("kit-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("मतदान का समय")
    expect(cards.nth(1).get_by_test_id("takedown")).to_be_visible()
    expect(cards.nth(1).locator("a[href^='https://wa.me/']")).to_have_count(0)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "app-kits-phone.png"), full_page=True)

    # when she opens today's kit
    cards.first.locator("a.kit-open").click()
    phone.wait_for_load_state("networkidle")
    text = phone.get_by_test_id("kit-text")
    expect(text).to_contain_text("मतदान 7 बजे से शुरू होगा।")
    # then Devanagari is drawn with the vendored Noto Sans Devanagari
    phone.evaluate("document.fonts.ready")
    loaded = phone.evaluate(
        """() => [...document.fonts].filter(f => f.family.replace(/"/g, '') ===
               'Noto Sans Devanagari' && f.status === 'loaded').length"""
    )
    assert loaded >= 1
    assert phone.evaluate("document.fonts.check('16px \"Noto Sans Devanagari\"', 'मतदान')")
    family = phone.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=kit-text]')).fontFamily"
    )
    assert family.startswith('"Noto Sans Devanagari"')
    # and "Share to WhatsApp" opens her own WhatsApp with the kit's text
    share = phone.get_by_test_id("share-wa")
    href = share.get_attribute("href") or ""
    assert href.startswith("https://wa.me/?text=")
    assert TEXT_HI in unquote(href.removeprefix("https://wa.me/?text="))
    box = share.bounding_box()
    assert box is not None
    assert box["height"] >= 48  # a big tap target
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    # when she says she forwarded it to 3 groups (she admins none: 1, then + twice)
    groups = phone.get_by_test_id("groups-n")
    expect(groups).to_have_value("1")
    phone.locator("[data-step='1']").click()
    phone.locator("[data-step='1']").click()
    expect(groups).to_have_value("3")
    phone.screenshot(path=str(ARTIFACTS / "app-kit-phone-before.png"), full_page=True)
    phone.get_by_test_id("forwarded").click()
    # then she is thanked in place, and it is recorded
    thanks = phone.get_by_test_id("thanks")
    expect(thanks).to_be_visible()
    expect(thanks).to_contain_text("3")
    delivery = Delivery.objects.get(id=kits["today"].id)
    assert delivery.forwarded_groups == 3
    assert delivery.opened_at is not None
    assert phone.url.endswith(f"/app/kits/{delivery.id}/")  # no page load: swapped in place
    phone.screenshot(path=str(ARTIFACTS / "app-kit-phone.png"), full_page=True)


def test_service_worker_takes_control_of_the_app(live_server, phone, kits):
    # given vimla on the app
    _log_in(phone, live_server.url, "vimla")
    # when the page has loaded, then the service worker is installed for /app/
    scope = phone.evaluate(
        """async () => { const reg = await navigator.serviceWorker.ready; return reg.scope; }"""
    )
    assert scope == f"{live_server.url}/app/"
    # and the shell (font included) is cached for offline use
    cached = phone.evaluate(
        """async () => { const names = await caches.keys();
             const shell = names.find(n => n.startsWith('sampark-shell-'));
             const cache = await caches.open(shell);
             return (await cache.keys()).map(r => new URL(r.url).pathname); }"""
    )
    assert "/static/vendor/fonts/noto-sans-devanagari-devanagari-400-normal.woff2" in cached
    assert "/app/offline/" in cached


def test_booth_and_settings_fit_a_small_phone(live_server, phone, kits):
    # given vimla on the app
    _log_in(phone, live_server.url, "vimla")
    for name in ("booth", "settings"):
        # when she opens the page from the bottom bar
        phone.goto(f"{live_server.url}/app/{name}/")
        # then it fits the 360 px screen
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        phone.screenshot(path=str(ARTIFACTS / f"app-{name}-phone.png"), full_page=True)
    expect(phone.get_by_test_id("preference-form")).to_be_visible()


def test_volunteer_reports_her_groups_count_inside_the_app(live_server, phone, booth1):
    # given vimla, who admins one booth group
    group = make_group(booth=booth1, name="बूथ समूह – सूचना", member_count=10)
    volunteer_admin(username="vimla", booth=booth1, group=group)
    _log_in(phone, live_server.url, "vimla")
    # when she opens the Groups tab of the app's bottom bar
    phone.get_by_test_id("tab-groups").click()
    phone.wait_for_url(f"{live_server.url}/app/groups/")
    card = phone.get_by_test_id("group-card")
    expect(card).to_contain_text("बूथ समूह – सूचना")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # and reports 57 members
    phone.get_by_test_id("count-input").fill("57")
    phone.get_by_test_id("count-form").locator("button").click()
    # then the card is answered in place, without leaving the page
    expect(phone.get_by_test_id("member-count")).to_have_text("57")
    expect(phone.get_by_test_id("notice")).to_be_visible()
    assert phone.url == f"{live_server.url}/app/groups/"
    assert Group.objects.get(id=group.id).member_count == 57
    # and "active today" works on the fresh card too
    saved = phone.get_by_test_id("notice").text_content() or ""
    phone.get_by_test_id("attest").click()
    expect(phone.get_by_test_id("notice")).not_to_have_text(saved)
    assert Group.objects.get(id=group.id).last_activity_at is not None
    phone.screenshot(path=str(ARTIFACTS / "app-groups-phone.png"), full_page=True)


def test_volunteer_reports_a_rumour_and_sees_its_answer_arrive(live_server, phone, kits):
    # given vimla on the app
    _log_in(phone, live_server.url, "vimla")
    # when she reports a rumour from the Rumours tab
    phone.get_by_test_id("tab-rumours").click()
    phone.get_by_test_id("report-rumour").click()
    phone.get_by_test_id("tip-text").fill("EVM bluetooth से हैक हो सकती है, सबको भेजो")
    # (our own photo button names the chosen file, in place of the browser's English one)
    phone.get_by_test_id("tip-image").set_input_files(
        {"name": "screenshot.png", "mimeType": "image/png", "buffer": _png()}
    )
    expect(phone.locator("[data-file-name]")).to_have_text("screenshot.png")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(ARTIFACTS / "app-rumour-form-phone.png"), full_page=True)
    phone.get_by_test_id("tip-send").click()
    # then her report's page says it was received and looks for a fact-check
    expect(phone.get_by_test_id("tip-done")).to_be_visible()
    tip = Post.objects.get(source__kind=SourceKind.TIP_FORM)
    assert phone.url == f"{live_server.url}/app/rumours/{tip.id}/"
    expect(phone.get_by_test_id("tip-reply")).to_have_attribute("data-poll", re.compile("/app/"))
    # and when the reply step answers it, the answer appears without reloading the page
    tip.metrics = {
        **(tip.metrics or {}),
        "tip_reply": {
            "state": "sent",
            "text": "🔎 इस दावे की जाँच पहले ही हो चुकी है।\nनतीजा: झूठा",
            "url": "https://www.boomlive.in/fact-check/evm",
            "publisher": "BOOM",
            "lang": "hi",
        },
    }
    tip.save(update_fields=["metrics"])
    expect(phone.get_by_test_id("fact-check-link")).to_be_visible(timeout=10_000)
    expect(phone.get_by_test_id("tip-reply")).not_to_have_attribute("data-poll", re.compile("."))
    assert phone.url == f"{live_server.url}/app/rumours/{tip.id}/"
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(ARTIFACTS / "app-rumour-answer-phone.png"), full_page=True)
