"""The manager's pages in Debian's chromium under the CSP: a two-step Hindi script written on
the page (its second step added with "Add step", a third added and removed), then a campaign
made with its contact count previewed, started, and its contacts refreshed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from sampark.accounts.models import User
from sampark.calls.models import Campaign, Script
from sampark.people.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/sampark-calls-shots")  # screenshots stay out of the repository


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


def test_manager_writes_a_hindi_script_and_starts_a_campaign(
    live_server: Any, desk: Page, supervisor: User, persons: list[Person]
) -> None:
    errors: list[str] = []
    desk.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    desk.goto(f"{live_server.url}/login/?next=/calls/scripts/new/")
    desk.fill("input[name=username]", "supervisor")
    desk.fill("input[name=password]", "pw")
    desk.click("button[type=submit].primary")
    desk.wait_for_url(f"{live_server.url}/calls/scripts/new/")
    # when the manager writes two steps in Hindi and English: a choice that branches, a number
    desk.fill("[data-testid=script-name]", "कार्यशाला आमंत्रण")
    desk.fill("input[name=s-0-key]", "aana")
    desk.select_option("select[name=s-0-kind]", "single")
    desk.fill("textarea[name=s-0-hi]", "क्या आप कार्यशाला में आएँगे?")
    desk.fill("textarea[name=s-0-en]", "Will you come to the workshop?")
    desk.fill("textarea[name=s-0-options]", "haan | हाँ | Yes | kitne\nnahin | नहीं | No")
    # the new script's page has one step; "Add step" brings the second (HTMX, no page script)
    assert desk.locator("input[name=s-1-key]").count() == 0
    desk.click("[data-testid=script-add-step]")
    desk.wait_for_selector("input[name=s-1-key]")
    assert desk.get_attribute("#script-next-step", "value") == "2"
    desk.fill("input[name=s-1-key]", "kitne")
    desk.select_option("select[name=s-1-kind]", "number")
    desk.fill("textarea[name=s-1-hi]", "आपके साथ कितने लोग आएँगे?")
    desk.fill("textarea[name=s-1-en]", "How many will come with you?")
    desk.fill("input[name=s-1-min]", "0")
    # and a third step added by mistake is removed again; what was typed above stays
    desk.click("[data-testid=script-add-step]")
    desk.wait_for_selector("input[name=s-2-key]")
    desk.click("[data-testid=script-step-remove-2]")
    desk.wait_for_selector("input[name=s-2-key]", state="detached")
    assert desk.input_value("input[name=s-1-key]") == "kitne"
    SHOTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(SHOTS / "script-edit.png"), full_page=True)
    desk.click("[data-testid=script-save]")
    # then the script's page shows version 1 and its preview walks the branch
    desk.wait_for_selector("[data-testid=script-title]")
    assert "v1" in desk.inner_text("[data-testid=script-title]")
    desk.check("[data-testid=preview-step-aana] input[value=nahin]")
    desk.click("[data-testid=script-preview] button[type=submit]")
    desk.wait_for_selector("[data-testid=preview-step-kitne][data-walked=no]")
    script = Script.objects.get(name="कार्यशाला आमंत्रण")
    assert [s["key"] for s in script.versions.get().steps] == ["aana", "kitne"]
    SHOTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(SHOTS / "script.png"), full_page=True)
    # when the manager makes a campaign over the district from consents, with that script
    desk.goto(f"{live_server.url}/calls/campaigns/new/")
    desk.fill("input[name=name]", "कार्यशाला कॉल")
    desk.select_option("select[name=source]", "consent")
    # then the page counts whom it would call (HTMX, no inline script)
    desk.wait_for_selector("[data-testid=campaign-preview-count]")
    assert desk.inner_text("[data-testid=campaign-preview-count]") == "6"
    desk.select_option("select[name=script]", label="कार्यशाला आमंत्रण v1")
    desk.select_option("select[name=mode]", "predictive")
    desk.screenshot(path=str(SHOTS / "campaign-new.png"), full_page=True)
    desk.click("[data-testid=campaign-save]")
    desk.wait_for_selector("[data-testid=campaign-start]")
    # and it is a draft with six contacts, which the manager starts
    assert desk.inner_text("[data-testid=campaign-total]") == "6"
    desk.click("[data-testid=campaign-start]")
    desk.wait_for_selector("[data-testid=campaign-pause]")
    # and "Refresh contacts" finds no one new
    desk.click("[data-testid=campaign-refresh]")
    desk.wait_for_selector("text=0 नए")
    desk.screenshot(path=str(SHOTS / "campaign.png"), full_page=True)
    campaign = Campaign.objects.get(name="कार्यशाला कॉल")
    assert campaign.status == "active"
    assert campaign.mode == "predictive"
    assert campaign.script is not None
    assert campaign.script.script_id == script.id
    assert not [e for e in errors if "Content Security Policy" in e]
