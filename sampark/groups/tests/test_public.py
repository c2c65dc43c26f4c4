"""The public invite page: no login, consent before the link, rotation, leaving."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sampark.groups import services
from sampark.groups.models import GroupJoin
from sampark.groups.tests.factories import WA_LINK, WA_LINK_2, booth_in, make_group
from sampark.people.enums import ConsentAction
from sampark.people.models import ConsentEvent

FORM = {"name": "Ramesh", "phone": "98123 45610", "adult": "on", "consent": "on"}


@pytest.fixture
def group(district1):
    return make_group(booth=booth_in(district1), name="बूथ 1 – सूचना समूह")


def test_join_page_shows_the_group_and_not_the_link(client, group):
    response = client.get(reverse("join:page", args=[group.join_token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "बूथ 1 – सूचना समूह" in html
    assert 'data-testid="notice"' in html
    assert WA_LINK not in html


def test_join_with_consent_shows_the_link(client, group):
    response = client.post(reverse("join:page", args=[group.join_token]), FORM)
    html = response.content.decode()
    assert WA_LINK in html
    event = ConsentEvent.objects.get()
    assert (event.action, event.source) == (ConsentAction.GIVEN, f"invite:{group.id}")
    assert GroupJoin.objects.filter(group=group).count() == 1


def test_join_via_qr_is_recorded(client, group):
    client.post(reverse("join:page", args=[group.join_token]), {**FORM, "via": "qr"})
    assert GroupJoin.objects.get().via == "qr"


@pytest.mark.parametrize(
    "missing", [pytest.param("adult", id="minor_case"), pytest.param("consent", id="consent_case")]
)
def test_no_link_without_age_and_consent(client, group, missing):
    data = {k: v for k, v in FORM.items() if k != missing}
    response = client.post(reverse("join:page", args=[group.join_token]), data)
    assert WA_LINK not in response.content.decode()
    assert not ConsentEvent.objects.exists()


def test_rotation_makes_the_old_join_link_404(client, bob, group):
    old = group.join_token
    services.invite_rotate(group_id=group.id, invite_link=WA_LINK_2, actor=bob)
    group.refresh_from_db()
    assert client.get(reverse("join:page", args=[old])).status_code == 404
    response = client.post(reverse("join:page", args=[group.join_token]), FORM)
    assert WA_LINK_2 in response.content.decode()


def test_archived_group_join_page_is_404(client, bob, group):
    services.group_archive(group_id=group.id, actor=bob)
    assert client.get(reverse("join:page", args=[group.join_token])).status_code == 404


def test_unknown_token_is_404(client, db):
    assert client.get("/join/no-such-token/").status_code == 404


def test_leave_withdraws_and_answers_the_same_for_strangers(client, group):
    client.post(reverse("join:page", args=[group.join_token]), FORM)
    url = reverse("join:leave", args=[group.join_token])
    member = client.post(url, {"phone": "9812345610"})
    stranger = client.post(url, {"phone": "9876500000"})
    assert member.status_code == stranger.status_code == 200
    assert 'data-testid="left"' in member.content.decode()
    assert 'data-testid="left"' in stranger.content.decode()
    assert ConsentEvent.objects.latest("id").action == ConsentAction.WITHDRAWN
    assert GroupJoin.objects.get().left_at is not None
