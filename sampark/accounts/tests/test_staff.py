"""Staff accounts managed by in-charges (issue #13): scoped, roles below one's own, audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_user
from sampark.accounts import staff
from sampark.accounts.enums import Role
from sampark.accounts.models import RoleGrant, User
from sampark.core.models import AuditEvent
from sampark.geo.models import Unit


@pytest.fixture
def analyst1(district1: Unit) -> User:
    """A war-room analyst of District 1."""
    return make_user("asha", district1, Role.ANALYST)


@pytest.fixture
def analyst2(district2: Unit) -> User:
    """A war-room analyst of District 2 (outside bob's area)."""
    return make_user("arun", district2, Role.ANALYST)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_lists_only_the_staff_of_the_area(bob, analyst1, analyst2, charlie):
    # when bob opens the page
    page = _client(bob).get("/account/staff/")
    # then he sees District 1's analyst only: not District 2's, not himself, not volunteers
    assert page.status_code == 200
    assert f'data-testid="staff-{analyst1.id}"'.encode() in page.content
    assert f'data-testid="staff-{analyst2.id}"'.encode() not in page.content
    assert f'data-testid="staff-{bob.id}"'.encode() not in page.content


def test_it_creates_a_staff_account_with_a_one_time_link(bob, district1):
    # when bob creates a call-centre agent on his district
    page = _client(bob).post(
        "/account/staff/",
        {
            "username": "agent7",
            "name": "Kavita",
            "email": "",
            "role": Role.CALL_AGENT,
            "unit": district1.id,
        },
    )
    # then the account exists without a password, with the role, and a set-password link shows
    assert page.status_code == 200
    assert b'data-testid="set-password-link"' in page.content
    user = User.objects.get(username="agent7")
    assert (user.unit_id, user.role_names) == (district1.id, {Role.CALL_AGENT})
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(verb="user.staff_created", actor=bob).exists()


@pytest.mark.parametrize(
    ("role", "unit_name"),
    [
        pytest.param(Role.DISTRICT_INCHARGE, "district1", id="own_rank_role_case"),
        pytest.param(Role.VOLUNTEER, "district1", id="position_role_case"),
        pytest.param(Role.ANALYST, "district2", id="unit_outside_case"),
    ],
)
def test_it_refuses_roles_not_below_and_units_outside(bob, role, unit_name, request):
    # given a role bob may not give or a unit outside his area
    unit = request.getfixturevalue(unit_name)
    # when he tries to create the account, then 400 and nothing is made
    page = _client(bob).post(
        "/account/staff/",
        {"username": "x1", "name": "X", "email": "", "role": role, "unit": unit.id},
    )
    assert page.status_code == 400
    assert not User.objects.filter(username="x1").exists()


def test_the_outsiders_account_does_not_exist_for_him(bob, analyst2, alice):
    # when bob opens, deactivates or resets District 2's analyst, or alice's account
    client = _client(bob)
    for target in (analyst2, alice):
        # then every one is a 404
        assert client.get(f"/account/staff/{target.id}/").status_code == 404
        assert (
            client.post(f"/account/staff/{target.id}/active/", {"active": "0"}).status_code == 404
        )
        assert client.post(f"/account/staff/{target.id}/reset/").status_code == 404
    analyst2.refresh_from_db()
    assert analyst2.is_active


def test_it_changes_deactivates_and_resets(bob, analyst1, district1, tree):
    # given an AC of bob's district and an analyst with an authenticator
    ac = Unit.objects.filter(level="ac", district=district1).order_by("id").first()
    assert ac is not None
    TOTPDevice.objects.create(user=analyst1, name="authenticator", confirmed=True)
    client = _client(bob)
    # when bob moves her to the AC as a call supervisor
    moved = client.post(
        f"/account/staff/{analyst1.id}/", {"role": Role.CALL_SUPERVISOR, "unit": ac.id}
    )
    assert moved.status_code == 302
    analyst1.refresh_from_db()
    assert analyst1.unit_id == ac.id
    assert set(RoleGrant.objects.filter(user=analyst1).values_list("role", flat=True)) == {
        Role.CALL_SUPERVISOR
    }
    # and deactivates, then resets her
    client.post(f"/account/staff/{analyst1.id}/active/", {"active": "0"})
    analyst1.refresh_from_db()
    assert not analyst1.is_active
    reset = client.post(f"/account/staff/{analyst1.id}/reset/")
    assert b'data-testid="set-password-link"' in reset.content
    assert not TOTPDevice.objects.filter(user=analyst1).exists()
    # then each step left an audit row by bob
    verbs = set(AuditEvent.objects.filter(actor=bob).values_list("verb", flat=True))
    assert {"user.staff_changed", "user.staff_deactivated", "user.staff_reset"} <= verbs


def test_a_role_without_the_capability_gets_403(charlie):
    # when a volunteer opens the page, then 403
    assert _client(charlie).get("/account/staff/").status_code == 403


def test_grantable_roles_are_below_ones_own(alice, bob, charlie):
    # then the state head and a district in-charge give staff roles; a volunteer none
    assert staff.grantable_roles(actor=alice) == [
        Role.ANALYST,
        Role.CALL_SUPERVISOR,
        Role.CALL_AGENT,
    ]
    assert staff.grantable_roles(actor=bob) == [
        Role.ANALYST,
        Role.CALL_SUPERVISOR,
        Role.CALL_AGENT,
    ]
    assert staff.grantable_roles(actor=charlie) == []
