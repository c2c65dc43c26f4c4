"""Group pages: scope (charlie never sees District 1's groups), volunteers' own groups only,
HTMX card updates, roll-up page numbers and its query budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant
from sampark.groups.models import Group, MemberCountReport
from sampark.groups.tests.factories import (
    WA_LINK_2,
    booth_in,
    make_group,
    make_person,
    volunteer_admin,
)

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def booth(district1):
    return booth_in(district1)


@pytest.fixture
def group(booth):
    return make_group(booth=booth, name="बूथ 1 – सूचना समूह", member_count=10)


@pytest.mark.parametrize(
    ("name", "method"),
    [
        pytest.param("detail", "get", id="detail_case"),
        pytest.param("edit", "get", id="edit_case"),
        pytest.param("count", "post", id="count_case"),
        pytest.param("rotate", "post", id="rotate_case"),
        pytest.param("attest", "post", id="attest_case"),
        pytest.param("archive", "post", id="archive_case"),
        pytest.param("export", "post", id="export_case"),
    ],
)
def test_outsider_gets_404_on_every_group_page(client, charlie, group, name, method):
    client.force_login(charlie)
    url = reverse(f"groups:{name}", kwargs={"booth_group_id": group.id})
    response = getattr(client, method)(url, {"count": 5, "invite_link": WA_LINK_2})
    assert response.status_code == 404
    assert "सूचना समूह" not in response.content.decode()
    assert Group.objects.get(id=group.id).member_count == 10


def test_outsider_gets_404_on_the_unit_page(client, charlie, district1):
    client.force_login(charlie)
    assert client.get(reverse("groups:unit", args=[district1.id])).status_code == 404


def test_volunteer_may_not_open_the_rollup(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("groups:unit", args=[charlie.unit_id])).status_code == 403
    assert client.get(reverse("groups:home"))["Location"] == reverse("groups:mine")


def test_incharge_sees_the_group_page_with_history(client, bob, group):
    client.force_login(bob)
    html = client.get(reverse("groups:detail", args=[group.id])).content.decode()
    assert "बूथ 1 – सूचना समूह" in html
    assert 'data-testid="history"' in html
    assert f"/join/{group.join_token}/" in html


def test_volunteer_admin_updates_only_their_own_group(client, booth, group):
    # given a volunteer admin of `group`, and another group on the same booth
    other = make_group(booth=booth, member_count=3)
    volunteer = volunteer_admin(username="vimla", booth=booth, group=group)
    client.force_login(volunteer)
    # when they report a count on their group through the HTMX card
    response = client.post(
        reverse("groups:count", args=[group.id]), {"count": 42, "back": "mine"}, **HTMX
    )
    # then the card comes back with the new count
    assert response.status_code == 200
    assert 'data-testid="member-count">42<' in response.content.decode()
    assert Group.objects.get(id=group.id).member_count == 42
    # and on the other group of their booth (visible, not theirs) they are refused
    for name in ("count", "rotate", "attest"):
        response = client.post(
            reverse(f"groups:{name}", args=[other.id]), {"count": 9, "invite_link": WA_LINK_2}
        )
        assert response.status_code == 403
    assert Group.objects.get(id=other.id).member_count == 3
    # nor may they edit their own group
    assert client.get(reverse("groups:edit", args=[group.id])).status_code == 403


def test_count_above_cap_shows_the_error_in_the_card(client, bob, group):
    client.force_login(bob)
    response = client.post(reverse("groups:count", args=[group.id]), {"count": 5000}, **HTMX)
    assert response.status_code == 200
    assert 'data-testid="error"' in response.content.decode()
    assert MemberCountReport.objects.filter(group=group).count() == 1


def test_my_groups_lists_the_groups_a_user_admins(client, booth, group):
    # given a user with another role besides volunteer (a booth volunteer is sent to the app)
    admin = volunteer_admin(username="vimla", booth=booth, group=group)
    RoleGrant.objects.create(user=admin, role=Role.CALL_AGENT)
    client.force_login(admin)
    html = client.get(reverse("groups:mine")).content.decode()
    assert html.count('data-testid="group-card"') == 1
    assert "बूथ 1 – सूचना समूह" in html


def test_a_booth_volunteer_is_sent_to_the_phone_app(client, booth, group):
    client.force_login(volunteer_admin(username="vimla", booth=booth, group=group))
    for name in ("groups:home", "groups:mine"):
        assert client.get(reverse(name))["Location"] == reverse("app:groups")


def test_rotate_through_the_page(client, bob, group):
    client.force_login(bob)
    old = group.join_token
    response = client.post(
        reverse("groups:rotate", args=[group.id]), {"invite_link": WA_LINK_2, "back": "detail"}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.join_token != old
    assert group.invite_link == WA_LINK_2


def test_incharge_registers_a_group_on_a_booth(client, bob, booth):
    # given a volunteer living on the booth
    person = make_person(name="Sita")
    person.home_unit = booth
    person.save()
    client.force_login(bob)
    url = reverse("groups:new", args=[booth.id])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "platform": "whatsapp",
            "name": "बूथ 1 – महिला शक्ति",
            "purpose": "women",
            "invite_link": "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv",
            "member_count": "20",
        },
    )
    group = Group.objects.get(name="बूथ 1 – महिला शक्ति")
    assert response["Location"] == reverse("groups:detail", args=[group.id])
    assert (group.booth_id, group.purpose, group.member_count) == (booth.id, "women", 20)


def test_new_group_only_on_a_booth(client, bob, district1):
    client.force_login(bob)
    assert client.get(reverse("groups:new", args=[district1.id])).status_code == 404


def test_edit_sets_admins_and_name(client, bob, booth, group):
    person = make_person(name="Sita")
    person.home_unit = booth
    person.save()
    client.force_login(bob)
    response = client.post(
        reverse("groups:edit", args=[group.id]),
        {"name": "नया नाम", "purpose": "youth", "cap": "500", "admins": [str(person.id)]},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.purpose, group.cap) == ("नया नाम", "youth", 500)
    assert list(group.admins.values_list("id", flat=True)) == [person.id]


def test_export_opens_the_listening_upload(client, bob, group):
    client.force_login(bob)
    response = client.post(reverse("groups:export", args=[group.id]))
    group.refresh_from_db()
    assert group.export_source_id is not None
    assert response["Location"] == reverse("monitoring:group_upload", args=[group.export_source_id])


def test_rollup_page_shows_numbers(client, alice, tree, district1, district2):
    make_group(booth=booth_in(district1), member_count=1500 - 476)
    make_group(booth=booth_in(district2), member_count=300)
    client.force_login(alice)
    html = client.get(reverse("groups:unit", args=[tree.state.id])).content.decode()
    assert 'data-testid="groups">2<' in html
    assert 'data-testid="members">1,324<' in html
    assert html.count('data-testid="child-row"') == 2


def test_rollup_drills_down_with_htmx(client, bob, district1):
    client.force_login(bob)
    response = client.get(reverse("groups:unit", args=[district1.id]), **HTMX)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_rollup_page_query_budget(client, alice, tree, django_assert_max_num_queries):
    # given groups on many booths
    for booth in tree.booths:
        make_group(booth=booth, member_count=10)
    client.force_login(alice)
    client.get(reverse("groups:unit", args=[tree.state.id]))
    # then the state page costs a fixed number of queries, whatever the number of groups
    with django_assert_max_num_queries(12):
        client.get(reverse("groups:unit", args=[tree.state.id]))
    with django_assert_max_num_queries(12):
        client.get(reverse("groups:unit", args=[tree.booths[0].id]))
