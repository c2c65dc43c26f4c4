"""People pages: list, detail, add, HTMX verify/end, OTP and consent forms."""

from __future__ import annotations

import re
from typing import Any

from django.test import override_settings
from django.urls import reverse

from sampark.people import services
from sampark.people.enums import AssignmentStatus, VerifyMethod
from sampark.people.models import Assignment, ConsentEvent, Person, SignupFlag
from sampark.people.tests.factories import PersonFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_list_renders_devanagari_names_with_masked_phones(client, tree, dave, sita, pending):
    client.force_login(dave)
    response = client.get(reverse("people:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "सीता देवी" in page
    assert "98xxxxxx10" in page
    assert "98123 45610" not in page


def test_list_shows_phones_to_bob(client, tree, bob, sita, pending):
    client.force_login(bob)
    page = client.get(reverse("people:list")).content.decode()
    assert "98123 45610" in page
    assert "WhatsApp pramukh" in page


def test_list_is_paginated_with_bounded_queries(
    client, tree, bob, booth1, booth2, django_assert_max_num_queries
):
    # given 60 people on District 1's booths, each with a position
    kinds = ["booth_president", "whatsapp_pramukh", "bla_liaison", "outreach_volunteer"]
    booths = tree.booths[:8]
    for i in range(60):
        person = PersonFactory.create(name=f"व्यक्ति {i}", home_unit=booths[i % 8])
        if i < 32:
            services.assignment_create(
                person=person, unit=booths[i % 8], kind_code=kinds[i // 8], actor=bob
            )
    client.force_login(bob)
    # when the first and second pages are read
    with django_assert_max_num_queries(9):
        first = client.get(reverse("people:list"))
    with django_assert_max_num_queries(9):
        second = client.get(reverse("people:list"), {"page": 2})
    # then 50 + 10 rows, with a pager
    assert len(first.context["rows"]) == 50
    assert len(second.context["rows"]) == 10
    assert "page=2" in first.content.decode()


def test_list_filters_by_status_and_unit(client, tree, bob, booth1, booth2, sita, pending):
    verified_person = PersonFactory.create(name="Verified One", home_unit=booth2)
    a = services.assignment_create(
        person=verified_person, unit=booth2, kind_code="booth_president", actor=bob
    )
    services.assignment_verify(assignment_id=a.id, actor=bob, method=VerifyMethod.INCHARGE)
    client.force_login(bob)

    def names(**params: Any) -> list[str]:
        response = client.get(reverse("people:list"), params)
        return [row["person"].name for row in response.context["rows"]]

    assert names(status="pending") == ["सीता देवी"]
    assert names(status="verified") == ["Verified One"]
    assert names(unit=booth2.id) == ["Verified One"]
    assert names(q="सीता") == ["सीता देवी"]


def test_list_unit_outside_scope_is_404(client, tree, bob, far_booth):
    client.force_login(bob)
    assert client.get(reverse("people:list"), {"unit": far_booth.id}).status_code == 404


def test_detail_shows_positions_consents_and_flags(
    client, tree, bob, sita, pending, django_assert_max_num_queries
):
    services.consent_record(
        person=sita,
        purpose="volunteer_coordination",
        channel="sms",
        action="given",
        notice_version="v1",
        source="paper form",
        actor=bob,
    )
    services.person_create(name="Gita", phone=sita.phone, source="test", actor=None)
    client.force_login(bob)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:detail", args=[sita.id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "सीता देवी" in page
    assert "paper form" in page
    assert "Phone number already registered" in page
    assert "Gita" in page
    assert reverse("people:verify", args=[pending.id]) in page
    assert 'data-testid="otp-send"' in page


@override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
def test_detail_says_when_otp_is_unavailable(client, tree, bob, sita):
    client.force_login(bob)
    page = client.get(reverse("people:detail", args=[sita.id])).content.decode()
    assert 'data-testid="otp-unavailable"' in page
    assert 'data-testid="otp-send"' not in page


def test_detail_is_404_for_outsiders(client, tree, charlie, bob, sita, far_person):
    client.force_login(charlie)
    assert client.get(reverse("people:detail", args=[sita.id])).status_code == 404
    client.force_login(bob)
    assert client.get(reverse("people:detail", args=[far_person.id])).status_code == 404


def test_volunteer_sees_no_verify_button(client, tree, dave, sita, pending):
    client.force_login(dave)
    page = client.get(reverse("people:detail", args=[sita.id])).content.decode()
    assert reverse("people:verify", args=[pending.id]) not in page


def test_new_form_preselects_the_position(client, tree, bob, booth1):
    client.force_login(bob)
    response = client.get(reverse("people:new"), {"unit": booth1.id, "kind": "whatsapp_pramukh"})
    assert response.status_code == 200
    assert re.search(r'<option value="whatsapp_pramukh"\s+selected>', response.content.decode())


def test_new_form_scope_and_capability(client, tree, bob, charlie, dave, booth1):
    client.force_login(charlie)
    assert client.get(reverse("people:new"), {"unit": booth1.id}).status_code == 404
    client.force_login(dave)
    assert client.get(reverse("people:new"), {"unit": booth1.id}).status_code == 403


def test_new_form_adds_a_volunteer(client, tree, bob, booth1):
    client.force_login(bob)
    url = f"{reverse('people:new')}?unit={booth1.id}"
    response = client.post(
        url,
        {
            "name": "गीता",
            "phone": "९८१२३४५६७७",
            "kind": "bla_liaison",
            "date_of_birth": "1990-02-03",
            "gender": "f",
            "languages": "Hindi, Awadhi",
            "consent": "on",
        },
    )
    person = Person.objects.get(phone="+919812345677")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.id])
    assert person.languages == ["Hindi", "Awadhi"]
    assert person.home_unit_id == booth1.id
    assert Assignment.objects.get(person=person).kind.code == "bla_liaison"
    assert ConsentEvent.objects.filter(person=person, action="given").count() == 2


def test_new_form_shows_the_age_rule(client, tree, bob, booth1):
    client.force_login(bob)
    url = f"{reverse('people:new')}?unit={booth1.id}"
    base = {"name": "Ram", "phone": "9812345677", "kind": "booth_president"}
    minor = client.post(url, {**base, "date_of_birth": "2015-01-01"})
    unknown = client.post(url, base)
    assert minor.status_code == unknown.status_code == 200
    assert "under 18" in str(minor.context["form"].errors["date_of_birth"])
    assert "18 or older" in str(unknown.context["form"].errors["age_confirmed"])
    assert not Person.objects.exists()


def test_verify_htmx_returns_the_row(client, tree, bob, booth1, pending):
    client.force_login(bob)
    url = reverse("people:verify", args=[pending.id])
    response = client.post(url, **HTMX)
    row = response.content.decode()
    assert response.status_code == 200
    assert row.lstrip().startswith(f'<tr id="position-{pending.id}"')
    assert "Verified" in row
    # a second verify loses and says so in the row
    again = client.post(url, **HTMX).content.decode()
    assert "no longer awaiting verification" in again
    booth1.refresh_from_db()
    assert booth1.volunteers == 1


def test_verify_without_htmx_redirects(client, tree, bob, sita, pending):
    client.force_login(bob)
    response = client.post(reverse("people:verify", args=[pending.id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[sita.id])


def test_verify_scope_and_capability(client, tree, charlie, dave, pending):
    client.force_login(charlie)
    assert client.post(reverse("people:verify", args=[pending.id])).status_code == 404
    client.force_login(dave)
    assert client.post(reverse("people:verify", args=[pending.id])).status_code == 403
    assert client.get(reverse("people:verify", args=[pending.id])).status_code == 405


def test_end_htmx(client, tree, bob, pending):
    client.force_login(bob)
    url = reverse("people:end", args=[pending.id])
    missing = client.post(url, {"reason": ""}, **HTMX).content.decode()
    assert "Give a reason" in missing
    ended = client.post(url, {"reason": "moved to Delhi"}, **HTMX).content.decode()
    assert "Ended" in ended
    pending.refresh_from_db()
    assert pending.status == AssignmentStatus.ENDED


def test_otp_pages(client, tree, bob, sita, pending, sms_outbox):
    client.force_login(bob)
    sent = client.post(reverse("people:otp_send", args=[sita.id]), follow=True)
    assert "A code was sent to 98123 45610" in sent.content.decode()
    code = re.search(r"\b(\d{6})\b", sms_outbox[-1].text).group(1)  # type: ignore[union-attr]
    confirmed = client.post(
        reverse("people:otp_confirm", args=[sita.id]), {"code": code}, follow=True
    )
    assert "Phone confirmed" in confirmed.content.decode()
    pending.refresh_from_db()
    assert pending.verify_method == VerifyMethod.OTP


@override_settings(SAMPARK_SMS={"BACKEND": "", "OPTIONS": {}})
def test_otp_send_page_without_sms(client, tree, bob, sita):
    client.force_login(bob)
    page = client.post(reverse("people:otp_send", args=[sita.id]), follow=True).content.decode()
    assert "OTP is not available" in page


def test_consent_form(client, tree, bob, charlie, sita):
    data = {
        "purpose": "events",
        "channel": "email",
        "action": "withdrawn",
        "notice_version": "v3",
        "source": "phone call",
    }
    client.force_login(charlie)
    assert client.post(reverse("people:consent", args=[sita.id]), data).status_code == 404
    client.force_login(bob)
    response = client.post(reverse("people:consent", args=[sita.id]), data, follow=True)
    assert "Consent recorded" in response.content.decode()
    event = ConsentEvent.objects.get(person=sita)
    assert (event.purpose, event.action, event.notice_version) == ("events", "withdrawn", "v3")
    assert not SignupFlag.objects.exists()
