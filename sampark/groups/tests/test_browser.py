"""A citizen joins a booth group from a phone (Debian's chromium): the Hindi notice first, the
invite link only after consent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from sampark.core.tests.browser import ARTIFACTS
from sampark.groups.tests.factories import booth_in, make_group
from sampark.people.enums import ConsentAction, ConsentPurpose
from sampark.people.models import ConsentEvent

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="hi-IN",
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_citizen_joins_with_consent_on_a_phone(live_server, phone: Page, district1) -> None:
    # given a booth group with an invite page
    group = make_group(booth=booth_in(district1), name="बूथ 1 – सूचना समूह")
    phone.goto(f"{live_server.url}/join/{group.join_token}/")
    phone.wait_for_function("document.fonts.status === 'loaded'")
    # then the page reads in Hindi with the web font, and hides the link
    assert phone.evaluate("document.fonts.check('16px \"Noto Sans Devanagari\"', 'समूह')")
    assert phone.locator("[data-testid=invite-link]").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "groups-join-phone.png"), full_page=True)
    # when the citizen gives name, number, age and consent
    phone.fill("input[name=name]", "रमेश कुमार")
    phone.fill("input[name=phone]", "98765 43210")
    phone.check("input[name=adult]")
    phone.check("input[name=consent]")
    phone.click("[data-testid=join-form] button[type=submit]")
    # then the link appears and the consent is on the ledger
    link = phone.locator("[data-testid=invite-link]")
    link.wait_for()
    assert link.get_attribute("href") == group.invite_link
    event = ConsentEvent.objects.get(person__phone="+919876543210")
    assert event.purpose == ConsentPurpose.GROUP_MEMBERSHIP
    assert event.action == ConsentAction.GIVEN
    phone.screenshot(path=str(ARTIFACTS / "groups-joined-phone.png"), full_page=True)
