from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from sampark.accounts.models import User
from sampark.devtools.synthetic import Tree
from sampark.people import services as people_services
from sampark.people.enums import ConsentAction, ConsentChannel, ConsentPurpose
from sampark.people.models import Person
from sampark.results import services, tasks
from sampark.results.models import Brief, BriefSend
from sampark.results.tests.fixtures import write_files

# 07:30 IST on a weekday, outside quiet hours.
MORNING = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def loaded(tree: Tree, tmp_path: Path) -> Tree:
    write_files(tree, tmp_path)
    services.import_results(data_dir=tmp_path, party="BJP")
    with time_machine.travel(MORNING - dt.timedelta(days=1)):
        services.refresh_strength(state="UP")
    return tree


def _consenting(user: User) -> User:
    person = Person.objects.create(
        name="Wakeeta", phone="+919876500001", date_of_birth=dt.date(1980, 1, 1), source="test"
    )
    people_services.consent_record(
        person=person,
        purpose=ConsentPurpose.VOLUNTEER_COORDINATION,
        channel=ConsentChannel.EMAIL,
        action=ConsentAction.GIVEN,
        notice_version="v1",
        source="test",
        at=MORNING - dt.timedelta(days=30),
    )
    user.person = person
    user.email = f"{user.username}@example.org"
    user.save()
    return user


def test_worker_writes_one_brief_a_day_and_mails_it_once(loaded: Tree, alice: User) -> None:
    # given the state head subscribed, with an address and consent to e-mail
    _consenting(alice)
    services.subscribe_brief(user=alice)
    tasks._briefed.clear()
    # when the worker runs at 07:30 IST, twice (a restart)
    with time_machine.travel(MORNING, tick=False):
        tasks.run_once()
        tasks._briefed.clear()
        tasks.run_once()
    # then one brief with a PDF, one e-mail with the PDF attached
    brief = Brief.objects.get()
    assert bytes(brief.pdf or b"").startswith(b"%PDF")
    assert brief.data["strength"]["booths"] == 16
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    assert BriefSend.objects.get().status == "sent"


def test_no_brief_before_seven_and_held_mail_without_consent(loaded: Tree, bob: User) -> None:
    # given a district in-charge subscribed with an address but no person record
    bob.email = "bob@example.org"
    bob.save()
    services.subscribe_brief(user=bob)
    tasks._briefed.clear()
    # when the worker runs at 06:30 IST / then nothing is written
    with time_machine.travel(MORNING - dt.timedelta(hours=1), tick=False):
        tasks.run_once()
    assert not Brief.objects.exists()
    # when it runs at 07:30 / then the brief is written and the e-mail held with the reason
    with time_machine.travel(MORNING, tick=False):
        tasks.run_once()
    assert Brief.objects.get().unit_id == bob.unit_id
    send = BriefSend.objects.get()
    assert (send.status, send.reason) == ("held", "no person record to check consent")
    assert mail.outbox == []


def test_brief_pages_show_own_briefs_only(
    loaded: Tree, alice: User, bob: User, client: Client
) -> None:
    # given a brief written for the district in-charge
    client.force_login(bob)
    with time_machine.travel(MORNING, tick=False):
        response = client.post(reverse("results:brief_now"))
    day = Brief.objects.get().day.isoformat()
    # when he opens it and its PDF / then both answer
    assert response.status_code == 302
    page = client.get(reverse("results:brief_day", kwargs={"day": day}))
    assert page.status_code == 200
    assert b"District 1" in page.content
    pdf = client.get(reverse("results:brief_pdf", kwargs={"day": day}))
    assert pdf.content.startswith(b"%PDF")
    # and the state head, another role and unit, finds no brief of that day (404)
    client.force_login(alice)
    assert client.get(reverse("results:brief_day", kwargs={"day": day})).status_code == 404
    assert client.get(reverse("results:brief_day", kwargs={"day": "not-a-day"})).status_code == 404
