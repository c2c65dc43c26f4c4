"""My groups inside the app (/app/groups/): the volunteer admin's cards, a member count, a
reset invite link and "active today" answered in place; another booth's group does not exist
for them, and one of their booth that they do not run is refused."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sampark.app.tests.test_kits import _volunteer
from sampark.groups.models import Group, MemberCountReport
from sampark.groups.tests.factories import (
    WA_LINK,
    WA_LINK_2,
    booth_in,
    make_group,
    volunteer_admin,
)

HTMX = {"HX-Request": "true"}
ACTIONS = ("group_count", "group_rotate", "group_attest")


@pytest.fixture
def booth(district1):
    return booth_in(district1)


@pytest.fixture
def group(booth):
    return make_group(booth=booth, name="बूथ 1 – सूचना समूह", member_count=10)


@pytest.fixture
def vimla(booth, group):
    """A booth volunteer of District 1 who admins `group`."""
    return volunteer_admin(username="vimla", booth=booth, group=group)


@pytest.fixture
def outsider(district2):
    """A volunteer of District 2 with a volunteer record: another booth, another district."""
    return _volunteer("ram", booth_in(district2), "Ram", "+919800000077")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_groups_shows_the_groups_i_admin_inside_the_app(vimla, booth, group):
    # given another group on vimla's booth that she does not run
    make_group(booth=booth, name="दूसरा समूह")
    # when she opens "my groups" in the app
    response = _client(vimla).get(reverse("app:groups"))
    html = response.content.decode()
    # then she sees her group only, in the app's shell (no desktop menu)
    assert response.status_code == 200
    assert html.count('data-testid="group-card"') == 1
    assert "बूथ 1 – सूचना समूह" in html
    assert "दूसरा समूह" not in html
    assert 'data-sw="/app/sw.js"' in html
    assert 'class="top"' not in html
    # and every form on the card stays in the app
    for name in ACTIONS:
        assert reverse(f"app:{name}", args=[group.id]) in html
    assert "/groups/" not in html.replace("/app/groups/", "")
    assert f"/join/{group.join_token}/" in html


def test_a_volunteer_without_groups_is_told_whom_to_ask(booth):
    volunteer = volunteer_admin(username="sita", booth=booth)
    html = _client(volunteer).get(reverse("app:groups")).content.decode()
    assert 'data-testid="no-groups"' in html


def test_staff_without_a_person_see_the_note(alice):
    html = _client(alice).get(reverse("app:groups")).content.decode()
    assert 'data-testid="no-person"' in html


def test_count_is_answered_in_place(vimla, group):
    # when vimla reports 42 members from the card (app.js asks for the fragment)
    response = _client(vimla).post(
        reverse("app:group_count", args=[group.id]), {"count": 42}, headers=HTMX
    )
    # then the card comes back with the new count and a thank-you
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<article class="card group" id="group-{group.id}"')
    assert 'data-testid="member-count">42<' in html
    assert 'data-testid="notice"' in html
    assert Group.objects.get(id=group.id).member_count == 42


def test_count_without_javascript_goes_back_to_my_groups(vimla, group):
    client = _client(vimla)
    response = client.post(reverse("app:group_count", args=[group.id]), {"count": 12})
    assert response.status_code == 302
    assert response["Location"] == reverse("app:groups")
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="message"' in page
    assert 'data-testid="member-count">12<' in page


def test_count_above_the_cap_shows_the_error_in_the_card(vimla, group):
    response = _client(vimla).post(
        reverse("app:group_count", args=[group.id]), {"count": 5000}, headers=HTMX
    )
    assert response.status_code == 200
    assert 'data-testid="error"' in response.content.decode()
    assert MemberCountReport.objects.filter(group=group).count() == 1  # the one at creation


def test_rotate_and_attest_from_the_card(vimla, group):
    client = _client(vimla)
    old = group.join_token
    rotated = client.post(
        reverse("app:group_rotate", args=[group.id]), {"invite_link": WA_LINK_2}, headers=HTMX
    )
    attested = client.post(reverse("app:group_attest", args=[group.id]), headers=HTMX)
    group.refresh_from_db()
    assert (rotated.status_code, attested.status_code) == (200, 200)
    assert group.join_token != old
    assert group.invite_link == WA_LINK_2
    assert group.last_activity_at is not None
    assert f"/join/{group.join_token}/" in attested.content.decode()


@pytest.mark.parametrize("name", ACTIONS)
def test_outsider_gets_404_for_another_booths_group(outsider, group, name):
    # given a volunteer of another district who admins nothing here
    # when he posts to one of District 1's group actions
    response = _client(outsider).post(
        reverse(f"app:{name}", args=[group.id]),
        {"count": 5, "invite_link": WA_LINK_2},
        headers=HTMX,
    )
    # then the group does not exist for him, and nothing changed
    assert response.status_code == 404
    assert "सूचना समूह" not in response.content.decode()
    group.refresh_from_db()
    assert (group.member_count, group.invite_link) == (10, WA_LINK)


@pytest.mark.parametrize("name", ACTIONS)
def test_a_group_of_my_booth_that_i_do_not_run_is_refused(vimla, booth, name):
    other = make_group(booth=booth, member_count=3)
    response = _client(vimla).post(
        reverse(f"app:{name}", args=[other.id]), {"count": 9, "invite_link": WA_LINK_2}
    )
    assert response.status_code == 403
    assert Group.objects.get(id=other.id).member_count == 3


def test_the_booth_page_leads_to_my_groups_in_the_app(vimla):
    html = _client(vimla).get(reverse("app:booth")).content.decode()
    assert f'href="{reverse("app:groups")}" data-testid="my-groups"' in html
    assert 'data-testid="tab-groups"' in html
