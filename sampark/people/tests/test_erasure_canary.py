"""The erasure canary (issue #12): one person seeded into every table that can hold personal
data, erased, and the whole database dumped: 0 occurrences of their phone or name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from sampark.accounts.enums import Role
from sampark.accounts.models import PhoneCode, User
from sampark.calls.models import Attempt, Campaign, Contact, DoNotCall, Note
from sampark.content.enums import Channel
from sampark.content.models import ChannelPreference, Delivery, PushSubscription
from sampark.content.tests.factories import make_distribution
from sampark.core import audit as core_audit
from sampark.core.models import Task
from sampark.events.models import Event, Registration, Ticket
from sampark.geo.models import Unit
from sampark.groups.models import Group, GroupJoin
from sampark.monitoring.models import ExportUpload, Post, Source
from sampark.notify.models import Notification
from sampark.people import privacy, rights, services
from sampark.people.enums import FlagKind, RequestKind, RequestVia
from sampark.people.models import (
    Assignment,
    ConsentEvent,
    DataRequest,
    ErasedPhone,
    ImportJob,
    Person,
    PhoneVerification,
    PositionKind,
    RightsCode,
    SignupFlag,
)
from sampark.people.tests.factories import PersonFactory
from sampark.warroom.models import Incident, IncidentEvent

PHONE = "+919811122233"
LOCAL = "9811122233"
NAME = "Kanaklata Zzyzx"
NEEDLES = (LOCAL, "98111 22233", NAME, NAME.casefold())


def _dump() -> str:
    """Every row of every table as text (both backends), plus SQLite's own SQL dump."""
    parts: list[str] = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names(cur):
            cur.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            parts.extend(repr(row) for row in cur.fetchall())
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        parts.extend(connection.connection.iterdump())
    return "\n".join(parts)


def _hits(text: str) -> int:
    folded = text.casefold()
    return sum(folded.count(n.casefold()) for n in NEEDLES)


# One piece: the seeding of every table reads as one list, table by table.
def _seed(booth: Unit, bob: User, media: Path) -> tuple[Person, set[str]]:
    seeded: set[str] = set()

    def mark(model: Any) -> None:
        seeded.add(model._meta.db_table)

    person = PersonFactory.create(
        name=NAME, phone=PHONE, email="kanak@example.invalid", home_unit=booth
    )
    mark(Person)
    kind = PositionKind.objects.filter(level="booth").order_by("order").first()
    assert kind is not None
    Assignment.objects.create(person=person, unit=booth, kind=kind)
    mark(Assignment)
    ConsentEvent.objects.create(
        person=person,
        purpose="volunteer_coordination",
        channel="sms",
        action="given",
        notice_version="v1",
        source="test",
    )
    mark(ConsentEvent)
    other = PersonFactory.create(name="Other Person", phone="+919700000077", home_unit=booth)
    SignupFlag.objects.create(
        person=other, kind=FlagKind.PHONE_REUSED, detail=f"was {NAME}", other_person=person
    )
    SignupFlag.objects.create(person=person, kind=FlagKind.EPIC_REUSED, detail="x")
    mark(SignupFlag)
    PhoneVerification.objects.create(
        person=person, code_hash="s$h", expires_at=timezone.now() + dt.timedelta(minutes=5)
    )
    mark(PhoneVerification)
    job = ImportJob.objects.create(
        created_by=bob,
        scope=booth,
        filename="volunteers.csv",
        errors=[{"line": 2, "column": "phone", "value": LOCAL, "reason": f"{NAME} bad"}],
    )
    job.file.save("volunteers.csv", ContentFile(f"name,phone\n{NAME},{LOCAL}\n".encode()))
    mark(ImportJob)
    DataRequest.objects.create(
        person=person,
        unit=booth,
        kind=RequestKind.CORRECTION,
        via=RequestVia.APP,
        detail={"name": NAME},
        due_at=timezone.now(),
    )
    mark(DataRequest)
    RightsCode.objects.create(
        phone_hash=privacy.phone_hash(PHONE), code_hash="s$h", expires_at=timezone.now()
    )
    mark(RightsCode)
    user = User.objects.create_user(
        username=LOCAL, first_name=NAME, email="kanak@example.invalid", unit=booth, person=person
    )
    user.roles.create(role=Role.VOLUNTEER)
    mark(User)
    session = SessionStore()
    session["_auth_user_id"] = str(user.id)
    session["note"] = NAME
    session.create()
    seeded.add("django_session")
    core_audit.record(
        verb="t", object_type="person", object_id=person.id, actor=bob, data={"n": NAME}
    )
    seeded.add("core_auditevent")
    LogEntry.objects.create(
        user=bob,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=str(person.id),
        object_repr=NAME,
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["{NAME}"]}}}}]',
    )
    mark(LogEntry)
    Task.objects.create(name="t", payload={"phone": PHONE}, last_error=f"failed for {NAME}")
    mark(Task)
    group = Group.objects.create(
        booth=booth, platform="whatsapp", name="Booth group", cap=1024, join_token="canary"
    )
    group.admins.add(person)
    seeded.add(Group.admins.through._meta.db_table)
    GroupJoin.objects.create(group=group, person=person)
    mark(GroupJoin)
    ChannelPreference.objects.create(person=person, channel=Channel.SMS)
    mark(ChannelPreference)
    PushSubscription.objects.create(
        person=person, endpoint="https://push.example/canary", p256dh="k", auth="a"
    )
    mark(PushSubscription)
    dist = make_distribution(unit=booth, author=bob)
    Delivery.objects.create(
        distribution=dist,
        person=person,
        channel=Channel.SMS,
        unit_id_at=booth.id,
        last_error=f"number {PHONE} unreachable",
    )
    mark(Delivery)
    source = Source.objects.create(kind="tip_form", name="Tips")
    Post.objects.create(
        source=source,
        platform="tip",
        external_id="1",
        author=PHONE,
        text=f"{NAME} says call 98111 22233",
        posted_at=timezone.now(),
        submitted_by=user,
    )
    mark(Post)
    ExportUpload.objects.create(
        source=source, sha256="0" * 64, filename="chat.zip", report={"senders": [NAME]}
    )
    mark(ExportUpload)
    incident = Incident.objects.create(
        unit=booth, title=f"Rumour about {NAME}", claim=f"call {LOCAL}", origin="tip"
    )
    mark(Incident)
    IncidentEvent.objects.create(incident=incident, kind="note", data={"text": NAME})
    mark(IncidentEvent)
    _seed_later_apps(person, booth, bob, mark)
    return person, seeded


