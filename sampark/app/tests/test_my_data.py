"""My data (मेरा डेटा) in the volunteer app (issue #12)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.geo.models import Unit
from sampark.people.enums import ConsentAction, RequestKind
from sampark.people.models import ConsentEvent, DataRequest
from sampark.people.tests.factories import ConsentEventFactory, PersonFactory


def test_a_volunteer_withdraws_consent_and_asks_for_erasure_from_the_app(
    client: Client, booth1: Unit
) -> None:
    # given a volunteer signed in to the app, with a consent on record
    person = PersonFactory.create(name="विमला", phone="+919812340001", home_unit=booth1)
    user = make_user("vimla", booth1, Role.VOLUNTEER)
    user.person = person
    user.save()
    ConsentEventFactory.create(person=person, action=ConsentAction.GIVEN)
    client.force_login(user)
    page = reverse("app:my_data")
    # when she opens My data, withdraws her consent and asks for erasure
    assert client.get(page).status_code == 200
    back = client.post(reverse("rights:withdraw"), {"next": page})
    client.post(reverse("rights:erase"), {"next": page})
    # then she is back on the page, the ledger records the withdrawal, the erasure waits
    assert back["Location"] == page
    latest = ConsentEvent.objects.filter(person=person).order_by("-id").first()
    assert latest is not None
    assert latest.action == ConsentAction.WITHDRAWN
    assert DataRequest.objects.filter(person=person, kind=RequestKind.ERASURE).count() == 1
    client.cookies["django_language"] = "hi"
    assert "मेरा डेटा" in client.get(page).content.decode()
