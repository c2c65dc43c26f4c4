"""An in-charge invites the people of a finished import, in Debian's chromium (issue #13): from
the import's page to the invitations page (the import chosen), then the progress page, which
refreshes itself until the invitation is done (the worker's steps run in this process)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from sampark.accounts.models import User
from sampark.content import tasks as content_tasks
from sampark.content.models import Distribution
from sampark.core import tasks as core_tasks
from sampark.core.tests.browser import ARTIFACTS
from sampark.devtools.loopback_msg91 import FakeMsg91
from sampark.geo.models import Unit
from sampark.integrations.channels import reset_channels
from sampark.people.enums import ConsentAction, ConsentPurpose
from sampark.people.models import ConsentEvent, ImportJob, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEY = "browser-msg91-key"
TEMPLATE = "6650f0c1d6fc0512a41b2caa"


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="hi-IN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def msg91(settings: object) -> Iterator[FakeMsg91]:
    templates = {
        "invite": {
            "template_id": TEMPLATE,
            "dlt_te_id": "1107000000000000042",
            "variables": ["unit", "link"],
        }
    }
    with FakeMsg91(auth_key=KEY, templates={TEMPLATE: ["unit", "link"]}) as fake:
        settings.SAMPARK_CHANNELS = {  # type: ignore[attr-defined]
            "sms": {
                "BACKEND": "sampark.integrations.msg91.Msg91",
                "OPTIONS": {"base_url": fake.url, "auth_key": KEY, "templates": templates},
                "RATE": 1000.0,
                "BURST": 50,
            }
        }
        # Whatever the hour the test runs at, no quiet hours (the rules still run per message).
        settings.SAMPARK_QUIET_HOURS = (0, 0)  # type: ignore[attr-defined]
        reset_channels()
        yield fake
    reset_channels()


@pytest.fixture
def finished_import(bob: User, district1: Unit) -> ImportJob:
    """Bob's finished import of three people, two of whom consented to operations SMS."""
    job = ImportJob.objects.create(
        created_by=bob,
        scope=district1,
        filename="volunteers.csv",
        status=ImportJob.Status.DONE,
        rows_total=3,
        rows_created=3,
        finished_at=dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC),
    )
    for i in range(3):
        person = Person.objects.create(
            name=f"आयातित {i}",
            phone=f"+91983{i:07d}",
            source=f"import:{job.id}",
            home_unit=district1,
        )
        if i < 2:
            ConsentEvent.objects.create(
                person=person,
                purpose=ConsentPurpose.OPERATIONS,
                channel="sms",
                action=ConsentAction.GIVEN,
                notice_version="v1",
                source="import",
                at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            )
    return job


def test_an_incharge_invites_an_imports_people_and_watches_it_finish(
    live_server, desk: Page, bob: User, finished_import: ImportJob, msg91: FakeMsg91
) -> None:
    job = finished_import
    # given bob, signed in, on his finished import's page (in Hindi)
    desk.goto(f"{live_server.url}/login/?next=/imports/{job.id}/")
    desk.fill("input[name=username]", "bob")
    desk.fill("input[name=password]", "pw")
    desk.click("button[type=submit].primary")
    desk.wait_for_url(f"{live_server.url}/imports/{job.id}/")
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=str(ARTIFACTS / "people-import-invite-link.png"), full_page=True)
    # when he follows the link to invite these people
    desk.click("[data-testid=invite-link]")
    desk.wait_for_url(f"{live_server.url}/content/invitations/?job={job.id}")
    # then the invitations page has his import chosen
    expect(desk.locator("select[name=job]")).to_have_value(str(job.id))
    # when he sends the invitations by SMS
    desk.select_option("select[name=channel]", "sms")
    desk.click("[data-testid=invite]")
    distribution = Distribution.objects.get(import_job_id=job.id)
    desk.wait_for_url(f"{live_server.url}/content/invitations/{distribution.id}/")
    expect(desk.locator("[data-testid=status]")).not_to_have_class("badge ok")
    # and the worker's steps run: the expansion task, then a batch of sending (which also
    # marks the invitation done when nothing is left to send)
    core_tasks.make_step("browser-test")()
    content_tasks.make_send_step("browser-test")()
    # then the progress page, refreshing itself, shows the invitation done: two sent through
    # MSG91, the one without consent skipped and named
    status = desk.locator("[data-testid=status]")
    expect(status).to_have_class("badge ok", timeout=20_000)
    expect(desk.locator("tr[data-count=sent] td.num")).to_have_text("2")
    expect(desk.locator("tr[data-count=skipped] td.num")).to_have_text("1")
    expect(desk.locator("[data-testid=skipped]")).to_contain_text("आयातित 2")
    assert len(msg91.accepted) == 2
    assert {r.mobiles for r in msg91.accepted} == {"919830000000", "919830000001"}
    desk.screenshot(path=str(ARTIFACTS / "content-invitation-done.png"), full_page=True)