def _seed_later_apps(person: Person, booth: Unit, bob: User, mark: Any) -> None:
    """Phone sign-in, the call centre and events (issues #13-#15)."""
    now = timezone.now()
    PhoneCode.objects.create(
        phone=PHONE, code_hash="s$h", created_at=now, expires_at=now + dt.timedelta(minutes=5)
    )
    mark(PhoneCode)
    campaign = Campaign.objects.create(name="Workshop calls", unit=booth, source="positions")
    contact = Contact.objects.create(campaign=campaign, person=person, unit=booth)
    mark(Contact)
    Attempt.objects.create(contact=contact, agent=bob)
    mark(Attempt)
    Note.objects.create(contact=contact, author=bob, text=f"{NAME} asked to call {LOCAL} later")
    mark(Note)
    DoNotCall.objects.create(phone=PHONE, reason="said so on a call")
    mark(DoNotCall)
    event = Event.objects.create(
        kind="district_workshop",
        title="Workshop",
        unit=booth,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=3),
        public_slug="canary",
    )
    registration = Registration.objects.create(
        event=event, person=person, unit=booth, status="confirmed", source="app"
    )
    mark(Registration)
    Ticket.objects.create(registration=registration, event=event, code="CANARY0001")
    mark(Ticket)
    Notification.objects.create(
        user=bob,
        unit=booth,
        kind="incident",
        signal="incident:canary",
        title=f"Rumour about {NAME}",
        body=f"Tip from {LOCAL}",
    )
    mark(Notification)


def test_it_leaves_no_trace_of_an_erased_person_in_any_table(
    tree, booth1: Unit, bob: User, settings, tmp_path: Path
) -> None:
    # given one person in every table that can hold personal data
    settings.MEDIA_ROOT = str(tmp_path)
    person, seeded = _seed(booth1, bob, tmp_path)
    assert _hits(_dump()) > len(seeded)
    files = list(tmp_path.rglob("*.csv"))
    assert files
    # when they are erased
    report = rights.person_erase(person=person, actor=bob)
    # then a dump of the whole database holds neither their phone nor their name
    dump = _dump()
    hits = _hits(dump)
    print(f"canary: {len(seeded)} tables seeded, {report.total} rows changed, {hits} hits")  # noqa: T201 (the figure for the issue)
    assert len(seeded) >= 30
    assert hits == 0
    assert not any(f.exists() for f in files)
    # and the ledger row survives under the keyed phone hash, with the erasure remembered
    kept = ConsentEvent.objects.get()
    assert kept.person_id is None
    assert kept.phone_hash == privacy.phone_hash(PHONE)
    assert ErasedPhone.objects.filter(phone_hash=kept.phone_hash).exists()


def test_it_refuses_to_create_an_erased_person_again(tree, booth1: Unit, bob: User) -> None:
    # given an erased person
    person = PersonFactory.create(name=NAME, phone=PHONE, home_unit=booth1)
    rights.person_erase(person=person, actor=None)
    # when someone registers the same number again
    with pytest.raises(ValidationError) as err:
        services.person_create(name=NAME, phone=LOCAL, source="walk-in", actor=None)
    # then it is refused
    assert err.value.code == "erased"
    assert not Person.objects.filter(phone=PHONE).exists()
