"""The in-charge's side of a drive: the page, the poster, targets, and the volunteer's
personal link in the app."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation

from conftest import make_user
from sampark.accounts.enums import Role
from sampark.core.models import AuditEvent
from sampark.geo.models import RecruitmentTarget, Unit
from sampark.people.models import Person
from sampark.recruit import links, poster
from sampark.recruit.models import Referral

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_drive_page_shows_link_qr_and_children(bob, district1):
    # when bob opens his district's drive
    response = _client(bob).get(f"/recruit/units/{district1.id}/")
    # then the join link, its QR and a row per AC are there
    assert response.status_code == 200
    assert links.join_token(unit_id=district1.id) in response.text
    assert "<svg" in response.text
    acs = Unit.objects.filter(level="ac", district=district1).count()
    assert response.text.count('data-testid="drive-row"') == acs


def test_recruit_home_goes_to_own_unit(bob, district1):
    response = _client(bob).get("/recruit/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/recruit/units/{district1.id}/")


def test_outsider_gets_404_everywhere(bob, district2):
    client = _client(bob)
    assert client.get(f"/recruit/units/{district2.id}/").status_code == 404
    assert client.get(f"/recruit/units/{district2.id}/poster.pdf").status_code == 404
    response = client.post(f"/recruit/units/{district2.id}/target/", {"volunteers": "10"})
    assert response.status_code == 404
    assert not RecruitmentTarget.objects.exists()


def test_volunteer_may_not_run_a_drive(charlie):
    assert charlie.unit is not None
    assert _client(charlie).get(f"/recruit/units/{charlie.unit.id}/").status_code == 403


def test_target_is_set_audited_and_shown(bob, district1):
    # given an AC of bob's district
    ac = Unit.objects.filter(level="ac", district=district1).order_by("number").first()
    assert ac is not None
    client = _client(bob)
    # when bob sets its target
    response = client.post(
        f"/recruit/units/{ac.id}/target/",
        {"volunteers": "40", "due": "2027-01-31", "back": str(district1.id)},
    )
    # then it is saved, audited and shown on the district's drive with its progress
    assert response.status_code == 302
    target = RecruitmentTarget.objects.get(unit=ac)
    assert (target.volunteers, target.due) == (40, dt.date(2027, 1, 31))
    assert AuditEvent.objects.filter(verb="geo.target_set", object_id=ac.id).exists()
    page = client.get(f"/recruit/units/{district1.id}/")
    assert 'value="40"' in page.text
    # and an empty target removes it
    client.post(f"/recruit/units/{ac.id}/target/", {"volunteers": ""})
    assert not RecruitmentTarget.objects.filter(unit=ac).exists()


@pytest.mark.parametrize(
    ("value", "_case"), [("0", "zero"), ("-5", "negative"), ("abc", "text"), ("1e99", "huge")]
)
def test_bad_target_is_refused_without_500(bob, district1, value, _case):
    response = _client(bob).post(f"/recruit/units/{district1.id}/target/", {"volunteers": value})
    assert response.status_code == 302, _case
    assert not RecruitmentTarget.objects.exists()


def test_target_shows_on_the_dashboard(bob, district1):
    # given a target on bob's district
    _client(bob).post(f"/recruit/units/{district1.id}/target/", {"volunteers": "25"})
    # when the coverage dashboard opens
    response = _client(bob).get(f"/units/{district1.id}/")
    # then the recruitment card counts against it
    assert response.status_code == 200
    assert 'data-testid="recruitment"' in response.text
    assert "25" in response.text
    assert f"/recruit/units/{district1.id}/" in response.text


def test_poster_is_a_pdf_with_the_hindi_name(bob, district1):
    # when bob downloads his district's poster
    response = _client(bob).get(f"/recruit/units/{district1.id}/poster.pdf")
    # then it is a PDF
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # and its page names the unit in Hindi whatever the reader's language
    with translation.override("en"):
        html = poster.poster_html(unit=district1)
    assert "जिला 1" in html
    assert "बूथ स्वयंसेवक बनें" in html


def test_app_shows_my_link_and_my_count(tree, booth1):
    # given a volunteer on booth 1 and one person their link brought
    me = Person.objects.create(name="राम", phone="+919812345601", home_unit=booth1)
    user = make_user("ram", booth1, Role.VOLUNTEER)
    user.person = me
    user.save()
    brought = Person.objects.create(name="श्याम", phone="+919812345602")
    Referral.objects.create(person=brought, referrer=me, unit=booth1)
    # when they open "bring a volunteer"
    response = _client(user).get("/app/invite/")
    # then their personal link (booth + them) and the count are shown
    assert response.status_code == 200
    assert links.join_token(unit_id=booth1.id, referrer_id=me.id) in response.text
    assert 'data-testid="referral-count"' in response.text
    assert ": 1" in response.text
