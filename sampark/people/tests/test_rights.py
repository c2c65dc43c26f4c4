"""The data principal's rights: requests, download, correction, withdrawal, the public code,
the grievance queue's scope, the admin delete and the retention step."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sampark.accounts.models import User
from sampark.core.env import DEMO_ERASURE_KEY
from sampark.devtools.demo import privacy as privacy_demo
from sampark.geo.models import Unit
from sampark.monitoring.models import Post, Source
from sampark.people import rights
from sampark.people.enums import ConsentAction, RequestKind, RequestStatus, RequestVia
from sampark.people.models import ConsentEvent, DataRequest, Person
from sampark.people.sms import locmem
from sampark.people.tasks import make_privacy_step
from sampark.people.tests.factories import ConsentEventFactory


def test_it_answers_a_download_with_json_and_csv(sita: Person) -> None:
    # given a person with a consent
    ConsentEventFactory.create(person=sita)
    # when they download their data
    raw = rights.export_zip(data=rights.download(person=sita, via=RequestVia.APP))
    # then the zip holds their data as JSON and CSV, and the request is done
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        data = json.loads(zf.read("data.json"))
        assert "person.csv" in zf.namelist()
    assert data["person"][0]["phone"] == sita.phone
    assert len(data["consents"]) == 1
    req = DataRequest.objects.get(kind=RequestKind.ACCESS)
    assert req.status == RequestStatus.DONE
    assert req.due_at - req.received_at == dt.timedelta(days=90)


def test_it_records_a_withdrawal_in_the_ledger_without_deleting(sita: Person) -> None:
    # given a person who gave consent
    ConsentEventFactory.create(person=sita, action=ConsentAction.GIVEN)
    # when they withdraw
    rights.withdraw_all(person=sita, via=RequestVia.PUBLIC)
    # then the ledger has both rows, the latest a withdrawal
    rows = list(ConsentEvent.objects.filter(person=sita).order_by("id"))
    assert [r.action for r in rows] == [ConsentAction.GIVEN, ConsentAction.WITHDRAWN]


def test_it_applies_a_correction_of_the_name(sita: Person) -> None:
    # when the person corrects their name
    rights.correct(person=sita, changes={"name": "Sita Devi"}, via=RequestVia.APP)
    # then it is saved and recorded
    sita.refresh_from_db()
    assert sita.name == "Sita Devi"
    assert DataRequest.objects.get().kind == RequestKind.CORRECTION


def test_it_lets_a_person_in_by_sms_code_only(client: Client, sita: Person, settings) -> None:
    # given an SMS channel
    settings.SAMPARK_SMS = {"BACKEND": "sampark.people.sms.locmem", "OPTIONS": {}}
    locmem.outbox.clear()
    url = reverse("rights:my_data")
    # when the person asks for a code and types a wrong one
    client.post(url, {"phone": "9812345610"})
    code = locmem.outbox[-1].text.split("is ")[1][:6]
    wrong = "000000" if code != "000000" else "111111"
    client.post(url, {"phone": "9812345610", "code": wrong})
    # then the page still asks; with the right code it shows their data
    assert client.get(url).context["person"] is None
    client.post(url, {"phone": "9812345610", "code": code})
    assert client.get(url).context["person"] == sita
    response = client.post(reverse("rights:download", args=["json"]))
    assert json.loads(response.content)["person"][0]["name"] == sita.name


def test_it_sends_no_sms_to_an_unknown_number(client: Client, tree, settings) -> None:
    # given an SMS channel
    settings.SAMPARK_SMS = {"BACKEND": "sampark.people.sms.locmem", "OPTIONS": {}}
    locmem.outbox.clear()
    # when a number nobody holds asks for a code
    response = client.post(reverse("rights:my_data"), {"phone": "9700000099"})
    # then the answer looks the same, and no SMS went out
    assert "code_form" in response.context
    assert locmem.outbox == []


def test_it_publishes_the_grievance_officer(client: Client, tree, settings) -> None:
    # given an officer in the settings
    settings.SAMPARK_GRIEVANCE_OFFICER = {"NAME": "Asha Rao", "EMAIL": "g@x.in", "PHONE": "1800"}
    # when anyone opens the privacy page
    response = client.get(reverse("rights:privacy"))
    # then the contact is shown
    assert b"Asha Rao" in response.content


def test_it_forbids_the_queue_to_a_role_without_the_capability(
    client: Client, bob: User, sita: Person
) -> None:
    # given a request of a person in bob's district; bob is no grievance officer
    req = rights.erasure_ask(person=sita, via=RequestVia.APP)
    client.force_login(bob)
    # when he opens it or closes it, then his role is refused (it is in his area)
    assert client.get(reverse("people:request", args=[req.id])).status_code == 403
    assert client.post(reverse("people:request", args=[req.id]), {"done": "1"}).status_code == 403
    assert Person.objects.filter(id=sita.id).exists()


def test_it_hides_requests_outside_the_officers_area(
    client: Client, alice: User, charlie: User, sita: Person
) -> None:
    # given an erasure request of a person in District 1, and charlie (District 2) a handler
    req = rights.erasure_ask(person=sita, via=RequestVia.APP)
    charlie.roles.create(role="state_head")
    client.force_login(charlie)
    # when charlie opens it, then it does not exist for him
    assert client.get(reverse("people:request", args=[req.id])).status_code == 404
    # and the state head can carry it out
    client.force_login(alice)
    client.post(reverse("people:request", args=[req.id]), {"done": "1", "outcome": ""})
    assert not Person.objects.filter(id=sita.id).exists()
    assert DataRequest.objects.get(id=req.id).status == RequestStatus.DONE


def test_it_erases_instead_of_deleting_in_the_admin(client: Client, tree, sita: Person) -> None:
    # given a superuser and a person with a consent
    ConsentEventFactory.create(person=sita)
    admin = User.objects.create_superuser("root", password="pw")
    client.force_login(admin)
    # when the superuser deletes the person in the admin
    url = reverse("admin:people_person_delete", args=[sita.id])
    client.post(url, {"post": "yes"})
    # then the person is erased and the ledger row kept
    assert not Person.objects.filter(id=sita.id).exists()
    assert ConsentEvent.objects.filter(person=None).count() == 1


def test_it_clears_old_post_authors_in_batches(tree, booth1: Unit, settings) -> None:
    # given a post older than the retention and a recent one
    settings.SAMPARK_RETENTION_POST_AUTHOR_DAYS = 30
    source = Source.objects.create(kind="tip_form", name="Tips")
    now = timezone.now()
    for i, age in enumerate((40, 5)):
        Post.objects.create(
            source=source,
            platform="tip",
            external_id=str(i),
            author="+919800000001",
            posted_at=now - dt.timedelta(days=age),
        )
    # when the privacy step runs twice
    with time_machine.travel(now, tick=False):
        step = make_privacy_step("t")
        first, second = step(), step()
    # then only the old author is gone, and the second run changes nothing
    assert sorted(Post.objects.values_list("author", flat=True)) == ["", "+919800000001"]
    assert (first, second) == (1, 0)


def test_it_refuses_to_erase_with_the_demo_key_outside_the_demo(sita: Person, settings) -> None:
    # given production settings still holding the public demo erasure key
    settings.SAMPARK_ERASURE_KEY = DEMO_ERASURE_KEY
    settings.DEBUG = settings.SAMPARK_DEMO = False
    # when an erasure is asked, then it is refused and the person kept
    with pytest.raises(ValidationError):
        rights.person_erase(person=sita, actor=None)
    assert Person.objects.filter(id=sita.id).exists()


def test_it_loads_demo_requests_with_one_overdue(tree, booth1: Unit) -> None:
    # given demo persons
    for i in range(3):
        Person.objects.create(name=f"D {i}", phone=f"+91980000010{i}", source="demo")
    # when the demo loader runs twice
    made = privacy_demo.load(rng=random.Random(1))
    again = privacy_demo.load(rng=random.Random(1))
    # then six requests exist, one erasure past its deadline
    assert (made, again) == (6, 0)
    overdue = DataRequest.objects.filter(status=RequestStatus.RECEIVED, due_at__lt=timezone.now())
    assert overdue.count() == 1
