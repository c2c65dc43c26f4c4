"""Two-step verification (issue #12): required for roles that may see phones, export, approve or
manage; TOTP set up with a QR code, static backup codes for a lost phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_user
from sampark.accounts import services
from sampark.accounts.enums import Role
from sampark.accounts.models import User
from sampark.accounts.signin import MFA_ROLES, needs_mfa
from sampark.core.models import AuditEvent

T0 = dt.datetime(2026, 3, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def mfa_on(settings):
    settings.SAMPARK_REQUIRE_MFA = True


def code_for(user: User) -> str:
    device = TOTPDevice.objects.filter(user=user).latest("id")
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def log_in(client: Client, username: str = "alice", password: str = "pw") -> Any:
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.status_code
    return response


def enrol(client: Client, user: User) -> list[str]:
    """Set up an authenticator through the pages; return the backup codes shown."""
    page = client.get("/account/mfa/setup/")
    assert page.status_code == 200
    response = client.post("/account/mfa/setup/", {"token": code_for(user), "next": "/"})
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.STATE_HEAD, True),
        (Role.DISTRICT_INCHARGE, True),
        (Role.PC_INCHARGE, True),
        (Role.AC_INCHARGE, True),
        (Role.MANDAL_INCHARGE, True),  # sees phones
        (Role.SECTOR_INCHARGE, True),  # manages people and groups
        (Role.ANALYST, True),  # manages listening and fact-checks
        (Role.CALL_SUPERVISOR, False),
        (Role.CALL_AGENT, False),
        (Role.VOLUNTEER, False),
    ],
)
def test_who_needs_mfa_follows_the_role(mfa_on, tree, role, expected):
    user = make_user(f"u-{role}", tree.state, role)
    assert needs_mfa(user) is expected
    assert (role in MFA_ROLES) is expected


def test_superusers_need_mfa_and_nobody_does_when_it_is_off(settings, tree):
    admin = make_user("root", tree.state)
    admin.is_superuser = True
    settings.SAMPARK_REQUIRE_MFA = True
    assert needs_mfa(admin) is True
    settings.SAMPARK_REQUIRE_MFA = False
    assert needs_mfa(admin) is False


def test_after_the_password_a_required_user_must_set_up_mfa(client, mfa_on, alice):
    # given the state head logs in with her password
    log_in(client)
    # when she opens the dashboard
    response = client.get("/", follow=True)
    # then she lands on the set-up page, with a QR code and the key to type
    assert response.redirect_chain[0][0] == "/account/mfa/verify/?next=%2F"
    assert response.redirect_chain[-1][0] == "/account/mfa/setup/?next=%2F"
    assert b'data-testid="qr"' in response.content
    assert b"<svg" in response.content
    # and the API refuses her too
    api = client.get("/api/accounts/me")
    assert api.status_code == 403
    assert "Two-step verification" in api.json()["detail"]


def test_enrolment_then_every_log_in_asks_for_the_code(client, mfa_on, alice):
    with time_machine.travel(T0, tick=False) as clock:
        # given alice sets up her authenticator after her password
        log_in(client)
        codes = enrol(client, alice)
        # then she has ten backup codes, the pages open, and it is audited
        assert len(codes) == 10
        assert client.get("/account/").status_code == 200
        assert AuditEvent.objects.filter(verb="user.mfa_enrolled", object_id=alice.id).exists()
        # when she logs in again later
        client.logout()
        clock.shift(dt.timedelta(minutes=5))
        log_in(client)
        assert client.get("/warroom/")["Location"] == "/account/mfa/verify/?next=%2Fwarroom%2F"
        # then a wrong code is refused
        wrong = client.post("/account/mfa/verify/", {"token": "000000", "next": "/warroom/"})
        assert wrong.status_code == 200
        assert client.get("/account/").status_code == 302
        # and the right code opens the page she asked for
        clock.shift(dt.timedelta(minutes=1))
        right = client.post("/account/mfa/verify/", {"token": code_for(alice), "next": "/warroom/"})
        assert right["Location"] == "/warroom/"
        assert client.get("/account/").status_code == 200


def test_a_code_is_good_once(client, mfa_on, alice):
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client)
        enrol(client, alice)
        used = code_for(alice)
        client.logout()
        clock.shift(dt.timedelta(seconds=5))  # same 30-second step: the same code
        log_in(client)
        response = client.post("/account/mfa/verify/", {"token": used})
        assert response.status_code == 200


def test_a_backup_code_logs_in_once(client, mfa_on, alice):
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client)
        codes = enrol(client, alice)
        for attempt in ("first", "second"):
            client.logout()
            clock.shift(dt.timedelta(minutes=2))
            log_in(client)
            response = client.post("/account/mfa/verify/", {"token": codes[0].upper()})
            if attempt == "first":
                assert response["Location"] == "/"
            else:
                assert response.status_code == 200
    assert services.mfa_verify(user=alice, token=codes[1]) is not None
    assert AuditEvent.objects.filter(verb="user.backup_code_used").count() == 2


def test_roles_without_sensitive_capabilities_are_not_asked(client, mfa_on, tree):
    make_user("agent", tree.state, Role.CALL_AGENT)
    log_in(client, "agent")
    assert client.get("/account/").status_code == 200


def test_once_set_up_it_is_asked_even_where_not_required(client, settings, alice):
    # given MFA not required (the demo), and alice sets it up anyway
    settings.SAMPARK_REQUIRE_MFA = False
    with time_machine.travel(T0, tick=False):
        log_in(client)
        client.get("/account/mfa/setup/")
        client.post("/account/mfa/setup/", {"token": code_for(alice)})
        client.logout()
        # when she logs in again, the code is asked for
        log_in(client)
        assert client.get("/")["Location"].startswith("/account/mfa/verify/")


def test_a_password_alone_cannot_replace_the_authenticator(client, mfa_on, alice):
    with time_machine.travel(T0, tick=False):
        log_in(client)
        enrol(client, alice)
        client.logout()
        log_in(client)
        # an attacker with the password only tries to set up their own phone
        response = client.get("/account/mfa/setup/")
        assert response["Location"].startswith("/account/mfa/verify/")
        assert client.post("/account/mfa/backup-codes/")["Location"].startswith(
            "/account/mfa/verify/"
        )
    assert TOTPDevice.objects.filter(user=alice).count() == 1


def test_new_backup_codes_replace_the_old(client, mfa_on, alice):
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client)
        old = enrol(client, alice)
        response = client.post("/account/mfa/backup-codes/")
        new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
        assert len(new) == 10
        assert services.mfa_verify(user=alice, token=old[0]) is None
        clock.shift(dt.timedelta(seconds=2))  # past the throttle of that failure
        assert services.mfa_verify(user=alice, token=new[0]) is not None


def test_htmx_requests_get_a_client_redirect(client, mfa_on, alice):
    log_in(client)
    response = client.get("/warroom/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/account/mfa/verify/")


def test_the_next_parameter_stays_on_this_site(client, mfa_on, alice):
    with time_machine.travel(T0, tick=False) as clock:
        log_in(client)
        enrol(client, alice)
        client.logout()
        clock.shift(dt.timedelta(minutes=2))
        log_in(client)
        response = client.post(
            "/account/mfa/verify/", {"token": code_for(alice), "next": "https://evil.example/"}
        )
    assert response["Location"] == "/"


def test_the_account_page_shows_the_state(client, alice):
    client.force_login(alice)
    assert b'data-testid="mfa-off"' in client.get("/account/").content


def test_the_set_up_page_speaks_hindi(client, mfa_on, alice):
    log_in(client)
    page = client.get("/account/mfa/setup/", HTTP_ACCEPT_LANGUAGE="hi").content.decode()
    assert "दो-चरण सत्यापन चालू करें" in page
