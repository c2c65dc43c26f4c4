"""Sign-in invitations to the people of an import job (issue #13): the audience from consent,
the send through the outbox to the loopback MSG91, the progress page and its scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client, override_settings

from sampark.accounts.models import User
from sampark.content import expansion, gates, invitations, sending
from sampark.content.enums import Channel, DeliveryStatus, DistributionKind
from sampark.content.models import ChannelPreference, Delivery, Distribution
from sampark.devtools.loopback_msg91 import FakeMsg91
from sampark.geo.models import Unit
from sampark.integrations.channels import reset_channels
from sampark.people.enums import ConsentAction, ConsentPurpose
from sampark.people.models import ConsentEvent, ImportJob, Person
from sampark.rules.enums import HoldReason

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2027, 2, 10, 12, 0, tzinfo=gates.IST)
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KEY = "test-msg91-authkey"


def imported(
    job: ImportJob, n: int, *, consent: str | None = "sms", start: int = 0
) -> list[Person]:
    """`n` people the job created, with operations consent on `consent` (None: none)."""
    people = []
    for i in range(start, start + n):
        person = Person.objects.create(
            name=f"आयातित {i}",
            phone=f"+91982{i:07d}",
            source=f"import:{job.id}",
            home_unit=job.scope,
            date_of_birth=dt.date(1990, 1, 1),
        )
        if consent:
            ConsentEvent.objects.create(
                person=person,
                purpose=ConsentPurpose.OPERATIONS,
                channel=consent,
                action=ConsentAction.GIVEN,
                notice_version="v1",
                source="test",
                at=EPOCH,
            )
        people.append(person)
    return people


@pytest.fixture
def job(district1: Unit, bob: User) -> ImportJob:
    return ImportJob.objects.create(
        created_by=bob,
        scope=district1,
        filename="volunteers.csv",
        status=ImportJob.Status.DONE,
        rows_total=5,
        rows_created=5,
    )


@pytest.fixture
def msg91() -> Iterator[FakeMsg91]:
    templates = {
        "invite": {
            "template_id": "6650f0c1d6fc0512a41b2c99",
            "dlt_te_id": "1107171234567890999",
            "variables": ["unit", "link"],
        }
    }
    with FakeMsg91(auth_key=KEY, templates={"6650f0c1d6fc0512a41b2c99": ["unit", "link"]}) as fake:
        channels = {
            "sms": {
                "BACKEND": "sampark.integrations.msg91.Msg91",
                "OPTIONS": {"base_url": fake.url, "auth_key": KEY, "templates": templates},
                "RATE": 1000.0,
                "BURST": 50,
            }
        }
        with override_settings(SAMPARK_CHANNELS=channels):
            yield fake
        reset_channels()


def test_expansion_takes_the_jobs_people_by_consent_and_skips_the_rest(
    bob: User, job: ImportJob, district1: Unit
) -> None:
    # given 3 imported people with operations consent by SMS, 2 without any consent, one of
    # the consenting connected on Telegram with Telegram consent, and someone another job made
    people = imported(job, 3) + imported(job, 2, consent=None, start=3)
    ChannelPreference.objects.create(person=people[0], telegram_chat_id="555")
    ConsentEvent.objects.create(
        person=people[0],
        purpose=ConsentPurpose.OPERATIONS,
        channel=Channel.TELEGRAM,
        action=ConsentAction.GIVEN,
        notice_version="v1",
        source="test",
        at=EPOCH,
    )
    Person.objects.create(name="अन्य", phone="+919830000001", source="import:999")
    # when bob invites the job's people by SMS and the invitation expands
    distribution = invitations.invitation_create(actor=bob, job_id=job.id, channel="sms")
    total = expansion.expand(distribution_id=distribution.id)
    # then the five people of the job have rows: Telegram for the connected one, SMS for two,
    # and the two without consent skipped (never queued)
    assert total == 5
    rows = {d.person_id: d for d in Delivery.objects.filter(distribution=distribution)}
    assert rows[people[0].id].channel == Channel.TELEGRAM
    assert [rows[p.id].status for p in people[1:3]] == [DeliveryStatus.QUEUED] * 2
    assert {rows[p.id].status for p in people[3:]} == {DeliveryStatus.SKIPPED}
    assert rows[people[3].id].hold_reason == HoldReason.NO_CONSENT
    counts = invitations.progress(distribution=distribution)
    assert (counts.queued, counts.skipped, counts.total) == (3, 2, 5)
    assert distribution.kind == DistributionKind.INVITE
    assert distribution.purpose == ConsentPurpose.OPERATIONS


def test_invitations_leave_by_msg91_within_the_template_and_rules(
    bob: User, job: ImportJob, msg91: FakeMsg91
) -> None:
    # given two consenting imported people, one of whom withdraws after the expansion
    people = imported(job, 2)
    distribution = invitations.invitation_create(actor=bob, job_id=job.id, channel="sms")
    expansion.expand(distribution_id=distribution.id)
    ConsentEvent.objects.create(
        person=people[1],
        purpose=ConsentPurpose.OPERATIONS,
        channel=Channel.SMS,
        action=ConsentAction.WITHDRAWN,
        notice_version="v1",
        source="test",
        at=EPOCH + dt.timedelta(days=1),
    )
    # when the existing sender runs at noon
    with time_machine.travel(NOON, tick=True):
        sending.Sender(owner="t", channels=["sms"]).send_batch(channel="sms")
    # then one SMS left through MSG91's "invite" template with the unit and the sign-in link,
    # and the withdrawn one was blocked by the rules at send time (a withdrawal is an opt-out)
    [record] = msg91.accepted
    assert record.template_id == "6650f0c1d6fc0512a41b2c99"
    assert record.mobiles == people[0].phone.lstrip("+")
    assert record.variables["link"].endswith("/login/phone/")
    counts = invitations.progress(distribution=distribution)
    assert (counts.sent, counts.blocked, counts.queued) == (1, 1, 0)
    blocked = Delivery.objects.get(distribution=distribution, person=people[1])
    assert blocked.hold_reason == HoldReason.OPTED_OUT


def test_the_page_starts_an_invitation_and_shows_progress(
    client: Client, bob: User, job: ImportJob
) -> None:
    # given a finished import of two people, one without consent
    imported(job, 1)
    imported(job, 1, consent=None, start=1)
    client.force_login(bob)
    client.cookies["django_language"] = "hi"
    # when bob picks the job and SMS on the invitations page
    listing = client.get("/content/invitations/")
    response = client.post("/content/invitations/", {"job": job.id, "channel": "sms"})
    distribution = Distribution.objects.get(import_job=job)
    expansion.expand(distribution_id=distribution.id)
    page = client.get(response["Location"])
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    # then the job was offered, the progress page counts and lists the skipped person, in Hindi,
    # and the HTMX fragment refreshes itself
    assert "volunteers.csv" in listing.content.decode()
    assert response.status_code == 302
    html = page.content.decode()
    assert "आयातित 1" in html
    assert "छोड़े गए: संचालन संदेशों के लिए सहमति नहीं" in html
    assert '<tr data-count="skipped"><td>छोड़ा गया (सहमति नहीं)</td><td class="num">1</td>' in html
    assert 'hx-trigger="every 5s"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_invitations_stay_off_the_kit_distributions_list(
    client: Client, bob: User, job: ImportJob
) -> None:
    # given an invitation sent to a finished import
    imported(job, 1)
    client.force_login(bob)
    client.post("/content/invitations/", {"job": job.id, "channel": "sms"})
    distribution = Distribution.objects.get(import_job=job)
    # when bob opens the kits' distributions page
    html = client.get("/content/distributions/").content.decode()
    # then the invitation is not listed there (its kit page would be a 404), and the page links
    # to the invitations page instead
    assert f"/content/distributions/{distribution.id}/" not in html
    assert 'data-testid="invitations-link"' in html


def test_outsiders_get_404_for_the_job_and_the_progress_page(
    client: Client, bob: User, job: ImportJob, district2: Unit
) -> None:
    # given bob's invitation, and an in-charge of another district
    from conftest import make_user
    from sampark.accounts.enums import Role

    imported(job, 1)
    distribution = invitations.invitation_create(actor=bob, job_id=job.id, channel="email")
    dave = make_user("dave", district2, Role.DISTRICT_INCHARGE)
    client.force_login(dave)
    # when dave opens bob's progress page and tries to invite bob's job
    page = client.get(f"/content/invitations/{distribution.id}/")
    post = client.post("/content/invitations/", {"job": job.id, "channel": "sms"})
    # then neither exists for him, and nothing new was queued
    assert page.status_code == 404
    assert post.status_code == 404
    assert Distribution.objects.filter(import_job=job).count() == 1


def test_an_unknown_channel_or_unfinished_job_is_refused(bob: User, job: ImportJob) -> None:
    # given a job still running
    from django.http import Http404

    running = ImportJob.objects.create(scope=job.scope, filename="x.csv")
    # when bob invites with WhatsApp, or the running job
    # then the first is a user error and the second does not exist
    with pytest.raises(invitations.InvitationError):
        invitations.invitation_create(actor=bob, job_id=job.id, channel="whatsapp")
    with pytest.raises(Http404):
        invitations.invitation_create(actor=bob, job_id=running.id, channel="sms")
